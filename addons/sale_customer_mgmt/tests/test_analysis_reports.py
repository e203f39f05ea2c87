# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import freeze_time, tagged

from .test_analysis_common import CustomerAnalysisCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-04-02")
class TestAnalysisReports(CustomerAnalysisCommon):
    """Hand-computed figures (no taxes, costs: pump 600, filter 80).

    ======== ========== ===================== ======== ======
    customer date       lines                 sales    margin
    ======== ========== ===================== ======== ======
    Alpha    2025-10-15 5 filters at 100        500      100
    Beta     2025-11-10 1 pump at 1000         1000      400
    Alpha    2026-01-05 2 pumps at 1000 +      3000     1000
                        10 filters at 100
    Gamma    2026-02-01 1 filter at 90           90       10
    ======== ========== ===================== ======== ======

    Alpha's January order is invoiced on 10 Jan (due at once), 1000 paid.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-04-02"):
            cls._create_order(
                cls.customer_a, [(cls.product_filter, 5, 100.0)], "2025-10-15"
            )
            cls._create_order(
                cls.customer_b, [(cls.product_pump, 1, 1000.0)], "2025-11-10"
            )
            cls.order_jan = cls._create_order(
                cls.contact_a,
                [(cls.product_pump, 2, 1000.0), (cls.product_filter, 10, 100.0)],
                "2026-01-05",
            )
            cls._create_order(
                cls.customer_c, [(cls.product_filter, 1, 90.0)], "2026-02-01"
            )
            cls.invoice_jan = invoice = cls._invoice(cls.order_jan, "2026-01-10")
            cls._pay(invoice, 1000.0, "2026-01-20")
        cls.customers = cls.customer_a | cls.customer_b | cls.customer_c

    def test_composition_by_industry(self):
        report = self.env["sale.customer.composition.report"]
        groups = report._read_group(
            [("partner_id", "in", self.customers.ids)],
            ["industry_id"],
            ["customer_count:sum", "sales_12m:sum", "margin_12m:sum"],
        )
        self.assertEqual(
            {
                industry.name: (count, sales, margin)
                for industry, count, sales, margin in groups
            },
            {
                "H2 Machinery": (2, 3590.0, 1110.0),
                "H2 Food": (1, 1000.0, 400.0),
            },
        )
        # Contacts roll up to their company: Li Buyer is no row of its own.
        rows = report.search(
            [("partner_id", "in", (self.customers | self.contact_a).ids)]
        )
        self.assertEqual(rows.partner_id, self.customers)
        for row in rows:
            self.assertEqual(row.tier_id, row.partner_id.customer_tier_id)

    def test_customer_performance(self):
        report = self.env["sale.customer.performance.report"]
        [(orders, sales, margin, rate, invoiced, paid, overdue, paid_rate)] = (
            report._read_group(
                [("partner_id", "=", self.customer_a.id)],
                [],
                [
                    "order_count:sum",
                    "sales_amount:sum",
                    "margin:sum",
                    "margin_rate:avg",
                    "invoiced_amount:sum",
                    "paid_amount:sum",
                    "overdue_amount:sum",
                    "paid_rate:avg",
                ],
            )
        )
        self.assertEqual(orders, 2)
        self.assertAlmostEqual(sales, 3500.0)
        self.assertAlmostEqual(margin, 1100.0)
        # A ratio of sums (1100 / 3500), not an average of line ratios.
        self.assertAlmostEqual(rate, 31.43, places=2)
        self.assertAlmostEqual(invoiced, 3000.0)
        self.assertAlmostEqual(paid, 1000.0)
        self.assertEqual(str(self.invoice_jan.invoice_date_due), "2026-01-10")
        self.assertAlmostEqual(overdue, 2000.0)
        self.assertAlmostEqual(paid_rate, 33.33, places=2)
        trend = report._read_group(
            [("partner_id", "=", self.customer_a.id), ("source", "=", "order")],
            ["date:month"],
            ["sales_amount:sum"],
        )
        self.assertEqual(
            [(str(month), amount) for month, amount in trend],
            [("2025-10-01", 500.0), ("2026-01-01", 3000.0)],
        )

    def test_product_margin_rate(self):
        report = self.env["sale.customer.product.report"]
        groups = report._read_group(
            [("partner_id", "in", self.customers.ids)],
            ["product_id"],
            ["sales_amount:sum", "margin:sum", "margin_rate:avg"],
        )
        result = {
            product.name: (sales, margin, round(rate, 2))
            for product, sales, margin, rate in groups
        }
        self.assertEqual(
            result,
            {
                "H2 Pump": (3000.0, 1200.0, 40.0),
                # 310 / 1590; the mean of the line rates would be 17.04 %.
                "H2 Filter": (1590.0, 310.0, 19.5),
            },
        )
        by_customer = report._read_group(
            [
                ("partner_id", "in", self.customers.ids),
                ("product_id", "=", self.product_filter.id),
            ],
            ["partner_id"],
            ["product_uom_qty:sum"],
        )
        self.assertEqual(
            {partner: qty for partner, qty in by_customer},
            {self.customer_a: 15.0, self.customer_c: 1.0},
        )

    def test_churn_and_retention(self):
        report = self.env["sale.customer.churn.report"]
        domain = [
            ("partner_id", "in", self.customers.ids),
            ("company_id", "=", self.company.id),
        ]
        quarters = report._read_group(
            domain + [("period_type", "=", "quarter")],
            ["date:quarter"],
            [
                "customer_count:sum",
                "churned_count:sum",
                "churn_rate:avg",
                "retention_rate:avg",
                "lost_sales:sum",
            ],
        )
        # Q4 2025: Alpha and Beta bought; in Q1 2026 only Alpha came back.
        # Q2 2026 is not over on 2 April: no row yet.
        self.assertEqual(
            [
                (str(q), count, churned, rate, retention, lost)
                for q, count, churned, rate, retention, lost in quarters
            ],
            [("2026-01-01", 2, 1, 50.0, 50.0, 1000.0)],
        )
        # Lifetime value lost: the current lifetime value of the churned customers
        # (set as the engine would: the field is system-written)
        self.customer_a.sudo().lifetime_value = 5000.0
        self.customer_b.sudo().lifetime_value = 1234.0
        [(ltv_lost,)] = report._read_group(
            domain + [("period_type", "=", "quarter")], [], ["lifetime_value_lost:sum"]
        )
        self.assertEqual(ltv_lost, 1234.0)
        churned = report.search(
            domain + [("period_type", "=", "quarter"), ("churned_count", "=", 1)]
        )
        self.assertEqual(churned.partner_id, self.customer_b)
        months = report._read_group(
            domain + [("period_type", "=", "month"), ("date", ">=", "2026-02-01")],
            ["date:month"],
            ["customer_count:sum", "churn_rate:avg"],
        )
        # February: Alpha (January buyer) did not come back; March: Gamma neither.
        self.assertEqual(
            [(str(m), count, rate) for m, count, rate in months],
            [("2026-02-01", 1, 100.0), ("2026-03-01", 1, 100.0)],
        )

    def test_churn_reason_codes(self):
        reasons = self.env["sale.churn.reason"].search([])
        self.assertEqual(
            reasons.mapped("code")[:7],
            [
                "indifference",
                "complaint",
                "price",
                "friends",
                "competitor",
                "moved",
                "ceased",
            ],
        )
        self.assertEqual(sum(reasons[:7].mapped("reference_share")), 100.0)
        self.customer_b.churn_reason_id = reasons[2]
        self.assertEqual(reasons[2].partner_count, 1)
        row = self.env["sale.customer.churn.report"].search(
            [("partner_id", "=", self.customer_b.id), ("period_type", "=", "quarter")]
        )
        self.assertEqual(row.churn_reason_id, reasons[2])

    def test_turnover_without_stock(self):
        report = self.env["sale.product.turnover.report"]
        menu = self.env.ref("sale_customer_mgmt.sale_product_turnover_report_menu")
        blacklist = self.env["ir.ui.menu"]._load_menus_blacklist()
        if "stock.move" in self.env:
            self.assertNotIn(menu.id, blacklist)
            return
        # Without stock the measures are absent: no rows, no error, no menu.
        self.assertFalse(report.search([]))
        self.assertEqual(
            report._read_group([], ["product_id"], ["contribution_ratio:avg"]), []
        )
        self.assertIn(menu.id, blacklist)

    def test_report_query_count_does_not_grow(self):
        models = [
            "sale.customer.performance.report",
            "sale.customer.product.report",
            "sale.customer.churn.report",
            "sale.customer.composition.report",
        ]

        def count_queries():
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            for model in models:
                self.env[model]._read_group([], ["partner_id"], ["__count"])
            return self.cr.sql_log_count - start

        count_queries()  # warm the caches
        few = count_queries()
        for index in range(5):
            self._create_order(
                self.customer_b, [(self.product_filter, index + 1, 100.0)], "2026-03-01"
            )
        count_queries()
        self.assertEqual(count_queries(), few)
