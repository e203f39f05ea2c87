# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

EVENT_TYPES = [
    ("initial", "Initial Placement"),
    ("progress", "Progress"),
    ("override", "Manager Override"),
    ("regression", "Regression"),
    ("uncoupling", "Uncoupling"),
]


class KeyAccountStageHistory(models.Model):
    _name = "key.account.stage.history"
    _description = "Key Account Stage History"
    _order = "date_start desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Account", required=True, ondelete="cascade", index=True
    )
    stage_id = fields.Many2one("key.account.stage", required=True, ondelete="restrict")
    previous_stage_id = fields.Many2one("key.account.stage", ondelete="set null")
    event_type = fields.Selection(EVENT_TYPES, required=True, default="progress")
    uncoupling_cause = fields.Selection(
        [
            ("other_supplier", "Buyer wants another supplier"),
            ("pushed_too_hard", "We pushed too hard"),
            ("other", "Other"),
        ]
    )
    reason = fields.Text(
        help="Cause of a regression or uncoupling, or reason of an override."
    )
    user_id = fields.Many2one(
        "res.users", string="Recorded By", default=lambda self: self.env.user
    )
    date_start = fields.Datetime(required=True, default=fields.Datetime.now)
    date_end = fields.Datetime()
    duration_days = fields.Float(
        compute="_compute_duration_days",
        store=True,
        aggregator="sum",
        digits=(16, 1),
        help="Days spent in the stage; for the current stage, until the last "
        "stage change was recorded (see the stage duration report for live values).",
    )

    @api.depends("date_start", "date_end")
    def _compute_duration_days(self):
        for line in self:
            if line.date_start and line.date_end:
                delta = line.date_end - line.date_start
                line.duration_days = delta.total_seconds() / 86400.0
            else:
                line.duration_days = 0.0
