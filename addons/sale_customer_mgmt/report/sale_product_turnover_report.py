# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL


class SaleProductTurnoverReport(models.Model):
    """Analyses 5-7: turnover, cross ratio and contribution ratio per product
    (商品周转率 / 交叉比率 / 贡献比率), over the last 12 months.

    They need inventory data, i.e. the ``stock`` module, which this addon
    does not depend on. Without it the query returns no rows and the menu
    entry is hidden (see ``ir.ui.menu._load_menus_blacklist``).

    * margin rate = margin / sales (confirmed order lines, company currency);
    * turnover rate = cost of goods delivered to customers / average
      inventory value, both at the product cost; average inventory = (stock
      12 months ago + stock now) / 2, stock 12 months ago being rebuilt from
      today's quants and the moves done since;
    * cross ratio = margin rate × turnover rate;
    * contribution ratio = cross ratio × the product's share of the sales.
    """

    _name = "sale.product.turnover.report"
    _inherit = ["sale.customer.report.mixin"]
    _description = "Product Turnover and Contribution Analysis"
    _auto = False
    _rec_name = "product_id"
    _order = "sales_amount desc"

    product_id = fields.Many2one("product.product", readonly=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product Template", readonly=True
    )
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    sales_amount = fields.Monetary(string="Sales (12 months)", readonly=True)
    margin = fields.Monetary(string="Margin (12 months)", readonly=True)
    qty_delivered = fields.Float(string="Quantity Delivered", readonly=True)
    qty_on_hand = fields.Float(string="Stock Now", readonly=True)
    qty_average = fields.Float(string="Average Stock", readonly=True)
    cost_delivered = fields.Monetary(string="Cost of Goods Delivered", readonly=True)
    inventory_value = fields.Monetary(string="Average Inventory Value", readonly=True)
    sales_share = fields.Float(
        string="Share of Sales (%)", readonly=True, digits=(16, 2)
    )
    margin_rate = fields.Float(
        string="Margin Rate (%)", aggregator="avg", readonly=True, digits=(16, 2)
    )
    turnover_rate = fields.Float(aggregator="avg", readonly=True, digits=(16, 2))
    cross_ratio = fields.Float(aggregator="avg", readonly=True, digits=(16, 4))
    contribution_ratio = fields.Float(aggregator="avg", readonly=True, digits=(16, 4))

    @api.model
    def _report_ratios(self):
        ratios = super()._report_ratios()

        def margin_rate(s):
            return self._ratio_sql(s("margin"), s("sales_amount"), 100.0)

        def turnover(s):
            return self._ratio_sql(s("cost_delivered"), s("inventory_value"))

        def cross(s):
            return SQL("(%s / 100.0) * %s", margin_rate(s), turnover(s))

        ratios.update(
            margin_rate=margin_rate,
            turnover_rate=turnover,
            cross_ratio=cross,
            contribution_ratio=lambda s: SQL(
                "%s * %s / 100.0", cross(s), s("sales_share")
            ),
        )
        return ratios

    @api.model
    def _is_stock_available(self):
        return "stock.move" in self.env and "stock.quant" in self.env

    @property
    def _table_query(self):
        self._flush_report_sources()
        if not self._is_stock_available():
            return SQL(
                """
                SELECT CAST(NULL AS INTEGER) AS id,
                       CAST(NULL AS INTEGER) AS product_id,
                       CAST(NULL AS INTEGER) AS product_tmpl_id,
                       CAST(NULL AS INTEGER) AS categ_id,
                       CAST(NULL AS INTEGER) AS company_id,
                       CAST(NULL AS INTEGER) AS currency_id,
                       CAST(NULL AS NUMERIC) AS sales_amount,
                       CAST(NULL AS NUMERIC) AS margin,
                       CAST(NULL AS NUMERIC) AS qty_delivered,
                       CAST(NULL AS NUMERIC) AS qty_on_hand,
                       CAST(NULL AS NUMERIC) AS qty_average,
                       CAST(NULL AS NUMERIC) AS cost_delivered,
                       CAST(NULL AS NUMERIC) AS inventory_value,
                       CAST(NULL AS NUMERIC) AS sales_share,
                       CAST(NULL AS NUMERIC) AS margin_rate,
                       CAST(NULL AS NUMERIC) AS turnover_rate,
                       CAST(NULL AS NUMERIC) AS cross_ratio,
                       CAST(NULL AS NUMERIC) AS contribution_ratio
                 WHERE FALSE
                """
            )
        today = self._today()
        date_from = today - relativedelta(years=1)
        return SQL(
            """
            WITH sales AS (
                SELECT so.company_id,
                       sol.product_id,
                       SUM(sol.price_subtotal / %(rate)s) AS amount,
                       SUM(COALESCE(sol.margin, 0) / %(rate)s) AS margin
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                 WHERE so.state = 'sale'
                   AND sol.display_type IS NULL
                   AND sol.product_id IS NOT NULL
                   AND so.date_order >= %(date_from)s
              GROUP BY so.company_id, sol.product_id
            ),
            moves AS (
                SELECT move.company_id,
                       move.product_id,
                       SUM(CASE WHEN dest.usage = 'customer'
                                 AND src.usage = 'internal'
                                THEN move.product_qty
                                WHEN src.usage = 'customer'
                                 AND dest.usage = 'internal'
                                THEN -move.product_qty
                                ELSE 0 END) AS qty_delivered,
                       SUM(CASE WHEN dest.usage = 'internal'
                                 AND src.usage <> 'internal'
                                THEN move.product_qty
                                WHEN src.usage = 'internal'
                                 AND dest.usage <> 'internal'
                                THEN -move.product_qty
                                ELSE 0 END) AS qty_net_in
                  FROM stock_move move
                  JOIN stock_location src ON src.id = move.location_id
                  JOIN stock_location dest ON dest.id = move.location_dest_id
                 WHERE move.state = 'done'
                   AND move.date >= %(date_from)s
              GROUP BY move.company_id, move.product_id
            ),
            stock AS (
                SELECT quant.company_id,
                       quant.product_id,
                       SUM(quant.quantity) AS qty
                  FROM stock_quant quant
                  JOIN stock_location location ON location.id = quant.location_id
                 WHERE location.usage = 'internal'
              GROUP BY quant.company_id, quant.product_id
            ),
            keys AS (
                SELECT company_id, product_id FROM sales
                UNION
                SELECT company_id, product_id FROM moves
                 WHERE company_id IS NOT NULL AND qty_delivered <> 0
            ),
            base AS (
                SELECT keys.company_id,
                       keys.product_id,
                       COALESCE(sales.amount, 0) AS sales_amount,
                       COALESCE(sales.margin, 0) AS margin,
                       COALESCE(moves.qty_delivered, 0) AS qty_delivered,
                       COALESCE(stock.qty, 0) AS qty_on_hand,
                       (2 * COALESCE(stock.qty, 0) - COALESCE(moves.qty_net_in, 0))
                           / 2.0 AS qty_average,
                       COALESCE(
                           (product.standard_price ->> keys.company_id::text)::numeric,
                           0
                       ) AS unit_cost
                  FROM keys
                  JOIN product_product product ON product.id = keys.product_id
             LEFT JOIN sales ON sales.company_id = keys.company_id
                            AND sales.product_id = keys.product_id
             LEFT JOIN moves ON moves.company_id = keys.company_id
                            AND moves.product_id = keys.product_id
             LEFT JOIN stock ON stock.company_id = keys.company_id
                            AND stock.product_id = keys.product_id
            ),
            valued AS (
                SELECT base.*,
                       base.qty_delivered * base.unit_cost AS cost_delivered,
                       GREATEST(base.qty_average, 0) * base.unit_cost
                           AS inventory_value,
                       COALESCE(
                           base.sales_amount
                           / NULLIF(SUM(base.sales_amount)
                                    OVER (PARTITION BY base.company_id), 0)
                           * 100,
                           0
                       ) AS sales_share
                  FROM base
            ),
            ratios AS (
                SELECT valued.*,
                       COALESCE(valued.margin / NULLIF(valued.sales_amount, 0), 0)
                           * 100 AS margin_rate,
                       COALESCE(
                           valued.cost_delivered / NULLIF(valued.inventory_value, 0),
                           0
                       ) AS turnover_rate
                  FROM valued
            )
            SELECT ROW_NUMBER() OVER (ORDER BY ratios.company_id, ratios.product_id)
                       AS id,
                   ratios.product_id,
                   product.product_tmpl_id,
                   template.categ_id,
                   ratios.company_id,
                   company.currency_id,
                   ratios.sales_amount,
                   ratios.margin,
                   ratios.qty_delivered,
                   ratios.qty_on_hand,
                   ratios.qty_average,
                   ratios.cost_delivered,
                   ratios.inventory_value,
                   ratios.sales_share,
                   ratios.margin_rate,
                   ratios.turnover_rate,
                   ratios.margin_rate / 100.0 * ratios.turnover_rate AS cross_ratio,
                   ratios.margin_rate / 100.0 * ratios.turnover_rate
                       * ratios.sales_share / 100.0 AS contribution_ratio
              FROM ratios
              JOIN product_product product ON product.id = ratios.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
              JOIN res_company company ON company.id = ratios.company_id
            """,
            rate=SQL("COALESCE(NULLIF(so.currency_rate, 0), 1.0)"),
            date_from=date_from,
        )
