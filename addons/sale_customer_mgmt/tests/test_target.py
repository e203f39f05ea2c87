# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-01-15 12:00:00")
class TestTarget(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_2 = cls.setup_other_company()["company"]
        cls.eur = cls.setup_other_currency("EUR")  # 1 company currency = 2 EUR
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {
                "name": "EUR list",
                "currency_id": cls.eur.id,
                "company_id": cls.company.id,
            }
        )
        companies = [Command.set((cls.company | cls.company_2).ids)]
        cls.salesman = new_test_user(
            cls.env,
            login="target_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=companies,
        )
        cls.salesman_2 = new_test_user(
            cls.env,
            login="target_salesman_2",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=companies,
        )
        cls.manager = new_test_user(
            cls.env,
            login="target_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=companies,
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "East", "company_id": cls.company.id}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Target Customer", "user_id": cls.salesman.id}
        )
        cls.Target = cls.env["sale.target"]

    def _order(
        self, amount, user, company=None, pricelist=None, team=None, confirm=True
    ):
        company = company or self.company
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": user.id,
                    "team_id": team.id if team else False,
                    "pricelist_id": pricelist.id if pricelist else False,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product_a.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": False,
                            }
                        )
                    ],
                }
            )
        )
        if confirm:
            order.action_confirm()
        return order

    def _target(self, **vals):
        return self.Target.create(
            {
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 1, 31),
                "amount": 1000.0,
                "company_id": self.company.id,
                **vals,
            }
        )

    def test_achievement_across_currencies_and_companies(self):
        self._order(300.0, self.salesman)
        self._order(100.0, self.salesman, pricelist=self.eur_pricelist)  # = 50
        self._order(999.0, self.salesman, confirm=False)  # quotation: ignored
        self._order(400.0, self.salesman, company=self.company_2)  # other company
        with freeze_time("2026-02-03 12:00:00"):
            self._order(700.0, self.salesman)  # next period
        target = self._target(user_id=self.salesman.id)
        self.assertAlmostEqual(target.achieved_amount, 350.0)
        self.assertAlmostEqual(target.achievement_rate, 35.0)
        self.assertAlmostEqual(target.variance, -650.0)
        target_2 = self._target(user_id=self.salesman.id, company_id=self.company_2.id)
        self.assertAlmostEqual(target_2.achieved_amount, 400.0)

    def test_invoiced_second_measure(self):
        order = self._order(100.0, self.salesman, pricelist=self.eur_pricelist)
        self._order(200.0, self.salesman)
        invoice = order._create_invoices()
        invoice.action_post()
        target = self._target(user_id=self.salesman.id, amount=500.0)
        self.assertAlmostEqual(target.achieved_amount, 250.0)
        self.assertAlmostEqual(target.invoiced_amount, 50.0)
        self.assertAlmostEqual(target.invoiced_rate, 10.0)

    def test_team_target(self):
        self._order(300.0, self.salesman, team=self.team)
        self._order(200.0, self.salesman_2, team=self.team)
        self._order(900.0, self.salesman_2)
        target = self._target(team_id=self.team.id, amount=2000.0)
        self.assertAlmostEqual(target.achieved_amount, 500.0)
        self.assertAlmostEqual(target.achievement_rate, 25.0)
        self.assertEqual(target.rank, 0, "teams are not ranked with salespeople")

    def test_collection_target_on_payments_received(self):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 300.0,
                "date": date(2026, 1, 20),
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 999.0,
                "date": date(2026, 1, 21),
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )  # draft: not received
        target = self._target(user_id=self.salesman.id, target_type="collection")
        self.assertAlmostEqual(target.achieved_amount, 300.0)
        self.assertAlmostEqual(target.achievement_rate, 30.0)

    def test_ranking(self):
        self._order(500.0, self.salesman)
        self._order(900.0, self.salesman_2)
        target_1 = self._target(user_id=self.salesman.id)
        target_2 = self._target(user_id=self.salesman_2.id)
        self.assertEqual((target_1.rank, target_2.rank), (2, 1))

    def test_overlapping_targets_rejected(self):
        self._target(user_id=self.salesman.id)
        with (
            self.assertRaisesRegex(ValidationError, "overlapping"),
            self.env.cr.savepoint(),
        ):
            self._target(
                user_id=self.salesman.id,
                date_from=date(2026, 1, 31),
                date_to=date(2026, 3, 31),
            )
        # the next month, a collection target or another salesperson are fine
        self._target(
            user_id=self.salesman.id,
            date_from=date(2026, 2, 1),
            date_to=date(2026, 2, 28),
        )
        self._target(user_id=self.salesman.id, target_type="collection")
        self._target(user_id=self.salesman_2.id)
        self._target(team_id=self.team.id)
        with (
            self.assertRaisesRegex(ValidationError, "overlapping"),
            self.env.cr.savepoint(),
        ):
            self._target(team_id=self.team.id, date_from=date(2026, 1, 10))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self._target(user_id=self.manager.id, team_id=self.team.id)

    def test_record_rules(self):
        own = self._target(user_id=self.salesman.id)
        other = self._target(user_id=self.salesman_2.id)
        team = self._target(team_id=self.team.id)
        self.team.member_ids = [Command.link(self.salesman.id)]
        domain = [("id", "in", (own | other | team).ids)]
        self.assertEqual(
            self.Target.with_user(self.salesman).search(domain), own | team
        )
        self.assertEqual(
            self.Target.with_user(self.manager).search(domain), own | other | team
        )
        with self.assertRaises(AccessError):
            own.with_user(self.salesman).amount = 1.0
