# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAfterSalesTour(HttpCase):
    def test_loop_tour(self):
        technician = new_test_user(
            self.env,
            login="as_tour_tech",
            name="Tour Technician",
            groups="base.group_user,after_sales.group_after_sales_agent",
        )
        visitor = new_test_user(
            self.env,
            login="as_tour_visitor",
            groups="base.group_user,after_sales.group_after_sales_agent",
        )
        team = self.env["helpdesk.ticket.team"].create(
            {
                "name": "Tour Service Team",
                "user_ids": [Command.set((technician | visitor).ids)],
            }
        )
        self.env["after.sales.form.template"].create(
            {
                "name": "Tour form",
                "team_id": team.id,
                "question_ids": [
                    Command.create(
                        {"name": "Cause", "question_type": "text", "is_required": True}
                    )
                ],
            }
        )
        self.start_tour(
            "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/new",
            "after_sales_loop_tour",
            login="admin",
        )
        ticket = self.env["helpdesk.ticket"].search([("team_id", "=", team.id)])
        self.assertEqual(ticket.loop_state, "resolved")
        self.assertEqual(ticket.user_id, technician)
        self.assertEqual(ticket.form_answer_ids.value_text, "Belt replaced")
        # the customer rates through the link
        ticket.partner_id = self.env["res.partner"].create(
            {"name": "Tour customer", "email": "tour@example.com"}
        )
        request = ticket._after_sales_send_feedback_request()
        response = self.url_open(
            f"/after_sales/feedback/{request.access_token}/submit",
            data={"rating": "5", "comment": "Perfect"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ticket.loop_state, "feedback")
        # return visit by a colleague, then the loop closes
        ticket.with_user(visitor).action_after_sales_visit()
        ticket.action_after_sales_close()
        self.assertEqual(ticket.loop_state, "closed")
