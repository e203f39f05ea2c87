# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestLoop(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["after.sales.form.template"].create(
            {
                "name": "Repair",
                "team_id": cls.team.id,
                "question_ids": [
                    (
                        0,
                        0,
                        {"name": "Cause", "question_type": "text", "is_required": True},
                    ),
                    (0, 0, {"name": "Hours", "question_type": "number"}),
                    (
                        0,
                        0,
                        {
                            "name": "Result",
                            "question_type": "choice",
                            "choice_options": "Fixed\nNot fixed",
                            "is_required": True,
                        },
                    ),
                ],
            }
        )

    def _answer(self, ticket):
        for answer in ticket.form_answer_ids:
            if answer.question_id.name == "Cause":
                answer.value_text = "Worn belt"
            elif answer.question_id.name == "Result":
                answer.value_choice = "Fixed"

    def test_team_flag(self):
        self.assertTrue(
            self.env["helpdesk.ticket.team"].create({"name": "New"}).after_sales_loop
        )
        self.assertTrue(
            self.env.ref("after_sales.helpdesk_team_after_sales").after_sales_loop
        )

    def test_full_loop_with_buttons(self):
        ticket = self._ticket()
        self.assertEqual(ticket.loop_state, "received")
        self.assertEqual(len(ticket.form_answer_ids), 3)
        with self.assertRaises(UserError):
            ticket.action_after_sales_start()  # not dispatched yet
        ticket.user_id = self.agent_1
        self.assertEqual(ticket.loop_state, "dispatched")
        self.assertTrue(ticket.date_dispatched)
        ticket.action_after_sales_start()
        self.assertEqual(ticket.loop_state, "in_progress")
        self.assertEqual(ticket.stage_id, self.stage_progress)
        self.assertTrue(ticket.date_in_progress)
        with self.assertRaisesRegex(UserError, "Cause"):
            ticket.action_after_sales_resolve()
        self._answer(ticket)
        ticket.action_after_sales_resolve()
        self.assertEqual(ticket.loop_state, "resolved")
        self.assertTrue(ticket.stage_id.closed)
        self.assertTrue(ticket.date_resolved)
        with self.assertRaises(UserError):
            ticket.action_after_sales_close()  # no feedback, no reason
        ticket._after_sales_apply_feedback(4, "good", "link")
        self.assertEqual(ticket.loop_state, "feedback")
        self.assertEqual(ticket.feedback_rating, 4)
        self.assertTrue(ticket.date_feedback)
        with self.assertRaises(UserError):
            ticket.action_after_sales_close()  # return visit missing
        with self.assertRaises(ValidationError):
            ticket.with_user(self.agent_1).action_after_sales_visit()  # handler
        ticket.with_user(self.agent_2).action_after_sales_visit()
        self.assertEqual(ticket.loop_state, "visited")
        self.assertEqual(ticket.visit_user_id, self.agent_2)
        ticket.action_after_sales_close()
        self.assertEqual(ticket.loop_state, "closed")
        self.assertTrue(ticket.date_loop_closed)
        with self.assertRaises(UserError):
            ticket.stage_id = self.stage_progress  # a closed loop stays closed

    def test_guards_hold_for_direct_write(self):
        ticket = self._ticket(user_id=self.agent_1.id)
        self.assertEqual(ticket.loop_state, "dispatched")
        for target in ("resolved", "feedback", "visited", "closed"):
            with self.assertRaises(UserError):
                ticket.write({"loop_state": target})
        ticket.write({"loop_state": "in_progress"})
        with self.assertRaises(UserError):
            ticket.write({"loop_state": "resolved"})  # required answers
        self._answer(ticket)
        ticket.write({"loop_state": "resolved"})
        with self.assertRaises(UserError):
            ticket.write({"loop_state": "feedback"})  # only the customer channel
        with self.assertRaises(AccessError):
            ticket.write({"feedback_rating": 5})
        with self.assertRaises(AccessError):
            self._ticket(feedback_rating=5)
        with self.assertRaises(UserError):
            self._ticket(loop_state="closed")
        with self.assertRaises(UserError):
            ticket.write({"loop_state": "closed"})
        ticket.write({"loop_state": "closed", "no_feedback_reason": "Unreachable"})
        self.assertEqual(ticket.loop_state, "closed")
        self.assertFalse(ticket.feedback_rating)

    def test_low_rating_reopens_and_notifies_leader(self):
        ticket = self._ticket(user_id=self.agent_1.id)
        ticket.action_after_sales_start()
        self._answer(ticket)
        ticket.action_after_sales_resolve()
        ticket._after_sales_apply_feedback(2, "still broken", "link")
        self.assertEqual(ticket.loop_state, "in_progress")
        self.assertEqual(ticket.reopen_count, 1)
        self.assertFalse(ticket.stage_id.closed)
        self.assertEqual(ticket.feedback_rating, 2)
        self.assertIn(self.manager, ticket.activity_ids.user_id)
        # threshold is configurable
        self.env["ir.config_parameter"].set_param("after_sales.low_rating_threshold", 3)
        ticket.action_after_sales_resolve()
        ticket._after_sales_apply_feedback(3, "meh", "link")
        self.assertEqual(ticket.reopen_count, 2)

    def test_stage_sync(self):
        ticket = self._ticket(user_id=self.agent_1.id)
        self._answer(ticket)
        ticket.stage_id = self.stage_done
        self.assertEqual(ticket.loop_state, "resolved")
        self.assertTrue(ticket.date_in_progress)
        ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.loop_state, "in_progress")
        self.assertEqual(ticket.reopen_count, 1)

    def test_form_answer_types(self):
        ticket = self._ticket()
        result = ticket.form_answer_ids.filtered(
            lambda a: a.question_id.name == "Result"
        )
        with self.assertRaises(ValidationError):
            result.value_choice = "Maybe"
        hours = ticket.form_answer_ids.filtered(lambda a: a.question_id.name == "Hours")
        self.assertFalse(hours.is_answered)
        hours.value_number = 0
        self.assertTrue(hours.is_answered)

    def test_team_without_loop_unchanged(self):
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "Classic", "after_sales_loop": False}
        )
        ticket = self._ticket(team_id=team.id, user_id=self.agent_1.id)
        self.assertFalse(ticket.form_answer_ids)
        ticket.stage_id = self.stage_done
        self.assertEqual(ticket.loop_state, "received")
        ticket.stage_id = self.stage_new
        with self.assertRaises(UserError):
            ticket.loop_state = "dispatched"

    def test_complaint_escalation(self):
        salesman = self.agent_3
        self.customer.user_id = salesman
        ticket = self._ticket(is_complaint=True, complaint_type="service")
        self.assertTrue(ticket.complaint_escalated)
        self.assertIn(salesman, ticket.activity_ids.user_id)
        self.assertIn(self.manager, ticket.activity_ids.user_id)
        self.assertEqual(
            self.contact._get_open_complaint_counts(), {self.customer.id: 1}
        )

    def test_tier_priority(self):
        tier = self.env["res.partner.tier"].create(
            {
                "name": "Service VIP",
                "code": "ASVIP",
                "sequence": 0,
                "min_score": 99.5,
                "service_priority": "3",
            }
        )
        self.customer.customer_tier_id = tier
        self.assertEqual(self._ticket().priority, "3")

    def test_service_report(self):
        ticket = self._ticket()
        action = ticket.action_after_sales_print_report()
        self.assertTrue(action)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "after_sales.report_service_ticket", ticket.ids
        )[0]
        self.assertIn(b"Cause", html)

    def test_form_dispatch(self):
        with Form(self.Ticket) as form:
            form.name = "Via form"
            form.description = "<p>x</p>"
            form.team_id = self.team
            form.user_id = self.agent_2
        ticket = form.record
        self.assertEqual(ticket.loop_state, "dispatched")
