# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Colour cards of the pipeline: red (won), yellow (closing soon, with a heat
grade A/B/C and its review cadence) and green, the card reviews and the
daily flag of the yellow cards whose expected closing date passed.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import lock_batch
from .sale_customer_integrity_mixin import as_system

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


class CrmLead(models.Model):
    # one concern of the model per file, split on purpose
    _inherit = "crm.lead"

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

    def init(self):
        """Colour the cards of the leads that exist when the addon is
        installed, untracked.

        The new columns are computed for every existing lead; tracked, each
        lead would get a chatter message "Card Colour: → Green", with the
        label in the language of the installation's context (English for a
        data file, whatever the users read). Giving a lead its first colour
        is not a change of the card."""
        res = super().init()
        untracked = self.with_context(mail_notrack=True)
        for name in ("card_color", "heat_grade"):
            untracked._recompute_field(self._fields[name])
        return res

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

    def action_card_reviewed(self):
        """The salesperson reviewed the card: log it and plan the next review."""
        today = fields.Date.context_today(self)
        self.write({"card_last_review_date": today})
        self._mark_followed_up()
        self._schedule_card_review()
        return True

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
    def _cron_card_review(self, batch_size=500):
        """Flag yellow cards whose closing date passed; keep review activities.

        One batch per call (the cron runner commits it and calls again while
        work is left); the flag marks what is done, so an interrupted run
        resumes where it stopped. Returns the number of cards left."""
        today = fields.Date.context_today(self)
        domain = [
            ("card_color", "=", "yellow"),
            ("card_regrade_needed", "=", False),
            ("date_deadline", "<", today),
        ]
        # sudo: the job flags every overdue card, whatever the record rules of
        # the user who runs it (the scheduler runs it as the superuser)
        leads = self.sudo()
        overdue = lock_batch(leads, domain, batch_size).with_env(self.env)
        total = leads.search_count(domain)
        as_system(overdue).write({"card_regrade_needed": True})
        overdue._schedule_card_review()
        remaining = max(total - len(overdue), 0)
        self.env["ir.cron"]._notify_progress(done=len(overdue), remaining=remaining)
        return remaining
