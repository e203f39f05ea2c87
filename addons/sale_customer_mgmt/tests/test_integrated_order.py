# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .test_analysis_common import CustomerAnalysisCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-02-19")
class TestIntegratedOrder(CustomerAnalysisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-02-19"):
            cls._setup_orders()

    @classmethod
    def _setup_orders(cls):
        # Order A: 2 pumps at 900 = 1800, cost 2 x 600 = 1200, margin 600.
        # Invoiced on 10 Jan, 30 days => due 9 Feb; 800 paid. On 19 Feb:
        # 1000 outstanding and overdue since 10 days.
        cls.order_a = cls._create_order(
            cls.contact_a,
            [(cls.product_pump, 2, 900.0)],
            date_order="2026-01-05",
            payment_term=cls.term_30,
        )
        cls.invoice_a = cls._invoice(cls.order_a, "2026-01-10")
        cls._pay(cls.invoice_a, 800.0, "2026-01-20")
        cls.env["sale.collection.plan"].create(
            {
                "order_id": cls.order_a.id,
                "line_ids": [
                    Command.create({"percentage": 50, "date_due": "2026-01-31"}),
                    Command.create({"percentage": 50, "date_due": "2026-02-15"}),
                ],
            }
        )
        # Order B: 10 filters at 100 = 1000 (cost 800, margin 200); invoiced,
        # 200 credited, the 800 left paid: nothing outstanding.
        cls.order_b = cls._create_order(
            cls.customer_b, [(cls.product_filter, 10, 100.0)], date_order="2026-01-06"
        )
        cls.invoice_b = cls._invoice(cls.order_b, "2026-01-10")
        cls.refund_b = cls._credit_note(cls.invoice_b, 200.0, "2026-01-12")
        cls._pay(cls.invoice_b, 800.0, "2026-01-20")
        # Order C: 1 pump at 1000 in the foreign currency (2 per company unit):
        # 500 in company currency, half paid (500 foreign = 250).
        cls.order_c = cls._create_order(
            cls.customer_c,
            [(cls.product_pump, 1, 1000.0)],
            date_order="2026-01-07",
            currency=cls.other_currency,
            payment_term=cls.term_30,
        )
        cls.invoice_c = cls._invoice(cls.order_c, "2026-02-01")
        cls._pay(cls.invoice_c, 500.0, "2026-02-10")
        # Order D: confirmed, not invoiced.
        cls.order_d = cls._create_order(
            cls.customer_c, [(cls.product_filter, 1, 100.0)], date_order="2026-02-01"
        )
        cls.report = cls.env["sale.order.integrated.report"]

    def _row(self, order):
        return self.report.search([("order_id", "=", order.id)])

    def test_partially_paid_overdue_order(self):
        row = self._row(self.order_a)
        self.assertRecordValues(
            row,
            [
                {
                    "partner_id": self.customer_a.id,
                    "amount_total": 1800.0,
                    "invoiced_amount": 1800.0,
                    "paid_amount": 800.0,
                    "outstanding_amount": 1000.0,
                    "overdue_amount": 1000.0,
                    "days_overdue": 10,
                    "margin": 600.0,
                    "payment_state": "partial",
                    "invoice_status": "invoiced",
                    # 800 paid covers the first instalment (900) only in part:
                    # 100 + 900 overdue.
                    "collection_overdue_amount": 1000.0,
                    "collection_overdue_count": 2,
                }
            ],
        )

    def test_credit_note(self):
        self.assertRecordValues(
            self._row(self.order_b),
            [
                {
                    "invoiced_amount": 800.0,
                    "paid_amount": 800.0,
                    "outstanding_amount": 0.0,
                    "overdue_amount": 0.0,
                    "days_overdue": 0,
                    "margin": 200.0,
                    "payment_state": "paid",
                }
            ],
        )

    def test_multi_currency(self):
        self.assertRecordValues(
            self._row(self.order_c),
            [
                {
                    "currency_id": self.company.currency_id.id,
                    "order_currency_id": self.other_currency.id,
                    "amount_total": 500.0,
                    "invoiced_amount": 500.0,
                    "paid_amount": 250.0,
                    "outstanding_amount": 250.0,
                    "overdue_amount": 0.0,
                    "margin": -100.0,
                    "payment_state": "partial",
                }
            ],
        )

    def test_not_invoiced_and_totals(self):
        self.assertRecordValues(
            self._row(self.order_d),
            [{"invoiced_amount": 0.0, "payment_state": "not_invoiced"}],
        )
        orders = self.order_a | self.order_b | self.order_c | self.order_d
        [(count, total, paid, outstanding, days, margin_rate)] = (
            self.report._read_group(
                [("order_id", "in", orders.ids)],
                [],
                [
                    "order_count:sum",
                    "amount_total:sum",
                    "paid_amount:sum",
                    "outstanding_amount:sum",
                    "days_overdue:max",
                    "margin_rate:avg",
                ],
            )
        )
        self.assertEqual(count, 4)
        self.assertAlmostEqual(total, 1800 + 1000 + 500 + 100)
        self.assertAlmostEqual(paid, 800 + 800 + 250)
        self.assertAlmostEqual(outstanding, 1000 + 250)
        self.assertEqual(days, 10)
        # Margin over untaxed sales: (600 + 200 - 100 + 20) / 3400 = 21.18 %.
        self.assertAlmostEqual(margin_rate, 720 / 3400 * 100, places=2)

    def test_accountant_reads_without_sales_rights(self):
        accountant = new_test_user(
            self.env,
            login="h2_accountant",
            groups="base.group_user,sale_customer_mgmt.group_customer_accountant",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        report = self.report.with_user(accountant)
        rows = report.search([("order_id", "in", (self.order_a | self.order_b).ids)])
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows.mapped("name"), [self.order_b.name, self.order_a.name])
        groups = report.read_group(
            [("order_id", "=", self.order_a.id)],
            ["outstanding_amount:sum"],
            ["partner_id"],
        )
        self.assertEqual(groups[0]["outstanding_amount"], 1000.0)
        with self.assertRaises(AccessError):
            self.order_a.with_user(accountant).read(["name"])
        with self.assertRaises(AccessError):
            self.order_a.with_user(accountant).write({"note": "x"})
        with self.assertRaises(AccessError):
            rows[0].write({"name": "changed"})
        # The views open for the accountant, many2one names included.
        views = report.get_views(
            [(False, "list"), (False, "pivot"), (False, "graph"), (False, "form")]
        )
        self.assertIn("outstanding_amount", views["views"]["list"]["arch"])
        result = report.web_search_read(
            [("order_id", "=", self.order_a.id)],
            {
                "name": {},
                "order_id": {"fields": {"display_name": {}}},
                "partner_id": {"fields": {"display_name": {}}},
                "days_overdue": {},
            },
        )
        self.assertEqual(
            result["records"][0]["order_id"]["display_name"], self.order_a.name
        )
        # The menu entry is visible to the accountant.
        menu = self.env.ref("sale_customer_mgmt.sale_order_integrated_report_menu")
        visible = self.env["ir.ui.menu"].with_user(accountant)._visible_menu_ids()
        self.assertIn(menu.id, visible)

    def test_salesperson_sees_own_orders(self):
        other = new_test_user(
            self.env,
            login="h2_other_salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.order_b.user_id = other
        orders = self.order_a | self.order_b
        mine = self.report.with_user(self.salesman).search(
            [("order_id", "in", orders.ids)]
        )
        self.assertEqual(mine.order_id, self.order_a)
        theirs = self.report.with_user(other).search([("order_id", "in", orders.ids)])
        self.assertEqual(theirs.order_id, self.order_b)

    def test_other_company_hidden(self):
        other_company = self.setup_other_company()["company"]
        self.env.user.company_ids |= other_company
        order = (
            self.env["sale.order"]
            .with_company(other_company)
            .create(
                {
                    "partner_id": self.customer_b.id,
                    "company_id": other_company.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product_filter.id, "price_unit": 100}
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        report = self.report.with_context(allowed_company_ids=self.company.ids)
        self.assertFalse(report.search([("order_id", "=", order.id)]))
        report = self.report.with_context(
            allowed_company_ids=(self.company | other_company).ids
        )
        self.assertTrue(report.search([("order_id", "=", order.id)]))

    def test_query_count_does_not_grow(self):
        def count_queries():
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            self.report._read_group(
                [],
                ["partner_id", "payment_state"],
                ["amount_total:sum", "outstanding_amount:sum", "margin_rate:avg"],
            )
            self.report.search_read([], ["name", "partner_id", "outstanding_amount"])
            return self.cr.sql_log_count - start

        count_queries()  # warm the caches
        few = count_queries()
        for index in range(6):
            order = self._create_order(
                self.customer_b, [(self.product_filter, index + 1, 100.0)]
            )
            self._invoice(order, "2026-01-15")
        count_queries()
        self.assertEqual(count_queries(), few)
