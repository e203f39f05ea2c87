# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The after-sales demo story as installed (demo_story.py): one believable
Chinese story, told by the demo's people, with dates that agree."""

import re

from odoo.tests import TransactionCase, tagged
from odoo.tools import html2plaintext
from odoo.tools.safe_eval import safe_eval

from odoo.addons.after_sales import demo_story

from .common import AfterSalesCommon

MODULE = "after_sales"
# two English words in a row: an English sentence or an English gloss
# ("年度保养 Annual maintenance"); model numbers and alarm codes are fine
ENGLISH = re.compile(r"[A-Za-z]{2,}[\s,.:;!?]+[A-Za-z]{2,}")


@tagged("post_install", "-at_install")
class TestDemoStory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.module = cls.env["ir.module.module"].search([("name", "=", MODULE)])
        cls.manager = cls.env.ref(
            f"{MODULE}.user_service_manager_demo", raise_if_not_found=False
        )
        cls.has_demo = bool(cls.manager)
        Ticket = cls.env["helpdesk.ticket"].with_context(active_test=False)
        data = cls.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "helpdesk.ticket")]
        )
        cls.demo_tickets = Ticket.browse(data.mapped("res_id")).exists()
        cls.interviews = Ticket.search([("is_defector_interview", "=", True)])
        # every ticket but helpdesk_mgmt's own demo (its teams, outside the loop)
        oca = cls.env["ir.model.data"].search(
            [("module", "=", "helpdesk_mgmt"), ("model", "=", "helpdesk.ticket")]
        )
        cls.tickets = Ticket.search([("id", "not in", oca.mapped("res_id"))])

    def test_demo_only_when_requested(self):
        self.assertEqual(self.has_demo, self.module.demo)
        self.assertEqual(bool(self.demo_tickets), self.module.demo)

    def test_nobody_is_odoobot(self):
        if not self.has_demo:
            return
        root = self.env.ref("base.user_root")
        self.assertTrue(self.tickets)
        self.assertFalse(self.tickets.filtered(lambda t: t.user_id == root))
        self.assertFalse(self.tickets.filtered(lambda t: t.visit_user_id == root))
        # the sales demo's lost customers have been interviewed, by someone
        self.assertTrue(self.interviews)
        self.assertFalse(self.interviews.filtered(lambda t: not t.user_id))
        self.assertEqual(
            set(self.interviews.mapped("loop_state")), {"dispatched"}, "assigned"
        )

    def test_return_visits_by_the_service_manager(self):
        if not self.has_demo:
            return
        visited = self.demo_tickets.filtered("date_visited")
        self.assertGreaterEqual(len(visited), 4)
        for ticket in visited:
            self.assertEqual(ticket.visit_user_id, self.manager, ticket.name)
            self.assertNotEqual(ticket.visit_user_id, ticket.user_id)
            self.assertTrue(ticket.visit_note, ticket.name)
        # the manager is a Chinese-named service manager of the demo
        self.assertTrue(self.manager.has_group("after_sales.group_after_sales_manager"))
        self.assertFalse(self.manager.name.isascii())

    def test_demo_text_is_chinese(self):
        if not self.has_demo:
            return
        texts = []
        for ticket in self.demo_tickets:
            texts += [
                ticket.name,
                html2plaintext(ticket.description or ""),
                ticket.feedback_comment,
                ticket.visit_note,
                ticket.complaint_root_cause,
            ]
            texts += ticket.form_answer_ids.mapped("display_value")
            texts += ticket.form_answer_ids.mapped("question_id.name")
        texts += self.demo_tickets.form_template_id.mapped("name")
        # the interviews the cron opened speak their assignee's language:
        # Chinese in a Chinese database (the demo's people read Chinese then)
        if self.env["res.lang"]._get_code("zh_CN"):
            self.assertEqual(set(self.interviews.user_id.mapped("lang")), {"zh_CN"})
        texts += self.interviews.filtered(lambda t: t.user_id.lang == "zh_CN").mapped(
            "name"
        )
        texts = [text for text in texts if text]
        self.assertGreater(len(texts), 30)
        english = [text for text in texts if ENGLISH.search(text)]
        self.assertFalse(english, "English in the demo story")
        # and the detector finds what it is meant to find
        self.assertTrue(ENGLISH.search("年度保养 Annual maintenance"))
        self.assertFalse(ENGLISH.search("数控系统报警2041，CNC报警"))

    def test_dates_tell_the_story_in_order(self):
        if not self.has_demo:
            return
        started = self.tickets.filtered("date_in_progress")
        self.assertTrue(started)
        for ticket in started:
            # nobody answers at the second the ticket comes in
            self.assertGreater(
                (ticket.date_in_progress - ticket.date_received).total_seconds(),
                1,
                ticket.name,
            )
            self.assertGreater(ticket.first_response_hours, 0)
            self.assertNotEqual(
                ticket.date_in_progress.replace(microsecond=0),
                ticket.create_date.replace(microsecond=0),
                ticket.name,
            )
        rated = self.tickets.filtered(
            lambda t: t.feedback_rating
            or t.rating_ids.filtered("consumed")
            or t.date_feedback
        )
        self.assertGreaterEqual(len(rated), 5)
        for ticket in rated:
            self.assertTrue(ticket.feedback_request_date, ticket.name)
            self.assertLess(ticket.date_resolved, ticket.feedback_request_date)
            self.assertLess(ticket.feedback_request_date, ticket.date_feedback)
            if ticket.date_visited:
                self.assertLess(ticket.date_feedback, ticket.date_visited)
            if ticket.date_loop_closed:
                self.assertLessEqual(ticket.date_visited, ticket.date_loop_closed)
        # a request sent and not answered yet: the ticket waits for feedback
        waiting = self.demo_tickets.filtered(lambda t: t.loop_state == "resolved")
        self.assertTrue(waiting.feedback_request_date)
        self.assertLessEqual(max(self.tickets.mapped("create_date")), self.cr.now())

    def test_menus_open_on_records_for_the_service_manager(self):
        if not self.has_demo:
            return
        data = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.ui.menu")]
        )
        menus = self.env["ir.ui.menu"].browse(data.mapped("res_id"))
        checked = []
        env = self.env(user=self.manager)
        for menu in menus.filtered("action"):
            action = menu.action
            if action._name != "ir.actions.act_window" or action.target == "new":
                continue
            if menu.groups_id and not (menu.groups_id & self.manager.groups_id):
                continue
            eval_context = {"uid": self.manager.id, "context": {}}
            domain = safe_eval(action.domain or "[]", eval_context)
            context = safe_eval(action.context or "{}", eval_context)
            count = env[action.res_model].with_context(**context).search_count(domain)
            self.assertGreater(count, 0, f"{menu.complete_name}: empty list")
            checked.append(menu)
        self.assertGreaterEqual(len(checked), 4)

    def test_slas_named_in_the_language_of_the_demo(self):
        """helpdesk_mgmt_sla's SLA names are not translatable: the loop's SLAs
        keep the data file's English in a database without zh_CN and get
        their Chinese names in one with zh_CN (the demo story's naming)."""
        english = {
            "sla_response_standard": "Standard first response",
            "sla_resolution_standard": "Standard resolution",
            "sla_response_urgent": "Urgent first response",
            "sla_resolution_urgent": "Urgent resolution",
        }
        slas = {xmlid: self.env.ref(f"{MODULE}.{xmlid}") for xmlid in english}
        if not self.env["res.lang"]._get_code("zh_CN"):
            self.assertEqual({x: sla.name for x, sla in slas.items()}, english)
            demo_story.name_slas(self.env)  # nothing to do without zh_CN
            self.assertEqual({x: sla.name for x, sla in slas.items()}, english)
            self.env["res.lang"]._activate_lang("zh_CN")
        demo_story.name_slas(self.env)
        self.assertEqual(
            {x: sla.name for x, sla in slas.items()},
            {
                "sla_response_standard": "标准：首次响应",
                "sla_resolution_standard": "标准：解决",
                "sla_response_urgent": "紧急：首次响应",
                "sla_resolution_urgent": "紧急：解决",
            },
        )
        # what the tickets show: the tags of their SLA lines
        lines = self.env["helpdesk.ticket.sla"].search(
            [("sla_id", "in", [sla.id for sla in slas.values()])]
        )
        self.assertEqual(bool(lines), self.has_demo)
        self.assertFalse([name for name in lines.mapped("name") if name.isascii()])

    def test_complaint_escalated_in_the_language_of_the_demo(self):
        """The demo complaint is escalated by the story, in the database's
        language of the demo: Chinese with zh_CN, English without."""
        if not self.has_demo:
            return
        complaint = self.env.ref(f"{MODULE}.helpdesk_ticket_complaint_demo")
        self.assertTrue(complaint.is_complaint)
        self.assertTrue(complaint.complaint_escalated)
        zh = bool(self.env["res.lang"]._get_code("zh_CN"))
        escalated = "投诉已升级至：" if zh else "Complaint escalated to: "
        summary = "客户投诉：" if zh else "Customer complaint: "
        bodies = [html2plaintext(body) for body in complaint.message_ids.mapped("body")]
        self.assertEqual(len([b for b in bodies if b.startswith(escalated)]), 1, bodies)
        self.assertTrue(complaint.activity_ids)
        for activity in complaint.activity_ids:
            self.assertTrue(activity.summary.startswith(summary), activity.summary)


@tagged("post_install", "-at_install")
class TestStoryLanguage(AfterSalesCommon):
    """With zh_CN active the story records the complaint in Chinese: its
    escalation note and activities, not the English of the data file's
    context."""

    def test_complaint_recorded_in_chinese(self):
        env = self.env
        self.assertEqual(demo_story.story_env(env), env)  # no zh_CN yet
        self.customer.user_id = self.agent_3
        ticket = self._ticket(complaint_type="service")
        self.assertFalse(ticket.complaint_escalated)
        env["res.lang"]._activate_lang("zh_CN")
        self.assertEqual(demo_story.story_env(env).lang, "zh_CN")
        demo_story._play_step(env, "complaint", ticket, "complain")
        self.assertTrue(ticket.is_complaint)
        self.assertTrue(ticket.complaint_escalated)
        bodies = [html2plaintext(body) for body in ticket.message_ids.mapped("body")]
        names = ", ".join((self.agent_3 | self.manager).mapped("name"))
        self.assertIn(f"投诉已升级至：{names}", bodies)
        self.assertFalse([body for body in bodies if "escalated" in body])
        self.assertEqual(
            set(ticket.activity_ids.mapped("summary")), {f"客户投诉：{ticket.name}"}
        )
