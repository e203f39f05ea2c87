# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Ratings held against repurchase (评分与复购).

Fixture, all in 2025 (period Q2 = 1 April - 30 June, 91 days; the following
period of an evaluation of Q2 is 1 July - 29 September, 91 days too):

======== =========== ====================================== ==================
customer salesperson tickets (technician, rating, rated on) confirmed orders
======== =========== ====================================== ==================
Alpha    Wang        High 5 04-10, High 4 05-10;            02-10, 07-15
                     complaint received 05-02
Beta     Wang        High 5 04-15, High 1 06-10 (reopens)   02-10, 06-20
Gamma    Lin         High 5 05-20; complaint 03-20 (Q1)     02-10, 09-30
Delta    Lin         High 5 06-05, High 5 06-25             02-10
Eta      Lin         High 5 03-25 (before the period)       -
Epsilon  Lin         Ok 3 04-20                             08-20
Zeta     Lin         Ok 5 04-22                             -
======== =========== ====================================== ==================

Churn report, Q2 rows (customers who bought in Q1): Alpha 2 ratings, 9
points, 4.5, 1 complaint; Beta 2 ratings (the low one that reopened the
ticket included), 6 points, 3.0; Gamma 1 rating, 5.0, no complaint (its
complaint is of Q1); Delta 2 ratings, 5.0. All four: 30 / 7 = 4.2857; Wang's
two: 15 / 4 = 3.75.

