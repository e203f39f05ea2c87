# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestKeyAccountPlan(KeyAccountCommon):
    def _plan(self, **vals):
        return (
            self.env["key.account.plan"]
            .with_user(self.ka_user)
            .create(
                dict(
                    {
                        "name": "2026 plan",
                        "partner_id": self.account.id,
                        "date_from": "2026-01-01",
                        "date_to": "2026-12-31",
                    },
                    **vals,
                )
            )
        )

    def test_balance_check(self):
        plan = self._plan(goal_sales=1_000_000, goal_profit=200_000)
        self.assertFalse(plan.balance_ok)
        self.assertIn("no resources", plan.balance_message)
        self.assertIn("no market opportunity", plan.balance_message)
        plan.write(
            {
                "resource_budget": 50_000,
                "opportunity_window": "Line 3 retrofit in Q3",
                "action_ids": [
                    Command.create(
                        {
                            "name": "Technical seminar",
                            "user_id": self.ka_user.id,
                            "date_deadline": "2026-03-31",
                        }
                    )
                ],
            }
        )
        self.assertTrue(plan.balance_ok)
        plan.resource_budget = 250_000
        self.assertIn("budget exceeds the profit goal", plan.balance_message)

    def test_dates(self):
        with self.assertRaises(ValidationError):
            self._plan(date_from="2026-12-31", date_to="2026-01-01")

    @freeze_time("2026-01-15")
    def test_review_cycle(self):
        plan = self._plan(review_interval=3)
        plan.action_activate()
        self.assertEqual(str(plan.next_review_date), "2026-04-15")
        self.assertEqual(len(plan.activity_ids), 1)
        plan.action_review_done()
        self.assertEqual(str(plan.last_review_date), "2026-01-15")
        self.assertEqual(str(plan.next_review_date), "2026-04-15")
        self.assertEqual(len(plan.activity_ids), 1)

    def test_printable_report(self):
        plan = self._plan(goal_sales=1000)
        plan.action_ids = [Command.create({"name": "Plant visit with the CTO"})]
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "key_account.report_key_account_plan", plan.ids
        )
        html = html.decode()
        self.assertIn("Plant visit with the CTO", html)
        self.assertIn("Test Account Co.", html)
        self.assertIn("Goals", html)
