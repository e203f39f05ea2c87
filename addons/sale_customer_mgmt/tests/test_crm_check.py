# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.tests import TransactionCase, new_test_user


class TestCrmDevelopmentCheck(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="check_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.env.company.prospect_pool_target = 4
        Lead = cls.env["crm.lead"].with_user(cls.salesman)
        cls.leads = Lead.create(
            [
                {
                    "name": "C1",
                    "man_money": True,
                    "man_authority": True,
                    "man_need": True,
                },
                {"name": "C2", "man_money": True, "man_authority": True},
                {"name": "C3"},
                {"name": "C4"},
            ]
        )
        cls.leads[:3]._mark_followed_up()
        cls.leads[0].action_set_won()
        Visit = cls.env["sale.customer.visit"].with_user(cls.salesman)
        visits = Visit.create(
            [
                {"lead_id": lead.id, "date": cls.leads[0].create_date}
                for lead in cls.leads[:2]
            ]
        )
        visits[0].write(
            {"purpose_introduce": True, "purpose_reason": True, "purpose_service": True}
        )
        visits.action_done()

    def test_checklist_and_score(self):
        day = self.leads[0].create_date.date()
        check = self.env["crm.development.check"].create(
            {
                "user_id": self.salesman.id,
                # create_date is the database transaction time, not the frozen one
                "date_from": day - timedelta(days=3),
                "date_to": day + timedelta(days=3),
                "min_new_prospects": 5,
            }
        )
        self.assertEqual(check.added_count, 4)
        self.assertEqual(check.contacted_count, 3)
        self.assertEqual(check.qualified_count, 2)
        self.assertEqual(check.converted_count, 1)
        self.assertEqual(check.visit_done_count, 2)
        self.assertAlmostEqual(check.visit_success_rate, 50.0)
        # target 4 live prospects, 3 left after the won one
        self.assertEqual(check.pool_shortfall, 1)
        self.assertFalse(check.check_new_prospects, "4 of 5 required")
        self.assertFalse(check.check_contacted, "3 of 4 is below 80%")
        self.assertTrue(check.check_qualified, "2 of 4 are MAN 1-4")
        self.assertTrue(check.check_visits)
        self.assertFalse(check.check_pool)
        self.assertAlmostEqual(check.score, 40.0)
        earlier = self.env["crm.development.check"].create(
            {
                "user_id": self.salesman.id,
                "date_from": day - timedelta(days=60),
                "date_to": day - timedelta(days=30),
            }
        )
        self.assertEqual(earlier.added_count, 0)
        self.assertEqual(earlier.visit_done_count, 0)
