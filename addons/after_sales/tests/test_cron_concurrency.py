# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.sale_customer_mgmt.tests.workers import two_workers


@tagged("post_install", "-at_install")
class TestCronConcurrency(TransactionCase):
    """Two cron workers at once, each with its own database connection (as in
    a multi-worker deployment). The records they work on are committed first
    and deleted at the end; the workers' own changes are rolled back."""

    @contextmanager
    def _workers(self):
        with two_workers(self.env.cr.dbname) as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            self._made = []
            try:
                yield env_a, env_b
            finally:
                cr_a.rollback()
                cr_b.rollback()
                env_a.invalidate_all()
                for records in reversed(self._made):
                    records.with_env(env_a).exists().unlink()
                cr_a.commit()  # pylint: disable=invalid-commit

    def _customers(self, env, count):
        partners = env["res.partner"].create(
            [
                {
                    "name": f"Concurrency Co {i}",
                    "is_company": True,
                    "email": f"cc{i}@example.com",
                }
                for i in range(count)
            ]
        )
        self._made.append(partners)
        return partners

    def _tokens(self, env, tickets):
        requests = env["rating.rating"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)]
        )
        return set(requests.mapped("res_id")), len(requests)

    def test_feedback_requests_once(self):
        with self._workers() as (env_a, env_b):
            admin = env_a.ref("base.user_admin")
            # a team of its own: no service form to fill before resolving
            team = env_a["helpdesk.ticket.team"].create(
                {"name": "Concurrency team", "user_ids": [(6, 0, admin.ids)]}
            )
            self._made.append(team)
            Ticket = env_a["helpdesk.ticket"]
            customers = self._customers(env_a, 6)
            tickets = Ticket.create(
                [
                    {
                        "name": f"Concurrency {i}",
                        "description": "<p>x</p>",
                        "team_id": team.id,
                        "partner_id": partner.id,
                        "user_id": admin.id,
                    }
                    for i, partner in enumerate(customers)
                ]
            )
            self._made.append(tickets)
            tickets.action_after_sales_start()
            tickets.action_after_sales_resolve()
            env_a.flush_all()
            env_a.cr.execute(
                "UPDATE helpdesk_ticket SET date_resolved = %s WHERE id IN %s",
                [fields.Datetime.now() - timedelta(days=1), tuple(tickets.ids)],
            )
            env_a.cr.commit()  # pylint: disable=invalid-commit
            env_a.invalidate_all()
            # worker A takes a batch of two (its transaction still open)
            env_a["helpdesk.ticket"]._cron_after_sales_feedback(batch_size=2)
            # worker B, meanwhile, skips A's locked tickets without waiting
            env_b["helpdesk.ticket"]._cron_after_sales_feedback(batch_size=500)
            done_a, count_a = self._tokens(env_a, tickets)
            done_b, count_b = self._tokens(env_b, tickets)
            self.assertFalse(done_a & done_b, "a ticket was asked twice")
            self.assertEqual(done_a | done_b, set(tickets.ids))
            self.assertEqual(count_a + count_b, 6, "one token per ticket")
            # A is interrupted: its batch is left to the next run, which
            # resumes with exactly those tickets
            env_a.cr.rollback()
            env_a.invalidate_all()
            env_b.cr.commit()  # pylint: disable=invalid-commit
            env_a["helpdesk.ticket"]._cron_after_sales_feedback(batch_size=500)
            done, count = self._tokens(env_a, tickets)
            self.assertEqual(done, set(tickets.ids))
            self.assertEqual(count, 6)
            env_a.cr.commit()  # pylint: disable=invalid-commit
            remaining = env_a["helpdesk.ticket"]._cron_after_sales_feedback()
            self.assertEqual(self._tokens(env_a, tickets)[1], 6)
            self.assertFalse(remaining)
            self._made.append(
                env_a["mail.mail"].search(
                    [("model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)]
                )
            )

    def test_defector_interviews_once(self):
        with self._workers() as (env_a, env_b):
            customers = self._customers(env_a, 4)
            customers.write({"churn_state": "lost"})
            env_a.cr.commit()  # pylint: disable=invalid-commit
            Ticket_a = env_a["helpdesk.ticket"].with_context(active_test=False)
            Ticket_b = env_b["helpdesk.ticket"].with_context(active_test=False)
            Ticket_a._cron_after_sales_defector_interview(batch_size=1)
            Ticket_b._cron_after_sales_defector_interview(batch_size=500)
            domain = [
                ("is_defector_interview", "=", True),
                ("partner_id", "in", customers.ids),
            ]
            seen_a = set(Ticket_a.search(domain).partner_id.ids)
            seen_b = set(Ticket_b.search(domain).partner_id.ids)
            self.assertFalse(seen_a & seen_b, "a customer was interviewed twice")
            self.assertEqual(seen_a | seen_b, set(customers.ids))
            # both commit; a third run finds nothing left to do
            env_a.cr.commit()  # pylint: disable=invalid-commit
            env_b.cr.commit()  # pylint: disable=invalid-commit
            self._made.append(Ticket_a.search(domain))
            env_a.invalidate_all()
            Ticket_a._cron_after_sales_defector_interview()
            self.assertEqual(Ticket_a.search_count(domain), 4)
