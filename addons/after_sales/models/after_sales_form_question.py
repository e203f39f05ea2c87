# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

QUESTION_TYPES = [
    ("text", "Text"),
    ("number", "Number"),
    ("boolean", "Yes/No"),
    ("choice", "Choice"),
    ("date", "Date"),
]


class AfterSalesFormQuestion(models.Model):
    _name = "after.sales.form.question"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Service Form Question"
    _order = "sequence, id"

    template_id = fields.Many2one(
        "after.sales.form.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Question", required=True, translate=True)
    question_type = fields.Selection(QUESTION_TYPES, required=True, default="text")
    is_required = fields.Boolean(string="Required")
    choice_options = fields.Text(
        string="Choices", help="One choice per line (for choice questions)."
    )

    @api.constrains("question_type", "choice_options")
    def _check_choice_options(self):
        for question in self:
            if question.question_type == "choice" and not question._get_choices():
                raise ValidationError(
                    self.env._(
                        "Question %(question)s needs at least one choice.",
                        question=question.name,
                    )
                )

    def _get_choices(self):
        self.ensure_one()
        return [
            line.strip()
            for line in (self.choice_options or "").splitlines()
            if line.strip()
        ]
