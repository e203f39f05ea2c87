# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestKeyAccountStage(KeyAccountCommon):
    def test_stage_data(self):
        stages = self.env["key.account.stage"].search([])
        self.assertEqual(
            stages.mapped("code"),
            ["exploratory", "basic", "cooperative", "partnership", "synergistic"],
        )
        self.assertEqual(len(self.stage_exploratory.checklist_item_ids), 5)

    def test_new_account_gets_checklist_and_history(self):
        lines = self.account.ka_current_checklist_ids
        self.assertEqual(lines.item_id, self.stage_exploratory.checklist_item_ids)
        self.assertFalse(any(lines.mapped("done")))
        history = self.account.ka_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(history.event_type, "initial")
        self.assertFalse(history.date_end)

    def test_advance_blocked_names_missing_items(self):
        lines = self.account.ka_current_checklist_ids
        lines[:3].write({"done": True})
        with self.assertRaises(UserError) as error:
            self.account.with_user(self.ka_user).action_ka_advance_stage()
        message = str(error.exception)
        for item in lines[3:].item_id:
            self.assertIn(item.name, message)
        for item in lines[:3].item_id:
            self.assertNotIn(item.name, message)
        self.assertEqual(self.account.ka_stage_id, self.stage_exploratory)

    def test_advance_with_complete_checklist(self):
        self._complete_checklist(self.account)
        self.account.with_user(self.ka_user).action_ka_advance_stage()
        self.assertEqual(self.account.ka_stage_id, self.stage_basic)
        self.assertEqual(
            self.account.ka_current_checklist_ids.item_id,
            self.stage_basic.checklist_item_ids,
        )
        history = self.account.ka_history_ids.sorted("id")
        self.assertEqual(history.mapped("event_type"), ["initial", "progress"])
        self.assertTrue(history[0].date_end)
        self.assertFalse(history[1].date_end)
        self.assertEqual(history[1].previous_stage_id, self.stage_exploratory)

    def test_direct_write_obeys_checklist(self):
        with self.assertRaises(UserError):
            self.account.with_user(self.ka_user).write(
                {"ka_stage_id": self.stage_basic.id}
            )
        self._complete_checklist(self.account)
        self.account.with_user(self.ka_user).write({"ka_stage_id": self.stage_basic.id})
        self.assertEqual(self.account.ka_stage_id, self.stage_basic)

    def test_no_skipping(self):
        self._complete_checklist(self.account)
        with self.assertRaisesRegex(UserError, "cannot be skipped"):
            self.account.with_user(self.ka_user).write(
                {"ka_stage_id": self.stage_cooperative.id}
            )
        # not even a manager's override can skip a stage
        with self.assertRaisesRegex(UserError, "cannot be skipped"):
            self.account.with_user(self.ka_manager).with_context(
                ka_stage_event="override", ka_stage_reason="Board decision"
            ).write({"ka_stage_id": self.stage_partnership.id})

    def test_backwards_needs_recorded_regression(self):
        self._complete_checklist(self.account)
        self.account.action_ka_advance_stage()
        with self.assertRaisesRegex(UserError, "regression or uncoupling"):
            self.account.with_user(self.ka_user).write(
                {"ka_stage_id": self.stage_exploratory.id}
            )
        wizard = Form(
            self.env["key.account.stage.change"]
            .with_user(self.ka_user)
            .with_context(
                default_partner_id=self.account.id, default_change_type="regression"
            )
        )
        wizard.stage_id = self.stage_exploratory
        wizard.reason = "New purchasing director re-opened the tender"
        wizard.save().action_apply()
        self.assertEqual(self.account.ka_stage_id, self.stage_exploratory)
        last = self.account.ka_history_ids.sorted("id")[-1]
        self.assertEqual(last.event_type, "regression")
        self.assertEqual(last.previous_stage_id, self.stage_basic)
        self.assertEqual(last.reason, "New purchasing director re-opened the tender")
        # the checklist of the stage is kept: it was completed before
        self.assertEqual(self.account.ka_checklist_progress, 100.0)

    def test_uncoupling_recorded_with_cause(self):
        wizard = Form(
            self.env["key.account.stage.change"]
            .with_user(self.ka_user)
            .with_context(
                default_partner_id=self.account.id, default_change_type="uncoupling"
            )
        )
        wizard.uncoupling_cause = "other_supplier"
        wizard.reason = "Buyer invited a second supplier for the trial"
        wizard.save().action_apply()
        last = self.account.ka_history_ids.sorted("id")[-1]
        self.assertEqual(last.event_type, "uncoupling")
        self.assertEqual(last.uncoupling_cause, "other_supplier")
        self.assertEqual(last.stage_id, self.stage_exploratory)

    def test_manager_override(self):
        action = self.account.with_user(self.ka_manager).action_ka_override_stage()
        wizard = Form(
            self.env["key.account.stage.change"]
            .with_user(self.ka_manager)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.stage_id, self.stage_basic)
        wizard.reason = "Framework contract signed at group level"
        wizard.save().action_apply()
        self.assertEqual(self.account.ka_stage_id, self.stage_basic)
        last = self.account.ka_history_ids.sorted("id")[-1]
        self.assertEqual(last.event_type, "override")
        self.assertEqual(last.reason, "Framework contract signed at group level")
        self.assertTrue(
            self.account.message_ids.filtered(
                lambda m: "Framework contract signed" in (m.body or "")
            )
        )

    def test_override_refused_for_team_member(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.ka_user).with_context(
                ka_stage_event="override", ka_stage_reason="I think it is fine"
            ).write({"ka_stage_id": self.stage_basic.id})
        with self.assertRaises(UserError):
            self.account.with_user(self.ka_manager).with_context(
                ka_stage_event="override", ka_stage_reason=" "
            ).write({"ka_stage_id": self.stage_basic.id})

    def test_initial_placement(self):
        Partner = self.env["res.partner"]
        with self.assertRaisesRegex(UserError, "starts in stage"):
            Partner.with_user(self.ka_user).create(
                {
                    "name": "Late Starter",
                    "is_company": True,
                    "is_key_account": True,
                    "ka_stage_id": self.stage_partnership.id,
                }
            )
        # a manager places an existing relationship later, with the reason
        partner = (
            Partner.with_user(self.ka_manager)
            .with_context(ka_stage_reason="Customer since 2015")
            .create(
                {
                    "name": "Old Friend",
                    "is_company": True,
                    "is_key_account": True,
                    "ka_stage_id": self.stage_partnership.id,
                }
            )
        )
        self.assertEqual(partner.ka_history_ids.event_type, "initial")
        self.assertEqual(partner.ka_history_ids.reason, "Customer since 2015")

    def test_stage_duration_report(self):
        self._complete_checklist(self.account)
        history = self.account.ka_history_ids
        history.date_start = "2026-01-01 00:00:00"
        self.account.action_ka_advance_stage()
        closed = history.filtered("date_end")
        closed.date_end = "2026-01-11 12:00:00"
        self.assertAlmostEqual(closed.duration_days, 10.5)
        self.env.flush_all()
        report = self.env["key.account.stage.report"].search(
            [("partner_id", "=", self.account.id), ("is_current", "=", False)]
        )
        self.assertAlmostEqual(report.duration_days, 10.5)
        self.assertEqual(report.stage_id, self.stage_exploratory)
