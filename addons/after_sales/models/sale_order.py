# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    after_sales_survey_ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Satisfaction Survey", copy=False, readonly=True
    )

    @api.model
    def _cron_after_sales_sale_survey(self, batch_size=100):
        """Satisfaction survey once an order is fully invoiced (满意度调查).

        Off unless the setting is enabled; only orders of the last 30 days are
        considered so that enabling it does not survey the whole history.
        """
        Ticket = self.env["helpdesk.ticket"]
        if not Ticket._after_sales_param("sale_survey_enabled", False):
            return
        orders = self.search(
            [
                ("state", "=", "sale"),
                ("invoice_status", "=", "invoiced"),
                ("after_sales_survey_ticket_id", "=", False),
                ("date_order", ">=", fields.Datetime.now() - timedelta(days=30)),
            ],
            limit=batch_size,
        )
        team = self.env.ref("after_sales.helpdesk_team_after_sales", False)
        for order in orders:
            ticket = Ticket.create(
                {
                    "name": self.env._(
                        "Satisfaction survey: %(order)s", order=order.name
                    ),
                    "description": self.env._(
                        "<p>Customer satisfaction after order %(order)s.</p>",
                        order=order.name,
                    ),
                    "partner_id": order.partner_id.id,
                    "team_id": team.id if team else False,
                    "company_id": order.company_id.id,
                    "is_satisfaction_survey": True,
                }
            )
            ticket._after_sales_mark_survey_resolved()
            order.after_sales_survey_ticket_id = ticket
        self.env["ir.cron"]._notify_progress(
            done=len(orders), remaining=0 if len(orders) < batch_size else 1
        )
