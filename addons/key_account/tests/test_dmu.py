# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.tests import Form, freeze_time, tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestKeyAccountDmu(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.buyer = Partner.create(
            {
                "name": "Buyer Wang",
                "parent_id": cls.account.id,
                "function": "Purchasing",
                "ka_role": "decision_maker",
                "ka_owner_id": cls.ka_user.id,
                "ka_stake": 8,
                "ka_involvement": 9,
                "ka_social_style": "driver",
            }
        )
        cls.engineer = Partner.create(
            {
                "name": "Engineer Li",
                "parent_id": cls.account.id,
                "function": "Engineering",
                "ka_role": "user",
                "ka_stake": 3,
                "ka_involvement": 7,
            }
        )

    def _move_to_partnership(self):
        for _i in range(3):
            self._complete_checklist(self.account)
            self.account.action_ka_advance_stage()
        self.assertEqual(self.account.ka_stage_id, self.stage_partnership)

    def test_matrix_and_tips(self):
        self.assertEqual(self.buyer.ka_matrix_position, "key_player")
        self.assertEqual(self.engineer.ka_matrix_position, "keep_informed")
        self.assertIn("brief", self.buyer.ka_communication_tips)
        self.engineer.ka_social_style = "analytical"
        self.assertIn("facts and data", self.engineer.ka_communication_tips)

    def test_single_thread_warning(self):
        self.assertFalse(self.account.ka_single_thread)
        self._move_to_partnership()
        # one pair only: buyer Wang with our KA user
        self.assertEqual(self.account.ka_network_pair_count, 1)
        self.assertTrue(self.account.ka_single_thread)
        # a second pair in another function removes the warning
        self.engineer.ka_owner_id = self.ka_user_other
        self.assertEqual(self.account.ka_network_pair_count, 2)
        self.assertEqual(self.account.ka_network_function_count, 2)
        self.assertFalse(self.account.ka_single_thread)
        self.assertIn("Engineer Li", self.account.ka_network_pairs)
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("id", "=", self.account.id), ("ka_single_thread", "=", True)]
            ),
            0,
        )

    def test_warning_banner_in_form(self):
        self._move_to_partnership()
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn('name="ka_single_thread_warning"', arch)
        form = Form(self.account)
        self.assertTrue(form.ka_single_thread)

    @freeze_time("2026-06-30")
    def test_contact_alert_and_cron(self):
        self.env["ir.config_parameter"].set_param("key_account.contact_alert_days", 30)
        self.buyer.ka_last_contact_date = date(2026, 5, 31)
        self.assertFalse(self.buyer.ka_contact_alert)
        self.buyer.ka_last_contact_date = date(2026, 5, 30)
        self.assertTrue(self.buyer.ka_contact_alert)
        # only decision makers are watched
        self.assertFalse(self.engineer.ka_contact_alert)
        overdue = self.env["res.partner"].search([("ka_contact_alert", "=", True)])
        self.assertIn(self.buyer, overdue)
        self.assertNotIn(self.engineer, overdue)
        self.env["res.partner"]._cron_ka_contact_alert()
        activity = self.buyer.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.ka_user)
        # a second run does not pile up to-dos
        self.env["res.partner"]._cron_ka_contact_alert()
        self.assertEqual(len(self.buyer.activity_ids), 1)

    def test_spin_call_updates_last_contact(self):
        call = (
            self.env["key.account.call"]
            .with_user(self.ka_user)
            .create(
                {
                    "name": "Discover line 3 project",
                    "partner_id": self.account.id,
                    "contact_id": self.buyer.id,
                    "date": "2026-03-10 09:00:00",
                    "question_ids": [
                        Command.create(
                            {"question_type": "situation", "name": "Current lines?"}
                        ),
                        Command.create(
                            {"question_type": "problem", "name": "Downtime causes?"}
                        ),
                        Command.create(
                            {"question_type": "need_payoff", "name": "Value of -10%?"}
                        ),
                        Command.create(
                            {"question_type": "need_payoff", "name": "Who gains?"}
                        ),
                    ],
                }
            )
        )
        self.assertEqual(
            (
                call.situation_count,
                call.problem_count,
                call.implication_count,
                call.need_payoff_count,
            ),
            (1, 1, 0, 2),
        )
        self.env["key.account.need"].with_user(self.ka_user).create(
            [
                {
                    "name": "Less downtime",
                    "contact_id": self.buyer.id,
                    "call_id": call.id,
                    "explicitness": "implicit",
                },
                {
                    "name": "Budget approval",
                    "contact_id": self.buyer.id,
                    "call_id": call.id,
                    "explicitness": "explicit",
                    "became_explicit": True,
                    "scope": "personal",
                },
            ]
        )
        self.assertEqual(call.implicit_need_count, 2)
        self.assertEqual(call.explicit_need_count, 1)
        call.action_done()
        self.assertEqual(self.buyer.ka_last_contact_date, date(2026, 3, 10))
        groups = self.env["key.account.call.question"]._read_group(
            [("call_id", "=", call.id)], ["user_id", "question_type"], ["__count"]
        )
        mix = {qtype: count for _user, qtype, count in groups}
        self.assertEqual(mix, {"situation": 1, "problem": 1, "need_payoff": 2})
