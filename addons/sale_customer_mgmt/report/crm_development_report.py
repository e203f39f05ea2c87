# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.crm_lead_man import MAN_ASSESSMENTS
from ..models.crm_lead_prospect import PROSPECT_SOURCES


class CrmDevelopmentReport(models.Model):
    _name = "crm.development.report"
    _description = "New-Customer Development Report"
    _auto = False
    _order = "date desc"

    lead_id = fields.Many2one("crm.lead", string="Prospect", readonly=True)
    date = fields.Date(string="Added On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    prospect_source = fields.Selection(PROSPECT_SOURCES, readonly=True)
    man_class = fields.Integer(
        string="MAN Class",
        readonly=True,
        aggregator=False,
        help="0: not assessed yet; 1 to 8: the MAN class.",
    )
    man_code = fields.Char(string="MAN", readonly=True)
    man_assessment = fields.Selection(
        MAN_ASSESSMENTS, string="MAN Assessment", readonly=True
    )
    card_color = fields.Selection(
        [("red", "Red"), ("yellow", "Yellow"), ("green", "Green")],
        string="Card Colour",
        readonly=True,
    )
    heat_grade = fields.Selection([("a", "A"), ("b", "B"), ("c", "C")], readonly=True)
    added_count = fields.Integer(string="Added", readonly=True)
    contacted_count = fields.Integer(string="Contacted", readonly=True)
    qualified_count = fields.Integer(
        string="Qualified", readonly=True, help="Prospects of MAN classes 1 to 4."
    )
    converted_count = fields.Integer(string="Converted", readonly=True)
    dropped_count = fields.Integer(string="Dropped", readonly=True)
    conversion_rate = fields.Float(
        string="Conversion Rate (%)", readonly=True, aggregator="avg"
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT l.id AS id,
                   l.id AS lead_id,
                   l.create_date::date AS date,
                   l.company_id,
                   l.user_id,
                   l.team_id,
                   l.prospect_source,
                   l.man_class,
                   l.man_code,
                   l.man_assessment,
                   l.card_color,
                   l.heat_grade,
                   1 AS added_count,
                   CASE WHEN l.is_contacted THEN 1 ELSE 0 END AS contacted_count,
                   CASE WHEN l.man_class BETWEEN 1 AND 4 THEN 1 ELSE 0 END
                       AS qualified_count,
                   CASE WHEN l.active AND l.probability >= 100 THEN 1 ELSE 0 END
                       AS converted_count,
                   CASE WHEN NOT l.active AND COALESCE(l.probability, 0) = 0
                        THEN 1 ELSE 0 END AS dropped_count,
                   CASE WHEN l.active AND l.probability >= 100 THEN 100.0 ELSE 0.0 END
                       AS conversion_rate
              FROM crm_lead l
            """
        )
