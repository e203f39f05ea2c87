# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

# states in which an entry counts against the yearly limit
COUNTED_STATES = ("registered", "to_approve", "approved")


class KeyAccountGift(models.Model):
    _name = "key.account.gift"
    _description = "Gift and Hospitality Entry"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Description", required=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        required=True,
        index=True,
        domain=[("is_key_account", "=", True)],
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Recipient",
        required=True,
        domain="[('parent_id', '=', partner_id)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Given By",
        default=lambda self: self.env.user,
        required=True,
    )
    date = fields.Date(default=fields.Date.context_today, required=True)
    gift_type = fields.Selection(
        [("gift", "Gift"), ("hospitality", "Hospitality")],
        string="Type",
        default="gift",
        required=True,
    )
    amount = fields.Monetary(required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("registered", "Registered"),
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("refused", "Refused"),
        ],
        default="draft",
        required=True,
        tracking=True,
    )
    justification = fields.Text(
        help="Why the entry should be allowed despite the policy."
    )
    approval_reason = fields.Text(string="Manager's Decision Reason", tracking=True)
    approver_id = fields.Many2one("res.users", readonly=True, tracking=True)
    breach_message = fields.Text(string="Policy Breach", compute="_compute_breach")

    @api.depends(
        "partner_id.ka_gift_policy",
        "partner_id.ka_gift_limit",
        "contact_id",
        "amount",
        "date",
    )
    def _compute_breach(self):
        breaches = self._get_breaches()
        for gift in self:
            gift.breach_message = breaches[gift] or False

    def _get_breach(self):
        """Text explaining how this entry breaks the account's gift policy."""
        self.ensure_one()
        return self._get_breaches()[self]

    def _get_breaches(self):
        """``{gift: text}``: how each entry breaks its account's gift policy
        (empty text when it does not).

        The entries counted against the yearly limits of all the recipients
        are read with one query, whatever the number of entries.
        """
        res = {}
        limited = self.browse()
        for gift in self:
            account = gift.partner_id.commercial_partner_id
            if account.ka_gift_policy == "forbidden":
                res[gift] = self.env._(
                    "%(account)s forbids gifts and hospitality.", account=account.name
                )
            elif account.ka_gift_policy == "limited" and gift.contact_id:
                limited |= gift
            else:
                res[gift] = ""
        if not limited:
            return res
        today = fields.Date.context_today(self)
        years = {gift: (gift.date or today).year for gift in limited}
        # every counted entry of the recipients in those years (subject to the
        # record rules, as the entries a user registers are checked with them)
        counted = self.search_fetch(
            [
                ("contact_id", "in", limited.contact_id.ids),
                ("state", "in", COUNTED_STATES),
                ("date", ">=", f"{min(years.values())}-01-01"),
                ("date", "<=", f"{max(years.values())}-12-31"),
            ],
            ["contact_id", "date", "amount"],
        )
        entries = defaultdict(list)
        for other in counted:
            entries[other.contact_id.id, other.date.year].append(other)
        for gift in limited:
            account = gift.partner_id.commercial_partner_id
            year = years[gift]
            others = [
                other.amount
                for other in entries[gift.contact_id.id, year]
                # the entry itself counts with its current amount
                if other.id != gift._origin.id
            ]
            total = sum(others) + gift.amount
            if float_compare(total, account.ka_gift_limit, precision_digits=2) > 0:
                res[gift] = self.env._(
                    "%(contact)s would receive %(total).2f in %(year)s, above the "
                    "limit of %(limit).2f per person and year.",
                    contact=gift.contact_id.name,
                    total=total,
                    year=year,
                    limit=account.ka_gift_limit,
                )
            else:
                res[gift] = ""
        return res

    @api.constrains("state", "amount", "date", "contact_id", "partner_id")
    def _check_policy(self):
        breaches = self.filtered(lambda g: g.state == "registered")._get_breaches()
        for gift in self:
            if gift.state == "registered":
                breach = breaches[gift]
                if breach:
                    raise ValidationError(
                        self.env._(
                            "This entry breaks the account's gift policy: %(breach)s "
                            "Request a key account manager's approval instead.",
                            breach=breach,
                        )
                    )
            if gift.state == "approved" and not (
                gift.approver_id and gift.approval_reason
            ):
                raise ValidationError(
                    self.env._("An approved entry needs an approver and a reason.")
                )

    @api.constrains("amount")
    def _check_amount(self):
        for gift in self:
            if gift.amount < 0:
                raise ValidationError(self.env._("The amount cannot be negative."))

    def _check_decision_rights(self, vals):
        if vals.get("state") in ("approved", "refused") and not (
            self.env.su
            or self.env.user.has_group("key_account.group_key_account_manager")
        ):
            raise AccessError(
                self.env._("Only a key account manager may approve or refuse entries.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_decision_rights(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_decision_rights(vals)
        return super().write(vals)

    def action_register(self):
        """Record the entry; a policy breach is refused (see _check_policy)."""
        self.write({"state": "registered"})
        return True

    def action_request_approval(self):
        for gift in self:
            if not gift.justification:
                raise UserError(self.env._("Explain why the entry should be approved."))
        self.write({"state": "to_approve"})
        for gift in self:
            gift.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Approve a gift or hospitality entry"),
                user_id=(gift.partner_id.ka_user_id or self.env.user).id,
            )
        return True

    def _check_decision(self):
        if not self.env.user.has_group("key_account.group_key_account_manager"):
            raise AccessError(
                self.env._("Only a key account manager may approve or refuse entries.")
            )
        for gift in self:
            if gift.state != "to_approve":
                raise UserError(
                    self.env._("Only entries waiting for approval can be decided.")
                )
            if not gift.approval_reason:
                raise UserError(self.env._("Give the reason of your decision first."))

    def action_approve(self):
        self._check_decision()
        self.write({"state": "approved", "approver_id": self.env.user.id})
        return True

    def action_refuse(self):
        self._check_decision()
        self.write({"state": "refused", "approver_id": self.env.user.id})
        return True

    def action_reset_draft(self):
        self.filtered(lambda g: g.state in ("refused", "to_approve")).write(
            {"state": "draft"}
        )
        return True
