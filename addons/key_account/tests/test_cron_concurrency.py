# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import date

from psycopg2.errors import SerializationFailure

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.sale_customer_mgmt.tests.workers import two_workers

CONTACTS = 7


@tagged("post_install", "-at_install")
class TestKeyAccountCronConcurrency(TransactionCase):
    """The decision-maker contact cron run by two workers at once, each with
    its own database connection (as in a multi-worker deployment): they take
    disjoint batches (contacts locked with SKIP LOCKED), never wait for each
    other (a lock wait fails on lock_timeout instead of hanging) and never
    schedule the same to-do twice; an interrupted run resumes with the
    contacts left. The records the test needs are committed first (the other
    connection sees only committed data) and removed again at the end, with
    what the cron did to the demo data."""

    @contextmanager
    def _workers(self):
        with two_workers(self.env.cr.dbname) as (env_a, env_b):
            cr_a, cr_b = env_a.cr, env_b.cr
            # what the cron may change in the (demo) data, to put it back
            cr_a.execute(
                "SELECT (SELECT COALESCE(MAX(id), 0) FROM mail_activity),"
                " (SELECT COALESCE(MAX(id), 0) FROM mail_message),"
                " (SELECT COALESCE(MAX(id), 0) FROM mail_followers),"
                " (SELECT COALESCE(MAX(id), 0) FROM bus_bus)"
            )
            max_activity, max_message, max_follower, max_bus = cr_a.fetchone()
            cr_a.execute(
                "CREATE TEMP TABLE ka_cc_partner_state AS SELECT id,"
                " ka_contact_alert_date, write_date, write_uid FROM res_partner"
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
                        DELETE FROM mail_followers WHERE id > %(follower)s;
                        DELETE FROM bus_bus WHERE id > %(bus)s;
                        UPDATE res_partner partner
                           SET ka_contact_alert_date = old.ka_contact_alert_date,
                               write_date = old.write_date,
                               write_uid = old.write_uid
                          FROM ka_cc_partner_state old
                         WHERE old.id = partner.id
                           AND partner.ka_contact_alert_date
                               IS DISTINCT FROM old.ka_contact_alert_date;
                        DROP TABLE ka_cc_partner_state;
                        """,
                        activity=max_activity,
                        message=max_message,
                        follower=max_follower,
                        bus=max_bus,
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

    def _make_contacts(self, env):
        """A key account with overdue decision makers, committed."""
        admin = env.ref("base.user_admin")
        account = env["res.partner"].create(
            {
                "name": "CC Key Account",
                "is_company": True,
                "is_key_account": True,
                "ka_user_id": admin.id,
            }
        )
        contacts = env["res.partner"].create(
            [
                {
                    "name": f"CC Decision Maker {i}",
                    "parent_id": account.id,
                    "ka_role": "decision_maker",
                    "ka_owner_id": admin.id if i % 2 else False,
                    "ka_last_contact_date": date(2020, 1, 1 + i),
                }
                for i in range(CONTACTS)
            ]
        )

        def cleanup(env):
            env["res.partner"].browse(contacts.ids).unlink()
            env["res.partner"].browse(account.id).unlink()

        self._cleanup.append(cleanup)
        self._commit(env)
        return contacts

    def _todo_domain(self, env):
        Partner = env["res.partner"]
        return Partner._ka_contact_alert_todo_domain(
            env.ref("mail.mail_activity_data_todo"), "Contact the decision maker"
        )

    def _new_todo_contacts(self, env, max_activity):
        """Ids of the contacts given a to-do since ``max_activity`` (as seen
        by ``env``'s transaction)."""
        rows = env.execute_query(
            SQL(
                "SELECT res_id FROM mail_activity"
                " WHERE res_model = 'res.partner' AND id > %s",
                max_activity,
            )
        )
        return [row[0] for row in rows]

    def _assert_one_todo_each(self, env, contacts):
        activities = env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", contacts.ids)]
        )
        self.assertEqual(sorted(activities.mapped("res_id")), sorted(contacts.ids))
        for activity in activities:
            contact = env["res.partner"].browse(activity.res_id)
            owner = contact.ka_owner_id or contact.parent_id.ka_user_id
            self.assertEqual(activity.user_id, owner)
            self.assertEqual(activity.summary, "Contact the decision maker")
        self.assertTrue(all(contacts.mapped("ka_contact_alert_date")))

    def _max_activity(self, env):
        [(max_activity,)] = env.execute_query(
            SQL("SELECT COALESCE(MAX(id), 0) FROM mail_activity")
        )
        return max_activity

    def test_two_workers_disjoint_batches(self):
        with self._workers() as (env_a, env_b):
            contacts = self._make_contacts(env_a)
            Partner = env_a["res.partner"]
            total = Partner.search_count(self._todo_domain(env_a))
            self.assertGreaterEqual(total, CONTACTS)
            half = (total + 1) // 2
            start = self._max_activity(env_a)
            # worker A takes its batch and keeps its transaction open while
            # worker B runs: B skips A's contacts instead of waiting for them
            left_a = env_a["res.partner"]._cron_ka_contact_alert(batch_size=half)
            env_a.flush_all()
            left_b = env_b["res.partner"]._cron_ka_contact_alert(batch_size=half)
            env_b.flush_all()
            done_a = self._new_todo_contacts(env_a, start)
            done_b = self._new_todo_contacts(env_b, start)
            self.assertEqual(len(done_a), half)
            self.assertEqual(len(done_b), total - half)
            self.assertFalse(set(done_a) & set(done_b))
            # each counts the other's batch, not committed yet, as left
            self.assertEqual(left_a, total - half)
            self.assertEqual(left_b, half)
            self._commit(env_a, env_b)
            # nothing left, nothing scheduled again
            self.assertEqual(Partner._cron_ka_contact_alert(batch_size=half), 0)
            self._commit(env_a)
            self.assertEqual(len(self._new_todo_contacts(env_a, start)), total)
            self._assert_one_todo_each(env_a, Partner.browse(contacts.ids))

    def test_stale_snapshot_cannot_redo_a_batch(self):
        """Worker B's transaction started before worker A committed the same
        batch: B cannot lock (and redo) those contacts, it fails and its
        batch is retried at the next run, which sees A's to-dos."""
        with self._workers() as (env_a, env_b):
            contacts = self._make_contacts(env_a)
            Partner = env_a["res.partner"]
            total = Partner.search_count(self._todo_domain(env_a))
            start = self._max_activity(env_a)
            # B's snapshot is taken now, before A's work
            env_b.execute_query(SQL("SELECT count(*) FROM res_partner"))
            env_a["res.partner"]._cron_ka_contact_alert(batch_size=total)
            self._commit(env_a)
            with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
                env_b["res.partner"]._cron_ka_contact_alert(batch_size=total)
            env_b.cr.rollback()
            env_b.invalidate_all()
            self.assertEqual(
                env_b["res.partner"]._cron_ka_contact_alert(batch_size=total), 0
            )
            self._commit(env_b)
            self.assertEqual(len(self._new_todo_contacts(env_a, start)), total)
            self._assert_one_todo_each(env_a, Partner.browse(contacts.ids))

    def test_interrupted_run_resumes(self):
        with self._workers() as (env_a, env_b):
            contacts = self._make_contacts(env_a)
            Partner = env_a["res.partner"]
            total = Partner.search_count(self._todo_domain(env_a))
            start = self._max_activity(env_a)
            # the progress the cron runner reads to call again
            cron = env_a.ref("key_account.ir_cron_key_account_contact_alert")
            progress = env_a["ir.cron.progress"].create({"cron_id": cron.id})
            self._cleanup.append(
                lambda env: env["ir.cron.progress"].browse(progress.id).unlink()
            )
            self._commit(env_a)
            left = (
                env_a["res.partner"]
                .with_context(ir_cron_progress_id=progress.id)
                ._cron_ka_contact_alert(batch_size=2)
            )
            self.assertEqual(left, total - 2)
            self.assertEqual((progress.done, progress.remaining), (2, total - 2))
            self._commit(env_a)
            # the next batch is interrupted: its work is rolled back
            env_a["res.partner"]._cron_ka_contact_alert(batch_size=2)
            env_a.flush_all()
            env_a.cr.rollback()
            env_a.invalidate_all()
            # another worker resumes: batch after batch until nothing is left
            runs = 0
            while env_b["res.partner"]._cron_ka_contact_alert(batch_size=2):
                self._commit(env_b)
                runs += 1
            self._commit(env_b)
            self.assertEqual(runs, (total - 2 + 1) // 2 - 1)
            self.assertEqual(len(self._new_todo_contacts(env_a, start)), total)
            self._assert_one_todo_each(env_a, Partner.browse(contacts.ids))
