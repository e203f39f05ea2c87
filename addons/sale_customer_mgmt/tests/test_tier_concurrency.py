# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

from odoo import fields
from odoo.tests import TransactionCase, tagged

from .workers import two_workers


@tagged("post_install", "-at_install")
class TestTierCronConcurrency(TransactionCase):
    """Two cron workers on the daily recompute at once, each with its own
    database connection (as in a multi-worker deployment). The work list is
    staged from the customers already committed (the demo data) and removed
    again at the end; the workers' own changes are rolled back."""

    @contextmanager
    def _workers(self):
        with two_workers(self.env.cr.dbname) as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            try:
                yield env_a, env_b
            finally:
                cr_a.rollback()
                cr_b.rollback()
                cr_a.execute("DELETE FROM customer_tier_figure")
                cr_a.commit()

    def _stage(self, env):
        staged = env["customer.tier.figure"]._stage(fields.Date.context_today(env.user))
        env.cr.commit()
        self.assertGreaterEqual(staged, 4, "the demo customers are staged")
        return staged

    def test_workers_take_different_customers(self):
        with self._workers() as (env_a, env_b):
            staged = self._stage(env_a)
            half = staged // 2
            rows_a = env_a["customer.tier.figure"]._take(half)
            # worker A holds its rows (not committed): B skips them
            rows_b = env_b["customer.tier.figure"]._take(half)
            taken_a = {row["partner_id"] for row in rows_a}
            taken_b = {row["partner_id"] for row in rows_b}
            self.assertEqual(len(taken_a), half)
            self.assertEqual(len(taken_b), half)
            self.assertFalse(taken_a & taken_b)

    def test_two_cron_runs_at_once(self):
        """Both workers score a batch of the same run without waiting for
        each other, and neither stages the run again."""
        with self._workers() as (env_a, env_b):
            staged = self._stage(env_a)
            batch = max(staged // 3, 1)
            left_a = env_a["res.partner"]._cron_recompute_tiers(batch_size=batch)
            left_b = env_b["res.partner"]._cron_recompute_tiers(batch_size=batch)
            self.assertEqual(left_a, staged - batch)
            self.assertEqual(left_b, staged - batch)
            env_a.cr.commit()
            env_b.cr.commit()
            # a third look: both batches are gone from the list
            env_a.cr.execute("SELECT count(*) FROM customer_tier_figure")
            self.assertEqual(env_a.cr.fetchone()[0], staged - 2 * batch)

    def test_batch_meets_a_concurrent_write(self):
        """A customer of the batch changed by someone else since the worker's
        transaction began (a user saving the customer, another job): the
        batch is not lost and the job is not put off to tomorrow; the batch
        stays in the work list, the job is triggered again, and the next
        call, in a new transaction, scores it."""
        with self._workers() as (env_a, env_b):
            staged = self._stage(env_a)
            env_a.cr.execute("SELECT min(partner_id) FROM customer_tier_figure")
            first = env_a.cr.fetchone()[0]
            # its stored figures differ from what the engine computes, so the
            # batch rewrites its row
            env_a.cr.execute(
                "UPDATE res_partner SET tier_scored_date = NULL WHERE id = %s",
                [first],
            )
            env_a.cr.commit()
            # worker A's transaction (and snapshot) begins here
            env_a.cr.execute("SELECT 1")
            env_b.cr.execute(
                "UPDATE res_partner SET write_date = now() WHERE id = %s", [first]
            )
            env_b.cr.commit()
            cron = env_a.ref("sale_customer_mgmt.ir_cron_recompute_customer_tiers")
            partners = env_a["res.partner"].with_context(cron_id=cron.id)
            # (and no ERROR in the log: the test runner fails on one)
            left = partners._cron_recompute_tiers(batch_size=staged)
            self.assertEqual(left, staged, "nothing done, nothing lost")
            env_a.cr.execute("SELECT count(*) FROM customer_tier_figure")
            self.assertEqual(env_a.cr.fetchone()[0], staged)
            triggers = env_a["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
            self.assertTrue(triggers, "the job runs again as soon as possible")
            triggers.unlink()
            env_a.cr.commit()
            # the next call, in a new transaction, scores the batch
            self.assertEqual(partners._cron_recompute_tiers(batch_size=staged), 0)
            env_a.cr.commit()
            scored = env_a["res.partner"].browse(first)
            self.assertTrue(scored.tier_scored_date)
