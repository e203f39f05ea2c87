# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The decision-making unit of a key account: its contacts' roles, stances
and social styles, who of ours keeps each relationship (the network
breadth), and the daily check of the decision makers not contacted for too
long."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    as_system,
)
from odoo.addons.sale_customer_mgmt.tools import lock_batch

from .res_config_settings import ka_get_param

# scores from 0 to 10 (see _check_ka_contact_scores)
KA_CONTACT_SCORE_FIELDS = ("ka_stake", "ka_involvement")
CRON_BATCH = 200


class ResPartner(models.Model):
    _inherit = "res.partner"
    # Our stored columns form their own prefetch group ("key_account"): reading a
    # partner anywhere in Odoo (its name, an address) does not fetch them;
    # reading one of them fetches the group for the records at hand.

    # the account
    ka_decision_type = fields.Selection(
        [
            ("authoritative", "Authoritative"),
            ("consultative", "Consultative"),
            ("advisory", "Advisory"),
        ],
        string="Decision Type",
        copy=False,
        help="Authoritative: one key person decides, target them. Consultative: "
        "most committee members must be won. Advisory: focus on the most important "
        "issue raised by the advisers.",
        prefetch="key_account",
    )
    ka_network_pair_count = fields.Integer(
        string="Contact Pairs",
        compute="_compute_ka_network",
        store=True,
        help="Number of our-person / their-person pairs in the decision-making unit.",
        prefetch="key_account",
    )
    ka_network_function_count = fields.Integer(
        string="Functions Covered",
        compute="_compute_ka_network",
        store=True,
        help="Number of different functions of their people we are in contact with.",
        prefetch="key_account",
    )
    ka_single_thread = fields.Boolean(
        string="Single-Thread Relationship",
        compute="_compute_ka_network",
        store=True,
        help="A partnership or synergistic account that hangs on one pair of people.",
        prefetch="key_account",
    )
    ka_network_pairs = fields.Text(
        string="Contact Network", compute="_compute_ka_network_pairs"
    )
    # its contacts
    ka_role = fields.Selection(
        [
            ("decision_maker", "Decision Maker"),
            ("rule_maker", "Rule Maker"),
            ("user", "User / Service"),
            ("gatekeeper", "Gatekeeper"),
        ],
        string="DMU Role",
        copy=False,
        index=True,
        prefetch="key_account",
    )
    ka_stance = fields.Selection(
        [
            ("supporter", "Supporter"),
            ("neutral", "Neutral"),
            ("opponent", "Opponent"),
        ],
        string="Stance",
        copy=False,
        help="An opponent is not an enemy: win the neutrals, develop the supporters.",
        prefetch="key_account",
    )
    ka_social_style = fields.Selection(
        [
            ("analytical", "Analytical"),
            ("driver", "Driver"),
            ("amiable", "Amiable"),
            ("expressive", "Expressive"),
        ],
        string="Social Style",
        copy=False,
        prefetch="key_account",
    )
    ka_communication_tips = fields.Text(
        string="Communication Tips", compute="_compute_ka_communication_tips"
    )
    ka_stake = fields.Integer(
        string="Stake",
        copy=False,
        aggregator="avg",
        help="0-10: how much the purchase decision matters to this person.",
        prefetch="key_account",
    )
    ka_involvement = fields.Integer(
        string="Involvement",
        copy=False,
        aggregator="avg",
        help="0-10: how much this person takes part in the purchase decision.",
        prefetch="key_account",
    )
    ka_matrix_position = fields.Selection(
        [
            ("key_player", "Key Player"),
            ("keep_satisfied", "Keep Satisfied"),
            ("keep_informed", "Keep Informed"),
            ("monitor", "Monitor"),
        ],
        string="Stake x Involvement",
        compute="_compute_ka_matrix_position",
        store=True,
        prefetch="key_account",
    )
    ka_owner_id = fields.Many2one(
        "res.users",
        string="Our Relationship Owner",
        copy=False,
        help="The person on our side who keeps the relationship with this contact.",
        prefetch="key_account",
    )
    ka_last_contact_date = fields.Date(
        string="Last Contact", copy=False, prefetch="key_account"
    )
    ka_contact_alert = fields.Boolean(
        string="Contact Overdue",
        compute="_compute_ka_contact_alert",
        search="_search_ka_contact_alert",
        help="Decision maker not contacted for longer than the configured number "
        "of days.",
    )
    ka_contact_alert_date = fields.Date(
        string="Contact To-Do Scheduled On",
        copy=False,
        readonly=True,
        help="When the daily check last scheduled a to-do to contact this "
        "overdue decision maker.",
        prefetch="key_account",
    )
    ka_need_ids = fields.One2many(
        "key.account.need",
        "contact_id",
        string="Needs",
        groups="key_account.group_key_account_user",
    )

    def _ka_dmu_pairs(self):
        """The contacts of this account paired with a person of ours. A list,
        not ``filtered()``: a recordset made by ``filtered()`` prefetches its
        own ids only, so reading a contact field of another prefetch group
        (``function``) would cost a query per account in a batch compute."""
        return [c for c in self.child_ids if c.ka_role and c.ka_owner_id]

    @api.depends(
        "is_key_account",
        "ka_stage_id.code",
        "child_ids.ka_owner_id",
        "child_ids.ka_role",
        "child_ids.function",
    )
    def _compute_ka_network(self):
        for partner in self:
            dmu = partner._ka_dmu_pairs()
            pairs = {(c.ka_owner_id.id, c.id) for c in dmu}
            partner.ka_network_pair_count = len(pairs)
            partner.ka_network_function_count = len(
                {c.function or c.ka_role for c in dmu}
            )
            partner.ka_single_thread = bool(
                partner.is_key_account
                and partner.ka_stage_id.code in ("partnership", "synergistic")
                and len(pairs) <= 1
            )

    @api.depends("child_ids.ka_owner_id", "child_ids.ka_role", "child_ids.function")
    def _compute_ka_network_pairs(self):
        for partner in self:
            dmu = partner._ka_dmu_pairs()
            partner.ka_network_pairs = "\n".join(
                "{} ↔ {}{}".format(
                    contact.ka_owner_id.name,
                    contact.name,
                    f" ({contact.function})" if contact.function else "",
                )
                for contact in dmu
            )

    @api.depends("ka_social_style")
    def _compute_ka_communication_tips(self):
        tips = {
            "analytical": self.env._(
                "Wants facts and data: bring figures, references and written "
                "comparisons; be precise and patient, avoid pressure."
            ),
            "driver": self.env._(
                "Wants brevity and results: be brief, come to the point, show the "
                "outcome and options and let them decide."
            ),
            "amiable": self.env._(
                "Wants relationships and peer references: build trust personally, "
                "show who else uses us, give guarantees and time."
            ),
            "expressive": self.env._(
                "Wants to be heard and likes high-end offers: listen, acknowledge "
                "their ideas and vision, present premium solutions."
            ),
        }
        for partner in self:
            partner.ka_communication_tips = tips.get(partner.ka_social_style, False)

    @api.depends("ka_stake", "ka_involvement", "ka_role")
    def _compute_ka_matrix_position(self):
        for partner in self:
            if not partner.ka_role:
                partner.ka_matrix_position = False
                continue
            high_stake = partner.ka_stake >= 5
            high_involvement = partner.ka_involvement >= 5
            if high_stake and high_involvement:
                partner.ka_matrix_position = "key_player"
            elif high_stake:
                partner.ka_matrix_position = "keep_satisfied"
            elif high_involvement:
                partner.ka_matrix_position = "keep_informed"
            else:
                partner.ka_matrix_position = "monitor"

    @api.constrains(*KA_CONTACT_SCORE_FIELDS)
    def _check_ka_contact_scores(self):
        self._ka_check_score_bounds(KA_CONTACT_SCORE_FIELDS)

    @api.constrains("ka_last_contact_date")
    def _check_ka_last_contact_date(self):
        # today in the user's time zone, or in UTC when that is later
        today = max(fields.Date.context_today(self), fields.Date.today())
        for partner in self:
            if partner.ka_last_contact_date and partner.ka_last_contact_date > today:
                raise ValidationError(
                    self.env._(
                        "The last contact of %(contact)s cannot be in the future "
                        "(%(date)s).",
                        contact=partner.display_name,
                        date=partner.ka_last_contact_date,
                    )
                )

    @api.model
    def _ka_get_contact_alert_days(self):
        return ka_get_param(self.env, "key_account.contact_alert_days")

    def _ka_contact_alert_limit(self):
        today = fields.Date.context_today(self)
        return today - timedelta(days=self._ka_get_contact_alert_days())

    @api.depends("ka_role", "ka_last_contact_date")
    @api.depends_context("date")
    def _compute_ka_contact_alert(self):
        limit = self._ka_contact_alert_limit()
        for partner in self:
            partner.ka_contact_alert = bool(
                partner.ka_role == "decision_maker"
                and (
                    not partner.ka_last_contact_date
                    or partner.ka_last_contact_date < limit
                )
            )

    def _ka_contact_alert_domain(self):
        return [
            ("ka_role", "=", "decision_maker"),
            "|",
            ("ka_last_contact_date", "=", False),
            ("ka_last_contact_date", "<", self._ka_contact_alert_limit()),
        ]

    def _search_ka_contact_alert(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue contacts."))
        domain = self._ka_contact_alert_domain()
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    def _ka_contact_alert_todo_domain(self, activity_type, summary):
        """Overdue decision makers of key accounts without an open to-do to
        contact them (the to-do is the marker of the work done: no second
        to-do while the first is open)."""
        return [
            *self._ka_contact_alert_domain(),
            ("parent_id.is_key_account", "=", True),
            (
                "activity_ids",
                "not any",
                [
                    ("activity_type_id", "=", activity_type.id),
                    ("summary", "=", summary),
                ],
            ),
        ]

    @api.model
    def _cron_ka_contact_alert(self, batch_size=CRON_BATCH):
        """Schedule a to-do for the owner of each overdue decision maker.

        One batch per call: the cron runner commits it and calls again while
        ``_notify_progress`` reports work left. The open to-do marks a contact
        as done, so an interrupted run resumes with the contacts left.

        The batch is claimed with ``lock_batch`` (contacts another worker
        holds are skipped) and stamped (``ka_contact_alert_date``) in the same
        transaction as its to-dos: a worker whose snapshot predates the
        other's commit cannot lock (and do again) the same contacts, it fails
        with a serialization error and its batch is retried at the next run.
        Returns the number of contacts left.
        """
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        summary = self.env._("Contact the decision maker")
        domain = self._ka_contact_alert_todo_domain(activity_type, summary)
        contacts = lock_batch(self, domain, batch_size, order="id")
        if contacts:
            today = fields.Date.context_today(self)
            # read for the whole batch at once (the to-dos' record names too)
            contacts.fetch(
                ["display_name", "ka_owner_id", "ka_last_contact_date", "parent_id"]
            )
            model_id = self.env["ir.model"]._get_id(self._name)
            vals_list = []
            for contact in contacts:
                user = contact.ka_owner_id or contact.parent_id.ka_user_id
                vals_list.append(
                    {
                        "activity_type_id": activity_type.id,
                        "summary": summary,
                        "automated": True,
                        "note": self.env._(
                            "%(contact)s has not been contacted since %(date)s.",
                            contact=contact.display_name,
                            date=contact.ka_last_contact_date or "-",
                        ),
                        "date_deadline": today,
                        "res_model_id": model_id,
                        "res_id": contact.id,
                        "user_id": (user or self.env.user).id,
                    }
                )
            # quick update: the owners find the to-dos among their activities;
            # a daily batch sends no "assigned to you" mail per to-do
            self.env["mail.activity"].with_context(
                mail_activity_quick_update=True
            ).create(vals_list)
            # the stamp is system data, not a user edit
            as_system(contacts).write({"ka_contact_alert_date": today})
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(contacts), remaining=remaining)
        return remaining
