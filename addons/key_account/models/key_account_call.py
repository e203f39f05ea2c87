# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

QUESTION_TYPES = [
    ("situation", "Situation"),
    ("problem", "Problem"),
    ("implication", "Implication"),
    ("need_payoff", "Need-Payoff"),
]


class KeyAccountCall(models.Model):
    _name = "key.account.call"
    _description = "Key Account SPIN Call"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Objective", required=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        required=True,
        index=True,
        domain=[("is_key_account", "=", True)],
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        domain="[('parent_id', '=', partner_id)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        default=lambda self: self.env.user,
        required=True,
        index=True,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancel", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
    )
    question_ids = fields.One2many("key.account.call.question", "call_id")
    need_ids = fields.One2many(
        "key.account.need", "call_id", string="Needs Found", readonly=False
    )
    situation_count = fields.Integer(compute="_compute_question_counts", store=True)
    problem_count = fields.Integer(compute="_compute_question_counts", store=True)
    implication_count = fields.Integer(compute="_compute_question_counts", store=True)
    need_payoff_count = fields.Integer(compute="_compute_question_counts", store=True)
    implicit_need_count = fields.Integer(compute="_compute_need_counts")
    explicit_need_count = fields.Integer(
        string="Became Explicit", compute="_compute_need_counts"
    )
    result = fields.Text()

    @api.depends("question_ids.question_type")
    def _compute_question_counts(self):
        for call in self:
            types = call.question_ids.mapped("question_type")
            call.situation_count = types.count("situation")
            call.problem_count = types.count("problem")
            call.implication_count = types.count("implication")
            call.need_payoff_count = types.count("need_payoff")

    @api.depends("need_ids.explicitness", "need_ids.became_explicit")
    def _compute_need_counts(self):
        for call in self:
            call.implicit_need_count = len(
                call.need_ids.filtered(
                    lambda n: n.explicitness == "implicit" or n.became_explicit
                )
            )
            call.explicit_need_count = len(call.need_ids.filtered("became_explicit"))

    def action_done(self):
        self.write({"state": "done"})
        for call in self.filtered("contact_id"):
            call_date = fields.Date.to_date(call.date)
            contact = call.contact_id
            if (
                not contact.ka_last_contact_date
                or contact.ka_last_contact_date < call_date
            ):
                contact.ka_last_contact_date = call_date
        return True

    def action_cancel(self):
        self.write({"state": "cancel"})
        return True


class KeyAccountCallQuestion(models.Model):
    _name = "key.account.call.question"
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
