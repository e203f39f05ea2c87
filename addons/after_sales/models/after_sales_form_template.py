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


class AfterSalesFormTemplate(models.Model):
    """Service form (自定义服务表单) filled by the technician on a ticket."""

    _name = "after.sales.form.template"
    _inherit = ["after.sales.number.mixin"]
    _description = "Service Form Template"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", default=lambda self: self.env.company
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Team",
        check_company=True,
        help="Leave empty for any team.",
    )
    category_id = fields.Many2one(
        "helpdesk.ticket.category",
        string="Category",
        help="Leave empty for any category.",
    )
    question_ids = fields.One2many(
        "after.sales.form.question", "template_id", string="Questions", copy=True
    )

    def _match(self, ticket):
        """Most specific template of ``self`` for ``ticket`` (no query)."""
        best, best_key = self.browse(), None
        for template in self:
            if template.company_id and template.company_id != ticket.company_id:
                continue
            if template.team_id and template.team_id != ticket.team_id:
                continue
            if template.category_id and template.category_id != ticket.category_id:
                continue
            key = (
                -(2 * bool(template.category_id) + bool(template.team_id)),
                template.sequence,
                template.id,
            )
            if best_key is None or key < best_key:
                best, best_key = template, key
        return best


class AfterSalesFormQuestion(models.Model):
    _name = "after.sales.form.question"
    _inherit = ["after.sales.number.mixin"]
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
