# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ka_quadrant_threshold = fields.Float(
        string="Quadrant Threshold",
        config_parameter="key_account.quadrant_threshold",
        default=5.0,
        help="A score equal to or above this value (0-10) counts as high in the "
        "selection matrix and the supplier positioning.",
    )
    ka_contact_alert_days = fields.Integer(
        string="Decision Maker Contact Alert (Days)",
        config_parameter="key_account.contact_alert_days",
        default=60,
    )
    ka_freshness_days = fields.Integer(
        string="Freshness Window (Days)",
        config_parameter="key_account.freshness_days",
        default=90,
    )

    def set_values(self):
        old = self.env["res.partner"]._ka_get_quadrant_threshold()
        res = super().set_values()
        if old != self.env["res.partner"]._ka_get_quadrant_threshold():
            self.env["res.partner"]._ka_recompute_quadrants()
        return res
