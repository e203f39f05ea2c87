# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

EVENT_TYPES = [
    ("initial", "Initial Placement"),
    ("progress", "Progress"),
    ("override", "Manager Override"),
    ("regression", "Regression"),
    ("uncoupling", "Uncoupling"),
]


class KeyAccountStageHistory(models.Model):
    """The audit trail of the relationship stages: append-only and written by
    the system (``res.partner._ka_log_stage_change`` and
    ``_ka_close_stage_history``, with ``sudo()``). Users read it; no create,
    write or unlink of theirs passes, whatever their group or the context."""

    _name = "key.account.stage.history"
    _inherit = ["sale.customer.integrity.mixin"]
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

    def _check_system_write(self):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The stage history is recorded by the system when a stage "
                    "changes; it cannot be created, changed or deleted by hand."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_system_write()
        return super().create(vals_list)

    def write(self, vals):
        self._check_system_write()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_user(self):
        self._check_system_write()

    @api.depends("date_start", "date_end")
    def _compute_duration_days(self):
        for line in self:
            if line.date_start and line.date_end:
                delta = line.date_end - line.date_start
                line.duration_days = delta.total_seconds() / 86400.0
            else:
                line.duration_days = 0.0
