# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class KeyAccountConflict(models.Model):
    _name = "key.account.conflict"
    _description = "Key Account Conflict"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "key.account.company.record.mixin",
    ]
    _order = "date desc, id desc"

    name = fields.Char(string="Subject", required=True)
    user_id = fields.Many2one(string="Handled By")
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
