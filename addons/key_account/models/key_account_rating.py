# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KeyAccountRating(models.Model):
    _name = "key.account.rating"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Key Account Factor Rating"
    _order = "factor_type, sequence, id"

    partner_id = fields.Many2one(
        "res.partner", string="Account", required=True, ondelete="cascade", index=True
    )
    factor_id = fields.Many2one(
        "key.account.factor", required=True, ondelete="restrict"
    )
    factor_type = fields.Selection(related="factor_id.factor_type", store=True)
    sequence = fields.Integer(related="factor_id.sequence", store=True)
    weight = fields.Float(related="factor_id.weight", store=True)
    rating = fields.Float(digits=(16, 1), help="From 0 (very poor) to 10 (excellent).")
    note = fields.Char()

    _sql_constraints = [
        (
            "partner_factor_unique",
            "UNIQUE(partner_id, factor_id)",
            "Each factor is rated only once per account.",
        ),
    ]

    @api.constrains("rating")
    def _check_rating(self):
        for line in self:
            if not 0 <= line.rating <= 10:
                raise ValidationError(
                    self.env._(
                        "The rating of %(factor)s must be between 0 and 10.",
                        factor=line.factor_id.name,
                    )
                )
