# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    as_system,
)
from odoo.addons.sale_customer_mgmt.tools import lock_batch

from .helpdesk_ticket import loop_param


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # index: deleting tickets (ON DELETE SET NULL) looked for the orders
    # pointing to each one with a full scan of the orders
    after_sales_survey_ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Satisfaction Survey",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )

    @api.model
    def _scm_system_fields(self):
        return super()._scm_system_fields() | {"after_sales_survey_ticket_id"}

    @api.model
    def _cron_after_sales_sale_survey(self, batch_size=100):
        """Satisfaction survey once an order is fully invoiced (满意度调查).

        Off unless the setting is enabled; only orders of the last 30 days are
        considered so that enabling it does not survey the whole history.
        """
        Ticket = self.env["helpdesk.ticket"]
        if not loop_param(self.env, "sale_survey_enabled", False):
            return 0
        domain = [
            ("state", "=", "sale"),
            ("invoice_status", "=", "invoiced"),
            ("after_sales_survey_ticket_id", "=", False),
            ("date_order", ">=", fields.Datetime.now() - timedelta(days=30)),
        ]
        # locked, and marked (after_sales_survey_ticket_id) in the same
        # transaction: a second worker neither waits nor surveys them again
        orders = lock_batch(self, domain, batch_size)
        team = self.env.ref("after_sales.helpdesk_team_after_sales", False)
        # the survey flag is the loop's own (a system field)
        tickets = as_system(Ticket).create(
            [
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
                for order in orders
            ]
        )
        tickets._after_sales_mark_survey_resolved()
        for order, ticket in zip(as_system(orders), tickets, strict=True):
            # one UPDATE for the batch when flushed
            order.after_sales_survey_ticket_id = ticket
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(orders), remaining=remaining)
        return remaining
