# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    after_sales_category_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.category",
        relation="after_sales_user_category_skill_rel",
        column1="user_id",
        column2="category_id",
        string="Service Skills",
        help="Ticket categories this user is skilled for. Automatic dispatch "
        "prefers skilled team members when any exists.",
    )
