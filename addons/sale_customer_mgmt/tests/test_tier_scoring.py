# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.sale_customer_mgmt.models.res_partner import ResPartner

from .tier_common import TODAY, TierCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestTierScoring(TierCommon):
    def test_good_payer_reaches_a(self):
        """Alpha: 0.3*50 + 0.25*100 + 0.2*100 + 0.15*100 + 0.1*50 = 80 -> A."""
        self.customers.action_recompute_tier()
        alpha = self.alpha
        self.assertAlmostEqual(alpha.tier_sales_12m, 50000.0)
        self.assertAlmostEqual(alpha.tier_sales_prev_12m, 25000.0)
        self.assertAlmostEqual(alpha.tier_margin_12m, 20000.0)
        self.assertAlmostEqual(alpha.tier_growth_pct, 100.0)
        self.assertAlmostEqual(alpha.tier_score_purchase, 50.0)
        self.assertAlmostEqual(alpha.tier_score_profit, 100.0)
        self.assertAlmostEqual(alpha.tier_score_payment, 100.0)
        self.assertAlmostEqual(alpha.tier_score_potential, 100.0)
        self.assertAlmostEqual(alpha.tier_score_cooperation, 50.0)
        self.assertAlmostEqual(alpha.customer_score, 80.0)
        self.assertEqual(alpha.customer_tier_id, self.tier_a)
        self.assertEqual(alpha.purchase_power, "medium")
        self.assertEqual(alpha.card_type, "fixed")
        self.assertFalse(alpha.is_prospect)
        self.assertIn("Top tier reached", alpha.tier_next_info)
        self.assertIn("o_tier_breakdown", alpha.tier_breakdown_html)

    def test_late_payer_rolls_up_contacts(self):
        """Beta (order and invoices on its contact): payment
        40*0.5 + 30*(1-0.5) + 30*(1-60/90) = 45; potential (100+40)/2 = 70;
        cooperation 80; score 6 + 5 + 9 + 10.5 + 8 = 38.5 -> D."""
        self.customers.action_recompute_tier()
        beta = self.beta
        self.assertAlmostEqual(beta.tier_sales_12m, 20000.0)
        self.assertAlmostEqual(beta.tier_paid_share, 50.0)
        self.assertAlmostEqual(beta.tier_overdue_amount, 10000.0)
        self.assertAlmostEqual(beta.tier_avg_days_late, 60.0)
        self.assertAlmostEqual(beta.tier_score_payment, 45.0)
        self.assertAlmostEqual(beta.tier_score_potential, 70.0)
        self.assertAlmostEqual(beta.tier_score_cooperation, 80.0)
        self.assertAlmostEqual(beta.customer_score, 38.5)
        self.assertEqual(beta.customer_tier_id, self.tier_d)
        self.assertIn("1.5 points missing to reach tier", beta.tier_next_info)
        # the contact carries its company's tier
        self.assertEqual(self.beta_buyer.customer_tier_id, self.tier_d)
        self.assertAlmostEqual(self.beta_buyer.customer_score, 38.5)

    def test_multi_currency_and_credit_note(self):
        """Gamma: 10,000 EUR / 2 = 5,000 USD; margin 4,000 EUR = 2,000 USD;
        credit note reconciled, rest paid 10 days late: payment
        40 + 30 + 30*(1-10/90) = 96.67; growth -75% -> 12.5;
        score 1.5 + 2.5 + 19.33 + 1.875 + 5 = 30.21 -> D."""
        self.customers.action_recompute_tier()
        gamma = self.gamma
        self.assertAlmostEqual(gamma.tier_sales_12m, 5000.0)
        self.assertAlmostEqual(gamma.tier_margin_12m, 2000.0)
        self.assertAlmostEqual(gamma.tier_paid_share, 100.0)
        self.assertAlmostEqual(gamma.tier_avg_days_late, 10.0)
        self.assertAlmostEqual(gamma.tier_score_payment, 96.67, places=2)
        self.assertAlmostEqual(gamma.tier_growth_pct, -75.0)
        self.assertAlmostEqual(gamma.tier_score_potential, 12.5)
        self.assertAlmostEqual(gamma.customer_score, 30.21)
        self.assertEqual(gamma.customer_tier_id, self.tier_d)
        self.assertEqual(gamma.purchase_power, "low")

    def test_prospect_has_no_tier(self):
        self.customers.action_recompute_tier()
        self.assertTrue(self.delta.is_prospect)
        self.assertFalse(self.delta.customer_tier_id)
        self.assertEqual(self.delta.customer_score, 0.0)
        self.assertEqual(self.delta.card_type, "development")
        self.assertFalse(self.delta.churn_state)
        self.assertFalse(self.delta.tier_history_ids)

    def test_percentile_normalisation(self):
        """Sales 50,000 / 20,000 / 5,000 rank 100 / 66.67 / 33.33; Beta
        0.3*66.67 + 0.25*66.67 + 9 + 10.5 + 8 = 64.17 -> B."""
        self.company.tier_normalization = "percentile"
        self.customers.action_recompute_tier()
        self.assertAlmostEqual(self.alpha.tier_score_purchase, 100.0)
        self.assertAlmostEqual(self.beta.tier_score_purchase, 66.67, places=2)
        self.assertAlmostEqual(self.gamma.tier_score_purchase, 33.33, places=2)
        self.assertAlmostEqual(self.epsilon.tier_score_purchase, 0.0)
        self.assertAlmostEqual(self.alpha.customer_score, 95.0)
        self.assertAlmostEqual(self.beta.customer_score, 64.17)
        self.assertEqual(self.beta.customer_tier_id, self.tier_b)

    def test_companies_kept_apart_single_customer(self):
        """Zeta is the only customer of company 2: it ranks first there
        (100 on amounts), whatever company 1 sells: 30+25+20+15+5 = 95."""
        (self.customers | self.zeta).action_recompute_tier()
        self.assertAlmostEqual(self.zeta.tier_sales_12m, 1000.0)
        self.assertAlmostEqual(self.zeta.tier_score_purchase, 100.0)
        self.assertAlmostEqual(self.zeta.customer_score, 95.0)
        self.assertEqual(self.zeta.customer_tier_id, self.tier_a)
        self.assertEqual(self.zeta.tier_history_ids.company_id, self.company2)
        # company 1 figures do not include company 2's order
        self.assertAlmostEqual(self.alpha.customer_score, 80.0)

    def test_archived_customer(self):
        """Archived customers are left out of the daily run but can still be
        scored on purpose."""
        domain = self.env["res.partner"]._tier_customer_domain()
        self.assertNotIn(self.archived, self.env["res.partner"].search(domain))
        self.assertIn(self.alpha, self.env["res.partner"].search(domain))
        self.archived.action_recompute_tier()
        self.assertAlmostEqual(self.archived.tier_sales_12m, 5000.0)

    def test_hooks_feed_the_score(self):
        """Service signals (score 20 on 3 observations) blend with Beta's
        manual 80 weighted 3: (80*3 + 20*3) / 6 = 50 -> score 38.5 - 3 = 35.5.
        An overdue instalment of 25,000 on Alpha: overdue share 0.5 ->
        payment 85 -> score 80 - 3 = 77 -> B."""
        beta_id, alpha_id = self.beta.id, self.alpha.id

        def signals(partners):
            return {beta_id: {"score": 20.0, "count": 3, "detail": "3 complaints"}}

        def overdue(partners):
            return {alpha_id: 25000.0}

        with (
            patch.object(ResPartner, "_get_cooperation_signals", signals),
            patch.object(ResPartner, "_get_overdue_collection_amounts", overdue),
        ):
            self.customers.action_recompute_tier()
        self.assertAlmostEqual(self.beta.tier_score_cooperation, 50.0)
        self.assertAlmostEqual(self.beta.customer_score, 35.5)
        self.assertAlmostEqual(self.alpha.tier_score_payment, 85.0)
        self.assertAlmostEqual(self.alpha.customer_score, 77.0)
        self.assertEqual(self.alpha.customer_tier_id, self.tier_b)

    def test_rating_change_rescores(self):
        self.customers.action_recompute_tier()
        self.beta.tier_cooperation_rating = "5"
        # cooperation 100 instead of 80: +2 points
        self.assertAlmostEqual(self.beta.customer_score, 40.5)
        self.assertEqual(self.beta.customer_tier_id, self.tier_c)
