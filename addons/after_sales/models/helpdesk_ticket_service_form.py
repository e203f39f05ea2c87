# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service form of a loop ticket: the most specific form template of its
team and category (after_sales_form_template.py), with one answer line per
question. The required questions must be answered before the ticket is
resolved (the guard of the transition, helpdesk_ticket.py)."""

from odoo import api, fields, models

# Changing these may change the form of a ticket.
FORM_CRITERIA = {"category_id", "team_id", "form_template_id"}


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    form_template_id = fields.Many2one(
        "after.sales.form.template",
        string="Service Form",
        compute="_compute_form_template_id",
        store=True,
        readonly=False,
    )
    form_answer_ids = fields.One2many(
        "after.sales.form.answer", "ticket_id", string="Service Form Answers"
    )

    @api.depends("category_id", "team_id")
    def _compute_form_template_id(self):
        templates = self.env["after.sales.form.template"].search([])
        for ticket in self:
            if ticket.form_answer_ids:
                # keep the form that was already answered
                ticket.form_template_id = ticket.form_template_id
            else:
                ticket.form_template_id = templates._match(ticket)

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets.filtered("loop_enabled")._after_sales_sync_form_answers()
        return tickets

    def write(self, vals):
        res = super().write(vals)
        if FORM_CRITERIA & vals.keys():
            self.filtered("loop_enabled")._after_sales_sync_form_answers()
        return res

    def _after_sales_sync_form_answers(self):
        """Create an answer line for each question of the ticket's template."""
        commands = []
        for ticket in self.filtered("form_template_id"):
            asked = ticket.form_answer_ids.question_id
            for question in ticket.form_template_id.question_ids - asked:
                commands.append({"ticket_id": ticket.id, "question_id": question.id})
        if commands:
            self.env["after.sales.form.answer"].create(commands)
