# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class KeyAccountRisk(models.Model):
    _name = "key.account.risk"
    _description = "Key Account Defection Risk"
    _inherit = ["mail.thread", "key.account.record.mixin"]
    _order = "state, level desc, id desc"

    cause = fields.Selection(
        [
            ("strategy_change", "Customer Strategy Change"),
            ("rationalisation", "Dropped in Supplier Rationalisation"),
            ("complaints", "Complaints Not Resolved"),
            ("squeezed_out", "Squeezed Out"),
            ("competitor", "Stronger Competitor"),
        ],
        required=True,
        tracking=True,
    )
    level = fields.Selection(
        [("1", "Low"), ("2", "Medium"), ("3", "High")],
        default="2",
        required=True,
        tracking=True,
    )
    state = fields.Selection(
        [("open", "Open"), ("mitigated", "Mitigated")],
        default="open",
        required=True,
        tracking=True,
    )
    description = fields.Text()
    mitigation = fields.Text(help="What we do to keep the account.")
    competitor = fields.Char(help="Competitor involved, if any.")
