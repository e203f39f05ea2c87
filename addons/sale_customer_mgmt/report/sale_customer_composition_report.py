# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL


class SaleCustomerCompositionReport(models.Model):
    """Analysis 1: composition of the customer base (客户构成分析)."""

    _name = "sale.customer.composition.report"
    _inherit = ["sale.customer.report.mixin"]
    _description = "Customer Composition Analysis"
    _auto = False
    _rec_name = "partner_id"
    _order = "sales_12m desc"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    tier_id = fields.Many2one("res.partner.tier", string="Tier", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Region", readonly=True)
    city = fields.Char(readonly=True)
    customer_scale = fields.Selection(
        selection="_selection_customer_scale", string="Scale", readonly=True
    )
    card_type = fields.Selection(selection="_selection_card_type", readonly=True)
    purchase_power = fields.Selection(
        selection="_selection_purchase_power", string="Purchasing Power", readonly=True
    )
    churn_state = fields.Selection(selection="_selection_churn_state", readonly=True)
    customer_count = fields.Integer(string="# Customers", readonly=True)
    sales_12m = fields.Monetary(
        string="Sales (12 months)",
        currency_field="currency_id",
        readonly=True,
        help="Untaxed confirmed sales of the last 12 months, company currency.",
    )
    margin_12m = fields.Monetary(
        string="Margin (12 months)", currency_field="currency_id", readonly=True
    )
    lifetime_value = fields.Monetary(currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", readonly=True
    )

    def _selection_customer_scale(self):
        return self._partner_selection("customer_scale")

    def _selection_card_type(self):
        return self._partner_selection("card_type")

    def _selection_purchase_power(self):
        return self._partner_selection("purchase_power")

    def _selection_churn_state(self):
        return self._partner_selection("churn_state")

    @api.depends_context("company")
    def _compute_currency_id(self):
        self.currency_id = self.env.company.currency_id

    @property
    def _table_query(self):
        self._flush_report_sources()
        today = self._today()
        return SQL(
            """
            WITH sales AS (
                SELECT partner.commercial_partner_id AS partner_id,
                       SUM(sol.price_subtotal
                           / COALESCE(NULLIF(so.currency_rate, 0), 1.0)) AS amount,
                       SUM(sol.margin
                           / COALESCE(NULLIF(so.currency_rate, 0), 1.0)) AS margin
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner partner ON partner.id = so.partner_id
                 WHERE so.state = 'sale'
                   AND sol.display_type IS NULL
                   AND so.date_order >= %(date_from)s
                   AND so.company_id = ANY(%(company_ids)s)
              GROUP BY partner.commercial_partner_id
            )
            SELECT partner.id AS id,
                   partner.id AS partner_id,
                   partner.company_id AS company_id,
                   partner.user_id AS user_id,
                   %(tier)s AS tier_id,
                   partner.industry_id AS industry_id,
                   partner.country_id AS country_id,
                   partner.state_id AS state_id,
                   partner.city AS city,
                   %(scale)s AS customer_scale,
                   %(card_type)s AS card_type,
                   %(purchase_power)s AS purchase_power,
                   %(churn_state)s AS churn_state,
                   1 AS customer_count,
                   COALESCE(sales.amount, 0) AS sales_12m,
                   COALESCE(sales.margin, 0) AS margin_12m,
                   COALESCE(%(lifetime_value)s, 0) AS lifetime_value
              FROM res_partner partner
         LEFT JOIN sales ON sales.partner_id = partner.id
             WHERE partner.active
               AND partner.id = partner.commercial_partner_id
               AND (partner.customer_rank > 0 OR sales.partner_id IS NOT NULL)
            """,
            date_from=today - relativedelta(years=1),
            company_ids=self.env.companies.ids,
            tier=self._partner_column("partner", "customer_tier_id", "INTEGER"),
            scale=self._partner_column("partner", "customer_scale", "VARCHAR"),
            card_type=self._partner_column("partner", "card_type", "VARCHAR"),
            purchase_power=self._partner_column("partner", "purchase_power", "VARCHAR"),
            churn_state=self._partner_column("partner", "churn_state", "VARCHAR"),
            lifetime_value=self._partner_column("partner", "lifetime_value", "NUMERIC"),
        )
