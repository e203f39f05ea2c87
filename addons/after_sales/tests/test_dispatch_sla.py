# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import UserError
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

    def test_team_without_members_keeps_tickets_received(self):
        """A new ticket on an auto-dispatch team that has nobody yet is taken
        in (received, unassigned); dispatching it by hand says why it cannot."""
        team = self.env["helpdesk.ticket.team"].create(
            {
                "name": "Nobody yet",
                "after_sales_auto_dispatch": True,
            }
        )
        ticket = self.Ticket.create(
            {"name": "T", "description": "<p>x</p>", "team_id": team.id}
        )
        self.assertEqual(ticket.loop_state, "received")
        self.assertFalse(ticket.user_id)
        with self.assertRaisesRegex(UserError, "no member"):
            ticket.action_after_sales_dispatch()

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
    """The loop's SLAs are helpdesk_mgmt_sla's, with priority and tier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_data_slas()
        cls.sla_any = cls._sla_targets("Any", 10, 40)
        cls.sla_team_urgent = cls._sla_targets(
            "Team urgent",
            2,
            8,
            team_ids=[Command.set(cls.team.ids)],
            priority="3",
            warning_percent=50,
        )

    def _targets(self, ticket):
        return {line.after_sales_target: line.sla_id for line in ticket.ticket_sla_ids}

    def test_policy_matching(self):
        ticket = self._ticket(priority="1")
        response, resolution = self.sla_any
        self.assertEqual(
            self._targets(ticket), {"response": response, "resolution": resolution}
        )
        # the most specific SLA of each target, matched again on a change
        ticket.priority = "3"
        response, resolution = self.sla_team_urgent
        self.assertEqual(
            self._targets(ticket), {"response": response, "resolution": resolution}
        )
        self.assertEqual(len(ticket.ticket_sla_ids), 2)
        # a team without the SLA flag gets none (helpdesk_mgmt_sla's rule)
        other_team = self.team.copy({"name": "No SLA", "use_sla": False})
        self.assertFalse(self._ticket(team_id=other_team.id).ticket_sla_ids)

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
        # helpdesk_mgmt_sla's own view of it: the response was late, the
        # resolution in time
        self.assertEqual(
            {line.after_sales_target: line.state for line in ticket.ticket_sla_ids},
            {"response": "expired", "resolution": "accomplished"},
        )

    @freeze_time("2026-03-02 08:00:00")
    def test_resolution_breach_on_resolve(self):
        ticket = self._ticket(priority="1", user_id=self.agent_1.id)
        with freeze_time("2026-03-02 09:00:00"):
            ticket.action_after_sales_start()
        self.assertFalse(ticket.sla_response_breached)
        with freeze_time("2026-03-04 01:00:00"):
            ticket.action_after_sales_resolve()
        self.assertTrue(ticket.sla_resolution_breached)

    def test_working_hours_across_weekend_and_holiday(self):
        """Received Friday 17:00 with an 8-hour target: due Monday 17:00 in
        the team's office hours (not Saturday 01:00), Tuesday when Monday is
        a public holiday."""
        office = self._calendar(
            "Office",
            [(day, h1, h2) for day in range(5) for h1, h2 in ((8, 12), (13, 17))],
        )
        self.team.resource_calendar_id = office
        self._sla_targets("Office", 8, 16, team_ids=[Command.set(self.team.ids)])
        with freeze_time("2026-03-06 17:00:00"):  # a Friday
            ticket = self._ticket(priority="1")
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 9, 17, 0))
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 3, 10, 17, 0))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": office.id,
                "date_from": datetime(2026, 3, 16, 0, 0),
                "date_to": datetime(2026, 3, 16, 23, 59, 59),
            }
        )
        with freeze_time("2026-03-13 17:00:00"):  # the Friday before it
            ticket = self._ticket(priority="1")
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 17, 17, 0))

    def test_tier_change_rematches_open_tickets(self):
        tiers = self.env["res.partner.tier"]
        tier_a = tiers.search([("code", "=", "A")], limit=1)
        fast = self._sla_targets(
            "Key customers", 1, 4, tier_ids=[Command.set(tier_a.ids)]
        )
        open_ticket = self._ticket(priority="1", user_id=self.agent_1.id)
        done_ticket = self._resolve(self._ticket(priority="1"))
        self.assertEqual(self._targets(open_ticket)["response"], self.sla_any[0])
        before = done_ticket.ticket_sla_ids
        wizard = self.env["res.partner.tier.pin.wizard"].create(
            {
                "partner_ids": [Command.set(self.customer.ids)],
                "tier_id": tier_a.id,
                "reason": "Strategic customer",
            }
        )
        wizard.action_apply()
        self.assertEqual(self.customer.customer_tier_id, tier_a)
        self.assertEqual(
            self._targets(open_ticket), {"response": fast[0], "resolution": fast[1]}
        )
        self.assertEqual(
            open_ticket.sla_response_deadline,
            open_ticket.date_received + timedelta(hours=1),
        )
        # a resolved ticket keeps the SLAs it was measured against
        self.assertEqual(done_ticket.ticket_sla_ids, before)
