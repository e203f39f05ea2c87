# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL


class ResPartnerFigures(models.Model):
    """A customer's figures as the current user may see them (客户数据权限).

    The sales, margin, payment and score figures that the tier engine stores
    on ``res.partner`` are restricted by ``groups=`` to the users who may see
    every customer's figures (``group_customer_figures``: accountants, sales
    managers, "All Documents" salespeople). Field groups cannot tell one
    customer from another, so the salespeople limited to their own documents
    read the same stored columns through this read-only model, one row per
    scored commercial partner (``id`` = the partner's id), whose record rules
    decide per customer: its salesperson, the leaders of the sales teams its
    salesperson belongs to, and the figure roles (see
    ``security/sale_customer_mgmt_report_rules.xml``). The partner's
    ``figure_*`` fields, the *Customer Figures* pivot and the exports all go
    through it, so a rule here is the single place that decides.

    No copy of the data: the columns stay where the engine writes them (one
    ``UPDATE res_partner``), the model is a query over them.
    """

    _name = "res.partner.figures"
    _inherit = ["sale.customer.report.mixin"]
    _description = "Customer Figures"
    _auto = False
    _rec_name = "partner_id"
    _order = "sales_12m desc, id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        readonly=True,
        help="The main sales team of the customer's salesperson.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    tier_id = fields.Many2one("res.partner.tier", string="Tier", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Region", readonly=True)
    is_prospect = fields.Boolean(string="Prospect", readonly=True)
    churn_state = fields.Selection(selection="_selection_churn_state", readonly=True)
    purchase_power = fields.Selection(
        selection="_selection_purchase_power", string="Purchasing Power", readonly=True
    )
    customer_count = fields.Integer(string="# Customers", readonly=True)
    customer_score = fields.Float(
        string="Score", digits=(16, 2), aggregator="avg", readonly=True
    )
    score_purchase = fields.Float(
        string="Purchase Volume Score", aggregator="avg", readonly=True
    )
    score_profit = fields.Float(
        string="Profitability Score", aggregator="avg", readonly=True
    )
    score_payment = fields.Float(
        string="Payment Safety Score", aggregator="avg", readonly=True
    )
    score_potential = fields.Float(
        string="Future Potential Score", aggregator="avg", readonly=True
    )
    score_cooperation = fields.Float(
        string="Cooperation Score", aggregator="avg", readonly=True
    )
    sales_12m = fields.Monetary(string="Sales (12 Months)", readonly=True)
    sales_prev_12m = fields.Monetary(string="Sales (Previous 12 Months)", readonly=True)
    margin_12m = fields.Monetary(string="Margin (12 Months)", readonly=True)
    order_count_12m = fields.Integer(string="Orders (12 Months)", readonly=True)
    growth_pct = fields.Float(
        string="Sales Growth (%)", aggregator="avg", readonly=True
    )
    paid_share = fields.Float(string="Paid Share (%)", aggregator="avg", readonly=True)
    overdue_amount = fields.Monetary(string="Overdue Receivables", readonly=True)
    avg_days_late = fields.Float(
        string="Average Days Paid Late", aggregator="avg", readonly=True
    )
    last_order_date = fields.Date(string="Last Order", aggregator="max", readonly=True)
    lifetime_value = fields.Monetary(readonly=True)
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", readonly=True
    )

    def _selection_churn_state(self):
        return self._partner_selection("churn_state")

    def _selection_purchase_power(self):
        return self._partner_selection("purchase_power")

    @api.depends_context("company")
    def _compute_currency_id(self):
        # the engine stores the figures in the scoring company's currency
        self.currency_id = self.env.company.currency_id

    @property
    def _table_query(self):
        # the query reads res_partner directly: write pending changes first
        self.env["res.partner"].flush_model(
            [
                "commercial_partner_id",
                "user_id",
                "company_id",
                "customer_tier_id",
                "industry_id",
                "state_id",
                "churn_state",
                "purchase_power",
            ]
        )
        return SQL(
            """
            SELECT p.id,
                   p.id AS partner_id,
                   p.user_id,
                   salesperson.sale_team_id AS team_id,
                   p.company_id,
                   p.customer_tier_id AS tier_id,
                   p.industry_id,
                   p.state_id,
                   COALESCE(p.is_prospect, FALSE) AS is_prospect,
                   p.churn_state,
                   p.purchase_power,
                   1 AS customer_count,
                   p.customer_score,
                   p.tier_score_purchase AS score_purchase,
                   p.tier_score_profit AS score_profit,
                   p.tier_score_payment AS score_payment,
                   p.tier_score_potential AS score_potential,
                   p.tier_score_cooperation AS score_cooperation,
                   p.tier_sales_12m AS sales_12m,
                   p.tier_sales_prev_12m AS sales_prev_12m,
                   p.tier_margin_12m AS margin_12m,
                   p.tier_order_count_12m AS order_count_12m,
                   p.tier_growth_pct AS growth_pct,
                   p.tier_paid_share AS paid_share,
                   p.tier_overdue_amount AS overdue_amount,
                   p.tier_avg_days_late AS avg_days_late,
                   p.tier_last_order_date AS last_order_date,
                   p.lifetime_value
              FROM res_partner p
         LEFT JOIN res_users salesperson ON salesperson.id = p.user_id
             WHERE p.id = p.commercial_partner_id
               AND p.tier_scored_date IS NOT NULL
            """
        )
