# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CustomerTierWhatifResult(models.TransientModel):
    _name = "customer.tier.whatif.result"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Customer Tier What-If Move"

    wizard_id = fields.Many2one(
        "customer.tier.whatif.wizard", required=True, ondelete="cascade"
    )
    from_tier_id = fields.Many2one("res.partner.tier", string="From Tier")
    to_tier_id = fields.Many2one("res.partner.tier", string="To Tier")
    partner_count = fields.Integer(string="Customers")
    is_move = fields.Boolean(compute="_compute_is_move")

    @api.depends("from_tier_id", "to_tier_id")
    def _compute_is_move(self):
        for line in self:
            line.is_move = line.from_tier_id != line.to_tier_id
