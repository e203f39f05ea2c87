# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo.tests import freeze_time, tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestDispatch(AfterSalesCommon):
    def test_auto_dispatch_is_fair(self):
        self.team.after_sales_auto_dispatch = True
        # agent 1 already has two open tickets elsewhere in the team
        self._ticket(user_id=self.agent_1.id)
        self._ticket(user_id=self.agent_1.id)
        tickets = self.Ticket.create(
            [
                {"name": f"T{i}", "description": "<p>x</p>", "team_id": self.team.id}
                for i in range(7)
            ]
        )
        self.assertEqual(set(tickets.mapped("loop_state")), {"dispatched"})
        counts = {
            user: len(tickets.filtered(lambda t, u=user: t.user_id == u))
            for user in (self.agent_1, self.agent_2, self.agent_3)
        }
        # final loads 2+1 / 3 / 3: nobody has more than one ticket more than another
        self.assertEqual(counts, {self.agent_1: 1, self.agent_2: 3, self.agent_3: 3})

    def test_manual_dispatch_and_skills(self):
        category = self.env["helpdesk.ticket.category"].create({"name": "Hydraulics"})
        self.agent_3.after_sales_category_ids = category
        ticket = self._ticket(category_id=category.id)
        self.assertEqual(ticket.loop_state, "received")
        ticket.action_after_sales_dispatch()
        self.assertEqual(ticket.user_id, self.agent_3)
        other = self._ticket(user_id=self.agent_2.id)
        other.write({"loop_state": "received"})
        self.assertFalse(other.user_id)
        other.user_id = self.agent_1
        other.action_after_sales_dispatch()
        self.assertEqual(other.loop_state, "dispatched")


@tagged("post_install", "-at_install")
class TestSla(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Policy = cls.env["after.sales.sla.policy"]
        cls.env.ref("after_sales.sla_policy_default").active = False
        cls.env.ref("after_sales.sla_policy_urgent").active = False
        cls.policy_any = Policy.create(
            {"name": "Any", "response_hours": 10, "resolution_hours": 40}
        )
        cls.policy_team_urgent = Policy.create(
            {
                "name": "Team urgent",
                "team_id": cls.team.id,
                "priority": "3",
                "response_hours": 2,
                "resolution_hours": 8,
                "warning_percent": 50,
            }
        )

    def test_policy_matching(self):
        ticket = self._ticket(priority="1")
        self.assertEqual(ticket.sla_policy_id, self.policy_any)
        ticket.priority = "3"
        self.assertEqual(ticket.sla_policy_id, self.policy_team_urgent)

    @freeze_time("2026-03-02 08:00:00")
    def test_deadlines_warning_and_breach(self):
        ticket = self._ticket(priority="3", user_id=self.agent_1.id)
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 2, 10, 0))
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 3, 2, 16, 0))
        self.assertEqual(ticket.sla_response_warning_date, datetime(2026, 3, 2, 9, 0))
        with freeze_time("2026-03-02 08:59:00"):
            self.Ticket._cron_after_sales_sla()
            self.assertFalse(ticket.sla_response_warned)
        with freeze_time("2026-03-02 09:01:00"):
            self.Ticket._cron_after_sales_sla()
            self.assertTrue(ticket.sla_response_warned)
            self.assertFalse(ticket.sla_response_breached)
            self.assertIn(self.agent_1, ticket.activity_ids.user_id)
        with freeze_time("2026-03-02 10:01:00"):
            self.Ticket._cron_after_sales_sla()
            self.assertTrue(ticket.sla_response_breached)
            self.assertFalse(ticket.sla_resolution_breached)
            self.assertIn(self.manager, ticket.activity_ids.user_id)
            ticket.action_after_sales_start()
        with freeze_time("2026-03-02 15:00:00"):
            ticket.action_after_sales_resolve()
        self.assertFalse(ticket.sla_resolution_breached)
        self.assertEqual(ticket.first_response_hours, 2 + 1 / 60)
        self.assertEqual(ticket.resolution_hours, 7.0)

    @freeze_time("2026-03-02 08:00:00")
    def test_resolution_breach_on_resolve(self):
        ticket = self._ticket(priority="1", user_id=self.agent_1.id)
        with freeze_time("2026-03-02 09:00:00"):
            ticket.action_after_sales_start()
        self.assertFalse(ticket.sla_response_breached)
        with freeze_time("2026-03-04 01:00:00"):
            ticket.action_after_sales_resolve()
        self.assertTrue(ticket.sla_resolution_breached)
