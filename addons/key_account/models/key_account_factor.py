# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

FACTOR_TYPES = [
    ("attractiveness", "Customer Attractiveness"),
    ("advantage", "Our Relative Advantage"),
]


class KeyAccountFactor(models.Model):
    _name = "key.account.factor"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Key Account Selection Factor"
    _order = "factor_type, sequence, id"

    name = fields.Char(required=True, translate=True)
    factor_type = fields.Selection(FACTOR_TYPES, string="Axis", required=True)
    weight = fields.Float(
        default=1.0,
        required=True,
        help="Relative weight of the factor within its axis.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "weight_positive",
            "CHECK(weight >= 0)",
            "A factor weight cannot be negative.",
        ),
    ]

    @api.constrains("weight")
    def _check_weight(self):
        for factor in self:
            if factor.weight < 0:
                raise ValidationError(
                    self.env._(
                        "The weight of %(factor)s cannot be negative.",
                        factor=factor.name,
                    )
                )
