# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestKeyAccountRetention(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        Product = cls.env["product.product"]
        cls.products = Product.browse()
        for name in ("Equipment", "Spares", "Consumables"):
            categ = Category.create({"name": f"KA test {name}"})
            cls.products |= Product.create(
                {
                    "name": f"KA test {name} item",
                    "categ_id": categ.id,
                    "list_price": 100.0,
                }
            )
        cls.accounts = cls.env["res.partner"].create(
            [
                {
                    "name": f"Retention Account {i}",
                    "is_company": True,
                    "is_key_account": True,
                }
                for i in range(5)
            ]
        )

    @classmethod
    def _order(cls, partner, products, confirm=True):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": p.id, "product_uom_qty": 1})
                    for p in products
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def test_switching_cost_counts_categories(self):
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.account.id}
        )
        self._order(self.account, self.products[:2])
        self._order(contact, self.products[1:])  # same account through a contact
        self._order(self.account, self.products, confirm=False)  # quotation only
        self.assertEqual(self.account.ka_switching_cost, 3)
        self.assertEqual(self.account.ka_freshness, 3)

    def test_freshness_counts_the_account_contacts_only(self):
        """Quotations of the account's contacts at any depth, archived ones
        included, count for the account; those of a subsidiary company (its
        own commercial partner) do not."""
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.account.id}
        )
        assistant = self.env["res.partner"].create(
            {"name": "Assistant", "parent_id": contact.id}
        )
        subsidiary = self.env["res.partner"].create(
            {"name": "Subsidiary", "parent_id": self.account.id, "is_company": True}
        )
        for partner in (self.account, contact, assistant, subsidiary):
            self._order(partner, self.products[:1], confirm=False)
        assistant.active = False
        self.assertEqual(self.account.ka_freshness, 3)

    def test_switching_cost_query_count_constant(self):
        for account in self.accounts:
            self._order(account, self.products[:2])
        self.env.flush_all()

        def count_queries(partners):
            self.env.invalidate_all()
            partners = partners.browse(partners.ids)
            before = self.env.cr.sql_log_count
            partners.mapped("ka_switching_cost")
            return self.env.cr.sql_log_count - before

        count_queries(self.accounts)  # warm-up: caches of the registry
        few = count_queries(self.accounts[:1])
        many = count_queries(self.accounts)
        self.assertEqual(few, many)
        self.assertEqual(self.accounts.mapped("ka_switching_cost"), [2] * 5)

    def test_at_risk_combines_signals(self):
        self._order(self.account, self.products)
        self.assertFalse(self.account.ka_at_risk)
        risk = (
            self.env["key.account.risk"]
            .with_user(self.ka_user)
            .create(
                {"partner_id": self.account.id, "cause": "competitor", "level": "3"}
            )
        )
        self.account.invalidate_recordset()
        self.assertTrue(self.account.ka_at_risk)
        self.assertIn("defection risk", self.account.ka_risk_reasons)
        self.assertIn(
            self.account, self.env["res.partner"].search([("ka_at_risk", "=", True)])
        )
        risk.state = "mitigated"
        self.account.invalidate_recordset()
        self.assertFalse(self.account.ka_at_risk)
        if "churn_state" in self.env["res.partner"]._fields:
            self.account.churn_state = "partial"
            self.account.invalidate_recordset()
            self.assertTrue(self.account.ka_at_risk)

    def test_stale_single_line_account_at_risk(self):
        # no order, no call: low switching cost and no freshness
        self.assertTrue(self.accounts[0].ka_at_risk)
        self.assertIn("Low switching cost", self.accounts[0].ka_risk_reasons)

    def test_escalation_users_include_ka_manager(self):
        contact = self.env["res.partner"].create(
            {"name": "Complainer", "parent_id": self.account.id}
        )
        self.assertIn(self.ka_user, contact._get_escalation_users())
