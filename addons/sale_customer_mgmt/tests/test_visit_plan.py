# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import TransactionCase, new_test_user
from odoo.tests.common import freeze_time


@freeze_time("2026-04-01 12:00:00")
class TestVisitPlan(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="plan_salesman", groups="sales_team.group_sale_salesman"
        )
        tiers = cls.env["res.partner.tier"].search([], order="sequence")
        cls.tier_a, cls.tier_c = tiers[0], tiers[-1]
        cls.tier_a.visit_per_month = 4
        cls.tier_c.visit_per_month = 1
        cls.big = cls.env["res.partner"].create(
            {"name": "Big Buyer", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.small = cls.env["res.partner"].create(
            {"name": "Small Buyer", "is_company": True, "user_id": cls.salesman.id}
        )
        # pin the tiers so that no score recomputation moves them
        (cls.big | cls.small).write({"tier_locked": True})
        cls.big.customer_tier_id = cls.tier_a
        cls.small.customer_tier_id = cls.tier_c
        cls.prospect = cls.env["crm.lead"].create(
            {
                "name": "Open prospect",
                "user_id": cls.salesman.id,
                "man_need": True,
            }
        )
        cls.dropped = cls.env["crm.lead"].create(
            {
                "name": "Class 8",
                "user_id": cls.salesman.id,
                "man_money": False,
                "man_authority": False,
                "man_need": False,
            }
        )

    def test_generate_month_plan_and_report(self):
        plan = (
            self.env["sale.visit.plan"]
            .with_user(self.salesman)
            .create({"date_from": date(2026, 4, 1)})
        )
        self.assertEqual(plan.date_to, date(2026, 4, 30))
        plan.action_generate()
        visits = plan.visit_ids
        self.assertEqual(len(visits.filtered(lambda v: v.partner_id == self.big)), 4)
        self.assertEqual(len(visits.filtered(lambda v: v.partner_id == self.small)), 1)
        self.assertEqual(len(visits.filtered(lambda v: v.lead_id == self.prospect)), 1)
        self.assertFalse(visits.filtered(lambda v: v.lead_id == self.dropped))
        big_days = sorted(v.date.date() for v in visits if v.partner_id == self.big)
        # four visits spread over the 30 days of April
        self.assertEqual(
            big_days,
            [date(2026, 4, 1), date(2026, 4, 8), date(2026, 4, 16), date(2026, 4, 23)],
        )
        self.assertTrue(all(v.state == "planned" for v in visits))
        self.assertEqual(len(visits.activity_ids), len(visits))
        # generating again adds nothing
        plan.action_generate()
        self.assertEqual(len(plan.visit_ids), len(visits))
        # plan versus done
        self.assertEqual(plan.planned_count, 6)
        done = visits[:3]
        done[0].write(
            {"purpose_introduce": True, "purpose_reason": True, "purpose_service": True}
        )
        done.action_done()
        self.assertEqual(plan.done_count, 3)
        self.assertEqual(plan.successful_count, 1)
        self.assertAlmostEqual(plan.completion_rate, 50.0)
        self.assertAlmostEqual(plan.success_rate, 100.0 / 3)
        self.assertFalse(done.activity_ids, "activities are closed with the visit")
