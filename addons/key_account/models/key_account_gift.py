# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

# states in which an entry counts against the yearly limit
COUNTED_STATES = ("registered", "to_approve", "approved")
# the states an entry may move to from each state (buttons and writes alike);
# a new entry starts as a draft or registered
GIFT_TRANSITIONS = {
    "draft": ("registered", "to_approve"),
    "to_approve": ("approved", "refused", "draft"),
    "refused": ("draft",),
    "registered": (),
    "approved": (),
}
GIFT_INITIAL_STATES = ("draft", "registered")
# written by the system when the state changes, never given in the values of a
# user's create or write: who requested the approval and who decided
GIFT_SYSTEM_FIELDS = {"requester_id", "approver_id"}
# the entry itself, editable while it is a draft (as in the form)
GIFT_CONTENT_FIELDS = {
    "name",
    "partner_id",
    "contact_id",
    "company_id",
    "user_id",
    "date",
    "gift_type",
    "amount",
}


def _filled(text):
    """Whether a text value says something (not only blanks)."""
    return bool(text) and bool(str(text).strip())


class KeyAccountGift(models.Model):
    _name = "key.account.gift"
    _description = "Gift and Hospitality Entry"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "key.account.company.record.mixin",
    ]
    _order = "date desc, id desc"

    name = fields.Char(string="Description", required=True)
    contact_id = fields.Many2one(
        "res.partner",
        string="Recipient",
        required=True,
        check_company=True,
        domain="[('parent_id', '=', partner_id)]",
        help="A contact of the account: the gift policy of the recipient's "
        "company applies.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(string="Given By", required=True)
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
    requester_id = fields.Many2one(
        "res.users",
        string="Requested By",
        readonly=True,
        copy=False,
        tracking=True,
        help="Who asked for the approval: they cannot decide on it.",
    )
    approver_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    breach_message = fields.Text(string="Policy Breach", compute="_compute_breach")
    can_decide = fields.Boolean(
        compute="_compute_can_decide",
        help="The current user may approve or refuse this entry: a key account "
        "manager who neither requested the approval nor gives the gift.",
    )

    @api.depends(
        "partner_id.ka_gift_policy",
        "partner_id.ka_gift_limit",
        "contact_id.commercial_partner_id.ka_gift_policy",
        "contact_id.commercial_partner_id.ka_gift_limit",
        "amount",
        "date",
    )
    def _compute_breach(self):
        breaches = self._get_breaches()
        for gift in self:
            gift.breach_message = breaches[gift] or False

    @api.depends("state", "requester_id", "user_id")
    @api.depends_context("uid")
    def _compute_can_decide(self):
        for gift in self:
            gift.can_decide = (
                gift.state == "to_approve" and not gift._get_decision_error()
            )

    def _get_policy_account(self):
        """The company whose gift policy applies: the recipient's (the
        account's when the recipient is not set yet)."""
        self.ensure_one()
        return (
            self.contact_id.commercial_partner_id
            or self.partner_id.commercial_partner_id
        )

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
            account = gift._get_policy_account()
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
            account = gift._get_policy_account()
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

    @api.constrains("partner_id", "contact_id")
    def _check_recipient(self):
        for gift in self:
            if (
                gift.contact_id
                and gift.contact_id.commercial_partner_id
                != gift.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(account)s: register the "
                        "entry on the recipient's own account, whose gift policy "
                        "applies.",
                        contact=gift.contact_id.display_name,
                        account=gift.partner_id.display_name,
                    )
                )

    def _check_decision_rights(self, vals):
        if vals.get("state") in ("approved", "refused") and not (
            self.env.su
            or self.env.user.has_group("key_account.group_key_account_manager")
        ):
            raise AccessError(
                self.env._("Only a key account manager may approve or refuse entries.")
            )

    def _get_decision_error(self):
        """Why the current user may not decide on this entry (four eyes), or
        an empty string."""
        self.ensure_one()
        user = self.env.user
        if not user.has_group("key_account.group_key_account_manager"):
            return self.env._(
                "Only a key account manager may approve or refuse entries."
            )
        if user == self.requester_id:
            return self.env._(
                "You requested the approval of %(entry)s: another key account "
                "manager decides on it.",
                entry=self.display_name,
            )
        if user == self.user_id:
            return self.env._(
                "You give %(entry)s: another key account manager decides on it.",
                entry=self.display_name,
            )
        return ""

    def _check_system_fields(self, vals):
        system = sorted(GIFT_SYSTEM_FIELDS & set(vals))
        if system and not self.env.su:
            raise UserError(
                self.env._(
                    "%(fields)s are recorded by the system when the approval is "
                    "requested or decided; they cannot be set by hand.",
                    fields=", ".join(
                        self._fields[fname]._description_string(self.env)
                        for fname in system
                    ),
                )
            )

    def _check_write_rules(self, vals):
        """The state machine, the four eyes and the locks of the form, for a
        write by a user (buttons call the same write)."""
        new_state = vals.get("state")
        content = sorted(GIFT_CONTENT_FIELDS & set(vals))
        for gift in self:
            if content and gift.state != "draft":
                raise UserError(
                    self.env._(
                        "%(entry)s is %(state)s: only a draft entry can be changed "
                        "(%(fields)s).",
                        entry=gift.display_name,
                        state=gift._state_label(gift.state),
                        fields=", ".join(
                            self._fields[fname]._description_string(self.env)
                            for fname in content
                        ),
                    )
                )
            if "justification" in vals and gift.state not in ("draft", "to_approve"):
                raise UserError(
                    self.env._(
                        "The justification of %(entry)s can no longer be changed.",
                        entry=gift.display_name,
                    )
                )
            if "approval_reason" in vals:
                error = (
                    gift._get_decision_error()
                    if gift.state == "to_approve"
                    else self.env._(
                        "The decision reason is given while the entry waits for "
                        "approval, by the key account manager who decides."
                    )
                )
                if error:
                    raise UserError(error)
            if "state" not in vals or new_state == gift.state:
                continue
            if new_state not in GIFT_TRANSITIONS.get(gift.state, ()):
                raise UserError(
                    self.env._(
                        "%(entry)s cannot go from %(old)s to %(new)s.",
                        entry=gift.display_name,
                        old=gift._state_label(gift.state),
                        new=gift._state_label(new_state),
                    )
                )
            if new_state == "to_approve" and not _filled(
                vals.get("justification", gift.justification)
            ):
                raise UserError(self.env._("Explain why the entry should be approved."))
            if new_state in ("approved", "refused"):
                error = gift._get_decision_error()
                if error:
                    raise UserError(error)
                if not _filled(vals.get("approval_reason", gift.approval_reason)):
                    raise UserError(
                        self.env._("Give the reason of your decision first.")
                    )

    def _state_label(self, state):
        labels = dict(self._fields["state"]._description_selection(self.env))
        return labels.get(state, str(state)) if isinstance(state, str) else str(state)

    def _get_state_stamps(self, new_state):
        """The system fields that a move to ``new_state`` records."""
        if new_state == "to_approve":
            return {"requester_id": self.env.uid, "approver_id": False}
        if new_state in ("approved", "refused"):
            return {"approver_id": self.env.uid}
        if new_state == "draft":
            return {
                "requester_id": False,
                "approver_id": False,
                "approval_reason": False,
            }
        return {}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_decision_rights(vals)
            self._check_system_fields(vals)
            if self.env.su:
                continue
            if vals.get("state", "draft") not in GIFT_INITIAL_STATES:
                raise UserError(
                    self.env._(
                        "A new entry is a draft or registered; request the approval "
                        "from the entry."
                    )
                )
            if vals.get("approval_reason"):
                raise UserError(
                    self.env._(
                        "The decision reason is given while the entry waits for "
                        "approval, by the key account manager who decides."
                    )
                )
        return super().create(vals_list)

    def write(self, vals):
        self._check_decision_rights(vals)
        self._check_system_fields(vals)
        if not self.env.su:
            self._check_write_rules(vals)
        moving = (
            self.filtered(lambda g: g.state != vals["state"])
            if "state" in vals
            else self.browse()
        )
        stamps = moving._get_state_stamps(vals["state"]) if moving else {}
        if not stamps:
            return super().write(vals)
        # the entries that change state get the stamps, the others not
        if self - moving:
            super(KeyAccountGift, self - moving).write(vals)
        return super(KeyAccountGift, moving).write({**stamps, **vals})

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recorded(self):
        if not self.env.su and self.filtered(lambda g: g.state != "draft"):
            raise UserError(
                self.env._(
                    "Only draft entries can be deleted: the register keeps every "
                    "entry that was registered or submitted for approval."
                )
            )

    def action_register(self):
        """Record the entry; a policy breach is refused (see _check_policy)."""
        self.write({"state": "registered"})
        return True

    def action_request_approval(self):
        for gift in self:
            if not _filled(gift.justification):
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
            error = gift._get_decision_error()
            if error:
                raise UserError(error)
            if not _filled(gift.approval_reason):
                raise UserError(self.env._("Give the reason of your decision first."))

    def action_approve(self):
        """Approve (the write records the approver)."""
        self._check_decision()
        self.write({"state": "approved"})
        return True

    def action_refuse(self):
        """Refuse (the write records who decided)."""
        self._check_decision()
        self.write({"state": "refused"})
        return True

    def action_reset_draft(self):
        self.filtered(lambda g: g.state in ("refused", "to_approve")).write(
            {"state": "draft"}
        )
        return True
