# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

PERIOD_TYPES = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]


class SaleCustomerChurnReport(models.Model):
    """Churn and retention per period (客户流失率 / 保留率).

    For each period type (month, quarter, year) and each completed period P,
    one row per customer (commercial partner) who bought from the company in
    the period before P: *retained* if the customer bought again in P,
    *churned* otherwise. Churn rate = churned / customers of P-1; retention
    rate = retained / customers of P-1. Lifetime value lost is the current
    lifetime value of the churned customers. Filter on one period type: the
    search view does it by default (quarter).
    """

    _name = "sale.customer.churn.report"
    _inherit = ["sale.customer.report.mixin"]
    _description = "Customer Churn and Retention Analysis"
    _auto = False
    _rec_name = "partner_id"
    _order = "date desc"

    period_type = fields.Selection(PERIOD_TYPES, readonly=True)
    date = fields.Date(string="Period", readonly=True, help="Start of the period.")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    tier_id = fields.Many2one("res.partner.tier", string="Tier", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Region", readonly=True)
    churn_reason_id = fields.Many2one("sale.churn.reason", readonly=True)
    churn_state = fields.Selection(selection="_selection_churn_state", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    customer_count = fields.Integer(
        string="# Customers (previous period)", readonly=True
    )
    retained_count = fields.Integer(string="# Retained", readonly=True)
    churned_count = fields.Integer(string="# Churned", readonly=True)
    churn_rate = fields.Float(
        string="Churn Rate (%)", aggregator="avg", readonly=True, digits=(16, 2)
    )
    retention_rate = fields.Float(
        string="Retention Rate (%)", aggregator="avg", readonly=True, digits=(16, 2)
    )
    previous_sales = fields.Monetary(string="Sales (previous period)", readonly=True)
    lost_sales = fields.Monetary(
        readonly=True, help="Previous-period sales of the churned customers."
    )
    lifetime_value_lost = fields.Monetary(
        readonly=True, help="Current lifetime value of the churned customers."
    )

    def _selection_churn_state(self):
        return self._partner_selection("churn_state")

    @api.model
    def _report_ratios(self):
        ratios = super()._report_ratios()
        ratios["churn_rate"] = lambda s: self._ratio_sql(
            s("churned_count"), s("customer_count"), 100.0
        )
        ratios["retention_rate"] = lambda s: self._ratio_sql(
            s("retained_count"), s("customer_count"), 100.0
        )
        return ratios

    @api.model
    def _select_additional_fields(self):
        """Hook for other addons (e.g. after_sales: satisfaction next to
        retention): ``{field_name: SQL}`` added to the SELECT; the SQL can use
        the aliases ``pair`` (partner_id, company_id, period, step) and
        ``partner`` (the commercial partner)."""
        return {}

    @property
    def _table_query(self):
        # No window function and no CTE read twice: the pivot's filters
        # (period type, dates, tier...) are pushed by PostgreSQL into the
        # grouped ``pair`` subquery, so a 12-month quarterly pivot groups only
        # the orders of those quarters instead of every period of every type.
        # ``retained`` probes the orders of the customer in the period
        # (indexes on res_partner.commercial_partner_id and
        # sale_order.partner_id). The id is built from the row's key, unique
        # per (partner, company, period type, period).
        self._flush_report_sources()
        return SQL(
            """
            SELECT ((pair.partner_id::bigint * 1000 + pair.company_id) * 4
                    + pair.type_index) * 10000
                   + (EXTRACT(YEAR FROM pair.period)::int - 1900) * 12
                   + EXTRACT(MONTH FROM pair.period)::int AS id,
                   pair.period_type,
                   pair.period AS date,
                   pair.partner_id,
                   pair.company_id,
                   partner.user_id,
                   %(tier)s AS tier_id,
                   partner.industry_id,
                   partner.state_id,
                   partner.churn_reason_id,
                   %(churn_state)s AS churn_state,
                   company.currency_id,
                   1 AS customer_count,
                   CASE WHEN next.retained THEN 1 ELSE 0 END AS retained_count,
                   CASE WHEN next.retained THEN 0 ELSE 1 END AS churned_count,
                   CASE WHEN next.retained THEN 0 ELSE 100 END AS churn_rate,
                   CASE WHEN next.retained THEN 100 ELSE 0 END AS retention_rate,
                   pair.previous_sales,
                   CASE WHEN next.retained THEN 0 ELSE pair.previous_sales END
                       AS lost_sales,
                   CASE WHEN next.retained THEN 0
                        ELSE COALESCE(%(lifetime_value)s, 0) END
                       AS lifetime_value_lost
                   %(additional)s
              FROM (
                -- one row per customer and period P (start of the period
                -- after the one with purchases): previous_sales bought in P-1
                SELECT so.company_id,
                       partner.commercial_partner_id AS partner_id,
                       period_type.code AS period_type,
                       period_type.type_index,
                       period_type.step,
                       (date_trunc(period_type.code, so.date_order)
                           + period_type.step)::date AS period,
                       SUM(so.amount_untaxed
                           / COALESCE(NULLIF(so.currency_rate, 0), 1.0))
                           AS previous_sales
                  FROM sale_order so
                  JOIN res_partner partner ON partner.id = so.partner_id
            CROSS JOIN (VALUES ('month', 1, INTERVAL '1 month'),
                               ('quarter', 2, INTERVAL '3 months'),
                               ('year', 3, INTERVAL '1 year'))
                       AS period_type (code, type_index, step)
                 WHERE so.state = 'sale'
              GROUP BY so.company_id, partner.commercial_partner_id,
                       period_type.code, period_type.type_index,
                       period_type.step,
                       (date_trunc(period_type.code, so.date_order)
                           + period_type.step)::date
              ) pair
              JOIN res_partner partner ON partner.id = pair.partner_id
              JOIN res_company company ON company.id = pair.company_id
              CROSS JOIN LATERAL (
                  SELECT EXISTS (
                      SELECT 1
                        FROM sale_order so_next
                        JOIN res_partner buyer ON buyer.id = so_next.partner_id
                       WHERE buyer.commercial_partner_id = pair.partner_id
                         AND so_next.company_id = pair.company_id
                         AND so_next.state = 'sale'
                         AND so_next.date_order >= pair.period
                         AND so_next.date_order < pair.period + pair.step
                  ) AS retained
                  -- OFFSET 0: evaluated once per row, not once per column
                  OFFSET 0
              ) next
             WHERE (pair.period + pair.step)::date <= %(today)s
            """,
            tier=self._partner_column("partner", "customer_tier_id", "INTEGER"),
            churn_state=self._partner_column("partner", "churn_state", "VARCHAR"),
            lifetime_value=self._partner_column("partner", "lifetime_value", "NUMERIC"),
            today=self._today(),
            additional=SQL("").join(
                SQL(", %s AS %s", expression, SQL.identifier(fname))
                for fname, expression in self._select_additional_fields().items()
            ),
        )
