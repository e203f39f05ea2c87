# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The computes, searches, reports and crons of the key accounts that touch
many records issue no more queries for 30 records than for 3: each is run on
a few records, then on ten times more, with cold caches, and both counts are
compared (a query per record would make the second count grow)."""

import logging
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.sale_customer_mgmt.tests.common import (
    QueryCountMixin,
    count_queries,
)

from .common import KeyAccountCommon

_logger = logging.getLogger(__name__)

FEW, MANY = 3, 30


@tagged("post_install", "-at_install")
class TestKeyAccountQueryCount(QueryCountMixin, KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.accounts = Partner.create(
            [
                {
                    "name": f"QC Account {i}",
                    "is_company": True,
                    "is_key_account": True,
                    "ka_user_id": cls.ka_user.id,
                    "ka_stage_id": cls.stage_exploratory.id,
                    "ka_supplier_importance": i % 10,
                    "ka_spend_share": (3 * i) % 10,
                    "ka_gift_policy": "limited",
                    "ka_gift_limit": 100.0,
                }
                for i in range(MANY)
            ]
        )
        owners = cls.ka_user | cls.ka_user_other
        long_ago = fields.Date.today() - timedelta(days=400)
        cls.deciders = Partner.create(
            [
                {
                    "name": f"QC Decider {i}",
                    "parent_id": account.id,
                    "function": "Purchasing",
                    "ka_role": "decision_maker",
                    "ka_owner_id": owners[i % 2].id,
                    "ka_last_contact_date": long_ago,
                }
                for i, account in enumerate(cls.accounts)
            ]
        )
        cls.users_contacts = Partner.create(
            [
                {
                    "name": f"QC Engineer {i}",
                    "parent_id": account.id,
                    "function": "Engineering",
                    "ka_role": "user",
                    "ka_owner_id": owners[(i + 1) % 2].id,
                }
                for i, account in enumerate(cls.accounts)
            ]
        )
        # one factor of each axis and a third one: 90 ratings in all, below
        # the 100 rows the ORM writes per UPDATE query
        factors = cls.env["key.account.factor"].search([])
        factors = (
            factors.filtered(lambda f: f.factor_type == "attractiveness")[:2]
            | factors.filtered(lambda f: f.factor_type == "advantage")[:1]
        )
        cls.env["key.account.rating"].create(
            [
                {
                    "partner_id": account.id,
                    "factor_id": factor.id,
                    "rating": (i + j) % 11,
                }
                for i, account in enumerate(cls.accounts)
                for j, factor in enumerate(factors)
            ]
        )
        # half of the exit checklist of each account is confirmed
        for i, account in enumerate(cls.accounts):
            lines = account.ka_checklist_line_ids
            lines[: (i % len(lines)) + 1].write({"done": True})
        cls.env["key.account.risk"].create(
            [
                {"partner_id": account.id, "cause": "competitor", "level": "3"}
                for account in cls.accounts[::2]
            ]
        )
        cls.plans = cls.env["key.account.plan"].create(
            [
                {
                    "name": f"QC plan {i}",
                    "partner_id": account.id,
                    "user_id": cls.ka_user.id,
                    "date_from": "2026-01-01",
                    "date_to": "2026-12-31",
                    "goal_sales": 1000.0 * (i + 1),
                    "resource_budget": 100.0,
                    "action_ids": [
                        Command.create({"name": "Visit", "user_id": cls.ka_user.id}),
                        Command.create(
                            {"name": "Offer", "date_deadline": "2026-06-30"}
                        ),
                    ],
                }
                for i, account in enumerate(cls.accounts)
            ]
        )
        cls.gifts = cls.env["key.account.gift"].create(
            [
                {
                    "name": f"QC gift {i}",
                    "partner_id": decider.parent_id.id,
                    "contact_id": decider.id,
                    "user_id": cls.ka_user.id,
                    "amount": 40.0,
                    "date": "2026-03-01",
                }
                for i, decider in enumerate(cls.deciders)
                for _n in range(2)
            ]
        )
        calls = cls.env["key.account.call"].create(
            [
                {
                    "name": f"QC call {i}",
                    "partner_id": decider.parent_id.id,
                    "contact_id": decider.id,
                    "user_id": cls.ka_user.id,
                    "date": "2026-03-01 09:00:00",
                    "question_ids": [
                        Command.create({"question_type": "situation", "name": "S?"}),
                        Command.create({"question_type": "problem", "name": "P?"}),
                    ],
                }
                for i, decider in enumerate(cls.deciders)
            ]
        )
        calls.action_done()
        cls.calls = calls
        cls.env["key.account.conflict"].create(
            [
                {
                    "name": f"QC conflict {i}",
                    "partner_id": account.id,
                    "cause": "ambiguity",
                    "mode": "collaborating",
                }
                for i, account in enumerate(cls.accounts)
            ]
        )
        product = cls.env["product.product"].create(
            {"name": "QC product", "list_price": 10.0}
        )
        orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": account.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
                for account in cls.accounts
            ]
        )
        orders.action_confirm()

    def _measure(self, func):
        """Queries of one run of ``func`` (and of its flush), cold caches."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def _assert_no_growth(self, count_few, count_many, few=FEW, many=MANY):
        """The queries for ``many`` records are not more than for ``few``
        (the first measure may include one-off queries filling caches)."""
        _logger.debug(
            "%s: %s queries for %s records, %s for %s",
            self._testMethodName,
            count_few,
            few,
            count_many,
            many,
        )
        self.assertLessEqual(
            count_many,
            count_few,
            f"{count_few} queries for {few} records, {count_many} for {many}",
        )

    def _recompute(self, records, *fnames):
        """Recompute the stored fields ``fnames`` of ``records``."""
        for fname in fnames:
            self.env.add_to_compute(records._fields[fname], records)
        self.env.flush_all()

    def _as_ka_user(self, records):
        return records.with_user(self.ka_user)

    def _set_key_accounts(self, count):
        """Only the first ``count`` test accounts are key accounts."""
        self.accounts[:count].is_key_account = True
        self.accounts[count:].is_key_account = False
        self.env.flush_all()

    # ------------------------------------------------------------------ matrix
    def test_scores_from_ratings(self):
        flip = {"value": 0.0}

        def rate(accounts):
            flip["value"] = 7.0 if flip["value"] != 7.0 else 3.0
            accounts.ka_rating_ids.write({"rating": flip["value"]})

        self.assertQueriesFlat(self.accounts, rate)
        self.assertEqual(self.accounts[-1].ka_attractiveness, flip["value"])
        self.assertQueriesFlat(
            self.accounts,
            lambda accounts: self._recompute(
                accounts, "ka_attractiveness", "ka_advantage"
            ),
        )

    def test_quadrant_and_supplier_position(self):
        self.assertQueriesFlat(
            self.accounts,
            lambda accounts: self._recompute(
                accounts,
                "ka_attractiveness_bucket",
                "ka_advantage_bucket",
                "ka_quadrant",
                "ka_supplier_position",
            ),
        )
        self.assertEqual(self.accounts[1].ka_supplier_position, "tactical_convenience")

    def test_checklist_progress(self):
        self.assertQueriesFlat(
            self._as_ka_user(self.accounts),
            lambda accounts: accounts.mapped("ka_checklist_progress"),
        )
        items = self.stage_exploratory.checklist_item_ids
        self.assertAlmostEqual(
            self.accounts[0].ka_checklist_progress, 100.0 / len(items)
        )

    def test_network(self):
        self.assertQueriesFlat(
            self.accounts,
            lambda accounts: self._recompute(
                accounts,
                "ka_network_pair_count",
                "ka_network_function_count",
                "ka_single_thread",
            ),
        )
        self.assertQueriesFlat(
            self._as_ka_user(self.accounts),
            lambda accounts: accounts.mapped("ka_network_pairs"),
        )
        self.assertEqual(self.accounts[0].ka_network_pair_count, 2)

    # ------------------------------------------------------------------ retention
    def test_retention(self):
        def read(accounts):
            for fname in (
                "ka_switching_cost",
                "ka_freshness",
                "ka_open_complaint_count",
                "ka_at_risk",
                "ka_risk_reasons",
            ):
                accounts.mapped(fname)

        self.assertQueriesFlat(self._as_ka_user(self.accounts), read)
        self.assertQueriesFlat(self._as_ka_user(self.deciders), read)
        self.assertEqual(self.accounts[0].ka_switching_cost, 1)
        self.assertTrue(self.accounts[0].ka_at_risk)  # open high risk

    def test_search_at_risk(self):
        Partner = self._as_ka_user(self.env["res.partner"])

        def search():
            return Partner.search([("ka_at_risk", "=", True)])

        self._set_key_accounts(FEW)
        few = count_queries(self.env, search)
        self._set_key_accounts(MANY)
        many = count_queries(self.env, search)
        self._assert_no_growth(few, many)
        found = search()
        # the accounts with an open high risk; the others have one line and
        # a fresh call: a warning, not a risk
        self.assertEqual(found & self.accounts, self.accounts[::2])
        self.assertFalse(
            Partner.search([("ka_at_risk", "=", False)]) & self.accounts[::2]
        )

    # ------------------------------------------------------------------ DMU
    def test_contact_alert(self):
        self.assertQueriesFlat(
            self._as_ka_user(self.deciders),
            lambda contacts: contacts.mapped("ka_contact_alert"),
        )
        self.assertTrue(all(self.deciders.mapped("ka_contact_alert")))

    def test_cron_contact_alert_batch(self):
        """One batch of the cron: as many queries for 20 to-dos as for 3."""
        Partner = self.env["res.partner"]
        Activity = self.env["mail.activity"]
        # only the test's decision makers are overdue
        (Partner.search(Partner._ka_contact_alert_domain()) - self.deciders).write(
            {"ka_last_contact_date": fields.Date.today()}
        )
        Partner._cron_ka_contact_alert(batch_size=1)  # warm-up
        few = self._measure(lambda: Partner._cron_ka_contact_alert(batch_size=FEW))
        many = self._measure(lambda: Partner._cron_ka_contact_alert(batch_size=20))
        self._assert_no_growth(few, many, FEW, 20)
        todo_domain = [
            ("res_model", "=", "res.partner"),
            ("res_id", "in", self.deciders.ids),
        ]
        self.assertEqual(Activity.search_count(todo_domain), 1 + FEW + 20)
        self.assertEqual(Partner._cron_ka_contact_alert(batch_size=20), 0)
        activities = Activity.search(todo_domain)
        self.assertEqual(sorted(activities.mapped("res_id")), self.deciders.ids)
        by_contact = {activity.res_id: activity for activity in activities}
        for decider in self.deciders:
            activity = by_contact[decider.id]
            self.assertEqual(activity.user_id, decider.ka_owner_id)
            self.assertEqual(activity.summary, "Contact the decision maker")
            self.assertIn(decider.display_name, str(activity.note))

    def test_contact_profile(self):
        def read(contacts):
            contacts.mapped("ka_communication_tips")
            contacts.mapped("ka_currency_id")
            contacts.mapped("ka_is_candidate")

        self.assertQueriesFlat(self._as_ka_user(self.deciders), read)
        self.assertQueriesFlat(
            self.deciders,
            lambda contacts: self._recompute(contacts, "ka_matrix_position"),
        )

    def test_spin_calls(self):
        def read(calls):
            calls.mapped("implicit_need_count")
            calls.mapped("explicit_need_count")

        self.assertQueriesFlat(self._as_ka_user(self.calls), read)
        self.assertQueriesFlat(
            self.calls,
            lambda calls: self._recompute(calls, "situation_count", "problem_count"),
        )
        self.assertEqual(self.calls[0].situation_count, 1)
        # closing calls updates the last contact of their contacts

        def close(calls):
            calls.contact_id.ka_last_contact_date = False
            # planned again between the two measures (a done call stays done
            # for users: the system resets it)
            calls.sudo().state = "planned"
            calls.action_done()

        self.assertQueriesFlat(self._as_ka_user(self.calls), close)
        self.assertEqual(
            set(self.deciders.mapped("ka_last_contact_date")),
            {fields.Date.to_date("2026-03-01")},
        )

    # ------------------------------------------------------------------ stages
    def test_stage_advance(self):
        """Moving a batch of accounts to the next stage (list action).

        2 accounts, then 20: the 20 x 4 checklist lines they get stay below
        the 100 rows the ORM inserts per query. The accounts have no contacts:
        on every write of a company, Odoo's own res.partner.write syncs its
        commercial fields to its contacts one company at a time (two queries
        per company with contacts), which is not ours to change."""
        few_count, many_count = 2, 20
        accounts = self.env["res.partner"].create(
            [
                {
                    "name": f"QC Stage Account {i}",
                    "is_company": True,
                    "is_key_account": True,
                    "ka_stage_id": self.stage_exploratory.id,
                }
                for i in range(1 + few_count + many_count)
            ]
        )
        accounts.ka_checklist_line_ids.write({"done": True})
        accounts[:1].action_ka_advance_stage()  # warm-up
        batch_few = accounts[1 : 1 + few_count]
        batch_many = accounts[1 + few_count :]
        few = self._measure(batch_few.action_ka_advance_stage)
        many = self._measure(batch_many.action_ka_advance_stage)
        self._assert_no_growth(few, many, few_count, many_count)
        self.assertEqual(accounts.ka_stage_id, self.stage_basic)
        open_history = accounts.ka_history_ids.filtered(lambda h: not h.date_end)
        self.assertEqual(open_history.partner_id, accounts)
        self.assertEqual(set(open_history.mapped("event_type")), {"progress"})
        self.assertEqual(
            len(accounts.ka_current_checklist_ids),
            len(accounts) * len(self.stage_basic.checklist_item_ids),
        )

    def test_make_key_account(self):
        """Turning a batch of candidates into key accounts (list action);
        2, then 20 candidates, as above."""
        few_count, many_count = 2, 20
        candidates = self.env["res.partner"].create(
            [
                {"name": f"QC Candidate {i}", "is_company": True}
                for i in range(1 + few_count + many_count)
            ]
        )
        candidates[:1].action_ka_make_key_account()  # warm-up
        batch_few = candidates[1 : 1 + few_count]
        batch_many = candidates[1 + few_count :]
        few = self._measure(batch_few.action_ka_make_key_account)
        many = self._measure(batch_many.action_ka_make_key_account)
        self._assert_no_growth(few, many, few_count, many_count)
        self.assertEqual(candidates.ka_stage_id, self.stage_exploratory)
        self.assertEqual(candidates.ka_user_id, self.env.user)
        self.assertTrue(all(candidates.mapped("is_key_account")))
        self.assertEqual(
            len(candidates.ka_current_checklist_ids),
            len(candidates) * len(self.stage_exploratory.checklist_item_ids),
        )

    def test_stage_history_duration(self):
        histories = self.accounts.ka_history_ids
        self.assertEqual(len(histories), MANY)
        self.assertQueriesFlat(
            histories,
            lambda lines: self._recompute(lines, "duration_days"),
        )

    # ------------------------------------------------------------------ plans, gifts
    def test_plan_balance_and_report(self):
        self.assertQueriesFlat(
            self._as_ka_user(self.plans),
            lambda plans: (plans.mapped("balance_ok"), plans.mapped("balance_message")),
        )
        self.assertIn("market opportunity", self.plans[0].balance_message)
        Report = self.env["ir.actions.report"]
        self.assertQueriesFlat(
            self.plans,
            lambda plans: Report._render_qweb_html(
                "key_account.report_key_account_plan", plans.ids
            ),
        )

    def test_gift_breach(self):
        gifts = self._as_ka_user(self.gifts)
        self.assertQueriesFlat(gifts, lambda gifts: gifts.mapped("breach_message"))
        self.assertFalse(gifts[0].breach_message)

        def register(gifts):
            # back to draft between the two measures (a registered entry stays
            # registered for users: the system resets it)
            gifts.sudo().write({"state": "draft"})
            gifts.action_register()

        self.assertQueriesFlat(gifts, register, few=2 * FEW, many=2 * MANY)
        self.assertEqual(set(gifts.mapped("state")), {"registered"})
        # a third gift breaks the limit of 100 per person and year
        extra = self.env["key.account.gift"].create(
            {
                "name": "QC too much",
                "partner_id": self.accounts[0].id,
                "contact_id": self.deciders[0].id,
                "amount": 30.0,
                "date": "2026-05-01",
            }
        )
        self.assertIn("above the limit", extra.breach_message)

    # ------------------------------------------------------------------ reports
    def test_read_groups(self):
        """The pivot, graph and kanban of the key accounts and the reports of
        the key-account models: the number of queries does not depend on the
        number of accounts (nor of groups)."""
        Partner = self._as_ka_user(self.env["res.partner"])
        Question = self._as_ka_user(self.env["key.account.call.question"])
        Conflict = self._as_ka_user(self.env["key.account.conflict"])
        Report = self._as_ka_user(self.env["key.account.stage.report"])
        History = self._as_ka_user(self.env["key.account.stage.history"])
        ka_domain = [("is_key_account", "=", True)]

        def read_groups():
            Partner.read_group(
                ka_domain,
                ["ka_attractiveness:avg"],
                ["ka_attractiveness_bucket", "ka_advantage_bucket"],
                lazy=False,
            )
            Partner.read_group(ka_domain, [], ["ka_quadrant", "ka_stage_id"])
            Partner.web_read_group(ka_domain, ["ka_stage_id"], ["ka_stage_id"])
            Partner.web_read_group(ka_domain, ["name"], ["ka_user_id"])
            accounts = self.accounts.filtered("is_key_account").ids
            Question.read_group(
                [("partner_id", "in", accounts)], [], ["partner_id", "question_type"]
            )
            Conflict.read_group(
                [("partner_id", "in", accounts)], [], ["partner_id", "cause", "mode"]
            )
            Report.read_group(
                [("partner_id", "in", accounts)],
                ["duration_days:sum", "avg_duration_days:avg"],
                ["stage_id", "partner_id"],
                lazy=False,
            )
            History.read_group(
                [("partner_id", "in", accounts)],
                ["duration_days:sum"],
                ["partner_id"],
            )

        self._set_key_accounts(FEW)
        few = count_queries(self.env, read_groups)
        self._set_key_accounts(MANY)
        many = count_queries(self.env, read_groups)
        self._assert_no_growth(few, many)
