# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CustomerTierWhatifThreshold(models.TransientModel):
    _name = "customer.tier.whatif.threshold"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Customer Tier What-If Threshold"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "customer.tier.whatif.wizard", required=True, ondelete="cascade"
    )
    tier_id = fields.Many2one("res.partner.tier", required=True)
    sequence = fields.Integer(related="tier_id.sequence")
    min_score = fields.Float(string="Minimum Score")

    @api.constrains("min_score")
    def _check_min_score(self):
        self._scm_check_range(self, {"min_score": (0.0, 100.0)})
