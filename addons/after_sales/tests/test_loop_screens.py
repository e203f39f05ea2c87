# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the ticket and ranking screens show: the loop's badge and options on
tickets of loop teams only, a ranking list that fits a laptop screen."""

from lxml import etree

from odoo.tests import tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestLoopScreens(AfterSalesCommon):
    def _arch(self, model, view_type, user):
        views = self.env[model].with_user(user).get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_loop_badge_only_on_loop_tickets(self):
        for view_type in ("form", "list", "kanban"):
            arch = self._arch("helpdesk.ticket", view_type, self.manager)
            nodes = arch.xpath("//field[@name='loop_state']")
            self.assertTrue(nodes, view_type)
            for node in nodes:
                self.assertIn("not loop_enabled", node.get("invisible", ""), view_type)

    def test_no_stage_change_rating_option_on_loop_tickets(self):
        """helpdesk_mgmt_rating's radio "Rating when changing stage" is not
        offered where the loop asks for feedback itself."""
        self.assertTrue(self.manager.has_group("helpdesk_mgmt.group_helpdesk_manager"))
        arch = self._arch("helpdesk.ticket", "form", self.manager)
        radios = arch.xpath("//field[@name='rating_status'][@widget='radio']")
        self.assertEqual(len(radios), 1)
        hidden_by = [
            node.get("invisible", "")
            for node in radios[0].iterancestors()
            if node.get("invisible")
        ] + [radios[0].get("invisible", "")]
        self.assertIn("loop_enabled", " ".join(hidden_by))
        # and the loop never sends that request (it sends its own)
        stage_done = self.stage_done
        template = self.env.ref("helpdesk_mgmt_rating.rating_ticket_email_template")
        stage_done.rating_mail_template_id = template
        ticket = self._ticket(user_id=self.agent_1.id)
        self.assertEqual(ticket.rating_status, "stage_change")
        self._resolve(ticket)
        self.assertFalse(ticket.rating_ids)

    def test_ranking_list_fits(self):
        arch = self._arch("after.sales.evaluation", "list", self.manager)
        shown = [
            node.get("name")
            for node in arch.xpath("/list/field")
            if node.get("optional") != "hide" and node.get("column_invisible") != "1"
        ]
        for name in ("rank", "user_id", "team_ids", "score", "grade"):
            self.assertIn(name, shown)
        self.assertLessEqual(len(shown), 11, shown)
        # the count of ratings is not labelled like the "Customer Ratings" group
        fields = self.env["after.sales.evaluation"].fields_get(["rating_count"])
        self.assertEqual(fields["rating_count"]["string"], "Number of Ratings")
