# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
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

    def test_defector_interview_assignee(self):
        """The salesperson interviews his lost customer when he works in the
        service team, else the team leader; never the cron's user (OdooBot),
        even with helpdesk_mgmt's auto-assignment of the current user on."""
        self.env.company.helpdesk_mgmt_ticket_auto_assign = True
        team = self.env.ref("after_sales.helpdesk_team_after_sales")
        team.write(
            {
                "user_id": self.manager.id,
                "user_ids": [Command.set([self.agent_1.id, self.agent_2.id])],
                "after_sales_auto_dispatch": False,
            }
        )
        outsider = self.agent_3  # a salesperson outside the service team
        Partner = self.env["res.partner"]
        in_team, outside, nobody = Partner.create(
            [
                {"name": "Lost A", "is_company": True, "user_id": self.agent_2.id},
                {"name": "Lost B", "is_company": True, "user_id": outsider.id},
                {"name": "Lost C", "is_company": True},
            ]
        )
        (in_team | outside | nobody).churn_state = "lost"
        Ticket = self.Ticket.with_context(active_test=False)
        # run as the cron does: by OdooBot (the test's user)
        self.assertEqual(self.env.user, self.env.ref("base.user_root"))
        self.Ticket._cron_after_sales_defector_interview()
        interviews = Ticket.search(
            [
                ("is_defector_interview", "=", True),
                ("partner_id", "in", (in_team | outside | nobody).ids),
            ]
        )
        assignee = {t.partner_id: t.user_id for t in interviews}
        self.assertEqual(assignee[in_team], self.agent_2)
        self.assertEqual(assignee[outside], self.manager)
        self.assertEqual(assignee[nobody], self.manager)
        self.assertEqual(set(interviews.mapped("loop_state")), {"dispatched"})
        # without a team leader: nobody rather than OdooBot (the team's
        # automatic dispatch, when on, gives it to a member)
        team.user_id = False
        later = Partner.create({"name": "Lost D", "is_company": True})
        later.churn_state = "lost"
        self.Ticket._cron_after_sales_defector_interview()
        ticket = Ticket.search(
            [("is_defector_interview", "=", True), ("partner_id", "=", later.id)]
        )
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.user_id)
        team.after_sales_auto_dispatch = True
        last = Partner.create({"name": "Lost E", "is_company": True})
        last.churn_state = "lost"
        self.Ticket._cron_after_sales_defector_interview()
        ticket = Ticket.search(
            [("is_defector_interview", "=", True), ("partner_id", "=", last.id)]
        )
        self.assertIn(ticket.user_id, self.agent_1 | self.agent_2)

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
