# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A key account always has a relationship stage, and only key accounts have
one: every path that makes a key account (create, write, import, the button,
the upgrade) puts it in the first stage with its history row and exit
checklist, and the stage rules (no skipping, a later start only by a key
account manager with a reason) hold from the first write on."""

from odoo.exceptions import AccessError, UserError
from odoo.modules.migration import load_script
from odoo.tests import tagged

from .common import KeyAccountCommon

REASON = "Supplier for ten years, framework contract in force"


@tagged("post_install", "-at_install")
class TestKeyAccountAlwaysStaged(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.History = cls.env["key.account.stage.history"]

    def _assert_in_first_stage(self, partner, reason=False):
        """``partner`` has just become a key account in the first stage."""
        self.assertTrue(partner.is_key_account)
        self.assertEqual(partner.ka_stage_id, self.stage_exploratory)
        self.assertTrue(partner.ka_stage_date)
        history = partner.ka_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(history.stage_id, self.stage_exploratory)
        self.assertEqual(history.event_type, "initial")
        self.assertEqual(history.reason, reason)
        self.assertFalse(history.date_end)
        self.assertEqual(
            partner.ka_current_checklist_ids.item_id,
            self.stage_exploratory.checklist_item_ids,
        )
        self.assertEqual(partner.ka_checklist_progress, 0.0)

    def _plain_company(self, name):
        return self.Partner.create({"name": name, "is_company": True})

    # ------------------------------------------------------------------ paths
    def test_create_starts_in_first_stage(self):
        for user in (self.ka_user, self.ka_manager):
            with self.subTest(user=user.login):
                Partner = self.Partner.with_user(user)
                account, plain = Partner.create(
                    [
                        {
                            "name": f"New Account of {user.name}",
                            "is_company": True,
                            "is_key_account": True,
                            "ka_user_id": user.id,
                        },
                        {"name": f"Plain Company of {user.name}", "is_company": True},
                    ]
                )
                self._assert_in_first_stage(account)
                self.assertFalse(plain.ka_stage_id)
                self.assertFalse(plain.ka_history_ids)
                # the Key Accounts menu creates with the flag as a default
                menu_account = Partner.with_context(
                    default_is_key_account=True, default_is_company=True
                ).create({"name": f"Menu Account of {user.name}"})
                self._assert_in_first_stage(menu_account)

    def test_write_flag_starts_in_first_stage(self):
        for user in (self.ka_user, self.ka_manager):
            with self.subTest(user=user.login):
                partner = self._plain_company(f"Flagged by {user.name}")
                partner.with_user(user).write({"is_key_account": True})
                self._assert_in_first_stage(partner)

    def test_make_key_account_button_same_path(self):
        partner = self._plain_company("Candidate Co.")
        partner.with_user(self.ka_user).action_ka_make_key_account()
        self._assert_in_first_stage(partner)
        self.assertEqual(partner.ka_user_id, self.ka_user)

    def test_import_starts_in_first_stage(self):
        for user in (self.ka_user, self.ka_manager):
            with self.subTest(user=user.login):
                Partner = self.Partner.with_user(user)
                result = Partner.load(
                    ["name", "is_company", "is_key_account", "ka_stage_id"],
                    [
                        [f"Imported by {user.name}", "1", "1", ""],
                        [f"Imported Plain by {user.name}", "1", "0", ""],
                    ],
                )
                self.assertFalse(result["messages"])
                imported, plain = self.Partner.browse(result["ids"])
                self._assert_in_first_stage(imported)
                self.assertFalse(plain.ka_stage_id)
                # an import that updates an existing partner writes the flag
                existing = self._plain_company(f"Existing of {user.name}")
                result = Partner.load(
                    [".id", "is_key_account"], [[str(existing.id), "1"]]
                )
                self.assertFalse(result["messages"])
                self._assert_in_first_stage(existing)

    def test_import_later_stage(self):
        fields = ["name", "is_company", "is_key_account", "ka_stage_id"]
        row = ["Old Friend Ltd", "1", "1", self.stage_partnership.name]
        # a team member: refused, nothing imported
        result = self.Partner.with_user(self.ka_user).load(fields, [row])
        self.assertFalse(result["ids"])
        self.assertIn("starts in stage", result["messages"][0]["message"])
        # a manager without a reason: refused too
        result = self.Partner.with_user(self.ka_manager).load(fields, [row])
        self.assertFalse(result["ids"])
        self.assertIn("only with a reason", result["messages"][0]["message"])
        # a manager with a reason: placed, the reason recorded
        result = (
            self.Partner.with_user(self.ka_manager)
            .with_context(ka_stage_reason=REASON)
            .load(fields, [row])
        )
        self.assertFalse(result["messages"])
        account = self.Partner.browse(result["ids"])
        self.assertEqual(account.ka_stage_id, self.stage_partnership)
        self.assertEqual(account.ka_history_ids.event_type, "initial")
        self.assertEqual(account.ka_history_ids.reason, REASON)

    # ------------------------------------------------------------------ rules
    def test_later_first_stage_only_for_manager_with_reason(self):
        vals = {
            "name": "Long Standing Customer",
            "is_company": True,
            "is_key_account": True,
            "ka_stage_id": self.stage_cooperative.id,
        }
        with self.assertRaisesRegex(UserError, "starts in stage Exploratory"):
            self.Partner.with_user(self.ka_user).create(dict(vals))
        with self.assertRaisesRegex(UserError, "only with a reason"):
            self.Partner.with_user(self.ka_manager).create(dict(vals))
        account = (
            self.Partner.with_user(self.ka_manager)
            .with_context(ka_stage_reason=REASON)
            .create(dict(vals))
        )
        self.assertEqual(account.ka_stage_id, self.stage_cooperative)
        self.assertEqual(account.ka_history_ids.event_type, "initial")
        self.assertEqual(account.ka_history_ids.reason, REASON)
        self.assertEqual(
            account.ka_current_checklist_ids.item_id,
            self.stage_cooperative.checklist_item_ids,
        )
        self.assertTrue(
            account.message_ids.filtered(lambda m: REASON in (m.body or ""))
        )

    def test_flag_and_later_stage_in_one_write(self):
        partner = self._plain_company("Same Write Co.")
        vals = {"is_key_account": True, "ka_stage_id": self.stage_basic.id}
        with self.assertRaisesRegex(UserError, "starts in stage Exploratory"):
            partner.with_user(self.ka_user).write(vals)
        with self.assertRaisesRegex(UserError, "only with a reason"):
            partner.with_user(self.ka_manager).write(vals)
        self.assertFalse(partner.is_key_account)
        self.assertFalse(partner.ka_stage_id)
        partner.with_user(self.ka_manager).with_context(ka_stage_reason=REASON).write(
            vals
        )
        self.assertEqual(partner.ka_stage_id, self.stage_basic)
        self.assertEqual(partner.ka_history_ids.reason, REASON)

    def test_no_skipping_on_freshly_flagged_account(self):
        for user in (self.ka_user, self.ka_manager):
            with self.subTest(user=user.login):
                partner = self._plain_company(f"Fresh Account of {user.name}")
                partner.with_user(user).write({"is_key_account": True})
                # even with the exit checklist of the first stage complete
                self._complete_checklist(partner)
                with self.assertRaisesRegex(UserError, "cannot be skipped"):
                    partner.with_user(user).with_context(ka_stage_reason=REASON).write(
                        {"ka_stage_id": self.stage_cooperative.id}
                    )
                self.assertEqual(partner.ka_stage_id, self.stage_exploratory)
                partner.with_user(user).write({"ka_stage_id": self.stage_basic.id})
                self.assertEqual(partner.ka_stage_id, self.stage_basic)

    def test_stage_refused_without_the_flag(self):
        partner = self._plain_company("Not a Key Account")
        for user in (self.ka_user, self.ka_manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "is not one"):
                    partner.with_user(user).write(
                        {"ka_stage_id": self.stage_exploratory.id}
                    )
                with self.assertRaisesRegex(UserError, "is not one"):
                    self.Partner.with_user(user).create(
                        {
                            "name": "Stage Only",
                            "is_company": True,
                            "ka_stage_id": self.stage_exploratory.id,
                        }
                    )
        self.assertFalse(partner.ka_stage_id)
        self.assertFalse(partner.ka_history_ids)

    def test_key_account_keeps_a_stage(self):
        for user in (self.ka_user, self.ka_manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "keeps a relationship stage"):
                    self.account.with_user(user).write({"ka_stage_id": False})
        self.assertEqual(self.account.ka_stage_id, self.stage_exploratory)

    def test_salesman_cannot_make_key_accounts(self):
        Partner = self.Partner.with_user(self.salesman)
        with self.assertRaises(AccessError):
            Partner.create(
                {"name": "Salesman's Pick", "is_company": True, "is_key_account": True}
            )
        partner = Partner.create({"name": "Salesman's Customer", "is_company": True})
        with self.assertRaises(AccessError):
            partner.write({"is_key_account": True})
        self.assertFalse(partner.ka_stage_id)

    # ------------------------------------------------------------------ flag off
    def test_clearing_the_flag_keeps_the_history(self):
        self._complete_checklist(self.account)
        self.account.with_user(self.ka_user).action_ka_advance_stage()
        history = self.account.ka_history_ids
        checklist = self.account.ka_checklist_line_ids
        self.assertEqual(len(history), 2)
        self.account.with_user(self.ka_user).write({"is_key_account": False})
        self.assertFalse(self.account.ka_stage_id)
        self.assertFalse(self.account.ka_stage_date)
        self.assertEqual(self.account.ka_history_ids, history)
        self.assertTrue(all(history.mapped("date_end")))
        self.assertEqual(history.stage_id, self.stage_exploratory | self.stage_basic)
        self.assertEqual(self.account.ka_checklist_line_ids, checklist)
        # no stage may be written while it is not a key account
        with self.assertRaisesRegex(UserError, "is not one"):
            self.account.with_user(self.ka_user).write(
                {"ka_stage_id": self.stage_basic.id}
            )
        # made a key account again: the first stage again, no skipping
        with self.assertRaisesRegex(UserError, "starts in stage Exploratory"):
            self.account.with_user(self.ka_user).write(
                {"is_key_account": True, "ka_stage_id": self.stage_basic.id}
            )
        self.account.with_user(self.ka_user).write({"is_key_account": True})
        self.assertEqual(self.account.ka_stage_id, self.stage_exploratory)
        new_row = self.account.ka_history_ids - history
        self.assertEqual(new_row.event_type, "initial")
        self.assertFalse(new_row.date_end)
        self.assertEqual(len(self.account.ka_history_ids), 3)
        with self.assertRaisesRegex(UserError, "cannot be skipped"):
            self.account.with_user(self.ka_user).write(
                {"ka_stage_id": self.stage_cooperative.id}
            )

    # ------------------------------------------------------------------ data
    def test_migration_gives_every_key_account_a_stage(self):
        """18.0.1.1.0: key accounts flagged without a stage before (also
        archived ones) enter the first stage; a partner left with a stage
        after its flag was cleared loses it, its history kept."""
        unstaged = self.Partner.create(
            [
                {"name": "Flagged Before", "is_company": True},
                {"name": "Archived Flagged", "is_company": True, "active": False},
            ]
        )
        former = self.Partner.create(
            {"name": "Former Account", "is_company": True, "is_key_account": True}
        )
        former_history = former.ka_history_ids
        untouched_history = self.account.ka_history_ids
        # the data as the previous version left it
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET is_key_account = true WHERE id IN %s",
            [tuple(unstaged.ids)],
        )
        self.env.cr.execute(
            "UPDATE res_partner SET is_key_account = false WHERE id = %s",
            [former.id],
        )
        self.env.invalidate_all()
        script = load_script(
            "key_account/migrations/18.0.1.1.0/post-migration.py",
            "key_account_post_migration_18_0_1_1_0",
        )
        script.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        for partner in unstaged:
            self._assert_in_first_stage(partner)
        self.assertFalse(former.ka_stage_id)
        self.assertEqual(former.ka_history_ids, former_history)
        self.assertTrue(former_history.date_end)
        self.assertEqual(self.account.ka_history_ids, untouched_history)
        Partner = self.Partner.with_context(active_test=False)
        self.assertFalse(
            Partner.search([("is_key_account", "=", True), ("ka_stage_id", "=", False)])
        )
        self.assertFalse(
            Partner.search(
                [("is_key_account", "=", False), ("ka_stage_id", "!=", False)]
            )
        )

    def test_every_key_account_has_its_stage(self):
        """The data of the database (demo data included): each key account
        has a stage and one open history row of that stage; no other partner
        has a stage."""
        Partner = self.Partner.with_context(active_test=False)
        accounts = Partner.search([("is_key_account", "=", True)])
        self.assertTrue(all(accounts.mapped("ka_stage_id")))
        self.assertFalse(
            Partner.search(
                [("is_key_account", "=", False), ("ka_stage_id", "!=", False)]
            )
        )
        open_rows = self.History.search(
            [("partner_id", "in", accounts.ids), ("date_end", "=", False)]
        )
        self.assertEqual(
            sorted((row.partner_id.id, row.stage_id.id) for row in open_rows),
            sorted((account.id, account.ka_stage_id.id) for account in accounts),
        )
