# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class KeyAccountStageReport(models.Model):
    _name = "key.account.stage.report"
    _description = "Time Spent per Key Account Stage"
    _auto = False
    _order = "date_start desc"

    partner_id = fields.Many2one("res.partner", string="Account", readonly=True)
    stage_id = fields.Many2one("key.account.stage", readonly=True)
    event_type = fields.Selection(
        [
            ("initial", "Initial Placement"),
            ("progress", "Progress"),
            ("override", "Manager Override"),
            ("regression", "Regression"),
            ("uncoupling", "Uncoupling"),
        ],
        readonly=True,
    )
    ka_user_id = fields.Many2one(
        "res.users", string="Key Account Manager", readonly=True
    )
    date_start = fields.Datetime(readonly=True)
    date_end = fields.Datetime(readonly=True)
    is_current = fields.Boolean(readonly=True)
    duration_days = fields.Float(
        string="Days in Stage", readonly=True, aggregator="sum", digits=(16, 1)
    )
    avg_duration_days = fields.Float(
        string="Average Days", readonly=True, aggregator="avg", digits=(16, 1)
    )

    @property
    def _table_query(self):
        # LEFT JOIN, not JOIN: every history line has its partner (required,
        # foreign key with ON DELETE CASCADE), so the rows are the same, and
        # PostgreSQL drops a LEFT JOIN on a primary key whose columns the query
        # does not use. A pivot or graph that does not show the manager then
        # reads the history alone: the record rule already selects the
        # partners (``partner_id IN (SELECT id FROM res_partner WHERE ...)``);
        # with an inner join the plan walked the partners a second time.
        return SQL(
            """
            SELECT h.id AS id,
                   h.partner_id AS partner_id,
                   h.stage_id AS stage_id,
                   h.event_type AS event_type,
                   p.ka_user_id AS ka_user_id,
                   h.date_start AS date_start,
                   h.date_end AS date_end,
                   h.date_end IS NULL AS is_current,
                   EXTRACT(EPOCH FROM COALESCE(h.date_end, NOW() AT TIME ZONE 'UTC')
                       - h.date_start) / 86400.0 AS duration_days,
                   EXTRACT(EPOCH FROM COALESCE(h.date_end, NOW() AT TIME ZONE 'UTC')
                       - h.date_start) / 86400.0 AS avg_duration_days
              FROM key_account_stage_history h
         LEFT JOIN res_partner p ON p.id = h.partner_id
            """
        )
