# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The number of queries of the computations over many records does not grow
with the number of records: each is run on a few records, then on ten times
more, and both counts are compared."""

from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.sale_customer_mgmt.tests.common import QueryCountMixin

from .common import AfterSalesCommon

# helpdesk_mgmt_sla computes each SLA line of a ticket on its own: the
# deadline planned in the team's calendar at creation, the consumed time
# recounted at each stage change (a few queries per line, two lines per ticket
# here). That is the dependency's cost per ticket, allowed by the tests
# below; what after_sales adds must stay flat.
OCA_SLA_QUERIES_PER_TICKET = 10
# helpdesk_mgmt_rating stores each ticket's share of positive ratings, counted
# with one query per ticket (rating_get_grades) whenever its ratings change,
# and reads the new rating back for it.
OCA_RATING_QUERIES_PER_TICKET = 2


@tagged("post_install", "-at_install")
class TestQueryCount(QueryCountMixin, AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_data_slas()
        cls.slas = cls._sla_targets("All", 2, 8)
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"QC Customer {i}", "is_company": True, "email": "q@x.com"}
                for i in range(30)
            ]
        )

    def _count(self, func):
        """Queries of ``func()`` and of the flush of what it wrote, in one
        run: the work measured changes the records (a second run, as
        ``assertQueriesFlat`` makes, would measure a no-op); the read-only
        measures use ``assertQueriesFlat``."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def assertNoGrowth(self, few, many):
        """The queries for many records are not more than for a few (the
        first measure may include one-off queries filling caches)."""
        self.assertLessEqual(many, few)

    def assertSlaGrowthOnly(self, few, many, extra_tickets):
        """Many tickets cost more queries than a few by helpdesk_mgmt_sla's
        per-line work only."""
        self.assertLessEqual(many - few, OCA_SLA_QUERIES_PER_TICKET * extra_tickets)

    def _tickets(self, count, **vals):
        values = {
            "description": "<p>x</p>",
            "team_id": self.team.id,
            "partner_id": self.contact.id,
        }
        values.update(vals)
        return self.Ticket.create([dict(values, name=f"QC {i}") for i in range(count)])

    def _resolved(self, count, **vals):
        vals.setdefault("user_id", self.agent_1.id)
        tickets = self._tickets(count, **vals)
        tickets.action_after_sales_start()
        tickets.action_after_sales_resolve()
        return tickets

    def test_loop_transitions(self):
        few = self._tickets(3, user_id=self.agent_1.id)
        many = self._tickets(30, user_id=self.agent_1.id)
        self.assertSlaGrowthOnly(
            self._count(few.action_after_sales_start),
            self._count(many.action_after_sales_start),
            len(many) - len(few),
        )

    def test_auto_dispatch(self):
        few = self._tickets(3)
        many = self._tickets(30)
        self.assertEqual(set(many.mapped("loop_state")), {"received"})
        self.assertNoGrowth(
            self._count(few._after_sales_auto_dispatch),
            self._count(many._after_sales_auto_dispatch),
        )
        self.assertEqual(set(many.mapped("loop_state")), {"dispatched"})

    def test_sla_stored_computes(self):
        few = self._tickets(3)
        many = self._tickets(30)
        # the SLAs of open tickets matched again when their priority changes
        self.assertNoGrowth(
            self._count(lambda: few.write({"priority": "2"})),
            self._count(lambda: many.write({"priority": "2"})),
        )
        self.assertEqual(many.ticket_sla_ids.sla_id, self.slas)
        # helpdesk_mgmt_sla plans the deadline on the working calendar in
        # floating-point hours: to the second, not to the microsecond
        self.assertAlmostEqual(
            many[0].sla_resolution_deadline,
            many[0].date_received + timedelta(hours=8),
            delta=timedelta(seconds=1),
        )

    def test_customer_signals(self):
        def make(partners):
            for partner in partners:
                self._resolved(1, partner_id=partner.id)
                self._tickets(1, partner_id=partner.id, is_complaint=True)

        customers = self.customers
        make(customers)
        self.assertQueriesFlat(customers, lambda p: p._get_cooperation_signals())
        self.assertQueriesFlat(customers, lambda p: p._get_open_complaint_counts())
        self.assertEqual(customers._get_open_complaint_counts()[customers[-1].id], 1)

    def test_evaluation_generate(self):
        agents = self.env["res.users"].create(
            [
                {
                    "name": f"QC Agent {i}",
                    "login": f"qc_agent_{i}",
                    "groups_id": [
                        Command.set(
                            [self.env.ref("after_sales.group_after_sales_agent").id]
                        )
                    ],
                }
                for i in range(30)
            ]
        )
        self.team.user_ids = [Command.link(agent.id) for agent in agents]
        with freeze_time("2025-01-10 08:00:00"):
            for agent in agents:
                self._resolved(1, user_id=agent.id)
        Evaluation = self.env["after.sales.evaluation"].with_user(self.manager)
        start, end = date(2025, 1, 1), date(2025, 1, 31)
        Evaluation._generate(start, end, agents[:1])  # warm-up
        few = self._count(lambda: Evaluation._generate(start, end, agents[1:4]))
        many = self._count(lambda: Evaluation._generate(start, end, agents[4:]))
        self.assertNoGrowth(few, many)
        evaluations = Evaluation.search([("date_from", "=", start)])
        self.assertEqual(len(evaluations), 30)
        self.assertEqual(sorted(evaluations.mapped("rank")), list(range(1, 31)))
        # the employees follow their evaluation
        self.assertIn(agents[0].partner_id, evaluations[0].message_partner_ids)
        # a second run refreshes the same drafts
        self.assertNoGrowth(
            self._count(lambda: Evaluation._generate(start, end, agents[:3])),
            self._count(lambda: Evaluation._generate(start, end, agents)),
        )

    def test_cron_feedback(self):
        # only this test's tickets wait for feedback (the demo's, or one a
        # committed cron test asked, would take places in the batches)
        self.Ticket.search([("loop_state", "=", "resolved")]).write(
            {"loop_state": "closed", "no_feedback_reason": "Outside the test"}
        )
        warmup = self._resolved(1)
        warmup._after_sales_send_feedback_request()
        few = self._resolved(3)
        many = self._resolved(30)
        later = fields.Datetime.now() + timedelta(hours=3)
        with freeze_time(later):
            few_count = self._count(few._after_sales_send_feedback_request)
            many_count = self._count(many._after_sales_send_feedback_request)
        self.assertLessEqual(
            many_count - few_count,
            OCA_RATING_QUERIES_PER_TICKET * (len(many) - len(few)),
        )
        self.assertEqual(len(many.rating_ids), 30)
        # the closing of tickets left without answer
        with freeze_time(later + timedelta(days=8)):
            self.Ticket._cron_after_sales_feedback(1)  # warm-up
            self.assertNoGrowth(
                self._count(lambda: self.Ticket._cron_after_sales_feedback(3)),
                self._count(lambda: self.Ticket._cron_after_sales_feedback(30)),
            )
        self.assertEqual(set((few | many).mapped("loop_state")), {"closed"})
        self.assertNoGrowth(
            self._count(lambda: self.Ticket._cron_after_sales_feedback(3)),
            self._count(lambda: self.Ticket._cron_after_sales_feedback(30)),
        )

    def test_cron_sla(self):
        self._tickets(34, user_id=self.agent_1.id)
        with freeze_time(fields.Datetime.now() + timedelta(hours=1, minutes=45)):
            self.Ticket._cron_after_sales_sla(1)  # warm-up
            self.assertNoGrowth(
                self._count(lambda: self.Ticket._cron_after_sales_sla(3)),
                self._count(lambda: self.Ticket._cron_after_sales_sla(30)),
            )

    def test_cron_defector_interview(self):
        self.customers.churn_state = "lost"
        self.env.ref("after_sales.helpdesk_team_after_sales").user_ids = self.agent_1
        self.Ticket._cron_after_sales_defector_interview(1)  # warm-up
        few = self._count(lambda: self.Ticket._cron_after_sales_defector_interview(3))
        many = self._count(lambda: self.Ticket._cron_after_sales_defector_interview(26))
        # helpdesk_mgmt draws each new ticket's number from its sequence (a
        # lookup of the sequence and a nextval per ticket); beyond those,
        # only a few one-off queries (caches) may differ
        self.assertLessEqual(
            many - few, (2 + OCA_SLA_QUERIES_PER_TICKET) * (26 - 3) + 4
        )
        self.assertTrue(all(self.customers.mapped("after_sales_defector_interviewed")))

    def test_agent_list_access_check(self):
        """A page of tickets read by an agent: the record rules of the
        records read do not cost a query per record.

        Odoo checks them in SQL when the read fetches a column (``closed``
        reads ``stage_id``), and in Python over the page (``filtered_domain``
        of helpdesk_mgmt's agent rules) when it fetches none (``tag_ids``
        only): both stay flat from 25 to 80 tickets."""
        agent = new_test_user(
            self.env,
            login="qc_list_agent",
            groups="base.group_user,after_sales.group_after_sales_agent",
        )
        self.team.user_ids = [Command.link(agent.id)]
        other_team = self.env["helpdesk.ticket.team"].create({"name": "QC other"})
        hidden = self._tickets(25, team_id=other_team.id)
        tickets = self._tickets(80).with_user(agent)
        tags = {"tag_ids": {"fields": {"display_name": {}}}}
        for spec in ({"closed": {}, **tags}, tags):
            with self.subTest(spec=list(spec)):
                self.assertQueriesFlat(
                    tickets, lambda records, s=spec: records.web_read(s), 25, 80
                )
                with self.assertRaises(AccessError):
                    (tickets[:25] | hidden.with_user(agent)).web_read(spec)
