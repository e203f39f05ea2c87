# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestCustomerSignals(AfterSalesCommon):
    def test_defector_interview_once(self):
        self.assertIn("churn_state", self.customer._fields)
        self.customer.churn_state = "lost"
        Ticket = self.Ticket.with_context(active_test=False)
        self.Ticket._cron_after_sales_defector_interview()
        interviews = Ticket.search(
            [
                ("is_defector_interview", "=", True),
                ("partner_id", "=", self.customer.id),
            ]
        )
        self.assertEqual(len(interviews), 1)
        self.assertEqual(
            interviews.team_id, self.env.ref("after_sales.helpdesk_team_after_sales")
        )
        self.Ticket._cron_after_sales_defector_interview()
        self.assertEqual(
            Ticket.search_count(
                [
                    ("is_defector_interview", "=", True),
                    ("partner_id", "=", self.customer.id),
                ]
            ),
            1,
        )

    def test_sale_survey(self):
        product = self.env["product.product"].create(
            {"name": "Service kit", "list_price": 100.0, "type": "service"}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 1.0})
                ],
            }
        )
        order.action_confirm()
        order.order_line.qty_delivered = 1.0
        order._create_invoices()
        self.assertEqual(order.invoice_status, "invoiced")
        SaleOrder = self.env["sale.order"]
        SaleOrder._cron_after_sales_sale_survey()
        self.assertFalse(order.after_sales_survey_ticket_id)  # off by default
        self.env["ir.config_parameter"].set_param(
            "after_sales.sale_survey_enabled", "True"
        )
        SaleOrder._cron_after_sales_sale_survey()
        ticket = order.after_sales_survey_ticket_id
        self.assertTrue(ticket.is_satisfaction_survey)
        self.assertEqual(ticket.loop_state, "resolved")
        token = ticket._after_sales_send_feedback_request()
        self.assertTrue(token)
        SaleOrder._cron_after_sales_sale_survey()
        self.assertEqual(self.Ticket.search_count([("name", "ilike", order.name)]), 1)
