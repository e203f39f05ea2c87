# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestKeyAccountSecurity(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_account = cls.env["res.partner"].create(
            {
                "name": "Other Account",
                "is_company": True,
                "is_key_account": True,
                "ka_user_id": cls.ka_user_other.id,
            }
        )
        Plan = cls.env["key.account.plan"]
        cls.plan_own = Plan.create(
            {
                "name": "Own plan",
                "partner_id": cls.account.id,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
            }
        )
        cls.plan_other = Plan.create(
            {
                "name": "Other plan",
                "partner_id": cls.other_account.id,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
            }
        )

    @users("ka_user")
    def test_team_member_sees_own_accounts_only(self):
        plans = self.env["key.account.plan"].search([])
        self.assertIn(self.plan_own, plans)
        self.assertNotIn(self.plan_other, plans)
        # being on the team of the other account opens it
        self.other_account.sudo().ka_team_user_ids = self.env.user
        self.assertIn(self.plan_other, self.env["key.account.plan"].search([]))

    @users("ka_user")
    def test_ratings_and_history_follow_the_account(self):
        Rating = self.env["key.account.rating"]
        factor = self.env.ref("key_account.key_account_factor_scale")
        own = Rating.create({"partner_id": self.account.id, "factor_id": factor.id})
        other = Rating.sudo().create(
            {"partner_id": self.other_account.id, "factor_id": factor.id}
        )
        self.assertEqual(Rating.search([("factor_id", "=", factor.id)]), own)
        self.assertNotIn(other.id, Rating.search([]).ids)
        history = self.env["key.account.stage.history"].search([])
        self.assertIn(self.account, history.partner_id)
        self.assertNotIn(self.other_account, history.partner_id)

    @users("ka_manager")
    def test_manager_sees_all(self):
        plans = self.env["key.account.plan"].search([])
        self.assertIn(self.plan_own, plans)
        self.assertIn(self.plan_other, plans)

    @users("ka_salesman")
    def test_salesman_hidden_and_read_only(self):
        with self.assertRaises(AccessError):
            self.env["key.account.plan"].search([])
        with self.assertRaises(AccessError):
            self.env["key.account.rating"].search([])
        account = self.env["res.partner"].browse(self.account.id)
        # the key account flag and stage are visible to everybody
        self.assertTrue(account.is_key_account)
        self.assertEqual(account.ka_stage_id, self.stage_exploratory)
        with self.assertRaises(AccessError):
            account.write({"ka_attractiveness": 9})
        with self.assertRaises(AccessError):
            account.write({"is_key_account": False})
        # other partner fields stay editable
        account.write({"phone": "+86 21 5555 0000"})

    @users("ka_user")
    def test_team_member_cannot_delete_plans(self):
        with self.assertRaises(AccessError):
            self.env["key.account.plan"].browse(self.plan_own.id).unlink()

    def test_multi_company_rule(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        plan_b = self.env["key.account.plan"].create(
            {
                "name": "B plan",
                "partner_id": self.account.id,
                "company_id": company_b.id,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
            }
        )
        plans = self.env["key.account.plan"].with_user(self.ka_manager).search([])
        self.assertNotIn(plan_b, plans)