Evaluation of Q2: High resolved 6 rated tickets in Q2 (Beta's reopened one is
not resolved any more): smoothed (5 * 3 + 29) / (5 + 6) = 4.0. Rated
customers Alpha, Beta, Gamma, Delta (Eta rated in March); bought again from 1
July to 29 September: Alpha only (Beta bought in the period itself, Gamma on
30 September) -> 1 / 4 = 25 % < 50 % with 4.0 >= 4.0: flagged. Ok: smoothed
(15 + 8) / 7 = 3.29; Epsilon bought again, Zeta not: 50 %, not below 50 %.
"""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from odoo.addons.sale_customer_mgmt.tests.common import SALES_ROLES, make_users

from .common import AGENT, AfterSalesCommon


@tagged("post_install", "-at_install")
class TestRepurchase(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["sale.customer.churn.report"]
        cls.Evaluation = cls.env["after.sales.evaluation"]
        cls.date_from = date(2025, 4, 1)
        cls.date_to = date(2025, 6, 30)
        users = make_users(
            cls.env,
            "hc",
            {
                "wang": SALES_ROLES["salesman"],
                "lin": SALES_ROLES["salesman"],
                "sales_manager": SALES_ROLES["manager"],
                "tech_high": AGENT,
                "tech_ok": AGENT,
            },
        )
        cls.wang, cls.lin = users["wang"], users["lin"]
        cls.sales_manager = users["sales_manager"]
        cls.tech_high, cls.tech_ok = users["tech_high"], users["tech_ok"]
        cls.team.user_ids = [
            Command.link(cls.tech_high.id),
            Command.link(cls.tech_ok.id),
        ]
        cls.product = cls.env["product.product"].create(
            {"name": "Pump", "list_price": 100.0, "type": "consu"}
        )
        Partner = cls.env["res.partner"]
        cls.customers = {}
        for name, salesperson in [
            ("Alpha", cls.wang),
            ("Beta", cls.wang),
            ("Gamma", cls.lin),
            ("Delta", cls.lin),
            ("Epsilon", cls.lin),
            ("Zeta", cls.lin),
            ("Eta", cls.lin),
        ]:
            company = Partner.create(
                {"name": f"HC {name}", "is_company": True, "user_id": salesperson.id}
            )
            Partner.create({"name": f"Buyer of {name}", "parent_id": company.id})
            cls.customers[name] = company
        for name in ("Alpha", "Beta", "Gamma", "Delta"):
            cls._order(name, "2025-02-10")
        cls._order("Alpha", "2025-07-15")
        cls._order("Beta", "2025-06-20")
        cls._order("Gamma", "2025-09-30")
        cls._order("Epsilon", "2025-08-20")
        # an order left in quotation does not count
        cls._order("Zeta", "2025-07-10", confirm=False)
        for name, user, rating, day in [
            ("Alpha", cls.tech_high, 5, "2025-04-10"),
            ("Alpha", cls.tech_high, 4, "2025-05-10"),
            ("Beta", cls.tech_high, 5, "2025-04-15"),
            ("Beta", cls.tech_high, 1, "2025-06-10"),
            ("Gamma", cls.tech_high, 5, "2025-05-20"),
            ("Delta", cls.tech_high, 5, "2025-06-05"),
            ("Delta", cls.tech_high, 5, "2025-06-25"),
            ("Eta", cls.tech_high, 5, "2025-03-25"),
            ("Epsilon", cls.tech_ok, 3, "2025-04-20"),
            ("Zeta", cls.tech_ok, 5, "2025-04-22"),
        ]:
            cls._rated_ticket(name, user, rating, day)
        for name, day in [("Alpha", "2025-05-02"), ("Gamma", "2025-03-20")]:
            with freeze_time(f"{day} 09:00:00"):
                cls._ticket(
                    name="Leaking again",
                    partner_id=cls.customers[name].child_ids.id,
                    is_complaint=True,
                )

    @classmethod
    def _order(cls, name, day, confirm=True):
        with freeze_time(f"{day} 10:00:00"):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.customers[name].child_ids.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.product.id, "product_uom_qty": 1.0}
                        )
                    ],
                }
            )
            if confirm:
                order.action_confirm()
        return order

    @classmethod
    def _rated_ticket(cls, name, user, rating, day):
        with freeze_time(f"{day} 10:00:00"):
            ticket = cls._ticket(
                partner_id=cls.customers[name].child_ids.id, user_id=user.id
            )
            ticket.action_after_sales_start()
            ticket.action_after_sales_resolve()
            # the customer channel (what the feedback link calls)
            ticket._after_sales_apply_feedback(rating, "", "link")
        return ticket

    # ---------------------------------------------------------------
    # Churn report: satisfaction next to retention
    # ---------------------------------------------------------------

    def _q2_domain(self, names):
        return [
            ("partner_id", "in", [self.customers[n].id for n in names]),
            ("period_type", "=", "quarter"),
            ("date", "=", "2025-04-01"),
        ]

    def test_report_rating_and_complaints_per_customer(self):
        names = ["Alpha", "Beta", "Gamma", "Delta"]
        report = self.Report.with_user(self.sales_manager)
        rows = report.search(self._q2_domain(names))
        self.assertEqual(
            {
                row.partner_id.name: (
                    row.rating_count,
                    row.rating_total,
                    row.rating_avg,
                    row.complaint_count,
                    row.retained_count,
                )
                for row in rows
            },
            {
                "HC Alpha": (2, 9, 4.5, 1, 0),
                "HC Beta": (2, 6, 3.0, 0, 1),
                "HC Gamma": (1, 5, 5.0, 0, 0),
                "HC Delta": (2, 10, 5.0, 0, 0),
            },
        )
        # the pivot's total: rating points over ratings, not a mean of means
        [(count, average, complaints, retention)] = report._read_group(
            self._q2_domain(names),
            [],
            [
                "rating_count:sum",
                "rating_avg:avg",
                "complaint_count:sum",
                "retention_rate:avg",
            ],
        )
        self.assertEqual((count, complaints, retention), (7, 1, 25.0))
        self.assertAlmostEqual(average, 30 / 7)
        # side by side per period: Q3 rows (bought in Q2: Beta) have no rating
        [(count, average)] = report._read_group(
            [
                ("partner_id", "=", self.customers["Beta"].id),
                ("period_type", "=", "quarter"),
                ("date", "=", "2025-07-01"),
            ],
            [],
            ["rating_count:sum", "rating_avg:avg"],
        )
        self.assertEqual(count, 0)
        self.assertFalse(average)
        # the search view's filter
        rated = report.search(self._q2_domain(names) + [("complaint_count", ">", 0)])
        self.assertEqual(rated.partner_id, self.customers["Alpha"])

    def test_report_privacy(self):
        names = ["Alpha", "Beta", "Gamma", "Delta"]
        # Wang sees the ratings of his own customers only, in rows and totals
        report = self.Report.with_user(self.wang)
        rows = report.search(self._q2_domain(names))
        self.assertEqual(
            rows.partner_id, self.customers["Alpha"] | self.customers["Beta"]
        )
        [(count, average)] = report._read_group(
            self._q2_domain(names), [], ["rating_count:sum", "rating_avg:avg"]
        )
        self.assertEqual(count, 4)
        self.assertAlmostEqual(average, 15 / 4)
        gamma_row = self.Report.search(self._q2_domain(["Gamma"]))
        self.assertEqual(len(gamma_row), 1)
        with self.assertRaises(AccessError):
            gamma_row.with_user(self.wang).read(["rating_avg"])
        # a service agent has no access to the sales analyses at all
        with self.assertRaises(AccessError):
            self.Report.with_user(self.tech_high).search_read(
                self._q2_domain(names), ["rating_avg"]
            )

    # ---------------------------------------------------------------
    # Staff evaluation: repurchase share and flag
    # ---------------------------------------------------------------

    def _evaluations(self):
        evaluations = self.Evaluation.with_user(self.manager)._generate(
            self.date_from, self.date_to, self.tech_high | self.tech_ok
        )
        return (
            evaluations.filtered(lambda e: e.user_id == self.tech_high),
            evaluations.filtered(lambda e: e.user_id == self.tech_ok),
        )

    def _repurchase(self, evaluation):
        return (
            evaluation.repurchase_customer_count,
            evaluation.repurchase_count,
            evaluation.repurchase_rate,
            evaluation.repurchase_pending,
            evaluation.repurchase_signal,
        )

    @freeze_time("2025-10-01 08:00:00")
    def test_evaluation_flags_high_rating_low_repurchase(self):
        high, ok = self._evaluations()
        self.assertEqual(high.rating_count, 6)
        self.assertAlmostEqual(high.rating_smoothed, 4.0)
        self.assertEqual(high.repurchase_date_to, date(2025, 9, 29))
        self.assertEqual(self._repurchase(high), (4, 1, 25.0, False, "alert"))
        self.assertAlmostEqual(ok.rating_smoothed, 23 / 7, places=3)
        self.assertEqual(self._repurchase(ok), (2, 1, 50.0, False, "ok"))
        flagged = self.Evaluation.with_user(self.manager).search(
            [
                ("user_id", "in", (self.tech_high | self.tech_ok).ids),
                ("repurchase_signal", "=", "alert"),
            ]
        )
        self.assertEqual(flagged, high)
        # stricter settings flag Ok too (rating from 3.0, share below 60 %)
        self.env["res.config.settings"].create(
            {
                "after_sales_repurchase_rating_min": 3.0,
                "after_sales_repurchase_share_min": 60.0,
            }
        ).set_values()
        ok.with_user(self.manager).action_compute()
        self.assertEqual(ok.repurchase_signal, "alert")

    def test_evaluation_pending_then_final_after_confirmation(self):
        with freeze_time("2025-08-01 08:00:00"):
            high, ok = self._evaluations()
            # 1 July - 31 July elapsed: Alpha bought, Epsilon not yet
            self.assertEqual(self._repurchase(high), (4, 1, 25.0, True, "pending"))
            self.assertEqual(self._repurchase(ok), (2, 0, 0.0, True, "pending"))
            high.with_user(self.manager).action_confirm()
            score = high.score
        with freeze_time("2025-10-01 08:00:00"):
            with self.assertRaises(AccessError):
                high.with_user(self.tech_high).action_refresh_repurchase()
            (high | ok).with_user(self.manager).action_refresh_repurchase()
        self.assertEqual(high.state, "confirmed")
        self.assertEqual(high.score, score)
        self.assertEqual(self._repurchase(high), (4, 1, 25.0, False, "alert"))
        self.assertEqual(self._repurchase(ok), (2, 1, 50.0, False, "ok"))

    def test_settings_validation(self):
        Settings = self.env["res.config.settings"]
        for vals in [
            {"after_sales_repurchase_rating_min": float("nan")},
            {"after_sales_repurchase_rating_min": float("inf")},
            {"after_sales_repurchase_rating_min": 5.5},
            {"after_sales_repurchase_rating_min": 0.5},
            {"after_sales_repurchase_share_min": float("nan")},
            {"after_sales_repurchase_share_min": -1.0},
            {"after_sales_repurchase_share_min": 100.5},
        ]:
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                Settings.create(vals)
        Param = self.env["ir.config_parameter"]
        self.assertFalse(Param.get_param("after_sales.repurchase_share_min"))
        Settings.create({"after_sales_repurchase_share_min": 100.0}).set_values()
        self.assertEqual(
            float(Param.get_param("after_sales.repurchase_share_min")), 100.0
        )
        # a parameter edited by hand out of range: the default, with a warning
        Param.set_param("after_sales.repurchase_rating_min", "7.5")
        with self.assertLogs(
            "odoo.addons.after_sales.models.after_sales_evaluation_figures", "WARNING"
        ):
            thresholds = self.Evaluation._repurchase_thresholds()
        self.assertEqual(
            thresholds,
            {"repurchase_rating_min": 4.0, "repurchase_share_min": 100.0},
        )
