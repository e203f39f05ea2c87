# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL


class SaleCustomerPerformanceReport(models.Model):
    """Analysis 2: transaction performance per customer (客户交易业绩分析).

    One row per confirmed order (its untaxed amount and margin, which are the
    sums of its lines) and one row per posted customer invoice or credit note
    (payment behaviour), all in company currency and dated by order date /
    invoice date, so that a pivot by customer and month shows sales, margin
    and collection side by side. Order rows rather than line rows: every
    dimension is the order's, and a 12-month pivot reads a fifth of the rows
    with no window function (which kept the date filter out of the query).
    """

    _name = "sale.customer.performance.report"
    _inherit = ["sale.customer.report.mixin"]
    _description = "Customer Transaction Performance"
    _auto = False
    _rec_name = "partner_id"
    _order = "date desc"

    date = fields.Date(readonly=True)
    source = fields.Selection(
        [("order", "Sale Order"), ("invoice", "Invoice")], readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    tier_id = fields.Many2one("res.partner.tier", string="Tier", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Region", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    order_count = fields.Integer(string="# Orders", readonly=True)
    sales_amount = fields.Monetary(string="Sales", readonly=True)
    margin = fields.Monetary(readonly=True)
    margin_rate = fields.Float(
        string="Margin Rate (%)", aggregator="avg", readonly=True, digits=(16, 2)
    )
    invoiced_amount = fields.Monetary(
        string="Invoiced",
        readonly=True,
        help="Invoices minus credit notes, taxes included.",
    )
    paid_amount = fields.Monetary(string="Paid", readonly=True)
    residual_amount = fields.Monetary(string="Outstanding", readonly=True)
    overdue_amount = fields.Monetary(
        string="Overdue", readonly=True, help="Outstanding amount past its due date."
    )
    paid_rate = fields.Float(
        string="Paid Rate (%)", aggregator="avg", readonly=True, digits=(16, 2)
    )

    @api.model
    def _report_ratios(self):
        ratios = super()._report_ratios()
        ratios["margin_rate"] = lambda s: self._ratio_sql(
            s("margin"), s("sales_amount"), 100.0
        )
        ratios["paid_rate"] = lambda s: self._ratio_sql(
            s("paid_amount"), s("invoiced_amount"), 100.0
        )
        return ratios

    @property
    def _table_query(self):
        self._flush_report_sources()
        return SQL(
            """
            SELECT so.id * 2 AS id,
                   'order' AS source,
                   so.date_order::date AS date,
                   partner.commercial_partner_id AS partner_id,
                   %(tier)s AS tier_id,
                   so.company_id,
                   so.user_id,
                   so.team_id,
                   commercial.industry_id,
                   commercial.state_id,
                   company.currency_id,
                   1 AS order_count,
                   so.amount_untaxed
                       / COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS sales_amount,
                   COALESCE(so.margin, 0)
                       / COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS margin,
                   CASE WHEN so.amount_untaxed <> 0
                        THEN so.margin / so.amount_untaxed * 100 ELSE 0
                   END AS margin_rate,
                   0 AS invoiced_amount,
                   0 AS paid_amount,
                   0 AS residual_amount,
                   0 AS overdue_amount,
                   0 AS paid_rate
              FROM sale_order so
              JOIN res_company company ON company.id = so.company_id
              JOIN res_partner partner ON partner.id = so.partner_id
              JOIN res_partner commercial
                ON commercial.id = partner.commercial_partner_id
             WHERE so.state = 'sale'
            UNION ALL
            SELECT move.id * 2 + 1 AS id,
                   'invoice' AS source,
                   move.invoice_date AS date,
                   move.commercial_partner_id AS partner_id,
                   %(tier)s AS tier_id,
                   move.company_id,
                   move.invoice_user_id AS user_id,
                   move.team_id,
                   commercial.industry_id,
                   commercial.state_id,
                   company.currency_id,
                   0 AS order_count,
                   0 AS sales_amount,
                   0 AS margin,
                   0 AS margin_rate,
                   move.amount_total_signed AS invoiced_amount,
                   move.amount_total_signed - move.amount_residual_signed
                       AS paid_amount,
                   move.amount_residual_signed AS residual_amount,
                   CASE WHEN move.invoice_date_due < %(today)s
                        THEN move.amount_residual_signed ELSE 0
                   END AS overdue_amount,
                   CASE WHEN move.amount_total_signed <> 0
                        THEN (move.amount_total_signed - move.amount_residual_signed)
                             / move.amount_total_signed * 100
                        ELSE 0
                   END AS paid_rate
              FROM account_move move
              JOIN res_company company ON company.id = move.company_id
              JOIN res_partner commercial ON commercial.id = move.commercial_partner_id
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
            """,
            tier=self._partner_column("commercial", "customer_tier_id", "INTEGER"),
            today=self._today(),
        )
