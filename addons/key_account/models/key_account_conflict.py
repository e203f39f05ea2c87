# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class KeyAccountConflict(models.Model):
    _name = "key.account.conflict"
    _description = "Key Account Conflict"
    _inherit = ["mail.thread", "mail.activity.mixin", "key.account.number.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Subject", required=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        required=True,
        index=True,
        check_company=True,
        domain=[("is_key_account", "=", True)],
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Handled By",
        default=lambda self: self.env.user,
        check_company=True,
    )
    date = fields.Date(default=fields.Date.context_today, required=True)
    cause = fields.Selection(
        [
            ("incompatible_goals", "Incompatible Goals"),
            ("differences", "Differences"),
            ("task_dependency", "Task Dependency"),
            ("scarce_resources", "Scarce Resources"),
            ("ambiguity", "Ambiguity"),
            ("poor_communication", "Poor Communication"),
        ],
        required=True,
        tracking=True,
    )
    mode = fields.Selection(
        [
            ("competing", "Competing"),
            ("avoiding", "Avoiding"),
            ("compromising", "Compromising"),
            ("accommodating", "Accommodating"),
            ("collaborating", "Collaborating"),
        ],
        string="Handling Mode",
        tracking=True,
        help="Thomas-Kilmann conflict handling mode.",
    )
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved"), ("escalated", "Escalated")],
        default="open",
        required=True,
        tracking=True,
    )
    description = fields.Text()
    outcome = fields.Text()
