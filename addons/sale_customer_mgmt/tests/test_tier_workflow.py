# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from odoo.addons.sale_customer_mgmt.models.res_partner_tier_recompute import (
    TIER_STORE_COLUMNS,
)

from .tier_common import TODAY, TierCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestTierWorkflow(TierCommon):
    def test_history_and_chatter(self):
        self.customers.action_recompute_tier()
        history = self.alpha.tier_history_ids
        self.assertEqual(len(history), 1)
        self.assertFalse(history.old_tier_id)
        self.assertEqual(history.new_tier_id, self.tier_a)
        self.assertEqual(history.cause, "recompute")
        self.assertAlmostEqual(history.score, 80.0)
        self.assertEqual(history.company_id, self.company)
        # a first tier is in the history only: no chatter note on every
        # customer after an installation
        self.assertFalse(
            self.alpha.message_ids.filtered(lambda m: "Customer tier" in m.body)
        )
        scored_on = self.alpha.tier_scored_date
        # nothing changed: no new history line, the row is not rewritten
        action = self.customers.action_recompute_tier()
        self.assertEqual(len(self.alpha.tier_history_ids), 1)
        self.assertEqual(self.alpha.tier_scored_date, scored_on)
        self.assertIn("nothing changed", action["params"]["message"])
        # a real change: history line and chatter note
        self.env["res.partner.tier.threshold"].create(
            {"company_id": self.company.id, "tier_id": self.tier_a.id, "min_score": 85}
        )
        action = self.customers.action_recompute_tier()
        self.assertIn("1 of 5 customers changed", action["params"]["message"])
        self.assertEqual(self.alpha.customer_tier_id, self.tier_b)
        self.assertEqual(
            self.alpha.tier_history_ids.mapped("new_tier_id"), self.tier_b | self.tier_a
        )
        self.assertIn("Key Customer", self.alpha.message_ids[0].body)
        self.assertIn("Regular Customer", self.alpha.message_ids[0].body)

    def test_pinned_tier_survives_recompute(self):
        self.customers.action_recompute_tier()
        wizard = Form(
            self.env["res.partner.tier.pin.wizard"].with_context(
                default_partner_ids=self.beta.ids
            )
        )
        wizard.tier_id = self.tier_b
        wizard.reason = "Strategic reference customer"
        wizard.save().action_apply()
        self.assertTrue(self.beta.tier_locked)
        self.assertEqual(self.beta.customer_tier_id, self.tier_b)
        self.assertEqual(self.beta_buyer.customer_tier_id, self.tier_b)
        self.beta.tier_cooperation_rating = "5"  # rescored: 40.5
        self.beta.action_recompute_tier()
        self.assertAlmostEqual(self.beta.customer_score, 40.5)
        self.assertEqual(self.beta.customer_tier_id, self.tier_b)
        self.assertEqual(
            self.beta.tier_history_ids.mapped("cause"), ["manual_pin", "recompute"]
        )
        self.beta.action_unpin_tier()
        self.assertFalse(self.beta.tier_locked)
        self.assertEqual(self.beta.customer_tier_id, self.tier_c)

    def _stage_only(self, partners):
        """Stage a run and keep only ``partners`` in the work list (the
        database holds other customers, demo data among them)."""
        figure = self.env["customer.tier.figure"]
        figure._stage(fields.Date.context_today(figure))
        figure.search([("partner_id", "not in", partners.ids)]).unlink()
        return figure

    def test_cron_resumes_where_it_stopped(self):
        """Batches of 2 from the work list: Alpha+Beta, then Gamma+Delta,
        then Epsilon and Zeta; the work list survives between calls (an
        interruption), and a list left from an earlier day is staged anew."""
        figure = self._stage_only(self.customers | self.zeta)
        self.assertEqual(len(figure.search([])), 6)  # archived: not staged
        partner = self.env["res.partner"]
        remaining = partner._cron_recompute_tiers(batch_size=2)
        self.assertEqual(remaining, 4)
        self.assertTrue(self.alpha.tier_scored_date)
        self.assertTrue(self.beta.tier_scored_date)
        self.assertFalse(self.gamma.tier_scored_date)
        # "interrupted" here: the next call goes on with the rows left
        self.assertEqual(partner._cron_recompute_tiers(batch_size=2), 2)
        self.assertTrue(self.gamma.tier_scored_date)
        self.assertTrue(self.delta.tier_scored_date)
        self.assertFalse(self.epsilon.tier_scored_date)
        # rows left from yesterday: the run starts again from fresh figures
        figure.search([]).run_date = date(2026, 6, 29)
        remaining = partner._cron_recompute_tiers(batch_size=100000)
        self.assertEqual(remaining, 0)
        self.assertFalse(figure.search([]))
        self.assertTrue(self.epsilon.tier_scored_date)
        self.assertTrue(self.zeta.tier_scored_date)
        self.assertFalse(self.archived.tier_scored_date)
        self.assertEqual(self.alpha.customer_tier_id, self.tier_a)
        self.assertTrue(self.company.tier_recompute_date)

    def test_cron_runs_once_a_day(self):
        """Once today's run is over, the job finds nothing to do (a second
        server's cron thread, or a late call, does not score everyone
        again); a new run is asked for explicitly, or by *Run Manually*."""
        partner = self.env["res.partner"]
        figure = self.env["customer.tier.figure"]
        self.assertFalse(figure._pending()[0])
        while partner._cron_recompute_tiers(batch_size=100000, new_run=True):
            pass
        started = self.company.tier_run_start
        self.assertTrue(started)
        self.assertGreaterEqual(self.company.tier_recompute_date, started)
        self.alpha.tier_scored_date = False
        self.assertEqual(partner._cron_recompute_tiers(), 0)
        self.assertFalse(figure._pending()[0], "no run staged again today")
        self.assertFalse(self.alpha.tier_scored_date)
        # as the scheduled action's Run Manually calls it
        progress = self.env["ir.cron.progress"].create(
            {
                "cron_id": self.env.ref(
                    "sale_customer_mgmt.ir_cron_recompute_customer_tiers"
                ).id
            }
        )
        by_hand = partner.with_context(ir_cron_progress_id=progress.id)
        self.assertEqual(by_hand._cron_recompute_tiers(batch_size=100000), 0)
        self.assertTrue(self.alpha.tier_scored_date)

    def test_cron_skips_customer_deleted_after_staging(self):
        """A customer deleted while the run is under way (its figures are
        staged) is dropped from the batch; the others are scored."""
        newcomer = self.env["res.partner"].create(
            {"name": "Short-lived", "is_company": True, "company_id": self.company.id}
        )
        figure = self._stage_only(self.alpha | self.beta | newcomer)
        self.assertEqual(len(figure.search([])), 3)
        newcomer.unlink()
        remaining = self.env["res.partner"]._cron_recompute_tiers(batch_size=10)
        self.assertEqual(remaining, 0)
        self.assertFalse(figure.search([]))
        self.assertEqual(self.alpha.customer_tier_id, self.tier_a)
        self.assertTrue(self.beta.tier_scored_date)

    def test_cron_scores_like_the_button(self):
        """The daily run (staged figures, percentile ranks from SQL) stores
        exactly what a recompute of the same customers stores, in caps mode
        (company 1) and in percentile mode."""
        for normalization in ("cap", "percentile"):
            self.company.tier_normalization = normalization
            customers = self.customers | self.zeta
            customers.action_recompute_tier()
            expected = self._stored_tier_values(customers)
            self.env.cr.execute(
                "UPDATE res_partner SET tier_scored_date = NULL, customer_score = 0"
                " WHERE id = ANY(%s)",
                [customers.ids],
            )
            self.env.invalidate_all()
            self._stage_only(customers)
            self.env["res.partner"]._cron_recompute_tiers()
            self.assertEqual(self._stored_tier_values(customers), expected)
        self.assertAlmostEqual(self.alpha.tier_score_purchase, 100.0)
        self.assertEqual(self.gamma.churn_state, "partial")

    def _stored_tier_values(self, partners):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM res_partner WHERE id = ANY(%s) ORDER BY id",
                SQL(", ").join(
                    SQL.identifier(name) for name, __ in TIER_STORE_COLUMNS[1:]
                ),
                partners.ids,
            )
        )
        return [
            tuple(round(v, 6) if isinstance(v, float) else v for v in row)
            for row in self.env.cr.fetchall()
        ]

    def test_cron_batch_query_count(self):
        """A batch of the daily run costs the same queries for 5 customers as
        for 50."""
        product = self.product_machine
        partners = self.env["res.partner"].create(
            [
                {"name": f"Bulk {i}", "is_company": True, "company_id": self.company.id}
                for i in range(60)
            ]
        )
        for i, customer in enumerate(partners):
            self._order(customer, "2026-03-01", [(product, 1 + i % 7, 1000.0)])
        self._stage_only(partners)
        partner = self.env["res.partner"]
        counts = []
        for size in (5, 50):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            partner._cron_recompute_tiers(batch_size=size)
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        self.assertEqual(len(partners.filtered("customer_tier_id")), 55)

    def test_query_count_independent_of_batch_size(self):
        product = self.product_machine
        partners = self.env["res.partner"].create(
            [
                {"name": f"Bulk {i}", "is_company": True, "company_id": self.company.id}
                for i in range(55)
            ]
        )
        for i, customer in enumerate(partners):
            self._order(customer, "2026-03-01", [(product, 1 + i % 7, 1000.0)])
        self._invoice(partners[0], "2026-03-01", "2026-04-01", 1000.0)
        small, large = partners[:5], partners[5:]
        self.alpha.action_recompute_tier()  # warm the caches (tiers, company)
        counts = []
        for batch in (small, large):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            batch.action_recompute_tier()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertTrue(all(batch.mapped("customer_tier_id")))
        self.assertEqual(counts[0], counts[1])

    def test_settings_validation(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.tier_weight_profit = -5
        with self.assertRaisesRegex(ValidationError, "must be positive"):
            self.company.write(
                {
                    "tier_weight_purchase": 0,
                    "tier_weight_profit": 0,
                    "tier_weight_payment": 0,
                    "tier_weight_potential": 0,
                    "tier_weight_cooperation": 0,
                }
            )
        with self.assertRaisesRegex(ValidationError, "strictly descend"):
            self.tier_b.min_score = 85
        with self.assertRaisesRegex(ValidationError, "strictly descend"):
            self.tier_c.min_score = 60
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["res.config.settings"].create({"tier_weight_payment": -1})
        # the Sales settings page edits the current company's weights
        settings = Form(self.env["res.config.settings"].with_company(self.company))
        settings.tier_weight_purchase = 40
        settings.churn_interval_factor = 3
        settings.save().execute()
        self.assertEqual(self.company.tier_weight_purchase, 40)
        self.assertEqual(self.company.churn_interval_factor, 3)

    def test_whatif_preview_then_apply(self):
        """Weights 100/0/0/0/0: the score is the purchase sub-score: Alpha 50
        (A -> C), Beta 20, Gamma 5, Epsilon 0 (D -> D), Delta prospect."""
        self.customers.action_recompute_tier()
        wizard = Form(
            self.env["customer.tier.whatif.wizard"].with_context(
                default_company_id=self.company.id
            )
        )
        self.assertEqual(wizard.weight_purchase, 30.0)
        wizard.weight_purchase = 100
        wizard.weight_profit = 0
        wizard.weight_payment = 0
        wizard.weight_potential = 0
        wizard.weight_cooperation = 0
        wizard = wizard.save()
        wizard.action_preview()
        matrix = {
            (r.from_tier_id.code or "-", r.to_tier_id.code or "-"): r.partner_count
            for r in wizard.result_ids
        }
        self.assertEqual(matrix, {("A", "C"): 1, ("D", "D"): 3, ("-", "-"): 1})
        self.assertEqual(wizard.moved_count, 1)
        # nothing written yet
        self.assertEqual(self.alpha.customer_tier_id, self.tier_a)
        self.assertEqual(self.company.tier_weight_purchase, 30.0)
        wizard.action_apply()
        self.assertEqual(self.company.tier_weight_purchase, 100.0)
        self.assertEqual(self.alpha.customer_tier_id, self.tier_c)
        self.assertEqual(self.alpha.tier_history_ids[0].cause, "policy_change")

    def test_whatif_thresholds(self):
        """Threshold B at 35 would be below C (40): refused. C lowered to 38
        moves Beta (38.5) from D to C."""
        self.customers.action_recompute_tier()
        wizard = self.env["customer.tier.whatif.wizard"].create(
            {"company_id": self.company.id}
        )
        line_b = wizard.threshold_ids.filtered(lambda t: t.tier_id == self.tier_b)
        line_b.min_score = 35
        with self.assertRaisesRegex(ValidationError, "strictly descend"):
            wizard.action_preview()
        line_b.min_score = 60
        wizard.threshold_ids.filtered(lambda t: t.tier_id == self.tier_c).min_score = 38
        wizard.action_preview()
        matrix = {
            (r.from_tier_id.code or "-", r.to_tier_id.code or "-"): r.partner_count
            for r in wizard.result_ids
        }
        self.assertEqual(matrix[("D", "C")], 1)
        wizard.action_apply()
        # the company's own threshold; the tier's default stays 40
        self.assertEqual(self.company._get_tier_thresholds()[self.tier_c.id], 38)
        self.assertEqual(self.tier_c.min_score, 40)
        self.assertEqual(self.beta.customer_tier_id, self.tier_c)
        self.assertIn("points missing to reach tier", self.beta.tier_next_info)
        self.assertIn("(60)", self.beta.tier_next_info)

    def test_company_thresholds(self):
        """Company 2 asks 96 points for A: Zeta (95) is B there, while company
        1 keeps the default 80 (Alpha stays A)."""
        threshold = self.env["res.partner.tier.threshold"]
        with self.assertRaisesRegex(ValidationError, "strictly descend"):
            threshold.create(
                {
                    "company_id": self.company2.id,
                    "tier_id": self.tier_b.id,
                    "min_score": 85,
                }
            )
        threshold.create(
            {"company_id": self.company2.id, "tier_id": self.tier_a.id, "min_score": 96}
        )
        (self.customers | self.zeta).action_recompute_tier()
        self.assertAlmostEqual(self.zeta.customer_score, 95.0)
        self.assertEqual(self.zeta.customer_tier_id, self.tier_b)
        self.assertIn("1.0 points missing to reach tier", self.zeta.tier_next_info)
        self.assertEqual(self.alpha.customer_tier_id, self.tier_a)
