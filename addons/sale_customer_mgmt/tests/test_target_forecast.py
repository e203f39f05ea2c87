# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user
from odoo.tests.common import freeze_time


class TestTargetForecast(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="forecast_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.customer = cls.env["res.partner"].create({"name": "Forecast Customer"})
        cls.product = cls.env["product.product"].create(
            {"name": "Spindle", "list_price": 500.0, "taxes_id": False}
        )

    def test_pipeline_weighted_and_last_year(self):
        Lead = self.env["crm.lead"]
        Lead.create(
            [
                {
                    "name": "June deal",
                    "type": "opportunity",
                    "user_id": self.salesman.id,
                    "expected_revenue": 1000.0,
                    "probability": 40.0,
                    "date_deadline": date(2026, 6, 15),
                },
                {
                    "name": "Other June deal",
                    "type": "opportunity",
                    "user_id": self.salesman.id,
                    "expected_revenue": 2000.0,
                    "probability": 10.0,
                    "date_deadline": date(2026, 6, 20),
                },
            ]
        )
        lost = Lead.create(
            {
                "name": "Lost deal",
                "type": "opportunity",
                "user_id": self.salesman.id,
                "expected_revenue": 9000.0,
                "probability": 50.0,
                "date_deadline": date(2026, 6, 1),
            }
        )
        lost.action_set_lost()
        with freeze_time("2025-06-10 12:00:00"):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.salesman.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 1}
                        )
                    ],
                }
            )
            order.action_confirm()
        self.env.flush_all()
        rows = self.env["forecast.sale.report"]._read_group(
            [("user_id", "=", self.salesman.id)],
            ["date:month"],
            ["pipeline_amount:sum", "forecast_amount:sum", "last_year_amount:sum"],
        )
        self.assertEqual(
            [
                (fields.Date.to_date(month), pipe, weighted, last)
                for month, pipe, weighted, last in rows
            ],
            [(date(2026, 6, 1), 3000.0, 600.0, 500.0)],
        )
