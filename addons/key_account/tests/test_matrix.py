# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestKeyAccountMatrix(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Factor = cls.env["key.account.factor"]
        Factor.search([]).active = False
        cls.f_scale = Factor.create(
            {"name": "Scale", "factor_type": "attractiveness", "weight": 3}
        )
        cls.f_growth = Factor.create(
            {"name": "Growth", "factor_type": "attractiveness", "weight": 1}
        )
        cls.f_quality = Factor.create(
            {"name": "Quality", "factor_type": "advantage", "weight": 1}
        )

    def test_default_factors(self):
        factors = self.env["key.account.factor"].with_context(active_test=False)
        attractiveness = factors.search(
            [("factor_type", "=", "attractiveness"), ("id", "not in", self.f_scale.ids)]
        ).filtered(lambda f: f.get_external_id()[f.id].startswith("key_account."))
        self.assertEqual(len(attractiveness), 5)
        self.assertEqual(sum(attractiveness.mapped("weight")), 100)
        advantage = self.env.ref("key_account.key_account_factor_trust")
        self.assertEqual(advantage.factor_type, "advantage")

    def _set(self, attractiveness, advantage):
        self.account.write(
            {"ka_attractiveness": attractiveness, "ka_advantage": advantage}
        )
        return self.account.ka_quadrant

    def test_quadrant_boundaries(self):
        """A score equal to the threshold (5) counts as high."""
        self.assertEqual(self._set(5.0, 5.0), "key")
        self.assertEqual(self._set(5.0, 4.99), "develop")
        self.assertEqual(self._set(4.99, 5.0), "maintain")
        self.assertEqual(self._set(4.99, 4.99), "opportunistic")
        self.assertEqual(self._set(10.0, 0.0), "develop")
        self.assertEqual(self._set(0.0, 10.0), "maintain")

    def test_threshold_configurable(self):
        self._set(6.0, 6.0)
        settings = self.env["res.config.settings"].create({})
        settings.ka_quadrant_threshold = 7.0
        settings.execute()
        self.assertEqual(self.account.ka_quadrant, "opportunistic")
        self.assertEqual(self._set(7.0, 6.99), "develop")

    def test_weighted_average_from_ratings(self):
        self._set(2.0, 2.0)
        Rating = self.env["key.account.rating"].with_user(self.ka_user)
        Rating.create(
            [
                {
                    "partner_id": self.account.id,
                    "factor_id": self.f_scale.id,
                    "rating": 8,
                },
                {
                    "partner_id": self.account.id,
                    "factor_id": self.f_growth.id,
                    "rating": 4,
                },
            ]
        )
        # (8 * 3 + 4 * 1) / 4 = 7.0; no advantage rating: manual value is kept
        self.assertEqual(self.account.ka_attractiveness, 7.0)
        self.assertEqual(self.account.ka_advantage, 2.0)
        self.assertEqual(self.account.ka_quadrant, "develop")
        Rating.create(
            {"partner_id": self.account.id, "factor_id": self.f_quality.id, "rating": 5}
        )
        self.assertEqual(self.account.ka_advantage, 5.0)
        self.assertEqual(self.account.ka_quadrant, "key")
        self.assertEqual(self.account.ka_attractiveness_bucket, 7)
        # changing a weight re-weighs the score: (8 * 1 + 4 * 1) / 2 = 6.0
        self.f_scale.weight = 1
        self.assertEqual(self.account.ka_attractiveness, 6.0)

    def test_rating_range(self):
        with self.assertRaises(ValidationError):
            self.env["key.account.rating"].create(
                {
                    "partner_id": self.account.id,
                    "factor_id": self.f_scale.id,
                    "rating": 10.5,
                }
            )

    def test_manual_quick_assessment_in_form(self):
        with Form(self.account.with_user(self.ka_user)) as form:
            form.ka_attractiveness = 8
            form.ka_advantage = 3
        self.assertEqual(self.account.ka_quadrant, "develop")

    def test_non_key_account_without_scores_has_no_quadrant(self):
        partner = self.env["res.partner"].create(
            {"name": "Walk-in", "is_company": True}
        )
        self.assertFalse(partner.ka_quadrant)

    def test_supplier_positioning(self):
        cases = [
            (8, 8, "strategic_partner"),
            (5, 4, "strategic_security"),
            (4, 5, "tactical_profit"),
            (2, 2, "tactical_convenience"),
        ]
        for importance, spend, expected in cases:
            self.account.write(
                {"ka_supplier_importance": importance, "ka_spend_share": spend}
            )
            self.assertEqual(self.account.ka_supplier_position, expected)

    def test_candidates(self):
        Partner = self.env["res.partner"]
        if "customer_tier_id" not in Partner._fields:
            self.assertFalse(Partner.search([("ka_is_candidate", "=", True)]))
            return
        tier_a = self.env["res.partner.tier"].search([("code", "=", "A")], limit=1)
        candidate = Partner.create(
            {"name": "Big Buyer", "is_company": True, "customer_tier_id": tier_a.id}
        )
        self.assertTrue(candidate.ka_is_candidate)
        self.assertIn(candidate, Partner.search([("ka_is_candidate", "=", True)]))
        candidate.with_user(self.ka_user).action_ka_make_key_account()
        self.assertTrue(candidate.is_key_account)
        self.assertEqual(candidate.ka_user_id, self.ka_user)
        self.assertEqual(candidate.ka_stage_id, self.stage_exploratory)
        self.assertFalse(candidate.ka_is_candidate)
