# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# (money, authority, need) -> MAN class, numbered as in domain.md 1.3
MAN_CLASSES = {
    (True, True, True): 1,
    (True, True, False): 2,
    (True, False, True): 3,
    (False, True, True): 4,
    (False, False, True): 5,
    (False, True, False): 6,
    (True, False, False): 7,
    (False, False, False): 8,
}
# heat grade -> (longest time to expected close, review cadence)
HEAT_GRADE_LIMITS = {
    "a": relativedelta(days=7),
    "b": relativedelta(months=1),
    "c": relativedelta(months=3),
}
HEAT_GRADE_CADENCE = {
    "a": relativedelta(days=1),
    "b": relativedelta(weeks=1),
    "c": relativedelta(months=1),
}
PROSPECT_SOURCES = [
    ("statistics", "Statistics reports"),
    ("customer_directory", "Current/former customer directory"),
    ("lost_customer", "Lost customers"),
    ("association_list", "Association and member lists"),
    ("yellow_pages", "Yellow pages"),
    ("press", "Newspapers and magazines"),
    ("referral", "Referral"),
    ("club", "Clubs and associations"),
    ("mailing", "Mailing"),
    ("exhibition", "Exhibition"),
    ("other", "Other"),
]
SCORE_FIELDS_EXPLICIT = ("purify_profile_fit", "purify_competition", "purify_geography")
SCORE_FIELDS_IMPLICIT = (
    "purify_growth",
    "purify_industry_position",
    "purify_bottleneck",
    "purify_realistic_value",
    "purify_risk",
)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # MAN qualification
    man_money = fields.Boolean(
        string="Money", tracking=True, help="The prospect has the purchasing power."
    )
    man_authority = fields.Boolean(
        string="Authority",
        tracking=True,
        help="The contact holds the purchasing decision.",
    )
    man_need = fields.Boolean(
        string="Need", tracking=True, help="The prospect needs our products."
    )
    man_class = fields.Integer(
        string="MAN Class",
        compute="_compute_man_class",
        store=True,
        index=True,
        aggregator=False,
        help="1 MAN, 2 MAn, 3 MaN, 4 mAN, 5 maN, 6 mAn, 7 Man, 8 man: a capital "
        "letter means the condition is present.",
    )
    man_code = fields.Char(string="MAN", compute="_compute_man_class", store=True)
    man_guidance = fields.Char(compute="_compute_man_guidance")
    # colour cards
    card_color = fields.Selection(
        [("red", "Red (won)"), ("yellow", "Yellow (closing soon)"), ("green", "Green")],
        string="Card Colour",
        compute="_compute_card_color",
        store=True,
        readonly=False,
        tracking=True,
        help="Red: won. Yellow: likely to close soon. Green: potential buyer.",
    )
    heat_grade = fields.Selection(
        [
            ("a", "A (within a week)"),
            ("b", "B (within a month)"),
            ("c", "C (within three months)"),
        ],
        compute="_compute_heat_grade",
        store=True,
        readonly=False,
        tracking=True,
        help="Only on yellow cards: when the deal is expected to close.",
    )
    card_graded_date = fields.Date(
        string="Graded On",
        compute="_compute_card_graded_date",
        store=True,
        readonly=False,
    )
    card_close_limit = fields.Date(
        string="Close By (Grade)",
        compute="_compute_card_close_limit",
        store=True,
        help="Latest expected closing date consistent with the heat grade.",
    )
    card_date_mismatch = fields.Boolean(
        string="Closing Date Inconsistent",
        compute="_compute_card_close_limit",
        store=True,
        help="The expected closing date is missing or later than the heat grade "
        "allows.",
    )
    card_regrade_needed = fields.Boolean(
        string="Regrade Needed",
        readonly=True,
        copy=False,
        help="The expected closing date of this card has passed: regrade it.",
    )
    card_last_review_date = fields.Date(string="Last Card Review", copy=False)
    card_next_review_date = fields.Date(
        string="Next Card Review",
        compute="_compute_card_next_review_date",
        store=True,
    )
    # sources and purification
    prospect_source = fields.Selection(PROSPECT_SOURCES, index=True)
    purify_profile_fit = fields.Integer(
        string="Fit to Ideal Profile", help="0 (far) to 5 (matches the ideal customer)."
    )
    purify_competition = fields.Integer(
        string="Free of Competitors", help="0 (entrenched competitor) to 5 (none)."
    )
    purify_geography = fields.Integer(
        string="Geography", help="0 (hard to serve) to 5 (on our doorstep)."
    )
    purify_growth = fields.Integer(string="Growth Potential", help="0 to 5.")
    purify_industry_position = fields.Integer(
        string="Industry Position", help="0 to 5."
    )
    purify_bottleneck = fields.Integer(
        string="Ease to Become Customer",
        help="0 (major bottleneck) to 5 (nothing stands in the way).",
    )
    purify_realistic_value = fields.Integer(string="Realistic Value", help="0 to 5.")
    purify_risk = fields.Integer(
        string="Low Risk and Time", help="0 (risky, long) to 5 (safe, quick)."
    )
    explicit_value_score = fields.Float(
        compute="_compute_purification_scores",
        store=True,
        aggregator="avg",
        help="0-100 from fit to ideal profile, competitors and geography.",
    )
    implicit_value_score = fields.Float(
        compute="_compute_purification_scores",
        store=True,
        aggregator="avg",
        help="0-100 from growth, industry position, bottleneck, realistic value "
        "and risk.",
    )
    # follow-up decision
    followup_decision = fields.Selection(
        [
            ("continue", "Continue Visiting"),
            ("revisit", "Revisit After Interval"),
            ("give_up", "Give Up"),
        ],
        tracking=True,
    )
    revisit_interval_days = fields.Integer(string="Revisit Every (Days)")
    last_followup_date = fields.Date(
        default=fields.Date.context_today,
        copy=False,
        help="Last time a salesperson followed this prospect up (note, activity, "
        "visit).",
    )
    next_followup_date = fields.Date(
        compute="_compute_next_followup_date", store=True, string="Next Follow-up"
    )
    is_contacted = fields.Boolean(string="Contacted", copy=False, readonly=True)
    # public pool
    in_public_pool = fields.Boolean(
        copy=False, readonly=True, tracking=True, index=True
    )
    # dealer development
    is_dealer = fields.Boolean(string="Dealer Prospect")
    dealer_credit_evaluation = fields.Text(string="Credit Evaluation")
    dealer_payment_term_id = fields.Many2one(
        "account.payment.term", string="Dealer Payment Terms", check_company=True
    )
    dealer_contract_signed = fields.Boolean(string="Contract Signed")
    dealer_technical_assistance = fields.Text(
        string="Technical Assistance Plan",
        help="Technical assistance agreed with the dealer.",
    )
    # visits
    customer_visit_ids = fields.One2many(
        "sale.customer.visit", "lead_id", string="Visits"
    )
    customer_visit_count = fields.Integer(compute="_compute_customer_visit_count")

    _sql_constraints = [
        (
            "purify_range",
            "CHECK(COALESCE(purify_profile_fit, 0) BETWEEN 0 AND 5 "
            "AND COALESCE(purify_competition, 0) BETWEEN 0 AND 5 "
            "AND COALESCE(purify_geography, 0) BETWEEN 0 AND 5 "
            "AND COALESCE(purify_growth, 0) BETWEEN 0 AND 5 "
            "AND COALESCE(purify_industry_position, 0) BETWEEN 0 AND 5 "
            "AND COALESCE(purify_bottleneck, 0) BETWEEN 0 AND 5 "
            "AND COALESCE(purify_realistic_value, 0) BETWEEN 0 AND 5 "
            "AND COALESCE(purify_risk, 0) BETWEEN 0 AND 5)",
            "Purification scores range from 0 to 5.",
        ),
        (
            "revisit_interval_positive",
            "CHECK(COALESCE(revisit_interval_days, 0) >= 0)",
            "The revisit interval cannot be negative.",
        ),
    ]

    @api.depends("man_money", "man_authority", "man_need")
    def _compute_man_class(self):
        for lead in self:
            key = (bool(lead.man_money), bool(lead.man_authority), bool(lead.man_need))
            lead.man_class = MAN_CLASSES[key]
            lead.man_code = "".join(
                letter.upper() if present else letter
                for letter, present in zip("man", key, strict=True)
            )

    @api.depends("man_class")
    @api.depends_context("lang")
    def _compute_man_guidance(self):
        guidance = self._get_man_guidance()
        for lead in self:
            lead.man_guidance = guidance.get(lead.man_class, "")

    def _get_man_guidance(self):
        env = self.env
        nurture = env._(
            "Approachable: nurture for the long term until the missing conditions "
            "appear."
        )
        return {
            1: env._("Ideal prospect: pursue now."),
            2: env._("Approachable: skilled selling can create the need."),
            3: env._("Approachable: find the person who holds the decision."),
            4: env._(
                "Approachable: check business status and credit, consider "
                "financing or payment terms."
            ),
            5: nurture,
            6: nurture,
            7: nurture,
            8: env._("Not a customer: stop contact."),
        }

    @api.depends("probability", "stage_id.is_won")
    def _compute_card_color(self):
        for lead in self:
            if lead.stage_id.is_won or lead.probability >= 100:
                lead.card_color = "red"
            elif not lead.card_color or lead.card_color == "red":
                lead.card_color = "green"

    @api.depends("card_color")
    def _compute_heat_grade(self):
        for lead in self:
            if lead.card_color != "yellow":
                lead.heat_grade = False

    @api.depends("card_color", "heat_grade")
    def _compute_card_graded_date(self):
        today = fields.Date.context_today(self)
        for lead in self:
            lead.card_graded_date = today if lead.card_color == "yellow" else False

    @api.depends("card_color", "heat_grade", "card_graded_date", "date_deadline")
    def _compute_card_close_limit(self):
        for lead in self:
            if (
                lead.card_color == "yellow"
                and lead.heat_grade
                and lead.card_graded_date
            ):
                limit = lead.card_graded_date + HEAT_GRADE_LIMITS[lead.heat_grade]
                lead.card_close_limit = limit
                lead.card_date_mismatch = (
                    not lead.date_deadline or lead.date_deadline > limit
                )
            else:
                lead.card_close_limit = False
                lead.card_date_mismatch = False

    @api.depends(
        "card_color", "heat_grade", "card_graded_date", "card_last_review_date"
    )
    def _compute_card_next_review_date(self):
        for lead in self:
            if lead.card_color == "yellow" and lead.heat_grade:
                start = max(
                    filter(None, (lead.card_graded_date, lead.card_last_review_date)),
                    default=fields.Date.context_today(lead),
                )
                lead.card_next_review_date = start + HEAT_GRADE_CADENCE[lead.heat_grade]
            else:
                lead.card_next_review_date = False

    @api.depends(*SCORE_FIELDS_EXPLICIT, *SCORE_FIELDS_IMPLICIT)
    def _compute_purification_scores(self):
        for lead in self:
            lead.explicit_value_score = (
                sum(lead[f] for f in SCORE_FIELDS_EXPLICIT)
                * 100.0
                / (5 * len(SCORE_FIELDS_EXPLICIT))
            )
            lead.implicit_value_score = (
                sum(lead[f] for f in SCORE_FIELDS_IMPLICIT)
                * 100.0
                / (5 * len(SCORE_FIELDS_IMPLICIT))
            )

    @api.depends("followup_decision", "revisit_interval_days", "last_followup_date")
    def _compute_next_followup_date(self):
        for lead in self:
            if (
                lead.followup_decision == "revisit"
                and lead.revisit_interval_days
                and lead.last_followup_date
            ):
                lead.next_followup_date = lead.last_followup_date + timedelta(
                    days=lead.revisit_interval_days
                )
            else:
                lead.next_followup_date = False

    def _compute_customer_visit_count(self):
        data = self.env["sale.customer.visit"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
        )
        counts = {lead.id: count for lead, count in data}
        for lead in self:
            lead.customer_visit_count = counts.get(lead.id, 0)

    @api.constrains("followup_decision", "revisit_interval_days")
    def _check_revisit_interval(self):
        for lead in self:
            if lead.followup_decision == "revisit" and lead.revisit_interval_days <= 0:
                raise ValidationError(
                    self.env._(
                        "Set how many days to wait before revisiting %(lead)s.",
                        lead=lead.display_name,
                    )
                )

    @api.constrains("heat_grade", "card_color")
    def _check_heat_grade(self):
        for lead in self:
            if lead.heat_grade and lead.card_color != "yellow":
                raise ValidationError(
                    self.env._(
                        "Only yellow cards carry a heat grade (%(lead)s).",
                        lead=lead.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.filtered("heat_grade")._schedule_card_review()
        return leads

    def write(self, vals):
        if (
            vals.get("stage_id")
            and self.env["crm.stage"].browse(vals["stage_id"]).is_won
        ):
            self._check_dealer_ready()
        if "heat_grade" in vals or "date_deadline" in vals or "card_color" in vals:
            vals = dict(vals, card_regrade_needed=False)
        res = super().write(vals)
        if "heat_grade" in vals or "card_color" in vals:
            self._schedule_card_review()
        return res

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if kwargs.get("message_type") == "comment" or kwargs.get(
            "mail_activity_type_id"
        ):
            if not self.env.user.share:
                # sudo: users allowed to post on the lead (mail checks read access)
                # must not fail on recording the follow-up date
                self.sudo()._mark_followed_up()
        return message

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------
    def action_set_won(self):
        self._check_dealer_ready()
        return super().action_set_won()

    def action_propose_drop(self):
        """Class 8 (m-a-n): open the lost wizard to drop the prospect."""
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_lost_action")
        action["context"] = {
            "active_id": self.id,
            "active_ids": self.ids,
            "active_model": "crm.lead",
            "default_lead_ids": self.ids,
            "dialog_size": "medium",
        }
        return action

    def action_card_reviewed(self):
        """The salesperson reviewed the card: log it and plan the next review."""
        today = fields.Date.context_today(self)
        self.write({"card_last_review_date": today})
        self._mark_followed_up()
        self._schedule_card_review()
        return True

    def action_pool_claim(self):
        pool_leads = self.filtered("in_public_pool")
        if pool_leads != self:
            raise UserError(
                self.env._("Only prospects in the public pool can be claimed.")
            )
        for lead in self:
            # the lead is unassigned: a salesperson may only claim, not edit freely
            lead.write(
                {
                    "user_id": self.env.user.id,
                    "in_public_pool": False,
                    "last_followup_date": fields.Date.context_today(self),
                }
            )
            lead.message_post(
                body=self.env._(
                    "Claimed from the public pool by %(user)s.", user=self.env.user.name
                ),
                message_type="notification",
            )
        return True

    def action_pool_release(self):
        for lead in self:
            previous = lead.user_id
            lead.write({"user_id": False, "in_public_pool": True})
            lead.message_post(
                body=self.env._(
                    "Released to the public pool by %(user)s (was %(previous)s).",
                    user=self.env.user.name,
                    previous=previous.name or "-",
                ),
                message_type="notification",
            )
        return True

    def action_view_customer_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "sale_customer_mgmt.sale_customer_visit_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------
    def _mark_followed_up(self):
        today = fields.Date.context_today(self)
        todo = self.filtered(
            lambda lead: lead.last_followup_date != today or not lead.is_contacted
        )
        if todo:
            todo.write({"last_followup_date": today, "is_contacted": True})

    def _get_dealer_missing(self):
        self.ensure_one()
        missing = []
        if not self.dealer_credit_evaluation:
            missing.append(self.env._("credit evaluation"))
        if not self.dealer_payment_term_id:
            missing.append(self.env._("payment terms"))
        if not self.dealer_contract_signed:
            missing.append(self.env._("signed contract"))
        if not self.dealer_technical_assistance:
            missing.append(self.env._("technical assistance"))
        return missing

    def _check_dealer_ready(self):
        for lead in self.filtered("is_dealer"):
            missing = lead._get_dealer_missing()
            if missing:
                raise UserError(
                    self.env._(
                        "Dealer prospect %(lead)s cannot become a customer yet. "
                        "Still missing: %(missing)s.",
                        lead=lead.display_name,
                        missing=", ".join(missing),
                    )
                )

    def _schedule_card_review(self):
        """Keep exactly one open card-review activity on each graded yellow card."""
        activity_type = self.env.ref(
            "sale_customer_mgmt.mail_activity_type_card_review",
            raise_if_not_found=False,
        )
        if not activity_type:
            return
        existing = self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        by_lead = {}
        for activity in existing:
            by_lead.setdefault(activity.res_id, self.env["mail.activity"])
            by_lead[activity.res_id] |= activity
        to_unlink = self.env["mail.activity"]
        for lead in self:
            activities = by_lead.get(lead.id, self.env["mail.activity"])
            due = lead.active and lead.card_color == "yellow" and lead.heat_grade
            if not due:
                to_unlink |= activities
                continue
            deadline = lead.card_next_review_date
            summary = self.env._(
                "Review card (grade %(grade)s)", grade=lead.heat_grade.upper()
            )
            if lead.card_regrade_needed:
                deadline = fields.Date.context_today(lead)
                summary = self.env._("Expected closing date passed: regrade this card")
            if activities:
                activities[0].write(
                    {
                        "date_deadline": deadline,
                        "summary": summary,
                        "user_id": lead.user_id.id or self.env.uid,
                    }
                )
                to_unlink |= activities[1:]
            else:
                lead.activity_schedule(
                    activity_type_id=activity_type.id,
                    date_deadline=deadline,
                    summary=summary,
                    user_id=lead.user_id.id or self.env.uid,
                )
        to_unlink.unlink()

    @api.model
    def _lock_batch(self, where, limit):
        """Ids of at most ``limit`` active leads matching the SQL ``where``,
        locked for this transaction; leads another cron worker holds are
        skipped (``SKIP LOCKED``), so two workers at once take disjoint
        batches without waiting for each other. Also returns how many match
        in all (the batch included)."""
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM crm_lead
                 WHERE active AND %s
              ORDER BY id
                 LIMIT %s
                   FOR NO KEY UPDATE SKIP LOCKED
                """,
                where,
                limit,
            )
        )
        [(total,)] = self.env.execute_query(
            SQL("SELECT count(*) FROM crm_lead WHERE active AND %s", where)
        )
        return self.browse([row[0] for row in rows]), total

    @api.model
    def _cron_card_review(self, batch_size=500):
        """Flag yellow cards whose closing date passed; keep review activities.

        One batch per call (the cron runner commits it and calls again while
        work is left); the flag marks what is done, so an interrupted run
        resumes where it stopped. Returns the number of cards left."""
        today = fields.Date.context_today(self)
        overdue, total = self._lock_batch(
            SQL(
                "card_color = 'yellow' AND NOT COALESCE(card_regrade_needed, FALSE)"
                " AND date_deadline < %s",
                today,
            ),
            batch_size,
        )
        # write through super: our write() would clear the flag again
        super(CrmLead, overdue).write({"card_regrade_needed": True})
        overdue._schedule_card_review()
        remaining = max(total - len(overdue), 0)
        self.env["ir.cron"]._notify_progress(done=len(overdue), remaining=remaining)
        return remaining

    @api.model
    def _cron_public_pool_reclaim(self, batch_size=500):
        """Return prospects without follow-up for N days to the public pool.

        Batched and resumable like ``_cron_card_review``: a reclaimed lead
        leaves the selection. Returns the leads reclaimed by this call."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search(
            [("prospect_public_pool", "=", True)]
        )
        if not companies:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return self.browse()
        limits = SQL(" OR ").join(
            SQL(
                "(company_id = %s AND last_followup_date < %s)",
                company.id,
                today - timedelta(days=company.prospect_public_pool_days),
            )
            for company in companies
        )
        leads, total = self._lock_batch(
            SQL(
                "user_id IS NOT NULL AND NOT COALESCE(in_public_pool, FALSE)"
                " AND probability < 100 AND (%s)",
                limits,
            ),
            batch_size,
        )
        if leads:
            # sudo: the cron's own log on leads it already holds (one insert)
            leads.sudo()._message_log_batch(
                {
                    lead.id: self.env._(
                        "No follow-up for %(days)s days: returned to the public "
                        "pool (was %(user)s).",
                        days=lead.company_id.prospect_public_pool_days,
                        user=lead.user_id.name,
                    )
                    for lead in leads
                }
            )
            leads.write({"user_id": False, "in_public_pool": True})
        remaining = max(total - len(leads), 0)
        self.env["ir.cron"]._notify_progress(done=len(leads), remaining=remaining)
        return leads
