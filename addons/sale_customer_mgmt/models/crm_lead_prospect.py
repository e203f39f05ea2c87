# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Prospect development: where prospects come from, their purification scores,
the follow-up decision, and the public pool (公海) that takes back the
prospects nobody followed up.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from ..tools import lock_batch
from .res_company import MAX_DAYS
from .sale_customer_integrity_mixin import as_system

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
SCORE_FIELDS_EXPLICIT = ("purify_profile_fit", "purify_competition", "purify_geography")
SCORE_FIELDS_IMPLICIT = (
    "purify_growth",
    "purify_industry_position",
    "purify_bottleneck",
    "purify_realistic_value",
    "purify_risk",
)


class CrmLead(models.Model):
    # one concern of the model per file, split on purpose
    _inherit = "crm.lead"

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
    # set by the follow-ups themselves (a note, an activity done, a visit, a
    # claim from the pool), never by hand: it is the public pool's clock
    last_followup_date = fields.Date(
        default=fields.Date.context_today,
        copy=False,
        readonly=True,
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

    def _mark_followed_up(self):
        today = fields.Date.context_today(self)
        todo = self.filtered(
            lambda lead: lead.last_followup_date != today or not lead.is_contacted
        )
        if todo:
            as_system(todo).write({"last_followup_date": today, "is_contacted": True})

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

        def neglected_since(company):
            days = int(company._get_customer_setting("prospect_public_pool_days"))
            return today - timedelta(days=days)

        limits = expression.OR(
            [
                [
                    ("company_id", "=", company.id),
                    ("last_followup_date", "<", neglected_since(company)),
                ]
                for company in companies
            ]
        )
        domain = expression.AND(
            [
                [
                    ("user_id", "!=", False),
                    ("in_public_pool", "=", False),
                    ("probability", "<", 100),
                ],
                limits,
            ]
        )
        # sudo: the job returns every neglected prospect to the pool, whatever
        # the record rules of the user who runs it (the scheduler runs it as
        # the superuser)
        todo = self.sudo()
        leads = lock_batch(todo, domain, batch_size).with_env(self.env)
        total = todo.search_count(domain)
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
