# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class KeyAccountPlanAction(models.Model):
    _name = "key.account.plan.action"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Key Account Plan Action"
    _order = "date_deadline, sequence, id"

    plan_id = fields.Many2one(
        "key.account.plan", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Action", required=True)
    user_id = fields.Many2one("res.users", string="Owner")
    date_deadline = fields.Date(string="Deadline")
    state = fields.Selection(
        [("todo", "To Do"), ("done", "Done"), ("cancel", "Cancelled")],
        default="todo",
        required=True,
    )
    note = fields.Char()
