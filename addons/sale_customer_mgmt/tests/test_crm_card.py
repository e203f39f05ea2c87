# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user
from odoo.tests.common import freeze_time


@freeze_time("2026-03-02 12:00:00")
class TestCrmCard(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="card_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.Lead = cls.env["crm.lead"].with_user(cls.salesman)
        cls.review_type = cls.env.ref(
            "sale_customer_mgmt.mail_activity_type_card_review"
        )

    def _review_activities(self, lead):
        return lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.review_type
        )

    def test_grade_limits_flag_inconsistent_dates(self):
        cases = [
            ("a", date(2026, 3, 9), date(2026, 3, 10)),
            ("b", date(2026, 4, 2), date(2026, 4, 3)),
            ("c", date(2026, 6, 2), date(2026, 6, 3)),
        ]
        for grade, limit, too_late in cases:
            lead = self.Lead.create(
                {
                    "name": f"Grade {grade}",
                    "type": "opportunity",
                    "card_color": "yellow",
                    "heat_grade": grade,
                    "date_deadline": limit,
                }
            )
            self.assertEqual(lead.card_close_limit, limit)
            self.assertFalse(lead.card_date_mismatch, grade)
            lead.date_deadline = too_late
            self.assertTrue(lead.card_date_mismatch, grade)
            lead.date_deadline = False
            self.assertTrue(lead.card_date_mismatch, grade)

    def test_default_green_red_when_won_grade_only_on_yellow(self):
        lead = self.Lead.create({"name": "Card", "type": "opportunity"})
        self.assertEqual(lead.card_color, "green")
        self.assertFalse(lead.heat_grade)
        with self.assertRaises(ValidationError):
            lead.write({"heat_grade": "a"})
        lead.write({"card_color": "yellow", "heat_grade": "b"})
        lead.card_color = "green"
        self.assertFalse(lead.heat_grade, "leaving yellow clears the heat grade")
        lead.action_set_won()
        self.assertEqual(lead.card_color, "red")

    def test_review_activity_by_cadence_without_duplicates(self):
        lead = self.Lead.create(
            {
                "name": "Hot",
                "type": "opportunity",
                "card_color": "yellow",
                "heat_grade": "a",
                "date_deadline": date(2026, 3, 6),
            }
        )
        activity = self._review_activities(lead)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 3, 3), "A: daily")
        self.assertEqual(activity.user_id, self.salesman)
        lead.heat_grade = "b"
        activity = self._review_activities(lead)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 3, 9), "B: weekly")
        lead.heat_grade = "c"
        self.assertEqual(
            self._review_activities(lead).date_deadline, date(2026, 4, 2), "C: monthly"
        )
        with freeze_time("2026-03-20 12:00:00"):
            lead.action_card_reviewed()
            self.assertEqual(lead.card_last_review_date, date(2026, 3, 20))
            activity = self._review_activities(lead)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.date_deadline, date(2026, 4, 20))
        lead.card_color = "green"
        self.assertFalse(self._review_activities(lead))

    def test_cards_to_review_list(self):
        lead = self.Lead.create(
            {
                "name": "Due",
                "type": "opportunity",
                "card_color": "yellow",
                "heat_grade": "a",
                "date_deadline": date(2026, 3, 5),
            }
        )
        domain = [
            ("id", "=", lead.id),
            ("card_color", "=", "yellow"),
            "|",
            ("card_regrade_needed", "=", True),
            ("card_next_review_date", "<=", "2026-03-03"),
        ]
        self.assertEqual(self.Lead.search(domain), lead, "due tomorrow (A: daily)")
        lead.heat_grade = "b"
        self.assertFalse(self.Lead.search(domain), "B: next review in a week")

    def test_cron_flags_overdue_cards_for_regrading(self):
        lead = self.Lead.create(
            {
                "name": "Slipping",
                "type": "opportunity",
                "card_color": "yellow",
                "heat_grade": "c",
                "date_deadline": date(2026, 3, 15),
            }
        )
        fresh = self.Lead.create(
            {
                "name": "On time",
                "type": "opportunity",
                "card_color": "yellow",
                "heat_grade": "c",
                "date_deadline": date(2026, 4, 30),
            }
        )
        with freeze_time("2026-03-20 12:00:00"):
            self.env["crm.lead"]._cron_card_review()
            self.assertTrue(lead.card_regrade_needed)
            self.assertFalse(fresh.card_regrade_needed)
            activity = self._review_activities(lead)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.date_deadline, date(2026, 3, 20))
            self.assertEqual(
                activity.summary, "Expected closing date passed: regrade this card"
            )
            # running twice does not duplicate anything
            self.env["crm.lead"]._cron_card_review()
            self.assertEqual(len(self._review_activities(lead)), 1)
            lead.write({"heat_grade": "a", "date_deadline": date(2026, 3, 25)})
            self.assertFalse(lead.card_regrade_needed)
            self.assertFalse(lead.card_date_mismatch)
            self.assertEqual(
                self._review_activities(lead).date_deadline, date(2026, 3, 21)
            )

    def test_cards_of_existing_leads_coloured_untracked_at_install(self):
        """Installing the addon colours the cards of the leads that exist
        (the new column computed for each): no chatter message per lead."""
        won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        leads = self.env["crm.lead"].create(
            [
                {"name": "Existing lead", "type": "opportunity"},
                {"name": "Existing won lead", "type": "opportunity"},
            ]
        )
        leads[1].stage_id = won
        self.env.flush_all()
        self.env.cr.precommit.run()  # their creation
        # as the installation finds them: the column empty, to be computed
        self.env.cr.execute(
            "UPDATE crm_lead SET card_color = NULL WHERE id IN %s", [tuple(leads.ids)]
        )
        leads.invalidate_recordset(["card_color"])
        self.env.add_to_compute(leads._fields["card_color"], leads)
        self.env["crm.lead"].init()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(leads.mapped("card_color"), ["green", "red"])
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "crm.lead"),
                ("mail_message_id.res_id", "in", leads.ids),
                ("field_id.name", "=", "card_color"),
            ]
        )
        self.assertFalse(tracked)
        # a change of colour afterwards is tracked
        leads[0].write({"card_color": "yellow", "heat_grade": "c"})
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(
            tracked.search(
                [
                    ("mail_message_id.model", "=", "crm.lead"),
                    ("mail_message_id.res_id", "in", leads.ids),
                    ("field_id.name", "=", "card_color"),
                ]
            ).mapped("new_value_char"),
            [leads[0]._fields["card_color"].convert_to_export("yellow", leads[0])],
        )
