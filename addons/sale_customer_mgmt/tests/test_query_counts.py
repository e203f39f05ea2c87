# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import QueryCountMixin, count_queries
from .test_analysis_common import CustomerAnalysisCommon

FEW, MANY = 3, 30


@tagged("post_install", "-at_install")
@freeze_time("2026-03-15 10:00:00")
class TestQueryCounts(QueryCountMixin, CustomerAnalysisCommon):
    """The computes and reports that read many records issue as many queries
    for 30 records as for 3 (grouped reads, no query per record)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = cls.env["res.users"].create(
            [
                {
                    "name": f"QC Salesperson {i}",
                    "login": f"qc_salesperson_{i}",
                    "groups_id": [
                        Command.set([cls.env.ref("sales_team.group_sale_salesman").id])
                    ],
                }
                for i in range(MANY)
            ]
        )
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"QC Customer {i}", "is_company": True} for i in range(MANY)]
        )
        orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product_pump.id,
                                "product_uom_qty": 1,
                                "price_unit": 1000.0,
                            }
                        )
                    ],
                }
                for partner, user in zip(cls.partners, cls.users, strict=True)
            ]
        )
        orders.action_confirm()
        orders.date_order = datetime(2026, 2, 1)
        cls.orders = orders
        cls.plans = cls.env["sale.collection.plan"].create(
            [
                {
                    "order_id": order.id,
                    "line_ids": [
                        Command.create(
                            {"percentage": 40, "date_due": date(2026, 2, 15)}
                        ),
                        Command.create(
                            {"percentage": 60, "date_due": date(2026, 4, 15)}
                        ),
                    ],
                }
                for order in orders
            ]
        )
        cls.leads = cls.env["crm.lead"].create(
            [
                {
                    "name": f"QC Lead {i}",
                    "type": "opportunity",
                    "user_id": user.id,
                    "partner_id": partner.id,
                    "expected_revenue": 1000.0 * (i + 1),
                    "probability": 40,
                    "date_deadline": date(2026, 5, 1),
                    "man_money": bool(i % 2),
                    "man_need": True,
                }
                for i, (partner, user) in enumerate(
                    zip(cls.partners, cls.users, strict=True)
                )
            ]
        )
        cls.env["sale.customer.visit"].create(
            [
                {
                    "partner_id": lead.partner_id.id,
                    "lead_id": lead.id,
                    "user_id": lead.user_id.id,
                    "date": datetime(2026, 3, 1, 9),
                    "state": "done",
                    "purpose_introduce": True,
                    "purpose_reason": True,
                    "purpose_service": bool(i % 2),
                }
                for i, lead in enumerate(cls.leads)
            ]
        )
        cls.targets = cls.env["sale.target"].create(
            [
                {
                    "user_id": user.id,
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 3, 31),
                    "amount": 5000.0,
                }
                for user in cls.users
            ]
        )
        cls.checks = cls.env["crm.development.check"].create(
            [
                {
                    "user_id": user.id,
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 3, 31),
                }
                for user in cls.users
            ]
        )

    def test_visit_counts(self):
        self.assertQueriesFlat(
            self.leads, lambda leads: leads.mapped("customer_visit_count")
        )
        self.assertQueriesFlat(
            self.partners, lambda partners: partners.mapped("customer_visit_count")
        )

    def test_target_achievement(self):
        def read(targets):
            targets.mapped("achieved_amount")
            targets.mapped("invoiced_amount")
            targets.mapped("achievement_rate")
            targets.mapped("rank")

        self.assertQueriesFlat(self.targets, read)

    def test_collection_plan_amounts(self):
        def read_plans(plans):
            plans.mapped("amount_collected")
            plans.mapped("amount_overdue")
            plans.mapped("state")

        self.assertQueriesFlat(self.plans, read_plans)
        lines = self.plans.line_ids.sorted("id")

        def read_lines(lines):
            lines.mapped("amount_paid")
            lines.mapped("state")
            lines.mapped("days_overdue")

        self.assertQueriesFlat(lines, read_lines)
        self.assertQueriesFlat(
            self.partners, lambda partners: partners._get_overdue_collection_amounts()
        )

    def test_man_and_card_computes(self):
        flip = {"value": False}

        def write(leads):
            flip["value"] = not flip["value"]
            leads.write(
                {
                    "man_authority": flip["value"],
                    "purify_growth": 3 if flip["value"] else 1,
                    "followup_decision": "continue",
                }
            )
            leads.mapped("man_guidance")

        self.assertQueriesFlat(self.leads, write)

    def test_development_check_and_pool(self):
        def read(checks):
            checks.mapped("score")
            checks.mapped("visit_success_rate")

        self.assertQueriesFlat(self.checks, read)
        self.assertQueriesFlat(
            self.users, lambda users: users.mapped("prospect_pool_shortfall")
        )

    def test_report_read_groups(self):
        """Every analysis report grouped by customer / salesperson: the
        number of queries does not depend on how many rows it aggregates."""
        reports = [
            ("sale.customer.composition.report", "partner_id"),
            ("sale.customer.performance.report", "partner_id"),
            ("sale.customer.product.report", "partner_id"),
            ("sale.customer.churn.report", "partner_id"),
            ("sale.order.integrated.report", "partner_id"),
            ("forecast.sale.report", "user_id"),
            ("crm.development.report", "user_id"),
        ]

        def read_groups():
            for model, groupby in reports:
                self.env[model].read_group([], [], [groupby], lazy=False)

        before = count_queries(self.env, read_groups)
        # 27 more customers and salespeople with orders, leads, plans
        self.assertEqual(len(self.orders), MANY)
        extra = self.orders[:FEW].copy()
        extra.action_confirm()
        self.env["crm.lead"].create(
            [
                {"name": f"QC extra {i}", "user_id": self.users[i].id}
                for i in range(FEW, MANY)
            ]
        )
        self.assertEqual(count_queries(self.env, read_groups), before)
