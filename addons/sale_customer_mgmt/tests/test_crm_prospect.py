# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger


@freeze_time("2026-01-05 12:00:00")
class TestCrmProspect(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env, login="pros_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesman = new_test_user(
            cls.env, login="pros_other", groups="sales_team.group_sale_salesman"
        )
        cls.Lead = cls.env["crm.lead"].with_user(cls.salesman)

    def test_purification_scores(self):
        lead = self.Lead.create(
            {
                "name": "Purified",
                "prospect_source": "exhibition",
                "purify_profile_fit": 5,
                "purify_competition": 2,
                "purify_geography": 2,
                "purify_growth": 5,
                "purify_industry_position": 5,
                "purify_bottleneck": 0,
                "purify_realistic_value": 5,
                "purify_risk": 5,
            }
        )
        # explicit: 9 of 15 points; implicit: 20 of 25 points
        self.assertAlmostEqual(lead.explicit_value_score, 60.0)
        self.assertAlmostEqual(lead.implicit_value_score, 80.0)
        # refused with a clear message before the database's own check
        with self.assertRaises(ValidationError):
            lead.purify_growth = 6
        self.assertEqual(lead.purify_growth, 5)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE crm_lead SET purify_growth = 6 WHERE id = %s", [lead.id]
                )

    def test_followup_decision_revisit_frequency(self):
        lead = self.Lead.create({"name": "Revisit me"})
        with self.assertRaises(ValidationError):
            lead.followup_decision = "revisit"
        lead.write({"followup_decision": "revisit", "revisit_interval_days": 14})
        self.assertEqual(lead.next_followup_date, date(2026, 1, 19))
        with freeze_time("2026-01-10 12:00:00"):
            lead.message_post(body="Called the buyer", message_type="comment")
            self.assertEqual(lead.last_followup_date, date(2026, 1, 10))
            self.assertTrue(lead.is_contacted)
            self.assertEqual(lead.next_followup_date, date(2026, 1, 24))

    def test_dealer_cannot_be_won_until_ready(self):
        lead = self.Lead.create(
            {"name": "Dealer East", "type": "opportunity", "is_dealer": True}
        )
        with self.assertRaisesRegex(UserError, "credit evaluation"):
            lead.action_set_won()
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        with self.assertRaisesRegex(UserError, "signed contract"):
            lead.stage_id = won_stage
        lead.write(
            {
                "dealer_credit_evaluation": "Bank references checked, limit 200k",
                "dealer_payment_term_id": self.env.ref(
                    "account.account_payment_term_30days"
                ).id,
                "dealer_technical_assistance": "Two training days at start",
            }
        )
        with self.assertRaisesRegex(UserError, "signed contract"):
            lead.action_set_won()
        self.assertNotEqual(lead.probability, 100)
        lead.dealer_contract_signed = True
        lead.action_set_won()
        self.assertEqual(lead.probability, 100)
        self.assertEqual(lead.card_color, "red")

    def test_public_pool_off_by_default(self):
        self.assertFalse(self.company.prospect_public_pool)
        lead = self.Lead.create({"name": "Quiet"})
        with freeze_time("2026-06-01 12:00:00"):
            self.env["crm.lead"]._cron_public_pool_reclaim()
        self.assertEqual(lead.user_id, self.salesman)
        self.assertFalse(lead.in_public_pool)

    def test_public_pool_reclaim_claim_release(self):
        self.company.write(
            {"prospect_public_pool": True, "prospect_public_pool_days": 10}
        )
        lead = self.Lead.create({"name": "Neglected"})
        followed = self.Lead.create({"name": "Followed"})
        with freeze_time("2026-01-12 12:00:00"):
            followed.message_post(body="Visited", message_type="comment")
        with freeze_time("2026-01-15 12:00:00"):
            self.env["crm.lead"]._cron_public_pool_reclaim()
            self.assertEqual(lead.user_id, self.salesman, "exactly 10 days: kept")
        with freeze_time("2026-01-16 12:00:00"):
            reclaimed = self.env["crm.lead"]._cron_public_pool_reclaim()
        self.assertEqual(reclaimed, lead)
        self.assertFalse(lead.user_id)
        self.assertTrue(lead.in_public_pool)
        self.assertEqual(followed.user_id, self.salesman)
        self.assertIn("returned to the public pool", lead.sudo().message_ids[0].body)
        # another salesperson claims it
        lead.with_user(self.other_salesman).action_pool_claim()
        self.assertEqual(lead.user_id, self.other_salesman)
        self.assertFalse(lead.in_public_pool)
        self.assertIn("Claimed from the public pool", lead.sudo().message_ids[0].body)
        with self.assertRaises(UserError):
            followed.with_user(self.other_salesman).action_pool_claim()
        lead.with_user(self.other_salesman).action_pool_release()
        self.assertTrue(lead.in_public_pool)
        self.assertIn("Released to the public pool", lead.sudo().message_ids[0].body)

    def test_prospect_pool_shortfall(self):
        self.company.prospect_pool_target = 3
        leads = self.Lead.create([{"name": f"Pool {i}"} for i in range(2)])
        user = self.salesman.with_company(self.company)
        self.assertEqual(user.prospect_pool_count, 2)
        self.assertEqual(user.prospect_pool_shortfall, 1)
        leads[0].action_set_lost()
        user.invalidate_recordset(["prospect_pool_count", "prospect_pool_shortfall"])
        self.assertEqual(user.prospect_pool_shortfall, 2)
        self.salesman.sudo().prospect_pool_target = 1
        user.invalidate_recordset(["prospect_pool_count", "prospect_pool_shortfall"])
        self.assertEqual(user.prospect_pool_shortfall, 0)

    def test_development_day_recurring_event(self):
        self.company.write({"dev_day_week": "2", "dev_day_weekday": "FRI"})
        self.salesman._schedule_development_day(self.company)
        event = self.salesman.dev_day_event_id
        self.assertTrue(event.recurrency)
        self.assertEqual(event.rrule_type, "monthly")
        self.assertEqual((event.byday, event.weekday), ("2", "FRI"))
        events = event.recurrence_id.calendar_event_ids.sorted("start")
        # second Friday of January and February 2026
        self.assertIn(date(2026, 1, 9), events.mapped("start_date"))
        self.assertIn(date(2026, 2, 13), events.mapped("start_date"))
        # scheduling again does not create a second series
        self.salesman._schedule_development_day(self.company)
        self.assertEqual(self.salesman.dev_day_event_id, event)

    def test_development_report(self):
        self.Lead.create(
            [
                {"name": "D1", "prospect_source": "referral", "man_money": True},
                {"name": "D2", "prospect_source": "referral"},
                {"name": "D3", "prospect_source": "exhibition"},
            ]
        )[2].action_set_won()
        self.env.flush_all()
        rows = self.env["crm.development.report"]._read_group(
            [("user_id", "=", self.salesman.id)],
            ["prospect_source"],
            ["added_count:sum", "converted_count:sum", "conversion_rate:avg"],
        )
        self.assertEqual(
            {source: (added, won, rate) for source, added, won, rate in rows},
            {"referral": (2, 0, 0.0), "exhibition": (1, 1, 100.0)},
        )

    def test_lead_visibility_salesperson_versus_manager(self):
        manager = new_test_user(
            self.env, login="pros_manager", groups="sales_team.group_sale_manager"
        )
        mine = self.Lead.create({"name": "Mine"})
        theirs = (
            self.env["crm.lead"]
            .with_user(self.other_salesman)
            .create({"name": "Theirs"})
        )
        pooled = self.Lead.create({"name": "Pooled"})
        pooled.action_pool_release()
        domain = [("id", "in", (mine | theirs | pooled).ids)]
        Lead = self.env["crm.lead"]
        self.assertEqual(Lead.with_user(self.salesman).search(domain), mine | pooled)
        self.assertEqual(
            Lead.with_user(self.other_salesman).search(domain), theirs | pooled
        )
        self.assertEqual(Lead.with_user(manager).search(domain), mine | theirs | pooled)

    def test_development_day_cron_for_team_members(self):
        team = self.env["crm.team"].create(
            {"name": "Development team", "company_id": self.company.id}
        )
        team.member_ids = [Command.link(self.salesman.id)]
        self.env["res.users"]._cron_schedule_development_days()
        self.assertTrue(self.salesman.dev_day_event_id)
        self.assertFalse(self.other_salesman.dev_day_event_id)
