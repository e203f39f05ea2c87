# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartnerTierHistory(models.Model):
    """One line per tier change of a customer (客户分级变更记录)."""

    _name = "res.partner.tier.history"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Customer Tier History"
    _order = "date desc, id desc"
    _check_company_auto = True

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Changed By", default=lambda self: self.env.user
    )
    salesperson_id = fields.Many2one(
        "res.users",
        related="partner_id.user_id",
        string="Salesperson",
        store=True,
        index="btree_not_null",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    old_tier_id = fields.Many2one("res.partner.tier", string="Old Tier")
    new_tier_id = fields.Many2one("res.partner.tier", string="New Tier")
    score = fields.Float(digits=(16, 2))
    cause = fields.Selection(
        [
            ("recompute", "Recompute"),
            ("manual_pin", "Manual Pin"),
            ("manual_unpin", "Unpinned"),
            ("policy_change", "Policy Change"),
        ],
        required=True,
        default="recompute",
    )
    note = fields.Char()
