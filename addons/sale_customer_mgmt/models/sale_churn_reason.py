# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SaleChurnReason(models.Model):
    """Why a customer stopped buying (客户流失原因)."""

    _name = "sale.churn.reason"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Customer Churn Reason"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    code = fields.Char(required=True)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    reference_share = fields.Float(
        digits=(5, 2),
        help="Share of defectors usually lost for this reason, in percent "
        "(classic reference figures), to compare with your own distribution.",
    )
    active = fields.Boolean(default=True)
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "The churn reason code must be unique."),
        (
            "reference_share_range",
            "CHECK(reference_share >= 0 AND reference_share <= 100)",
            "The reference share must be between 0 and 100.",
        ),
    ]

    @api.constrains("reference_share")
    def _check_reference_share(self):
        self._scm_check_range(self, {"reference_share": (0.0, 100.0)})

    def _compute_partner_count(self):
        data = (
            self.env["res.partner"]
            .with_context(active_test=False)
            ._read_group(
                [("churn_reason_id", "in", self.ids)], ["churn_reason_id"], ["__count"]
            )
        )
        mapped = {reason.id: count for reason, count in data}
        for reason in self:
            reason.partner_count = mapped.get(reason.id, 0)
