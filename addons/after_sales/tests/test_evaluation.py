# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestEvaluation(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Evaluation = cls.env["after.sales.evaluation"]
        cls._archive_data_slas()
        # no demo noise: evaluate a period in the past
        cls.date_from = date(2025, 1, 1)
        cls.date_to = date(2025, 1, 31)

    def _done_ticket(self, user, rating=None, reopen=False):
        with freeze_time("2025-01-10 08:00:00"):
            ticket = self._ticket(user_id=user.id)
        with freeze_time("2025-01-10 10:00:00"):
            ticket.action_after_sales_start()
        with freeze_time("2025-01-10 14:00:00"):
            ticket.action_after_sales_resolve()
            if reopen:
                ticket.action_after_sales_reopen()
                ticket.action_after_sales_resolve()
            if rating:
                ticket._after_sales_apply_feedback(rating, "", "link")
        return ticket

    def test_smoothing(self):
        # m = 3.0, C = 5 by default
        one_five = self.Evaluation._smoothed_rating(5, 1)
        forty = self.Evaluation._smoothed_rating(4.8 * 40, 40)
        self.assertAlmostEqual(one_five, 20 / 6)  # (5*3 + 5) / 6 = 3.333
        self.assertAlmostEqual(forty, 207 / 45)  # (15 + 192) / 45 = 4.6
        self.assertGreater(forty, one_five)

    def test_metrics_score_rank(self):
        self._done_ticket(self.agent_1, rating=5)
        self._done_ticket(self.agent_1, rating=4, reopen=True)
        self._done_ticket(self.agent_2, rating=5)
        with freeze_time("2025-01-12 08:00:00"):
            self._ticket(
                is_complaint=True,
                complaint_user_id=self.agent_2.id,
                user_id=self.agent_3.id,
            )
        evaluations = self.Evaluation._generate(
            self.date_from, self.date_to, self.agent_1 | self.agent_2
        )
        ev1 = evaluations.filtered(lambda e: e.user_id == self.agent_1)
        ev2 = evaluations.filtered(lambda e: e.user_id == self.agent_2)
        self.assertEqual(ev1.ticket_count, 2)
        self.assertEqual(ev1.avg_first_response_hours, 2.0)
        self.assertEqual(ev1.avg_resolution_hours, 6.0)
        self.assertEqual(ev1.reopen_rate, 50.0)
        self.assertEqual(ev1.rating_count, 2)
        self.assertAlmostEqual(ev1.rating_smoothed, (15 + 9) / 7, places=3)
        self.assertEqual(ev1.sla_compliance, 100.0)  # no SLA -> not penalised
        self.assertEqual(ev2.complaint_count, 1)
        # ev1 components: volume 100, response 100*4/6, resolution 100*24/30,
        # sla 100, reopen 50, rating (24/7 - 1)/4*100, complaints 100
        expected_1 = (
            10 * 100
            + 15 * 400 / 6
            + 15 * 80
            + 20 * 100
            + 10 * 50
            + 20 * ((24 / 7 - 1) / 4 * 100)
            + 10 * 100
        ) / 100
        self.assertAlmostEqual(ev1.score, round(expected_1, 2), places=2)
        # ev2: volume 50, rating (20/6 - 1)/4*100, reopen 100, complaints 80
        expected_2 = (
            10 * 50
            + 15 * 400 / 6
            + 15 * 80
            + 20 * 100
            + 10 * 100
            + 20 * ((20 / 6 - 1) / 4 * 100)
            + 10 * 80
        ) / 100
        self.assertAlmostEqual(ev2.score, round(expected_2, 2), places=2)
        self.assertEqual(ev1.rank, 1 if ev1.score > ev2.score else 2)
        self.assertEqual(sorted(evaluations.mapped("rank")), [1, 2])

    def test_confirm_by_manager_only(self):
        evaluation = self.Evaluation._generate(
            self.date_from, self.date_to, self.agent_1
        )
        with self.assertRaises(AccessError):
            evaluation.with_user(self.agent_1).action_confirm()
        evaluation.with_user(self.manager).action_confirm()
        self.assertEqual(evaluation.state, "confirmed")
        with self.assertRaises(UserError):
            evaluation.score = 99

    def test_record_rules(self):
        evaluations = self.Evaluation._generate(
            self.date_from, self.date_to, self.agent_1 | self.agent_2
        )
        seen = self.Evaluation.with_user(self.agent_1).search(
            [("id", "in", evaluations.ids)]
        )
        self.assertEqual(seen.user_id, self.agent_1)
        seen = self.Evaluation.with_user(self.manager).search(
            [("id", "in", evaluations.ids)]
        )
        self.assertEqual(len(seen), 2)
        # multi-company: evaluations of another company stay invisible
        company_b = self.env["res.company"].create({"name": "Company B"})
        foreign = self.Evaluation.create(
            {
                "user_id": self.agent_1.id,
                "company_id": company_b.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
            }
        )
        self.assertFalse(
            self.Evaluation.with_user(self.manager).search([("id", "=", foreign.id)])
        )
        # agents see the tickets of their team only (helpdesk_mgmt team rule)
        other_team = self.env["helpdesk.ticket.team"].create({"name": "Other"})
        mine = self._ticket()
        hidden = self._ticket(team_id=other_team.id)
        visible = self.Ticket.with_user(self.agent_1).search(
            [("id", "in", (mine | hidden).ids)]
        )
        self.assertEqual(visible, mine)

    def test_cooperation_signals(self):
        self._done_ticket(self.agent_1, rating=5)
        self._done_ticket(self.agent_1, rating=3)
        self._ticket(is_complaint=True)
        signals = self.customer._get_cooperation_signals()
        # avg 4 -> 75, minus 10 per complaint
        self.assertEqual(signals[self.customer.id]["score"], 65.0)
        self.assertEqual(signals[self.customer.id]["count"], 3)

    def test_only_customer_ratings_count(self):
        self._done_ticket(self.agent_1, rating=4)
        forged = self._done_ticket(self.agent_1)
        # a rating that did not come through the customer channel (e.g. imported)
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET feedback_rating = 5 WHERE id = %s",
            (forged.id,),
        )
        self.env.invalidate_all()
        evaluation = self.Evaluation._generate(
            self.date_from, self.date_to, self.agent_1
        )
        self.assertEqual(evaluation.rating_count, 1)
        self.assertEqual(evaluation.rating_sum, 4)

    def test_query_count_does_not_grow(self):
        self._done_ticket(self.agent_1, rating=5)
        evaluations = self.Evaluation._generate(
            self.date_from, self.date_to, self.agent_1 | self.agent_2
        )
        self.env.invalidate_all()
        count_before = self.env.cr.sql_log_count
        evaluations.action_compute()
        self.env.flush_all()
        queries_few = self.env.cr.sql_log_count - count_before
        for user in (self.agent_1, self.agent_2, self.agent_3) * 3:
            self._done_ticket(user, rating=4)
        self.env.invalidate_all()
        count_before = self.env.cr.sql_log_count
        evaluations.action_compute()
        self.env.flush_all()
        queries_many = self.env.cr.sql_log_count - count_before
        self.assertEqual(queries_many, queries_few)
