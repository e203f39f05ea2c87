# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, float_compare

from .res_config_settings import ka_get_param

QUADRANTS = [
    ("key", "Key"),
    ("develop", "Develop"),
    ("maintain", "Maintain"),
    ("opportunistic", "Opportunistic"),
]
SUPPLIER_POSITIONS = [
    ("strategic_partner", "Strategic Partner"),
    ("strategic_security", "Strategic Security"),
    ("tactical_profit", "Tactical Profit"),
    ("tactical_convenience", "Tactical Convenience"),
]
KA_GROUP_USER = "key_account.group_key_account_user"
KA_GROUP_MANAGER = "key_account.group_key_account_manager"
# stored fields computed by the ORM, never written by users
KA_COMPUTED_FIELDS = {
    "ka_quadrant",
    "ka_attractiveness_level",
    "ka_advantage_level",
    "ka_attractiveness_bucket",
    "ka_advantage_bucket",
    "ka_supplier_position",
    "ka_single_thread",
    "ka_network_pair_count",
    "ka_network_function_count",
}
# private context key of the stage bookkeeping (the in-stage date): system
# data that the write guard lets through, not a user edit. Its value is a
# Python object, which no RPC client can send (a context arrives as JSON).
KA_STAGE_BOOKKEEPING = "key_account_stage_bookkeeping"
KA_STAGE_BOOKKEEPING_TOKEN = object()
KA_BOOKKEEPING_FIELDS = {"ka_stage_date"}
# scores from 0 to 10 (see _check_ka_scores)
KA_SCORE_FIELDS = (
    "ka_attractiveness",
    "ka_advantage",
    "ka_supplier_importance",
    "ka_spend_share",
    "ka_stake",
    "ka_involvement",
)
CRON_BATCH = 200
LOW_SWITCHING_COST = 2


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "key.account.number.mixin"]

    is_key_account = fields.Boolean(
        string="Key Account", copy=False, tracking=True, index=True
    )
    ka_user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        copy=False,
        tracking=True,
        domain=lambda self: [("groups_id", "in", self.env.ref(KA_GROUP_USER).ids)],
    )
    ka_team_user_ids = fields.Many2many(
        "res.users",
        "key_account_team_user_rel",
        "partner_id",
        "user_id",
        string="Key Account Team",
        copy=False,
        help="Our people working on this account besides the key account manager.",
    )
    ka_stage_id = fields.Many2one(
        "key.account.stage",
        string="Relationship Stage",
        copy=False,
        tracking=True,
        index=True,
        group_expand="_read_group_ka_stage_id",
        help="Where the relationship stands. Every key account has a stage: it "
        "starts in the first one and moves on one stage at a time.",
    )
    ka_stage_code = fields.Selection(related="ka_stage_id.code", string="Stage Code")
    ka_stage_date = fields.Datetime(string="In Stage Since", copy=False, readonly=True)
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
    )
    # -- selection matrix
    ka_rating_ids = fields.One2many(
        "key.account.rating",
        "partner_id",
        string="Factor Ratings",
        groups=KA_GROUP_USER,
    )
    ka_attractiveness = fields.Float(
        string="Attractiveness",
        compute="_compute_ka_scores",
        store=True,
        readonly=False,
        copy=False,
        digits=(16, 2),
        aggregator="avg",
        help="Customer attractiveness 0-10: weighted average of the attractiveness "
        "ratings when the account has some, otherwise entered by hand.",
    )
    ka_advantage = fields.Float(
        string="Relative Advantage",
        compute="_compute_ka_scores",
        store=True,
        readonly=False,
        copy=False,
        digits=(16, 2),
        aggregator="avg",
        help="Our relative advantage 0-10: weighted average of the advantage ratings "
        "when the account has some, otherwise entered by hand.",
    )
    ka_attractiveness_bucket = fields.Integer(
        string="Attractiveness Band",
        compute="_compute_ka_buckets",
        store=True,
        aggregator=None,
        help="Attractiveness rounded down to a whole point, for the portfolio grid.",
    )
    ka_advantage_bucket = fields.Integer(
        string="Advantage Band",
        compute="_compute_ka_buckets",
        store=True,
        aggregator=None,
        help="Relative advantage rounded down to a whole point, for the portfolio "
        "grid.",
    )
    ka_quadrant = fields.Selection(
        QUADRANTS,
        string="Quadrant",
        compute="_compute_ka_quadrant",
        store=True,
        help="High/high: key; high attractiveness, low advantage: develop; "
        "low attractiveness, high advantage: maintain; low/low: opportunistic. A "
        "score equal to the threshold counts as high.",
    )
    # the two axes of the selection matrix, labelled for the portfolio
    ka_attractiveness_level = fields.Selection(
        [("high", "High Attractiveness"), ("low", "Low Attractiveness")],
        string="Attractiveness Level",
        compute="_compute_ka_quadrant",
        store=True,
        help="Customer attractiveness at or above the quadrant threshold is high.",
    )
    ka_advantage_level = fields.Selection(
        [("high", "High Advantage"), ("low", "Low Advantage")],
        string="Advantage Level",
        compute="_compute_ka_quadrant",
        store=True,
        help="Our relative advantage at or above the quadrant threshold is high.",
    )
    ka_supplier_importance = fields.Float(
        string="Our Importance to the Customer",
        copy=False,
        digits=(16, 1),
        help="0-10: how important and risky our supply is for the customer.",
    )
    ka_spend_share = fields.Float(
        string="Customer's Relative Spend",
        copy=False,
        digits=(16, 1),
        help="0-10: how much the customer spends with us relative to its other "
        "purchases.",
    )
    ka_supplier_position = fields.Selection(
        SUPPLIER_POSITIONS,
        string="Supplier Positioning",
        compute="_compute_ka_supplier_position",
        store=True,
        help="How the customer sees us: importance/risk x relative spend.",
    )
    ka_is_candidate = fields.Boolean(
        string="Key Account Candidate",
        compute="_compute_ka_is_candidate",
        search="_search_ka_is_candidate",
        help="Tier A customer that is not a key account yet.",
    )
    # -- stages
    ka_history_ids = fields.One2many(
        "key.account.stage.history",
        "partner_id",
        string="Stage History",
        groups=KA_GROUP_USER,
    )
    ka_checklist_line_ids = fields.One2many(
        "key.account.checklist.line",
        "partner_id",
        string="All Checklist Lines",
        groups=KA_GROUP_USER,
    )
    ka_current_checklist_ids = fields.One2many(
        "key.account.checklist.line",
        "partner_id",
        string="Exit Checklist",
        domain=[("is_current", "=", True)],
        groups=KA_GROUP_USER,
    )
    ka_checklist_progress = fields.Float(
        string="Checklist Progress",
        compute="_compute_ka_checklist_progress",
        groups=KA_GROUP_USER,
    )
    # -- network breadth
    ka_network_pair_count = fields.Integer(
        string="Contact Pairs",
        compute="_compute_ka_network",
        store=True,
        help="Number of our-person / their-person pairs in the decision-making unit.",
    )
    ka_network_function_count = fields.Integer(
        string="Functions Covered",
        compute="_compute_ka_network",
        store=True,
        help="Number of different functions of their people we are in contact with.",
    )
    ka_single_thread = fields.Boolean(
        string="Single-Thread Relationship",
        compute="_compute_ka_network",
        store=True,
        help="A partnership or synergistic account that hangs on one pair of people.",
    )
    ka_network_pairs = fields.Text(
        string="Contact Network", compute="_compute_ka_network_pairs"
    )
    # -- gift policy
    ka_gift_policy = fields.Selection(
        [("allowed", "Allowed"), ("forbidden", "Forbidden"), ("limited", "Limited")],
        string="Gift Policy",
        default="allowed",
        copy=False,
        help="The customer's own rules on gifts and hospitality for its staff.",
    )
    ka_gift_limit = fields.Monetary(
        string="Gift Limit per Person and Year",
        currency_field="ka_currency_id",
        copy=False,
    )
    ka_currency_id = fields.Many2one(
        "res.currency", compute="_compute_ka_currency_id", string="KA Currency"
    )
    ka_gift_policy_note = fields.Text(string="Gift Policy Notes")

    # ------------------------------------------------------------------ computes
    @api.model
    def _read_group_ka_stage_id(self, stages, domain):
        return stages.search([])

    @api.model
    def _ka_get_quadrant_threshold(self):
        return ka_get_param(self.env, "key_account.quadrant_threshold")

    @api.depends(
        "ka_rating_ids.rating", "ka_rating_ids.weight", "ka_rating_ids.factor_type"
    )
    def _compute_ka_scores(self):
        for partner in self:
            # sudo: the ratings are restricted to the KA team; the scores are not
            ratings = partner.sudo().ka_rating_ids
            for axis, fname in (
                ("attractiveness", "ka_attractiveness"),
                ("advantage", "ka_advantage"),
            ):
                lines = ratings.filtered(lambda r, axis=axis: r.factor_type == axis)
                if not lines:
                    # no ratings: keep the value entered by hand
                    partner[fname] = partner[fname]
                    continue
                total_weight = sum(lines.mapped("weight"))
                if total_weight:
                    value = sum(r.rating * r.weight for r in lines) / total_weight
                else:
                    value = sum(lines.mapped("rating")) / len(lines)
                partner[fname] = round(value, 2)

    @api.depends("ka_attractiveness", "ka_advantage")
    def _compute_ka_buckets(self):
        for partner in self:
            partner.ka_attractiveness_bucket = min(
                int(math.floor(partner.ka_attractiveness)), 10
            )
            partner.ka_advantage_bucket = min(int(math.floor(partner.ka_advantage)), 10)

    def _ka_is_high(self, value, threshold):
        """Boundary rule: a score equal to the threshold (to 2 decimals) is high."""
        return float_compare(value, threshold, precision_digits=2) >= 0

    @api.depends("ka_attractiveness", "ka_advantage", "is_key_account")
    def _compute_ka_quadrant(self):
        threshold = self._ka_get_quadrant_threshold()
        for partner in self:
            if not (
                partner.is_key_account
                or partner.ka_attractiveness
                or partner.ka_advantage
            ):
                partner.ka_quadrant = False
                partner.ka_attractiveness_level = False
                partner.ka_advantage_level = False
                continue
            high_attr = self._ka_is_high(partner.ka_attractiveness, threshold)
            high_adv = self._ka_is_high(partner.ka_advantage, threshold)
            partner.ka_attractiveness_level = "high" if high_attr else "low"
            partner.ka_advantage_level = "high" if high_adv else "low"
            if high_attr and high_adv:
                partner.ka_quadrant = "key"
            elif high_attr:
                partner.ka_quadrant = "develop"
            elif high_adv:
                partner.ka_quadrant = "maintain"
            else:
                partner.ka_quadrant = "opportunistic"

    @api.depends("ka_supplier_importance", "ka_spend_share")
    def _compute_ka_supplier_position(self):
        threshold = self._ka_get_quadrant_threshold()
        for partner in self:
            if not (partner.ka_supplier_importance or partner.ka_spend_share):
                partner.ka_supplier_position = False
                continue
            important = self._ka_is_high(partner.ka_supplier_importance, threshold)
            big_spend = self._ka_is_high(partner.ka_spend_share, threshold)
            if important and big_spend:
                partner.ka_supplier_position = "strategic_partner"
            elif important:
                partner.ka_supplier_position = "strategic_security"
            elif big_spend:
                partner.ka_supplier_position = "tactical_profit"
            else:
                partner.ka_supplier_position = "tactical_convenience"

    def _ka_candidate_domain(self):
        if "customer_tier_id" not in self._fields:
            return expression.FALSE_DOMAIN
        return [
            ("is_company", "=", True),
            ("is_key_account", "=", False),
            ("customer_tier_id.code", "=", "A"),
        ]

    @api.depends("is_key_account", "is_company")
    @api.depends_context("uid")
    def _compute_ka_is_candidate(self):
        has_tier = "customer_tier_id" in self._fields
        for partner in self:
            partner.ka_is_candidate = bool(
                has_tier
                and partner.is_company
                and not partner.is_key_account
                and partner.customer_tier_id.code == "A"
            )

    def _search_ka_is_candidate(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on key account candidates."))
        domain = self._ka_candidate_domain()
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    @api.depends(
        "ka_stage_id", "ka_checklist_line_ids.done", "ka_checklist_line_ids.is_current"
    )
    def _compute_ka_checklist_progress(self):
        for partner in self:
            items = partner.ka_stage_id.checklist_item_ids
            if not items:
                partner.ka_checklist_progress = 100.0 if partner.ka_stage_id else 0.0
                continue
            missing = partner._ka_missing_checklist_items()
            partner.ka_checklist_progress = (
                100.0 * (len(items) - len(missing)) / len(items)
            )

    @api.depends(
        "is_key_account",
        "ka_stage_id.code",
        "child_ids.ka_owner_id",
        "child_ids.ka_role",
        "child_ids.function",
    )
    def _compute_ka_network(self):
        for partner in self:
            dmu = partner.child_ids.filtered(lambda c: c.ka_role and c.ka_owner_id)
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
            dmu = partner.child_ids.filtered(lambda c: c.ka_role and c.ka_owner_id)
            partner.ka_network_pairs = "\n".join(
                "{} ↔ {}{}".format(
                    contact.ka_owner_id.name,
                    contact.name,
                    f" ({contact.function})" if contact.function else "",
                )
                for contact in dmu
            )

    def _compute_ka_currency_id(self):
        for partner in self:
            partner.ka_currency_id = (
                partner.company_id.currency_id or self.env.company.currency_id
            )

    # ------------------------------------------------------------------ bounds
    @api.constrains(*KA_SCORE_FIELDS)
    def _check_ka_scores(self):
        """The matrix scores are 0-10; so are the stake and involvement of a
        contact."""
        for partner in self:
            for fname in KA_SCORE_FIELDS:
                if not 0 <= partner[fname] <= 10:
                    raise ValidationError(
                        self.env._(
                            "%(field)s of %(partner)s must be between 0 and 10.",
                            field=self._fields[fname]._description_string(self.env),
                            partner=partner.display_name,
                        )
                    )

    @api.constrains("ka_gift_limit")
    def _check_ka_gift_limit(self):
        for partner in self:
            if partner.ka_gift_limit < 0:
                raise ValidationError(
                    self.env._("The gift limit per person cannot be negative.")
                )

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

    # ------------------------------------------------------------------ CRUD
    # A key account always has a relationship stage, and only key accounts
    # have one. Whatever makes a partner a key account (create, write, import
    # through ``load``, the "Make Key Account" button, the upgrade to
    # 18.0.1.1.0) goes through the same two steps: the values get the first
    # stage when they give none (``create``, ``_ka_prepare_stage_write``),
    # then ``_ka_record_stage_change`` opens the "initial" history row and
    # the exit checklist. Any other stage written in the same values passes
    # the stage rules (``_ka_check_stage_change``): a later first stage only
    # by a key account manager with a reason, no skipping afterwards.
    # Clearing the flag clears the stage and closes its history row; the
    # history and the checklist lines stay, and a key account made again
    # starts again in the first stage.
    def _ka_is_manager(self):
        return self.env.su or self.env.user.has_group(KA_GROUP_MANAGER)

    def _ka_check_write_access(self, vals):
        """Key-account fields are read-only outside the key account team.

        The stage bookkeeping written under the private context key
        ``KA_STAGE_BOOKKEEPING`` is system data, not a user edit.
        """
        bookkeeping = (
            self.env.context.get(KA_STAGE_BOOKKEEPING) is KA_STAGE_BOOKKEEPING_TOKEN
        )
        if not self.env.su and not bookkeeping and KA_BOOKKEEPING_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "The date a key account entered its stage is set by the system."
                )
            )
        if self.env.su or self.env.user.has_group(KA_GROUP_USER):
            return
        system = KA_BOOKKEEPING_FIELDS if bookkeeping else set()
        touched = [
            fname
            for fname in vals
            if (fname == "is_key_account" or fname.startswith("ka_"))
            and fname not in KA_COMPUTED_FIELDS
            and fname not in system
        ]
        if touched:
            raise AccessError(
                self.env._(
                    "Only the key account team may change key account data "
                    "(%(fields)s).",
                    fields=", ".join(touched),
                )
            )

    def _ka_not_key_account_error(self):
        return UserError(
            self.env._(
                "Only key accounts have a relationship stage, and %(accounts)s "
                "is not one. Make it a key account: it starts in the first stage.",
                accounts=", ".join(self.mapped("display_name")),
            )
        )

    @api.model
    def _ka_check_stage_value(self, value, stages):
        """Refuse a ``ka_stage_id`` value that is not one of ``stages`` (an
        unknown id, a text...) before the stage rules read it."""
        if not value:
            return
        if isinstance(value, models.BaseModel):
            known = value._name == stages._name and len(value) == 1 and value in stages
        else:
            known = type(value) is int and value in stages.ids
        if not known:
            raise ValidationError(
                self.env._("%(value)s is not a relationship stage.", value=repr(value))
            )

    @api.model_create_multi
    def create(self, vals_list):
        default_flag = self.env.context.get("default_is_key_account")
        flagged = [
            vals
            for vals in vals_list
            if vals.get("is_key_account", default_flag) or vals.get("ka_stage_id")
        ]
        stages = self.env["key.account.stage"]
        if flagged:
            self._ka_check_write_access(
                [
                    fname
                    for fname in ("is_key_account", "ka_stage_id")
                    if any(vals.get(fname) for vals in flagged)
                ]
                or ["is_key_account"]
            )
            stages = stages.search([])
            for vals in flagged:
                self._ka_check_stage_value(vals.get("ka_stage_id"), stages)
                if not vals.get("ka_stage_id"):
                    vals["ka_stage_id"] = stages[:1].id
        partners = super().create(vals_list)
        # read from the cache of the new records: no query for other partners
        accounts = partners.filtered("is_key_account")
        staged = partners.filtered("ka_stage_id")
        if not (accounts or staged):
            return partners
        if staged - accounts:
            raise (staged - accounts)._ka_not_key_account_error()
        stages = stages or stages.search([])
        for partner in staged:
            partner._ka_check_initial_stage(partner.ka_stage_id, stages)
        staged._ka_record_stage_change(
            {partner.id: ("initial", stages.browse()) for partner in staged}
        )
        if accounts - staged:
            # flagged by a default the values did not show (ir.default)
            (accounts - staged).write({"ka_stage_id": stages[:1].id})
        return partners

    def write(self, vals):
        self._ka_check_write_access(vals)
        if "is_key_account" not in vals and "ka_stage_id" not in vals:
            return super().write(vals)
        if "is_key_account" in vals and not vals["is_key_account"]:
            # no longer a key account: the stage goes, its history stays
            if vals.get("ka_stage_id"):
                raise self._ka_not_key_account_error()
            leaving = self.filtered("ka_stage_id")
            res = super().write(dict(vals, ka_stage_id=False, ka_stage_date=False))
            leaving._ka_close_stage_history()
            return res
        events, entering, first = self._ka_prepare_stage_write(vals)
        res = True
        if self - entering:
            res = super(ResPartner, self - entering).write(vals)
        if entering:
            super(ResPartner, entering).write(dict(vals, ka_stage_id=first.id))
        self.filtered(lambda p: p.id in events)._ka_record_stage_change(events)
        return res

    def _ka_prepare_stage_write(self, vals):
        """Check the stage that ``vals`` gives each partner of ``self``.

        ``vals`` sets or keeps the key account flag. Key accounts without a
        stage, and without one in ``vals``, enter the first stage; every
        other change of stage passes :meth:`_ka_check_stage_change`, also
        when the flag is set in the same write.

        :return: ``(events, entering, first)``: the history events by
            partner id (as :meth:`_ka_log_stage_change` takes them), the
            partners entering the first stage, and the first stage
        """
        stages = self.env["key.account.stage"].search([])
        first = stages[:1]
        self._ka_check_stage_value(vals.get("ka_stage_id"), stages)
        new_stage = stages.browse(vals.get("ka_stage_id"))
        accounts = (
            self if vals.get("is_key_account") else self.filtered("is_key_account")
        )
        if new_stage and self - accounts:
            raise (self - accounts)._ka_not_key_account_error()
        events = {}
        entering_ids = []
        for partner in accounts:
            old = partner.ka_stage_id
            if not (new_stage or old):
                if not first:
                    raise UserError(
                        self.env._(
                            "Define the relationship stages before making key "
                            "accounts."
                        )
                    )
                entering_ids.append(partner.id)
                target = first
            elif "ka_stage_id" in vals:
                target = new_stage
            else:
                continue
            if target != old:
                events[partner.id] = (
                    partner._ka_check_stage_change(target, stages),
                    old,
                )
        return events, self.browse(entering_ids), first

    # ------------------------------------------------------------------ stages
    def _ka_check_initial_stage(self, stage, stages=None):
        """A key account starts in the first stage.

        A key account manager may place an existing relationship in a later
        stage, with the reason (``ka_stage_reason`` in the context), which the
        history and the chatter record. The superuser (data files, upgrade
        scripts) gives none.

        :param stages: all the stages in their order, if already read
        """
        if stages is None:
            stages = self.env["key.account.stage"].search([])
        first = stages[:1]
        if stage == first:
            return
        if not self._ka_is_manager():
            raise UserError(
                self.env._(
                    "A new key account starts in stage %(stage)s. Only a key account "
                    "manager may place an existing relationship in a later stage.",
                    stage=first.name,
                )
            )
        if (
            not self.env.su
            and not (self.env.context.get("ka_stage_reason") or "").strip()
        ):
            raise UserError(
                self.env._(
                    "%(account)s would start in stage %(stage)s, not in %(first)s: "
                    "a key account manager places an existing relationship in a "
                    "later stage only with a reason. Start it in %(first)s and "
                    "move it on with Override Checklist, which records the reason.",
                    account=", ".join(self.mapped("display_name")),
                    stage=stage.name,
                    first=first.name,
                )
            )

    def _ka_check_stage_change(self, new_stage, stages=None):
        """Validate moving ``self`` to ``new_stage``; return the event type.

        Forward: only to the next stage, and only with a complete exit checklist
        (or a key account manager's override with a reason). Backward: only as a
        recorded regression or uncoupling with its cause.

        :param stages: all the stages in their order, when the caller checks
            many accounts (read once instead of once per account)
        """
        self.ensure_one()
        ctx = self.env.context
        event = ctx.get("ka_stage_event")
        reason = (ctx.get("ka_stage_reason") or "").strip()
        old = self.ka_stage_id
        if not new_stage:
            raise UserError(
                self.env._(
                    "%(account)s is a key account and keeps a relationship stage. "
                    "To stop managing it as a key account, clear its Key Account "
                    "flag: its stage history is kept.",
                    account=self.display_name,
                )
            )
        if not old:
            self._ka_check_initial_stage(new_stage, stages)
            return "initial"
        if new_stage._is_after(old, stages):
            next_stage = old._get_next_stage(stages)
            if new_stage != next_stage:
                raise UserError(
                    self.env._(
                        "A relationship stage cannot be skipped: %(account)s is in "
                        "stage %(stage)s and can only move on to %(next)s.",
                        account=self.display_name,
                        stage=old.name,
                        next=next_stage.name,
                    )
                )
            missing = self._ka_missing_checklist_items()
            if not missing:
                return "progress"
            if event == "override":
                if not self._ka_is_manager():
                    raise AccessError(
                        self.env._(
                            "Only a key account manager may override the exit "
                            "checklist."
                        )
                    )
                if not reason:
                    raise UserError(
                        self.env._("An override of the exit checklist needs a reason.")
                    )
                return "override"
            raise UserError(
                self.env._(
                    "%(account)s cannot leave stage %(stage)s yet. Missing exit "
                    "criteria:\n%(items)s",
                    account=self.display_name,
                    stage=old.name,
                    items="\n".join(f"- {item.name}" for item in missing),
                )
            )
        if event not in ("regression", "uncoupling") or not reason:
            raise UserError(
                self.env._(
                    "Moving %(account)s back from %(stage)s to %(new_stage)s must be "
                    "recorded as a regression or uncoupling with its cause.",
                    account=self.display_name,
                    stage=old.name,
                    new_stage=new_stage.name,
                )
            )
        return event

    def _ka_missing_checklist_items(self):
        """Active exit-checklist items of the current stage not confirmed yet."""
        self.ensure_one()
        # sudo: the check must see every line, whatever the caller may read
        done_items = (
            self.sudo()
            .ka_checklist_line_ids.filtered(
                lambda line: line.done and line.stage_id == self.ka_stage_id
            )
            .item_id
        )
        return self.ka_stage_id.checklist_item_ids - done_items

    def _ka_log_stage_change(self, events):
        """Close the open history rows and open new ones.

        :param events: ``{partner_id: (event_type, previous_stage)}``
        """
        now = fields.Datetime.now()
        ctx = self.env.context
        History = self.env["key.account.stage.history"]
        self._ka_close_stage_history(now)
        vals_list = []
        for partner in self:
            event, previous = events[partner.id]
            if not partner.ka_stage_id:
                continue
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "stage_id": partner.ka_stage_id.id,
                    "previous_stage_id": previous.id if previous else False,
                    "event_type": event,
                    "reason": ctx.get("ka_stage_reason") or False,
                    "uncoupling_cause": ctx.get("ka_uncoupling_cause") or False,
                    "date_start": now,
                }
            )
        # sudo: the history is system-written and users may only read it; the
        # rows record the change the user was allowed to make (user_id: the
        # user, as sudo keeps the uid)
        History.sudo().create(vals_list)
        # the in-stage date is system data, not a user edit
        res = self.with_context(
            **{KA_STAGE_BOOKKEEPING: KA_STAGE_BOOKKEEPING_TOKEN}
        ).write({"ka_stage_date": now})
        reason = ctx.get("ka_stage_reason")
        for partner in self:
            event, previous = events[partner.id]
            if event in ("override", "regression", "uncoupling") or (
                event == "initial" and reason
            ):
                partner.message_post(
                    body=self.env._(
                        "Stage %(event)s: %(old)s → %(new)s. Reason: %(reason)s",
                        event=dict(
                            History._fields["event_type"]._description_selection(
                                self.env
                            )
                        )[event],
                        old=previous.name or "-",
                        new=partner.ka_stage_id.name or "-",
                        reason=reason or "-",
                    )
                )
        return res

    def _ka_close_stage_history(self, when=None):
        """End the open history rows of ``self``; the rows are kept."""
        # sudo: the bookkeeping of a change the user may make closes every open
        # row, also those of accounts whose history the user may not read
        self.env["key.account.stage.history"].sudo().search(
            [("partner_id", "in", self.ids), ("date_end", "=", False)]
        ).write({"date_end": when or fields.Datetime.now()})

    def _ka_record_stage_change(self, events):
        """Record the stage each partner of ``self`` has just entered: its
        history row and its exit checklist (the one bookkeeping of every path
        that changes a stage or makes a key account).

        :param events: as in :meth:`_ka_log_stage_change`
        """
        if self:
            self._ka_log_stage_change(events)
            self._ka_sync_checklist()

    def _ka_sync_checklist(self):
        """Create the missing checklist lines for the current stage."""
        partners = self.filtered("ka_stage_id")
        if not partners:
            return
        # sudo: the lines are system-written (users only confirm them), and
        # every existing line counts, also those the user may not read
        Line = self.env["key.account.checklist.line"].sudo()
        existing = Line.search_fetch(
            [("partner_id", "in", partners.ids)], ["partner_id", "item_id"]
        )
        have = {(line.partner_id.id, line.item_id.id) for line in existing}
        Line.create(
            [
                {"partner_id": partner.id, "item_id": item.id}
                for partner in partners
                for item in partner.ka_stage_id.checklist_item_ids
                if (partner.id, item.id) not in have
            ]
        )

    # ------------------------------------------------------------------ actions
    def action_ka_advance_stage(self):
        """Move each account one stage forward (exit checklist permitting).

        The accounts going to the same stage are written together: one write
        per stage, not per account.
        """
        stages = self.env["key.account.stage"].search([])
        by_next_stage = defaultdict(lambda: self.browse())
        for partner in self:
            if not partner.ka_stage_id:
                raise UserError(
                    self.env._(
                        "%(account)s has no relationship stage yet.",
                        account=partner.display_name,
                    )
                )
            next_stage = partner.ka_stage_id._get_next_stage(stages)
            if not next_stage:
                raise UserError(
                    self.env._(
                        "%(account)s is already in the last stage.",
                        account=partner.display_name,
                    )
                )
            by_next_stage[next_stage] |= partner
        for next_stage, partners in by_next_stage.items():
            partners.write({"ka_stage_id": next_stage.id})
        return True

    def action_ka_make_key_account(self):
        """Turn candidates into key accounts.

        Writing the flag puts them in the first stage with its history row and
        exit checklist, as a create or an import does. One write per set of
        values (at most two), not per account.
        """
        unmanaged = self.filtered(lambda p: not p.ka_user_id)
        if unmanaged:
            unmanaged.write({"is_key_account": True, "ka_user_id": self.env.user.id})
        if self - unmanaged:
            (self - unmanaged).write({"is_key_account": True})
        return True

    def _ka_open_stage_wizard(self, change_type):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.key_account_stage_change_action"
        )
        action["context"] = {
            "default_partner_id": self.id,
            "default_change_type": change_type,
        }
        return action

    def action_ka_override_stage(self):
        return self._ka_open_stage_wizard("override")

    def action_ka_regress_stage(self):
        return self._ka_open_stage_wizard("regression")

    def action_ka_uncouple(self):
        return self._ka_open_stage_wizard("uncoupling")

    # ------------------------------------------------------------------ hooks
    def _get_escalation_users(self):
        users = super()._get_escalation_users()
        # sudo: the escalation must reach the KA manager whoever raises it
        return users | self.sudo().commercial_partner_id.ka_user_id

    @api.model
    def _ka_recompute_quadrants(self):
        """Recompute the classifications after a change of the threshold."""
        partners = self.with_context(active_test=False).search(
            [
                "|",
                "|",
                ("ka_quadrant", "!=", False),
                ("ka_supplier_position", "!=", False),
                ("is_key_account", "=", True),
            ]
        )
        fnames = [
            "ka_quadrant",
            "ka_attractiveness_level",
            "ka_advantage_level",
            "ka_supplier_position",
        ]
        for fname in fnames:
            self.env.add_to_compute(self._fields[fname], partners)
        partners.flush_recordset(fnames)

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
    )
    ka_communication_tips = fields.Text(
        string="Communication Tips", compute="_compute_ka_communication_tips"
    )
    ka_stake = fields.Integer(
        string="Stake",
        copy=False,
        aggregator="avg",
        help="0-10: how much the purchase decision matters to this person.",
    )
    ka_involvement = fields.Integer(
        string="Involvement",
        copy=False,
        aggregator="avg",
        help="0-10: how much this person takes part in the purchase decision.",
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
    )
    ka_owner_id = fields.Many2one(
        "res.users",
        string="Our Relationship Owner",
        copy=False,
        help="The person on our side who keeps the relationship with this contact.",
    )
    ka_last_contact_date = fields.Date(string="Last Contact", copy=False)
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
    )
    ka_need_ids = fields.One2many(
        "key.account.need",
        "contact_id",
        string="Needs",
        groups="key_account.group_key_account_user",
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

        The contacts of the batch are selected and locked by one query;
        contacts another worker holds are skipped (``SKIP LOCKED``), so two
        workers at once take disjoint batches and never wait for each other.
        The batch is stamped (``ka_contact_alert_date``) in the same
        transaction as its to-dos: a worker whose snapshot predates the
        other's commit cannot lock (and do again) the same contacts, it fails
        with a serialization error and its batch is retried at the next run.
        Returns the number of contacts left.
        """
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        summary = self.env._("Contact the decision maker")
        domain = self._ka_contact_alert_todo_domain(activity_type, summary)
        query = self._search(domain, limit=batch_size, order="id")
        rows = self.env.execute_query(
            SQL(
                "%s FOR NO KEY UPDATE OF %s SKIP LOCKED",
                query.select(),
                SQL.identifier(self._table),
            )
        )
        contacts = self.browse(row[0] for row in rows)
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
            super(ResPartner, contacts).write({"ka_contact_alert_date": today})
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(contacts), remaining=remaining)
        return remaining

    ka_switching_cost = fields.Integer(
        string="Switching Cost",
        compute="_compute_ka_retention",
        help="Number of our product categories the account bought in the last 12 "
        "months (confirmed sales orders): the more lines it uses, the harder it is "
        "to switch.",
    )
    ka_freshness = fields.Integer(
        string="Freshness",
        compute="_compute_ka_retention",
        help="New quotations and completed key-account calls in the last N days "
        "(see the settings).",
    )
    ka_open_complaint_count = fields.Integer(
        string="Open Complaints", compute="_compute_ka_retention"
    )
    ka_at_risk = fields.Boolean(
        string="Account at Risk",
        compute="_compute_ka_retention",
        search="_search_ka_at_risk",
    )
    ka_risk_reasons = fields.Text(
        string="Risk Signals", compute="_compute_ka_retention"
    )
    ka_competitor_notes = fields.Html(
        string="Competitor Notes",
        help="What competitors offer this account and how it sees them.",
    )
    ka_risk_ids = fields.One2many(
        "key.account.risk",
        "partner_id",
        string="Defection Risks",
        groups="key_account.group_key_account_user",
    )

    @api.model
    def _ka_get_freshness_days(self):
        return ka_get_param(self.env, "key_account.freshness_days")

    def _ka_switching_costs(self):
        """Distinct product categories bought in 12 months, per commercial
        partner.

        One grouped query for the whole recordset. Plain SQL: grouping the
        lines by partner and product through the ORM made a record of each of
        the ~30 000 (partner, product) pairs of a 500-account portfolio (the
        'At Risk' filter computes every key account), five times slower.
        The figure covers every confirmed order of the account, also those
        of salespeople whose orders the user cannot open (no record rules),
        like the complaint counts.
        """
        accounts = self.commercial_partner_id
        if not accounts:
            return {}
        self.env["sale.order.line"].flush_model(
            ["order_id", "product_id", "display_type"]
        )
        self.env["sale.order"].flush_model(["partner_id", "state", "date_order"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["categ_id"])
        since = fields.Datetime.now() - relativedelta(months=12)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id, COUNT(DISTINCT tmpl.categ_id)
                  FROM sale_order_line line
                  JOIN sale_order so ON so.id = line.order_id
                  JOIN res_partner partner ON partner.id = so.partner_id
                  JOIN product_product product ON product.id = line.product_id
                  JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                 WHERE partner.commercial_partner_id = ANY(%s)
                   AND so.state = 'sale'
                   AND so.date_order >= %s
                   AND line.display_type IS NULL
              GROUP BY partner.commercial_partner_id
                """,
                accounts.ids,
                since,
            )
        )
        return dict(rows)

    def _ka_freshness_counts(self):
        accounts = self.commercial_partner_id
        if not accounts:
            return {}
        since = fields.Datetime.now() - timedelta(days=self._ka_get_freshness_days())
        counts = defaultdict(int)
        # sudo: counting offers of the whole company, not only the user's own ones
        for partner, count in (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "child_of", accounts.ids),
                    ("create_date", ">=", since),
                    ("state", "!=", "cancel"),
                ],
                ["partner_id"],
                ["__count"],
            )
        ):
            counts[partner.commercial_partner_id.id] += count
        # sudo: likewise, the calls of every salesperson count
        for partner, count in (
            self.env["key.account.call"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", accounts.ids),
                    ("state", "=", "done"),
                    ("date", ">=", since),
                ],
                ["partner_id"],
                ["__count"],
            )
        ):
            counts[partner.id] += count
        return counts

    @api.depends("is_key_account")
    @api.depends_context("uid")
    def _compute_ka_retention(self):
        switching = self._ka_switching_costs()
        freshness = self._ka_freshness_counts()
        complaints = self.commercial_partner_id._get_open_complaint_counts()
        has_churn = "churn_state" in self._fields
        # sudo: the risk register is KA-team data; the flag is shown to everybody
        open_risks = defaultdict(list)
        for risk in (
            self.env["key.account.risk"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "=", "open"),
                ]
            )
        ):
            open_risks[risk.partner_id.id].append(risk)
        for partner in self:
            account = partner.commercial_partner_id
            partner.ka_switching_cost = switching.get(account.id, 0)
            partner.ka_freshness = freshness.get(account.id, 0)
            partner.ka_open_complaint_count = complaints.get(account.id, 0)
            reasons = []
            churn = account.churn_state if has_churn else False
            if churn in ("at_risk", "partial", "lost"):
                reasons.append(
                    self.env._(
                        "Churn state: %(state)s",
                        state=dict(
                            account._fields["churn_state"]._description_selection(
                                self.env
                            )
                        )[churn],
                    )
                )
            if partner.ka_open_complaint_count:
                reasons.append(
                    self.env._(
                        "%(count)s open complaint(s)",
                        count=partner.ka_open_complaint_count,
                    )
                )
            high_risks = [r for r in open_risks[account.id] if r.level == "3"]
            if high_risks:
                reasons.append(
                    self.env._(
                        "%(count)s open high defection risk(s)", count=len(high_risks)
                    )
                )
            if account.is_key_account:
                if partner.ka_switching_cost < LOW_SWITCHING_COST:
                    reasons.append(
                        self.env._(
                            "Low switching cost: buys from %(count)s product "
                            "categories",
                            count=partner.ka_switching_cost,
                        )
                    )
                if not partner.ka_freshness:
                    reasons.append(
                        self.env._(
                            "No new offer or contact in the last %(days)s days",
                            days=self._ka_get_freshness_days(),
                        )
                    )
            # a structural weakness alone (low switching cost or staleness) is a
            # warning; two signals or any hard signal make the account at risk
            hard = bool(churn in ("at_risk", "partial", "lost")) or bool(
                partner.ka_open_complaint_count or high_risks
            )
            partner.ka_at_risk = hard or len(reasons) >= 2
            partner.ka_risk_reasons = "\n".join(reasons) or False

    def _search_ka_at_risk(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on accounts at risk."))
        accounts = self.search([("is_key_account", "=", True)])
        at_risk = accounts.filtered("ka_at_risk")
        if (operator == "=") == value:
            return [("id", "in", at_risk.ids)]
        return [("id", "not in", at_risk.ids)]
