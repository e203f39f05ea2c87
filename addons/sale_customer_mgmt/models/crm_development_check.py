# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models

from .res_users import MAX_POOL_TARGET

CHECK_FIELDS = (
    "check_new_prospects",
    "check_contacted",
    "check_qualified",
    "check_visits",
    "check_pool",
)


class CrmDevelopmentCheck(models.Model):
    _name = "crm.development.check"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Prospect Development Check"
    _order = "date_from desc, user_id"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    min_new_prospects = fields.Integer(
        string="Required New Prospects",
        default=10,
        help="New prospects the salesperson should add in the period.",
    )
    note = fields.Text(string="Manager's Comment")
    # measured figures (read fresh from prospects and visits)
    added_count = fields.Integer(string="Added", compute="_compute_figures")
    contacted_count = fields.Integer(string="Contacted", compute="_compute_figures")
    qualified_count = fields.Integer(
        string="Qualified (MAN 1-4)", compute="_compute_figures"
    )
    converted_count = fields.Integer(string="Converted", compute="_compute_figures")
    visit_done_count = fields.Integer(string="Visits Done", compute="_compute_figures")
    visit_success_rate = fields.Float(
        string="Visit Success (%)", compute="_compute_figures"
    )
    pool_shortfall = fields.Integer(
        string="Prospect Shortfall", compute="_compute_figures"
    )
    # checklist
    check_new_prospects = fields.Boolean(
        string="Enough New Prospects", compute="_compute_figures"
    )
    check_contacted = fields.Boolean(
        string="Most Prospects Contacted",
        compute="_compute_figures",
        help="At least 80% of the new prospects were contacted.",
    )
    check_qualified = fields.Boolean(
        string="Prospects Qualified",
        compute="_compute_figures",
        help="At least half of the new prospects are MAN class 1 to 4.",
    )
    check_visits = fields.Boolean(
        string="Successful Visits",
        compute="_compute_figures",
        help="At least half of the visits done were successful.",
    )
    check_pool = fields.Boolean(string="Prospect Pool Full", compute="_compute_figures")
    score = fields.Float(
        compute="_compute_figures", help="Share of the checklist items met (0-100)."
    )

    _sql_constraints = [
        (
            "dates_ordered",
            "CHECK(date_from <= date_to)",
            "The check period must end after it starts.",
        )
    ]

    @api.constrains("min_new_prospects")
    def _check_min_new_prospects(self):
        self._scm_check_range(self, {"min_new_prospects": (0, MAX_POOL_TARGET)})

    @api.depends("user_id", "company_id", "date_from", "date_to", "min_new_prospects")
    def _compute_figures(self):
        # one grouped query on prospects and one on visits per company and period
        groups = defaultdict(lambda: self.browse())
        for check in self:
            groups[(check.company_id, check.date_from, check.date_to)] |= check
        for (company, date_from, date_to), checks in groups.items():
            leads, visits = checks._get_period_figures(company, date_from, date_to)
            for check in checks:
                check._set_figures(leads[check.user_id.id], visits[check.user_id.id])

    def _get_period_figures(self, company, date_from, date_to):
        """Return ({user_id: Counter}, {user_id: Counter}) for prospects and visits."""
        leads, visits = defaultdict(Counter), defaultdict(Counter)
        if not (company and date_from and date_to):
            return leads, visits
        start = datetime.combine(date_from, time.min)
        end = datetime.combine(date_to + timedelta(days=1), time.min)
        data = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group(
                [
                    ("user_id", "in", self.user_id.ids),
                    ("company_id", "in", [company.id, False]),
                    ("create_date", ">=", start),
                    ("create_date", "<", end),
                ],
                ["user_id", "is_contacted", "man_class", "card_color"],
                ["__count"],
            )
        )
        for user, contacted, man_class, color, count in data:
            counter = leads[user.id]
            counter["added"] += count
            counter["contacted"] += count if contacted else 0
            counter["qualified"] += count if man_class and man_class <= 4 else 0
            counter["converted"] += count if color == "red" else 0
        data = self.env["sale.customer.visit"]._read_group(
            [
                ("user_id", "in", self.user_id.ids),
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("date", ">=", start),
                ("date", "<", end),
            ],
            ["user_id", "is_successful"],
            ["__count"],
        )
        for user, successful, count in data:
            visits[user.id]["done"] += count
            visits[user.id]["successful"] += count if successful else 0
        return leads, visits

    def _set_figures(self, leads, visits):
        self.ensure_one()
        self.added_count = leads["added"]
        self.contacted_count = leads["contacted"]
        self.qualified_count = leads["qualified"]
        self.converted_count = leads["converted"]
        self.visit_done_count = visits["done"]
        self.visit_success_rate = (
            100.0 * visits["successful"] / visits["done"] if visits["done"] else 0.0
        )
        self.pool_shortfall = self.user_id.with_company(
            self.company_id
        ).prospect_pool_shortfall
        self.check_new_prospects = self.added_count >= self.min_new_prospects
        self.check_contacted = bool(self.added_count) and (
            self.contacted_count >= 0.8 * self.added_count
        )
        self.check_qualified = bool(self.added_count) and (
            self.qualified_count >= 0.5 * self.added_count
        )
        self.check_visits = bool(visits["done"]) and self.visit_success_rate >= 50.0
        self.check_pool = self.pool_shortfall == 0
        self.score = 100.0 * sum(1 for f in CHECK_FIELDS if self[f]) / len(CHECK_FIELDS)
