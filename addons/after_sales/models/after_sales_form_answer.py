# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AfterSalesFormAnswer(models.Model):
    _name = "after.sales.form.answer"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Service Form Answer"
    _order = "sequence, id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    question_id = fields.Many2one(
        "after.sales.form.question", required=True, ondelete="cascade"
    )
    sequence = fields.Integer(related="question_id.sequence", store=True)
    question_type = fields.Selection(related="question_id.question_type")
    is_required = fields.Boolean(related="question_id.is_required")
    value_text = fields.Char(string="Text")
    value_number = fields.Float(string="Number")
    value_boolean = fields.Selection([("yes", "Yes"), ("no", "No")], string="Yes/No")
    value_choice = fields.Char(string="Choice")
    value_date = fields.Date(string="Date")
    number_set = fields.Boolean(
        help="Technical: a number was entered (0 is a valid answer)."
    )
    is_answered = fields.Boolean(compute="_compute_is_answered", store=True)
    display_value = fields.Char(string="Answer", compute="_compute_display_value")

    _sql_constraints = [
        (
            "question_unique",
            "UNIQUE(ticket_id, question_id)",
            "A question is answered once per ticket.",
        )
    ]

    @api.depends(
        "question_type",
        "value_text",
        "value_number",
        "number_set",
        "value_boolean",
        "value_choice",
        "value_date",
    )
    def _compute_is_answered(self):
        for answer in self:
            answer.is_answered = bool(answer._get_display_value())

    @api.depends(
        "question_type",
        "value_text",
        "value_number",
        "number_set",
        "value_boolean",
        "value_choice",
        "value_date",
    )
    def _compute_display_value(self):
        for answer in self:
            answer.display_value = answer._get_display_value()

    def _get_display_value(self):
        self.ensure_one()
        labels = dict(self._fields["value_boolean"].selection)
        answer = self
        qtype = answer.question_type
        value = False
        if qtype == "text":
            value = (answer.value_text or "").strip()
        elif qtype == "number":
            value = answer.number_set and f"{answer.value_number:g}"
        elif qtype == "boolean":
            value = answer.value_boolean and labels[answer.value_boolean]
        elif qtype == "choice":
            value = answer.value_choice
        elif qtype == "date":
            value = answer.value_date and fields.Date.to_string(answer.value_date)
        return value or ""

    @api.constrains("value_choice")
    def _check_value_choice(self):
        for answer in self.filtered("value_choice"):
            choices = answer.question_id._get_choices()
            if answer.value_choice not in choices:
                raise ValidationError(
                    self.env._(
                        "%(value)s is not a choice of %(question)s (%(choices)s).",
                        value=answer.value_choice,
                        question=answer.question_id.name,
                        choices=", ".join(choices),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "value_number" in vals and "number_set" not in vals:
                vals["number_set"] = True
        return super().create(vals_list)

    def write(self, vals):
        if "value_number" in vals and "number_set" not in vals:
            vals["number_set"] = True
        return super().write(vals)
