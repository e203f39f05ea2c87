# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class ForecastSaleReport(models.Model):
    _name = "forecast.sale.report"
    _description = "Sales Forecast"
    _auto = False
    _order = "date desc"

    date = fields.Date(readonly=True)
    source = fields.Selection(
        [("pipeline", "Open Pipeline"), ("history", "Last Year's Orders")],
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    pipeline_amount = fields.Monetary(
        string="Expected Revenue", readonly=True, currency_field="currency_id"
    )
    forecast_amount = fields.Monetary(
        string="Weighted Forecast",
        readonly=True,
        currency_field="currency_id",
        help="Expected revenue multiplied by the probability, by expected closing "
        "date.",
    )
    last_year_amount = fields.Monetary(
        string="Same Period Last Year",
        readonly=True,
        currency_field="currency_id",
        help="Untaxed total of the orders confirmed one year earlier, in the "
        "company currency.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT row_number() OVER () AS id, f.*
              FROM (
                SELECT l.company_id,
                       l.user_id,
                       l.team_id,
                       l.id AS lead_id,
                       COALESCE(l.date_deadline, l.create_date::date) AS date,
                       'pipeline' AS source,
                       COALESCE(l.expected_revenue, 0) AS pipeline_amount,
                       COALESCE(l.expected_revenue, 0)
                           * COALESCE(l.probability, 0) / 100.0 AS forecast_amount,
                       0.0 AS last_year_amount
                  FROM crm_lead l
                 WHERE l.active
                   AND l.type = 'opportunity'
                   AND COALESCE(l.probability, 0) < 100
                UNION ALL
                SELECT s.company_id,
                       s.user_id,
                       s.team_id,
                       NULL AS lead_id,
                       (s.date_order + INTERVAL '1 year')::date AS date,
                       'history' AS source,
                       0.0 AS pipeline_amount,
                       0.0 AS forecast_amount,
                       s.amount_untaxed / COALESCE(NULLIF(s.currency_rate, 0), 1.0)
                           AS last_year_amount
                  FROM sale_order s
                 WHERE s.state = 'sale'
              ) AS f
            """
        )
