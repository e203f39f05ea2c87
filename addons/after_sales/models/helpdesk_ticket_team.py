# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    after_sales_loop = fields.Boolean(
        string="After-Sales Loop",
        default=True,
        help="Tickets of this team follow the after-sales closed loop "
        "(dispatch, resolution, customer feedback, return visit, closing). "
        "Teams that existed before the addon was installed start without it.",
    )
    after_sales_auto_dispatch = fields.Boolean(
        string="Automatic Dispatch",
        help="New tickets without an assigned user are dispatched automatically "
        "to the team member with the fewest open tickets (skills first).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # a new team of the service loop counts the SLAs of helpdesk_mgmt_sla
        # (the loop's targets) unless told otherwise
        for vals in vals_list:
            if "use_sla" not in vals:
                vals["use_sla"] = vals.get("after_sales_loop", True)
        return super().create(vals_list)
