# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL


class SaleCustomerProductReport(models.Model):
    """Analyses 3 and 4: product sales composition per customer / tier and
    gross margin rate per product (商品销售构成 / 毛利率).

    One row per confirmed order line, company currency. The margin rate of
    any group is the margin of the group divided by its sales.
    """

    _name = "sale.customer.product.report"
    _inherit = ["sale.customer.report.mixin"]
    _description = "Customer Product Sales Analysis"
    _auto = False
    _rec_name = "product_id"
    _order = "date desc"

    date = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    tier_id = fields.Many2one("res.partner.tier", string="Tier", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product Template", readonly=True
    )
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    product_uom_qty = fields.Float(string="Quantity", readonly=True)
    sales_amount = fields.Monetary(string="Sales", readonly=True)
    cost_amount = fields.Monetary(string="Cost", readonly=True)
    margin = fields.Monetary(readonly=True)
    margin_rate = fields.Float(
        string="Margin Rate (%)", aggregator="avg", readonly=True, digits=(16, 2)
    )

    @api.model
    def _report_ratios(self):
        ratios = super()._report_ratios()
        ratios["margin_rate"] = lambda s: self._ratio_sql(
            s("margin"), s("sales_amount"), 100.0
        )
        return ratios

    @property
    def _table_query(self):
        self._flush_report_sources()
        return SQL(
            """
            SELECT sol.id AS id,
                   so.date_order::date AS date,
                   partner.commercial_partner_id AS partner_id,
                   %(tier)s AS tier_id,
                   commercial.industry_id,
                   so.company_id,
                   so.user_id,
                   so.team_id,
                   sol.product_id,
                   product.product_tmpl_id,
                   template.categ_id,
                   company.currency_id,
                   sol.product_uom_qty,
                   sol.price_subtotal / %(rate)s AS sales_amount,
                   (sol.price_subtotal - COALESCE(sol.margin, 0)) / %(rate)s
                       AS cost_amount,
                   COALESCE(sol.margin, 0) / %(rate)s AS margin,
                   CASE WHEN sol.price_subtotal <> 0
                        THEN sol.margin / sol.price_subtotal * 100 ELSE 0
                   END AS margin_rate
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_company company ON company.id = so.company_id
              JOIN res_partner partner ON partner.id = so.partner_id
              JOIN res_partner commercial
                ON commercial.id = partner.commercial_partner_id
              JOIN product_product product ON product.id = sol.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE so.state = 'sale'
               AND sol.display_type IS NULL
               AND sol.is_downpayment IS NOT TRUE
            """,
            tier=self._partner_column("commercial", "customer_tier_id", "INTEGER"),
            rate=SQL("COALESCE(NULLIF(so.currency_rate, 0), 1.0)"),
        )
