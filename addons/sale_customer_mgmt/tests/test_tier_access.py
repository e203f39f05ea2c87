# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .tier_common import TODAY, TierCommon


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestTierAccess(TierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        common = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        cls.salesman = new_test_user(
            cls.env,
            login="tier_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            **common,
        )
        cls.other_salesman = new_test_user(
            cls.env,
            login="tier_salesman2",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            **common,
        )
        cls.manager = new_test_user(
            cls.env,
            login="tier_manager",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
            **common,
        )
        cls.accountant = new_test_user(
            cls.env,
            login="tier_accountant",
            groups="sale_customer_mgmt.group_customer_accountant,"
            "account.group_account_readonly",
            **common,
        )
        cls.beta.user_id = cls.salesman
        cls.alpha.user_id = cls.other_salesman
        cls.customers.action_recompute_tier()

    def test_salesperson(self):
        beta = self.beta.with_user(self.salesman)
        beta.tier_cooperation_rating = "5"
        # her own customer's score, through the figures she may see
        self.assertAlmostEqual(beta.figure_score, 40.5)
        with self.assertRaises(AccessError):
            beta.read(["customer_score"])
        beta.action_recompute_tier()
        with self.assertRaises(AccessError):
            self.alpha.with_user(self.salesman).tier_cooperation_rating = "1"
        with self.assertRaises(AccessError):
            beta.write({"customer_tier_id": self.tier_a.id})
        with self.assertRaises(AccessError):
            beta.action_unpin_tier()
        # her own customers' history, not the other salesperson's nor that of
        # the customers without salesperson
        history = self.env["res.partner.tier.history"].with_user(self.salesman)
        visible = history.search([("company_id", "=", self.company.id)]).partner_id
        self.assertEqual(visible, self.beta)

    def test_manager(self):
        alpha = self.alpha.with_user(self.manager)
        wizard = (
            self.env["res.partner.tier.pin.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "partner_ids": [Command.set(alpha.ids)],
                    "tier_id": self.tier_b.id,
                    "reason": "Payment dispute under review",
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(alpha.customer_tier_id, self.tier_b)
        self.assertEqual(alpha.tier_locked_by_id, self.manager)
        history = self.env["res.partner.tier.history"].with_user(self.manager)
        self.assertEqual(
            set(history.search([("company_id", "=", self.company.id)]).partner_id.ids),
            set((self.alpha | self.beta | self.gamma | self.epsilon).ids),
        )

    def test_accountant_reads_but_cannot_write(self):
        alpha = self.alpha.with_user(self.accountant)
        self.assertEqual(alpha.customer_tier_id, self.tier_a)
        self.assertAlmostEqual(alpha.customer_score, 80.0)
        self.assertTrue(
            self.env["res.partner.tier.history"]
            .with_user(self.accountant)
            .search([("partner_id", "=", self.alpha.id)])
        )
        with self.assertRaises(AccessError):
            alpha.write({"customer_tier_id": self.tier_d.id})
        with self.assertRaises(AccessError):
            alpha.action_recompute_tier()
        with self.assertRaises(AccessError):
            self.env["res.partner.tier.pin.wizard"].with_user(self.accountant).create(
                {
                    "partner_ids": [Command.set(alpha.ids)],
                    "tier_id": self.tier_d.id,
                    "reason": "x",
                }
            )
