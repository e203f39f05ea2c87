# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.tests import tagged

from .tier_common import TODAY, TierCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestTierChurn(TierCommon):
    def test_churn_states(self):
        """On 2026-06-30:
        - Alpha ordered 2025-05-01 and 2026-02-01 (interval 276 days), idle
          149 days: active;
        - Beta: one order 2026-01-15 (default interval 90), idle 166 days,
          above 90 but below 2 x 90: at risk;
        - Gamma: spend 5,000 vs 20,000 the year before (-75% > 50%): partial;
        - Epsilon: orders 2024-09-01 and 2024-12-01 (interval 91), idle 576
          days > 2 x 91: lost."""
        self.customers.action_recompute_tier()
        self.assertEqual(self.alpha.churn_state, "active")
        self.assertEqual(self.beta.churn_state, "at_risk")
        self.assertEqual(self.gamma.churn_state, "partial")
        self.assertEqual(self.epsilon.churn_state, "lost")
        self.assertEqual(self.epsilon.customer_tier_id, self.tier_d)
        self.assertAlmostEqual(self.epsilon.customer_score, 25.0)

    def test_factor_k_configurable(self):
        """Beta (idle 166 days, interval 90) is lost with k = 1.5 (135 days);
        Epsilon with k = 7 (637 days) is no full defector any more but its
        12-month spend fell by 100%: partial."""
        self.company.churn_interval_factor = 1.5
        (self.beta | self.epsilon).action_recompute_tier()
        self.assertEqual(self.beta.churn_state, "lost")
        self.company.churn_interval_factor = 7.0
        (self.beta | self.epsilon).action_recompute_tier()
        self.assertEqual(self.beta.churn_state, "at_risk")
        self.assertEqual(self.epsilon.churn_state, "partial")

    def test_stopped_category_is_partial(self):
        """Same spend both years, but the consumables (30% of last year's
        spend) stopped: partial defector."""
        customer = self.env["res.partner"].create(
            {"name": "Kappa", "is_company": True, "company_id": self.company.id}
        )
        self._order(
            customer,
            "2025-06-01",
            [(self.product_machine, 1, 7000.0), (self.product_spare, 3, 1000.0)],
        )
        self._order(customer, "2026-06-01", [(self.product_machine, 2, 5000.0)])
        customer.action_recompute_tier()
        self.assertAlmostEqual(customer.tier_growth_pct, 0.0)
        self.assertEqual(customer.churn_state, "partial")

    def test_lifetime_value(self):
        """Average annual margin x 5 years:
        Alpha (20,000 + 10,000) / 2 * 5 = 75,000; Beta (first year) 4,000 * 5
        = 20,000; Gamma (2,000 + 14,000) / 2 * 5 = 40,000; Epsilon 500 * 5."""
        self.customers.action_recompute_tier()
        self.assertAlmostEqual(self.alpha.lifetime_value, 75000.0)
        self.assertAlmostEqual(self.beta.lifetime_value, 20000.0)
        self.assertAlmostEqual(self.gamma.lifetime_value, 40000.0)
        self.assertAlmostEqual(self.epsilon.lifetime_value, 2500.0)
        self.assertEqual(self.delta.lifetime_value, 0.0)
        self.company.lifetime_years = 2.0
        self.alpha.action_recompute_tier()
        self.assertAlmostEqual(self.alpha.lifetime_value, 30000.0)
