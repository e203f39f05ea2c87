# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .res_company import MAX_DAYS
from .sale_customer_integrity_mixin import as_system

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
# An answer to one MAN criterion; empty means "not known yet", which is not "no".
MAN_ANSWERS = [("yes", "Yes"), ("no", "No")]
MAN_STATE_FIELDS = ("man_money_state", "man_authority_state", "man_need_state")
MAN_ASSESSMENTS = [
    ("not_assessed", "Not assessed"),
    ("1", "1 MAN: pursue now"),
    ("2", "2 MAn: create the need"),
    ("3", "3 MaN: find the decision maker"),
    ("4", "4 mAN: check credit"),
    ("5", "5 maN: nurture"),
    ("6", "6 mAn: nurture"),
    ("7", "7 Man: nurture"),
    ("8", "8 man: stop contact"),
]
# An open opportunity is at a late stage, and never proposed for dropping on its
# MAN class, from this probability (%) or in the second half of its pipeline.
MAN_LATE_STAGE_PROBABILITY = 50.0
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
# a write of these may make a lead won, or change what a won dealer must have
DEALER_FIELDS = {
    "is_dealer",
    "dealer_credit_evaluation",
    "dealer_payment_term_id",
    "dealer_contract_signed",
    "dealer_technical_assistance",
}
DEALER_WON_TRIGGERS = {"stage_id", "probability", "active"} | DEALER_FIELDS
SCORE_FIELDS_EXPLICIT = ("purify_profile_fit", "purify_competition", "purify_geography")
SCORE_FIELDS_IMPLICIT = (
    "purify_growth",
    "purify_industry_position",
    "purify_bottleneck",
    "purify_realistic_value",
    "purify_risk",
)


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "sale.customer.integrity.mixin"]

    # MAN qualification: each criterion is answered yes or no, or not known yet
    # (empty). The booleans of the contract say "yes" and are kept in step.
    man_money_state = fields.Selection(
        MAN_ANSWERS,
        string="Money (Answer)",
        tracking=True,
        help="Has the prospect the purchasing power? Empty: not known yet.",
    )
    man_authority_state = fields.Selection(
        MAN_ANSWERS,
        string="Authority (Answer)",
        tracking=True,
        help="Does the contact hold the purchasing decision? Empty: not known yet.",
    )
    man_need_state = fields.Selection(
        MAN_ANSWERS,
        string="Need (Answer)",
        tracking=True,
        help="Does the prospect need our products? Empty: not known yet.",
    )
    man_money = fields.Boolean(
        string="Money",
        compute="_compute_man_money",
        inverse="_inverse_man_money",
        store=True,
        readonly=False,
        help="The prospect has the purchasing power (Money answered Yes).",
    )
    man_authority = fields.Boolean(
        string="Authority",
        compute="_compute_man_authority",
        inverse="_inverse_man_authority",
        store=True,
        readonly=False,
        help="The contact holds the purchasing decision (Authority answered Yes).",
    )
    man_need = fields.Boolean(
        string="Need",
        compute="_compute_man_need",
        inverse="_inverse_man_need",
        store=True,
        readonly=False,
        help="The prospect needs our products (Need answered Yes).",
    )
    man_class = fields.Integer(
        string="MAN Class",
        compute="_compute_man_class",
        store=True,
        index=True,
        aggregator=False,
        help="0: not assessed yet. 1 MAN, 2 MAn, 3 MaN, 4 mAN, 5 maN, 6 mAn, "
        "7 Man, 8 man: a capital letter means the condition is present; a "
        "criterion not known yet counts as missing.",
    )
    man_code = fields.Char(string="MAN", compute="_compute_man_class", store=True)
    man_assessment = fields.Selection(
        MAN_ASSESSMENTS,
        string="MAN Assessment",
        compute="_compute_man_class",
        store=True,
        help="The MAN class for grouping and reporting, with the prospects nobody "
        "has assessed yet apart.",
    )
    man_guidance = fields.Char(compute="_compute_man_guidance")
    man_drop_proposed = fields.Boolean(
        string="Drop Proposed",
        compute="_compute_man_drop_proposed",
        help="Money, Authority and Need were all answered No (class 8) on an open "
        "opportunity that is neither won nor at a late stage.",
    )
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

    @api.depends("man_money_state")
    def _compute_man_money(self):
        for lead in self:
            lead.man_money = lead.man_money_state == "yes"

    def _inverse_man_money(self):
        self._set_man_answer("man_money")

    @api.depends("man_authority_state")
    def _compute_man_authority(self):
        for lead in self:
            lead.man_authority = lead.man_authority_state == "yes"

    def _inverse_man_authority(self):
        self._set_man_answer("man_authority")

    @api.depends("man_need_state")
    def _compute_man_need(self):
        for lead in self:
            lead.man_need = lead.man_need_state == "yes"

    def _inverse_man_need(self):
        self._set_man_answer("man_need")

    @api.depends(*MAN_STATE_FIELDS)
    def _compute_man_class(self):
        for lead in self:
            answers = [lead[fname] for fname in MAN_STATE_FIELDS]
            if not any(answers):
                lead.man_class = 0
                lead.man_code = False
                lead.man_assessment = "not_assessed"
                continue
            key = tuple(answer == "yes" for answer in answers)
            lead.man_class = MAN_CLASSES[key]
            lead.man_code = "".join(
                letter.upper() if present else letter
                for letter, present in zip("man", key, strict=True)
            )
            lead.man_assessment = str(lead.man_class)

    @api.depends(
        "man_class",
        *MAN_STATE_FIELDS,
        "active",
        "probability",
        "stage_id",
        "stage_id.is_won",
        "team_id",
    )
    @api.depends_context("lang")
    def _compute_man_guidance(self):
        env = self.env
        guidance = self._get_man_guidance()
        blockers = self._get_man_drop_blockers()
        labels = {
            "man_money_state": env._("Money"),
            "man_authority_state": env._("Authority"),
            "man_need_state": env._("Need"),
        }
        for lead in self:
            if not lead.man_class:
                lead.man_guidance = False
                continue
            unknown = [labels[fname] for fname in MAN_STATE_FIELDS if not lead[fname]]
            if lead.man_class != 8:
                text = guidance[lead.man_class]
            elif unknown:
                text = env._(
                    "Nothing confirmed yet: complete the assessment before deciding."
                )
            elif blockers.get(lead.id) in ("won", "late"):
                text = env._(
                    "No money, authority or need, yet the opportunity is won or at "
                    "a late stage: check the assessment."
                )
            else:
                text = guidance[8]
            if unknown:
                text = env._(
                    "%(guidance)s Not known yet: %(criteria)s.",
                    guidance=text,
                    criteria=", ".join(unknown),
                )
            lead.man_guidance = text

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

    @api.depends(
        "man_class",
        *MAN_STATE_FIELDS,
        "active",
        "probability",
        "stage_id",
        "stage_id.is_won",
        "team_id",
    )
    def _compute_man_drop_proposed(self):
        blockers = self._get_man_drop_blockers()
        for lead in self:
            lead.man_drop_proposed = lead.id not in blockers

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

    @api.constrains(
        *SCORE_FIELDS_EXPLICIT, *SCORE_FIELDS_IMPLICIT, "revisit_interval_days"
    )
    def _check_prospect_numbers(self):
        bounds = dict.fromkeys(SCORE_FIELDS_EXPLICIT + SCORE_FIELDS_IMPLICIT, (0, 5))
        bounds["revisit_interval_days"] = (0, MAX_DAYS)
        self._scm_check_range(self, bounds)

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

    # The contact flag, the public pool flag and the regrade flag are
    # read-only fields: the follow-up, the pool buttons and the crons set
    # them, under the system token (sale_customer_integrity_mixin). A lead
    # becomes won through the won button or a write of its stage or
    # probability: the dealer checks of the button hold on every path.
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._scm_check_vals(vals)
            self._check_stage_value(vals)
        vals_list = [self._man_answers_first(vals) for vals in vals_list]
        leads = super().create(vals_list)
        if not self._scm_is_system():
            # a default of the context (e.g. the public pool's menu) sets no
            # flag on a lead that would contradict it
            leads._check_pool_consistency()
            if leads.filtered("is_contacted"):
                leads._scm_check_vals({"is_contacted": True})
        leads._get_won_leads()._check_dealer_ready()
        leads.filtered("heat_grade")._schedule_card_review()
        return leads

    def write(self, vals):
        self._scm_check_vals(vals)
        self._check_stage_value(vals)
        vals = self._man_answers_first(vals)
        self._check_dealer_write(vals)
        pooled = (
            self.filtered("in_public_pool")
            if vals.get("user_id") and not self._scm_is_system()
            else self.browse()
        )
        res = super().write(vals)
        if pooled:
            # a prospect given a salesperson leaves the pool, as when claimed
            as_system(pooled).write({"in_public_pool": False})
        if "heat_grade" in vals or "date_deadline" in vals or "card_color" in vals:
            flagged = self.filtered("card_regrade_needed")
            if flagged:
                as_system(flagged).write({"card_regrade_needed": False})
        if "heat_grade" in vals or "card_color" in vals:
            self._schedule_card_review()
        return res

    @api.model
    def _check_stage_value(self, vals):
        """Refuse a ``stage_id`` that is not the id of a stage (a text, a
        list...) with a clear error, before the overrides (ours and crm's)
        read it."""
        if not isinstance(vals, dict) or not vals.get("stage_id"):
            return
        stage = vals["stage_id"]
        if (
            not isinstance(stage, int)
            or isinstance(stage, bool)
            or not self.env["crm.stage"].browse(stage).exists()
        ):
            raise ValidationError(
                self.env._(
                    "%(value)s is not a stage of the pipeline.", value=repr(stage)
                )
            )

    def _check_dealer_write(self, vals):
        """The dealer checks of the won button, before a write that makes a
        lead won (its stage or probability) or changes what a won dealer
        has: checked on the values the lead will have, so that nothing is
        written when they fail."""
        if DEALER_WON_TRIGGERS.isdisjoint(vals):
            return
        stage_won = None
        if "stage_id" in vals:
            # a stage id or empty (_check_stage_value)
            stage_won = self.env["crm.stage"].browse(vals["stage_id"] or ()).is_won
        probability = vals.get("probability")
        if not isinstance(probability, int | float) or isinstance(probability, bool):
            probability = None
        for lead in self:
            won_now = lead in lead._get_won_leads()
            won_then = vals.get("active", lead.active) and (
                (lead.stage_id.is_won if stage_won is None else stage_won)
                or (lead.probability if probability is None else probability) >= 100
            )
            if won_then and (not won_now or not DEALER_FIELDS.isdisjoint(vals)):
                lead._check_dealer_ready(vals)

    def _get_won_leads(self):
        """The leads of ``self`` that are won: a won stage or a probability of
        100 (Odoo's won status), as the won button leaves them."""
        return self.filtered(
            lambda lead: lead.active
            and (lead.stage_id.is_won or lead.probability >= 100)
        )

    def _check_pool_consistency(self):
        pooled = self.filtered(lambda lead: lead.in_public_pool and lead.user_id)
        if pooled:
            raise ValidationError(
                self.env._(
                    "A prospect in the public pool has no salesperson: leave the "
                    "salesperson empty or claim %(leads)s from the pool.",
                    leads=", ".join(pooled.mapped("display_name")),
                )
            )

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
        """Class 8 (m-a-n): open the lost wizard to drop the prospect.

        Only when Money, Authority and Need were all answered No, on an open
        opportunity that is neither won nor at a late stage; the button is
        hidden otherwise, and a call by RPC is refused with the reason.
        """
        self.ensure_one()
        blocker = self._get_man_drop_blockers().get(self.id)
        if blocker:
            raise UserError(self._get_man_drop_refusal(blocker))
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
            as_system(lead).write(
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
        closed = self.filtered(
            lambda lead: lead.in_public_pool
            or not lead.active
            or lead.probability >= 100
            or lead.stage_id.is_won
        )
        if closed:
            raise UserError(
                self.env._(
                    "Only open prospects outside the public pool can be released to "
                    "it: %(leads)s is already in the pool, won or lost.",
                    leads=", ".join(closed.mapped("display_name")),
                )
            )
        for lead in self:
            previous = lead.user_id
            as_system(lead).write({"user_id": False, "in_public_pool": True})
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
    @api.model
    def _man_answers_first(self, vals):
        """An answer (``man_*_state``) and its boolean in the same values: the
        answer wins, as "not known yet" has no boolean to say it."""
        drop = [
            fname.removesuffix("_state")
            for fname in MAN_STATE_FIELDS
            if fname in vals and fname.removesuffix("_state") in vals
        ]
        if not drop:
            return vals
        return {key: value for key, value in vals.items() if key not in drop}

    def _set_man_answer(self, fname):
        """Inverse of a MAN boolean: True answers "yes", False answers "no"."""
        state = f"{fname}_state"
        yes = self.filtered(fname)
        yes.filtered(lambda lead: lead[state] != "yes").write({state: "yes"})
        (self - yes).filtered(lambda lead: lead[state] != "no").write({state: "no"})

    def _get_man_late_stage_leads(self):
        """The leads of ``self`` at a late stage of their pipeline.

        Late: a probability of ``MAN_LATE_STAGE_PROBABILITY`` % or more, or a
        stage in the second half of the open (not won) stages that the lead's
        sales team uses, in pipeline order. With Odoo's stages New, Qualified,
        Proposition (then Won), Proposition is late.
        """
        staged = self.filtered("stage_id")
        if not staged:
            return self.filtered(
                lambda lead: lead.probability >= MAN_LATE_STAGE_PROBABILITY
            )
        # sudo: the order of the pipeline stages, whoever reads the lead
        stages = (
            self.env["crm.stage"]
            .sudo()
            .search_fetch([("is_won", "=", False)], ["team_id"])
        )
        pipelines = {}

        def pipeline(team):
            if team.id not in pipelines:
                pipelines[team.id] = [
                    stage.id for stage in stages if stage.team_id.id in (False, team.id)
                ]
            return pipelines[team.id]

        def is_late(lead):
            if lead.probability >= MAN_LATE_STAGE_PROBABILITY:
                return True
            open_stages = pipeline(lead.team_id)
            if lead.stage_id.id not in open_stages:
                return False
            return 2 * open_stages.index(lead.stage_id.id) >= len(open_stages)

        return self.filtered(is_late)

    def _get_man_drop_blockers(self):
        """Why a lead of ``self`` is not proposed for dropping on its MAN class:
        ``{lead id: "lost" | "won" | "late" | "not_man_no"}``; the leads missing
        from the result are proposed (class 8 with three explicit No)."""
        answered_no = self.filtered(
            lambda lead: all(lead[fname] == "no" for fname in MAN_STATE_FIELDS)
        )
        answered_no_ids = set(answered_no._ids)
        late_ids = set(answered_no._get_man_late_stage_leads()._ids)
        blockers = {}
        for lead in self:
            if lead.id not in answered_no_ids:
                blockers[lead.id] = "not_man_no"
            elif not lead.active:
                blockers[lead.id] = "lost"
            elif lead.stage_id.is_won or lead.probability >= 100:
                blockers[lead.id] = "won"
            elif lead.id in late_ids:
                blockers[lead.id] = "late"
        return blockers

    def _get_man_drop_refusal(self, blocker):
        self.ensure_one()
        env = self.env
        lead = self.display_name
        if blocker == "lost":
            return env._("%(lead)s is already lost or archived.", lead=lead)
        if blocker == "won":
            return env._(
                "%(lead)s is won: a won opportunity is never proposed for dropping.",
                lead=lead,
            )
        if blocker == "late":
            return env._(
                "%(lead)s is at a late stage (%(stage)s, %(probability)s%%): it is "
                "not proposed for dropping on its MAN class. Mark it lost if the "
                "deal is gone.",
                lead=lead,
                stage=self.stage_id.display_name or "-",
                probability=round(self.probability),
            )
        return env._(
            "%(lead)s is not proposed for dropping: only a prospect whose Money, "
            "Authority and Need were all answered No (MAN class 8) is. A criterion "
            "not known yet is not a No.",
            lead=lead,
        )

    def _mark_followed_up(self):
        today = fields.Date.context_today(self)
        todo = self.filtered(
            lambda lead: lead.last_followup_date != today or not lead.is_contacted
        )
        if todo:
            as_system(todo).write({"last_followup_date": today, "is_contacted": True})

    def _get_dealer_missing(self, vals=None):
        """What the dealer lacks, with ``vals`` about to be written."""
        self.ensure_one()
        vals = vals or {}

        def value(fname):
            return vals[fname] if fname in vals else self[fname]

        missing = []
        if not value("dealer_credit_evaluation"):
            missing.append(self.env._("credit evaluation"))
        if not value("dealer_payment_term_id"):
            missing.append(self.env._("payment terms"))
        if not value("dealer_contract_signed"):
            missing.append(self.env._("signed contract"))
        if not value("dealer_technical_assistance"):
            missing.append(self.env._("technical assistance"))
        return missing

    def _check_dealer_ready(self, vals=None):
        vals = vals or {}
        for lead in self.filtered(lambda lead: vals.get("is_dealer", lead.is_dealer)):
            missing = lead._get_dealer_missing(vals)
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
        as_system(overdue).write({"card_regrade_needed": True})
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
                today
                - timedelta(
                    days=int(company._get_customer_setting("prospect_public_pool_days"))
                ),
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
                        days=int(
                            lead.company_id._get_customer_setting(
                                "prospect_public_pool_days"
                            )
                        ),
                        user=lead.user_id.name,
                    )
                    for lead in leads
                }
            )
            as_system(leads).write({"user_id": False, "in_public_pool": True})
        remaining = max(total - len(leads), 0)
        self.env["ir.cron"]._notify_progress(done=len(leads), remaining=remaining)
        return leads
