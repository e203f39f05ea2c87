# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

QUESTION_TYPES = [
    ("situation", "Situation"),
    ("problem", "Problem"),
    ("implication", "Implication"),
    ("need_payoff", "Need-Payoff"),
]


class KeyAccountCallQuestion(models.Model):
    _name = "key.account.call.question"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "SPIN Question"
    _order = "call_id, sequence, id"

    call_id = fields.Many2one(
        "key.account.call", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    question_type = fields.Selection(QUESTION_TYPES, string="Type", required=True)
    name = fields.Char(string="Question", required=True)
    answer = fields.Text()
    user_id = fields.Many2one(
        related="call_id.user_id", store=True, string="Salesperson", index=True
    )
    partner_id = fields.Many2one(related="call_id.partner_id", store=True)
    company_id = fields.Many2one(related="call_id.company_id", store=True)
    call_date = fields.Datetime(related="call_id.date", store=True)
    call_state = fields.Selection(related="call_id.state", store=True)
