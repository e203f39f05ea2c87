# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from .workers import two_workers


@tagged("post_install", "-at_install")
class TestCronConcurrency(TransactionCase):
    """Two workers run the same cron at once, each with its own database
    connection (as in a multi-worker deployment): they take disjoint batches
    (rows locked with SKIP LOCKED), never wait for each other (a lock wait
    fails on lock_timeout instead of hanging) and never do the same work
    twice. The records the test needs are committed first (the other
    connection sees only committed data) and deleted again at the end."""

    @contextmanager
    def _workers(self):
        with two_workers(self.env.cr.dbname) as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            # what the crons may change in the (demo) data, to put it back
            cr_a.execute(
                "SELECT (SELECT COALESCE(MAX(id), 0) FROM mail_activity),"
                " (SELECT COALESCE(MAX(id), 0) FROM mail_message),"
                " (SELECT COALESCE(MAX(id), 0) FROM calendar_event),"
                " (SELECT COALESCE(MAX(id), 0) FROM calendar_recurrence)"
            )
            max_activity, max_message, max_event, max_recurrence = cr_a.fetchone()
            cr_a.execute(
                "CREATE TEMP TABLE cc_lead_state AS SELECT id, user_id,"
                " in_public_pool, card_regrade_needed FROM crm_lead"
            )
            self._cleanup = []
            try:
                yield env_a, env_b
            finally:
                cr_a.rollback()
                cr_b.rollback()
                env_a.invalidate_all()
                cr_a.execute(
                    SQL(
                        """
                        DELETE FROM mail_activity WHERE id > %(activity)s;
                        DELETE FROM mail_message WHERE id > %(message)s;
                        UPDATE res_users SET dev_day_event_id = NULL
                         WHERE dev_day_event_id > %(event)s;
                        DELETE FROM calendar_event WHERE id > %(event)s;
                        DELETE FROM calendar_recurrence WHERE id > %(recurrence)s;
                        UPDATE crm_lead lead
                           SET user_id = old.user_id,
                               in_public_pool = old.in_public_pool,
                               card_regrade_needed = old.card_regrade_needed
                          FROM cc_lead_state old WHERE old.id = lead.id;
                        DROP TABLE cc_lead_state;
                        """,
                        activity=max_activity,
                        message=max_message,
                        event=max_event,
                        recurrence=max_recurrence,
                    )
                )
                for cleanup in reversed(self._cleanup):
                    cleanup(env_a)
                    env_a.flush_all()
                # separate connection: what the test committed is removed
                cr_a.commit()  # pylint: disable=invalid-commit

    def _commit(self, *envs):
        for env in envs:
            env.flush_all()
            env.cr.commit()  # pylint: disable=invalid-commit
            env.invalidate_all()

    def _both(self, env_a, env_b, run):
        """Worker A runs and keeps its transaction open while B runs."""
        result_a = run(env_a)
        env_a.flush_all()
        result_b = run(env_b)
        env_b.flush_all()
        self._commit(env_a, env_b)
        return result_a, result_b

    def test_collection_reminders(self):
        with self._workers() as (env_a, env_b):
            today = fields.Date.context_today(env_a.user)
            product = env_a["product.product"].create(
                {"name": "CC product", "list_price": 100.0}
            )
            partner = env_a["res.partner"].create({"name": "CC customer"})
            orders = env_a["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "order_line": [Command.create({"product_id": product.id})],
                    }
                    for __ in range(3)
                ]
            )
            orders.action_confirm()
            plans = env_a["sale.collection.plan"].create(
                [
                    {
                        "order_id": order.id,
                        "line_ids": [
                            Command.create(
                                {
                                    "name": f"CC {order.id} {pct}",
                                    "percentage": pct,
                                    "date_due": today - timedelta(days=pct),
                                }
                            )
                            for pct in (20, 30, 50)
                        ],
                    }
                    for order in orders
                ]
            )
            lines = plans.line_ids

            def cleanup(env):
                env["sale.collection.plan"].browse(plans.ids).unlink()
                env["sale.order"].browse(orders.ids)._action_cancel()
                env["sale.order"].browse(orders.ids).unlink()
                env["res.partner"].browse(partner.id).unlink()
                env["product.product"].browse(product.id).product_tmpl_id.unlink()

            self._cleanup.append(cleanup)
            self._commit(env_a)
            Line = env_a["sale.collection.plan.line"]
            [(total,)] = env_a.execute_query(
                SQL("SELECT count(*) FROM (%s) x", Line._reminder_candidates_sql(today))
            )
            self.assertGreaterEqual(total, len(lines))
            [(plan_count,)] = env_a.execute_query(
                SQL(
                    "SELECT count(DISTINCT plan_id) FROM (%s) x",
                    Line._reminder_candidates_sql(today),
                )
            )
            half = (plan_count + 1) // 2
            left_a, left_b = self._both(
                env_a,
                env_b,
                lambda env: env["sale.collection.plan.line"]._cron_collection_reminders(
                    batch_size=half
                ),
            )
            # each worker handled its own plans: together, all of them
            self.assertLess(left_a, total)
            self.assertLess(left_b, total)
            self.assertEqual((total - left_a) + (total - left_b), total)
            # a third run: nothing left, nothing scheduled again
            self.assertEqual(Line._cron_collection_reminders(batch_size=half), 0)
            self._commit(env_a)
            for line in Line.browse(lines.ids):
                self.assertTrue(line.reminder_sent and line.overdue_reminder_sent)
                activities = env_a["mail.activity"].search(
                    [
                        ("res_model", "=", "sale.order"),
                        ("res_id", "=", line.order_id.id),
                        ("note", "ilike", line.name),
                    ]
                )
                self.assertEqual(len(activities), 1, line.name)

    def test_card_review_and_public_pool(self):
        with self._workers() as (env_a, env_b):
            today = fields.Date.context_today(env_a.user)
            company = env_a.company
            pool_before = (
                company.prospect_public_pool,
                company.prospect_public_pool_days,
            )
            company.write(
                {"prospect_public_pool": True, "prospect_public_pool_days": 5}
            )
            user = env_a.ref("base.user_admin")
            leads = env_a["crm.lead"].create(
                [
                    {
                        "name": f"CC card {i}",
                        "type": "opportunity",
                        "user_id": user.id,
                        "card_color": "yellow",
                        "heat_grade": "b",
                        "date_deadline": today - timedelta(days=2),
                        "last_followup_date": today - timedelta(days=30),
                    }
                    for i in range(6)
                ]
            )

            def cleanup(env):
                env["crm.lead"].browse(leads.ids).unlink()
                env.company.write(
                    {
                        "prospect_public_pool": pool_before[0],
                        "prospect_public_pool_days": pool_before[1],
                    }
                )

            self._cleanup.append(cleanup)
            self._commit(env_a)
            Lead = env_a["crm.lead"]
            # card review: every overdue card flagged once, one review each
            overdue = Lead.search(
                [
                    ("card_color", "=", "yellow"),
                    ("card_regrade_needed", "=", False),
                    ("date_deadline", "<", today),
                ]
            )
            half = (len(overdue) + 1) // 2
            left_a, left_b = self._both(
                env_a,
                env_b,
                lambda env: env["crm.lead"]._cron_card_review(batch_size=half),
            )
            self.assertEqual(left_a, len(overdue) - half)
            self.assertEqual(left_b, len(overdue) - min(half, len(overdue) - half))
            self.assertEqual(Lead._cron_card_review(batch_size=half), 0)
            self._commit(env_a)
            activity_type = env_a.ref(
                "sale_customer_mgmt.mail_activity_type_card_review"
            )
            for lead in Lead.browse(leads.ids):
                self.assertTrue(lead.card_regrade_needed)
                review = lead.activity_ids.filtered(
                    lambda a: a.activity_type_id == activity_type
                )
                self.assertEqual(len(review), 1)
            # public pool: every neglected lead returned once
            reclaimed_a, reclaimed_b = self._both(
                env_a,
                env_b,
                lambda env: env["crm.lead"]._cron_public_pool_reclaim(batch_size=3),
            )
            self.assertFalse(set(reclaimed_a.ids) & set(reclaimed_b.ids))
            while Lead._cron_public_pool_reclaim(batch_size=3):
                self._commit(env_a)
            self._commit(env_a)
            for lead in Lead.browse(leads.ids):
                self.assertTrue(lead.in_public_pool)
                self.assertFalse(lead.user_id)
                logs = lead.message_ids.filtered(
                    lambda m: "returned to the public pool" in (m.body or "")
                )
                self.assertEqual(len(logs), 1)

    def test_development_days(self):
        with self._workers() as (env_a, env_b):
            users = env_a["res.users"].create(
                [
                    {
                        "name": f"CC salesperson {i}",
                        "login": f"cc_salesperson_{i}",
                        "groups_id": [
                            Command.set(
                                [env_a.ref("sales_team.group_sale_salesman").id]
                            )
                        ],
                    }
                    for i in range(4)
                ]
            )
            team = env_a["crm.team"].create(
                {
                    "name": "CC team",
                    "member_ids": [Command.link(uid) for uid in users.ids],
                }
            )

            def cleanup(env):
                env["crm.team"].browse(team.id).unlink()
                partners = env["res.users"].browse(users.ids).partner_id
                env["res.users"].browse(users.ids).unlink()
                partners.unlink()

            self._cleanup.append(cleanup)
            self._commit(env_a)
            left_a, left_b = self._both(
                env_a,
                env_b,
                lambda env: env["res.users"]._cron_schedule_development_days(
                    batch_size=2
                ),
            )
            while env_a["res.users"]._cron_schedule_development_days(batch_size=2):
                self._commit(env_a)
            self._commit(env_a)
            for user in env_a["res.users"].browse(users.ids):
                events = env_a["calendar.event"].search([("user_id", "=", user.id)])
                self.assertTrue(user.dev_day_event_id)
                self.assertEqual(len(events.recurrence_id), 1, user.name)
