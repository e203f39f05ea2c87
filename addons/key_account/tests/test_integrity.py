# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every rule of key_account holds on every path a user can take over RPC.

The calls are made as the restricted roles (key account team member, key
account manager, salesperson) with ``create``/``write``/``unlink`` and the
buttons' methods, as XML-RPC/JSON-RPC would. Each refusal is a clean
ValidationError/UserError/AccessError (never a TypeError, ValueError or
KeyError), and the records are unchanged afterwards.
"""

import math
from contextlib import closing
from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import KeyAccountCommon

NUMBER_TYPES = ("float", "integer", "monetary")
BAD_NUMBERS = (math.nan, math.inf, -math.inf, 1e12, -1, 0)


class KeyAccountIntegrityCommon(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ka_manager_2 = mail_new_test_user(
            cls.env,
            login="ka_manager_2",
            name="KA Manager Two",
            groups="base.group_user,key_account.group_key_account_manager",
        )
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Buyer Zhao", "parent_id": cls.account.id}
        )

    def _values(self, records, fnames):
        """What is stored, read again from the database."""
        self.env.invalidate_all()
        return records.sudo().read(fnames)

    def assertRefused(self, exception, func, records, fnames):
        """``func`` raises ``exception`` and ``fnames`` of ``records`` stay."""
        before = self._values(records, fnames)
        with self.assertRaises(exception):
            func()
        self.assertEqual(self._values(records, fnames), before)


@tagged("post_install", "-at_install")
class TestKeyAccountAuditTrail(KeyAccountIntegrityCommon):
    """Stage history and exit checklists are system-written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.history = cls.account.ka_history_ids
        cls.line = cls.account.ka_current_checklist_ids[:1]

    def test_history_rows_are_system_written(self):
        self.assertEqual(len(self.history), 1)
        fnames = ["event_type", "reason", "user_id", "stage_id", "date_start"]
        History = self.env["key.account.stage.history"]
        for user in (self.ka_user, self.ka_manager):
            rows = self.history.with_user(user)
            for vals in (
                {"event_type": "override"},
                {"reason": "rewritten"},
                {"user_id": self.ka_user_other.id},
            ):
                self.assertRefused(
                    AccessError, lambda r=rows, v=vals: r.write(v), self.history, fnames
                )
            # a context key of the client opens nothing
            self.assertRefused(
                AccessError,
                lambda r=rows: r.with_context(key_account_stage_bookkeeping=True).write(
                    {"event_type": "regression"}
                ),
                self.history,
                fnames,
            )
            self.assertRefused(AccessError, rows.unlink, self.history, fnames)
            before = History.search_count([])
            with self.assertRaises(AccessError):
                History.with_user(user).create(
                    {
                        "partner_id": self.account.id,
                        "stage_id": self.stage_partnership.id,
                        "event_type": "progress",
                    }
                )
            self.assertEqual(History.search_count([]), before)
        with self.assertRaises(AccessError):
            History.with_user(self.salesman).create(
                {"partner_id": self.account.id, "stage_id": self.stage_basic.id}
            )

    def test_system_path_still_records_the_user(self):
        self._complete_checklist(self.account)
        self.account.with_user(self.ka_user).action_ka_advance_stage()
        row = self.account.ka_history_ids.filtered(lambda h: not h.date_end)
        self.assertEqual(row.stage_id, self.stage_basic)
        self.assertEqual(row.event_type, "progress")
        self.assertEqual(row.user_id, self.ka_user)
        self.assertTrue(self.history.date_end)

    def test_checklist_confirmation_is_system_stamped(self):
        line = self.line.with_user(self.ka_user)
        fnames = ["done", "done_user_id", "done_date", "item_id", "partner_id"]
        for vals in (
            {"done_user_id": self.ka_manager.id},
            {"done_date": "2020-01-01"},
            {"done": True, "done_user_id": self.ka_manager.id},
            {"item_id": self.stage_basic.checklist_item_ids[:1].id},
            {"partner_id": self.buyer.id},
        ):
            self.assertRefused(
                UserError, lambda v=vals: line.write(v), self.line, fnames
            )
        self.assertRefused(AccessError, line.unlink, self.line, fnames)
        with self.assertRaises(AccessError):
            self.env["key.account.checklist.line"].with_user(self.ka_manager).create(
                {
                    "partner_id": self.account.id,
                    "item_id": self.stage_basic.checklist_item_ids[:1].id,
                    "done": True,
                }
            )
        line.write({"done": True, "note": "Trial order received"})
        self.assertEqual(self.line.done_user_id, self.ka_user)
        self.assertEqual(self.line.done_date, fields.Date.context_today(line))

    def test_only_current_checklist_is_confirmed(self):
        self._complete_checklist(self.account)
        self.account.action_ka_advance_stage()
        self.assertFalse(self.line.is_current)
        self.assertRefused(
            UserError,
            lambda: self.line.with_user(self.ka_user).write({"done": False}),
            self.line,
            ["done", "done_user_id"],
        )


@tagged("post_install", "-at_install")
class TestKeyAccountGiftIntegrity(KeyAccountIntegrityCommon):
    """Gift approvals: state machine on write, four eyes, system stamps."""

    FNAMES = (
        "state",
        "amount",
        "approver_id",
        "requester_id",
        "approval_reason",
        "justification",
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.write({"ka_gift_policy": "limited", "ka_gift_limit": 500.0})
        cls.Gift = cls.env["key.account.gift"]

    def _gift(self, user, **vals):
        return self.Gift.with_user(user).create(
            dict(
                {
                    "name": "Trade fair dinner",
                    "partner_id": self.account.id,
                    "contact_id": self.buyer.id,
                    "amount": 800.0,
                    "date": "2026-04-01",
                },
                **vals,
            )
        )

    def _requested(self, user, **vals):
        gift = self._gift(user, justification="Customary invitation", **vals)
        gift.action_request_approval()
        self.assertEqual(gift.state, "to_approve")
        self.assertEqual(gift.requester_id, user)
        return gift

    def test_approval_fields_are_system_written(self):
        gift = self._requested(self.ka_user)
        for user in (self.ka_user, self.ka_manager):
            as_user = gift.with_user(user)
            for vals in (
                {"approver_id": self.ka_manager.id},
                {"requester_id": self.ka_manager_2.id},
            ):
                self.assertRefused(
                    UserError, lambda v=vals, g=as_user: g.write(v), gift, self.FNAMES
                )
        with self.assertRaises(UserError):
            self._gift(self.ka_manager, approver_id=self.ka_manager_2.id)
        # only a manager who may decide writes the decision reason
        self.assertRefused(
            UserError,
            lambda: gift.with_user(self.ka_user).write({"approval_reason": "ok"}),
            gift,
            self.FNAMES,
        )

    def test_request_needs_a_justification_on_every_path(self):
        gift = self._gift(self.ka_user)
        for vals in (
            {"state": "to_approve"},
            {"state": "to_approve", "justification": "   "},
        ):
            self.assertRefused(
                UserError, lambda v=vals: gift.write(v), gift, self.FNAMES
            )
        self.assertRefused(UserError, gift.action_request_approval, gift, self.FNAMES)
        with self.assertRaises(UserError):
            self._gift(self.ka_user, state="to_approve", justification="x")

    def test_transitions_are_guarded_on_write(self):
        registered = self._gift(self.ka_user, amount=100.0)
        registered.action_register()
        for state in ("draft", "to_approve", "approved"):
            self.assertRefused(
                UserError if state != "approved" else AccessError,
                lambda s=state: registered.write({"state": s}),
                registered,
                self.FNAMES,
            )
        # what was registered or approved stays as it was
        self.assertRefused(
            UserError,
            lambda: registered.write({"amount": 5000.0}),
            registered,
            self.FNAMES,
        )
        self.assertRefused(
            UserError,
            registered.with_user(self.ka_manager).unlink,
            registered,
            self.FNAMES,
        )
        # an unknown state is refused like a forbidden one
        draft = self._gift(self.ka_user)
        self.assertRefused(
            UserError, lambda: draft.write({"state": "nonsense"}), draft, self.FNAMES
        )
        self.assertRefused(
            UserError,
            lambda: draft.write({"state": ["to_approve"]}),
            draft,
            self.FNAMES,
        )

    def test_four_eyes_requester(self):
        gift = self._requested(self.ka_manager)
        self.assertFalse(gift.can_decide)
        for action in (
            lambda: gift.write({"approval_reason": "I approve my own request"}),
            lambda: gift.write({"state": "approved", "approval_reason": "mine"}),
            gift.action_approve,
            gift.action_refuse,
        ):
            with self.assertRaises(UserError) as catcher:
                action()
            self.assertIn("another key account manager", str(catcher.exception))
            self.assertEqual(self._values(gift, ["state"])[0]["state"], "to_approve")
        # another manager decides, and the system records who
        other = gift.with_user(self.ka_manager_2)
        self.assertTrue(other.can_decide)
        other.approval_reason = "Customary, below the market's habits"
        other.action_approve()
        self.assertEqual(gift.state, "approved")
        self.assertEqual(gift.approver_id, self.ka_manager_2)
        self.assertEqual(gift.requester_id, self.ka_manager)

    def test_four_eyes_giver(self):
        """A manager does not decide on a gift they give, even when a team
        member asked for the approval."""
        gift = self._requested(self.ka_user, user_id=self.ka_manager.id)
        self.assertRefused(
            UserError,
            lambda: gift.with_user(self.ka_manager).write(
                {"state": "refused", "approval_reason": "no"}
            ),
            gift,
            self.FNAMES,
        )

    def test_reset_clears_the_decision(self):
        gift = self._requested(self.ka_user)
        gift.with_user(self.ka_manager).write({"approval_reason": "Too expensive"})
        gift.with_user(self.ka_manager).action_refuse()
        self.assertEqual(gift.approver_id, self.ka_manager)
        gift.action_reset_draft()
        self.assertEqual(
            self._values(gift, ["state", "approver_id", "approval_reason"])[0],
            {
                "id": gift.id,
                "state": "draft",
                "approver_id": False,
                "approval_reason": False,
            },
        )

    def test_recipient_policy_applies(self):
        """A contact of a company that forbids gifts cannot be reached through
        an account that allows them."""
        strict = self.env["res.partner"].create(
            {
                "name": "Strict Co.",
                "is_company": True,
                "is_key_account": True,
                "ka_user_id": self.ka_user.id,
                "ka_gift_policy": "forbidden",
            }
        )
        strict_buyer = self.env["res.partner"].create(
            {"name": "Buyer Qian", "parent_id": strict.id}
        )
        self.account.ka_gift_policy = "allowed"
        with self.assertRaises(ValidationError):
            self._gift(self.ka_user, contact_id=strict_buyer.id, amount=10.0)
        gift = self._gift(self.ka_user, amount=10.0)
        self.assertRefused(
            ValidationError,
            lambda: gift.write({"contact_id": strict_buyer.id}),
            gift,
            ["contact_id"],
        )
        # on the recipient's own account its policy refuses the entry
        gift = self._gift(
            self.ka_user, partner_id=strict.id, contact_id=strict_buyer.id, amount=10.0
        )
        self.assertIn("forbids gifts", gift.breach_message)
        self.assertRefused(ValidationError, gift.action_register, gift, self.FNAMES)


@tagged("post_install", "-at_install")
class TestKeyAccountStateMachines(KeyAccountIntegrityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = (
            cls.env["key.account.plan"]
            .with_user(cls.ka_user)
            .create(
                {
                    "name": "2026 plan",
                    "partner_id": cls.account.id,
                    "date_from": "2026-01-01",
                    "date_to": "2026-12-31",
                }
            )
        )

    def _call(self, **vals):
        return (
            self.env["key.account.call"]
            .with_user(self.ka_user)
            .create(
                dict(
                    {
                        "name": "Line 3 project",
                        "partner_id": self.account.id,
                        "contact_id": self.buyer.id,
                        "date": "2026-03-10 09:00:00",
                    },
                    **vals,
                )
            )
        )

    @freeze_time("2026-03-20")
    def test_closed_plan_stays_closed(self):
        fnames = ["state", "goal_share", "last_review_date", "next_review_date"]
        plan = self.plan
        # draft -> closed skips the active state
        self.assertRefused(
            UserError, lambda: plan.write({"state": "closed"}), plan, fnames
        )
        self.assertRefused(UserError, plan.action_review_done, plan, fnames)
        plan.action_activate()
        self.assertRefused(UserError, plan.action_activate, plan, fnames)
        plan.action_close()
        for func in (
            lambda: plan.write({"state": "active"}),
            lambda: plan.write({"state": "draft"}),
            lambda: plan.with_user(self.ka_manager).write({"state": "active"}),
            plan.action_activate,
            plan.action_review_done,
            lambda: plan.write({"goal_share": 50}),
        ):
            self.assertRefused(UserError, func, plan, fnames)
        self.assertEqual(plan.state, "closed")

    @freeze_time("2026-03-20")
    def test_review_date_comes_from_the_button(self):
        fnames = ["last_review_date", "next_review_date"]
        self.plan.action_activate()
        self.assertRefused(
            UserError,
            lambda: self.plan.write({"last_review_date": "2026-03-19"}),
            self.plan,
            fnames,
        )
        self.plan.action_review_done()
        self.assertEqual(self.plan.last_review_date, date(2026, 3, 20))

    @freeze_time("2026-03-20 12:00:00")
    def test_cancelled_call_is_not_done(self):
        call = self._call()
        call.action_cancel()
        fnames = ["state", "date", "contact_id"]
        self.assertRefused(UserError, call.action_done, call, fnames)
        self.assertRefused(
            UserError, lambda: call.write({"state": "done"}), call, fnames
        )
        self.assertRefused(
            UserError, lambda: call.write({"state": "planned"}), call, fnames
        )
        self.assertFalse(self.buyer.ka_last_contact_date)

    @freeze_time("2026-03-20 12:00:00")
    def test_future_call_is_no_last_contact(self):
        future = self._call(date="2026-04-02 09:00:00")
        fnames = ["ka_last_contact_date"]
        self.assertRefused(UserError, future.action_done, self.buyer, fnames)
        self.assertRefused(
            UserError, lambda: future.write({"state": "done"}), self.buyer, fnames
        )
        with self.assertRaises(UserError):
            self._call(date="2026-04-02 09:00:00", state="done")
        self.assertFalse(self.buyer.ka_last_contact_date)
        # by hand, a last contact in the future is refused too
        self.assertRefused(
            ValidationError,
            lambda: self.buyer.with_user(self.ka_user).write(
                {"ka_last_contact_date": "2026-04-02"}
            ),
            self.buyer,
            fnames,
        )
        # a done call on its day is the last contact, through write as well
        past = self._call()
        past.write({"state": "done"})
        self.assertEqual(self.buyer.ka_last_contact_date, date(2026, 3, 10))
        # and what it was stays
        self.assertRefused(
            UserError,
            lambda: past.write({"date": "2026-03-19 09:00:00"}),
            past,
            ["date", "state"],
        )
        self.assertRefused(
            UserError, lambda: past.write({"state": "cancel"}), past, ["state"]
        )


@tagged("post_install", "-at_install")
class TestKeyAccountCrossCompany(KeyAccountIntegrityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_1 = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "KA Company Two"})
        cls.ka_manager.company_ids |= cls.company_2
        cls.account_2 = cls.env["res.partner"].create(
            {
                "name": "Company Two Account",
                "is_company": True,
                "is_key_account": True,
                "company_id": cls.company_2.id,
            }
        )
        cls.buyer_2 = cls.env["res.partner"].create(
            {
                "name": "Buyer Two",
                "parent_id": cls.account_2.id,
                "company_id": cls.company_2.id,
            }
        )

    def test_company_one_records_refuse_company_two_partners(self):
        env = self.env(
            user=self.ka_manager,
            context={"allowed_company_ids": [self.company_1.id, self.company_2.id]},
        )
        common = {"partner_id": self.account_2.id, "company_id": self.company_1.id}
        for model, vals in (
            (
                "key.account.gift",
                {"name": "Tea", "contact_id": self.buyer_2.id, "amount": 10.0},
            ),
            (
                "key.account.plan",
                {"name": "Plan", "date_from": "2026-01-01", "date_to": "2026-12-31"},
            ),
            ("key.account.call", {"name": "Call", "contact_id": self.buyer_2.id}),
            ("key.account.conflict", {"name": "Slots", "cause": "ambiguity"}),
        ):
            before = env[model].sudo().search_count([])
            with self.assertRaises(UserError) as catcher:
                env[model].create(dict(common, **vals))
            self.assertIn("Incompatible companies", str(catcher.exception))
            self.assertEqual(env[model].sudo().search_count([]), before)
        # in company 2 they are accepted
        plan = env["key.account.plan"].create(
            {
                "name": "Plan Two",
                "partner_id": self.account_2.id,
                "company_id": self.company_2.id,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
            }
        )
        self.assertEqual(plan.company_id, self.company_2)
        self.assertRefused(
            UserError,
            lambda: plan.write({"company_id": self.company_1.id}),
            plan,
            ["company_id"],
        )


@tagged("post_install", "-at_install")
class TestKeyAccountNumbers(KeyAccountIntegrityCommon):
    """The figures of the issue, one by one, with the rule that refuses them."""

    def test_partner_scores(self):
        account = self.account.with_user(self.ka_user)
        fnames = [
            "ka_attractiveness",
            "ka_advantage",
            "ka_supplier_importance",
            "ka_spend_share",
            "ka_stake",
            "ka_involvement",
            "ka_gift_limit",
            "ka_quadrant",
        ]
        for vals in (
            {"ka_attractiveness": 15},
            {"ka_advantage": -3},
            {"ka_supplier_importance": 42},
            {"ka_spend_share": 10.5},
            {"ka_stake": 99},
            {"ka_involvement": -5},
            {"ka_gift_limit": -100.0},
            {"ka_attractiveness": math.nan},
            {"ka_stake": math.inf},
            {"ka_stake": "many"},
            {"ka_stake": 2.5},
            {"ka_advantage": "NaN"},
        ):
            self.assertRefused(
                ValidationError, lambda v=vals: account.write(v), self.account, fnames
            )
        with self.assertRaises(ValidationError):
            self.env["res.partner"].with_user(self.ka_user).create(
                {"name": "Buyer Sun", "parent_id": self.account.id, "ka_stake": 11}
            )
        account.write({"ka_attractiveness": 10, "ka_advantage": 0})
        self.assertEqual(self.account.ka_quadrant, "develop")

    def test_plan_figures(self):
        plan = (
            self.env["key.account.plan"]
            .with_user(self.ka_user)
            .create(
                {
                    "name": "Plan",
                    "partner_id": self.account.id,
                    "date_from": "2026-01-01",
                    "date_to": "2026-12-31",
                }
            )
        )
        fnames = ["goal_share", "review_interval", "goal_sales", "resource_budget"]
        for vals in (
            {"goal_share": 250},
            {"goal_share": -1},
            {"review_interval": 100_000_000},
            {"review_interval": 1e8},
            {"review_interval": 0},
            {"goal_sales": -5},
            {"resource_budget": math.inf},
        ):
            self.assertRefused(
                ValidationError, lambda v=vals: plan.write(v), plan, fnames
            )

    def test_settings_are_validated_where_saved(self):
        admin = self.env.ref("base.user_admin")
        Settings = self.env["res.config.settings"].with_user(admin)
        params = self.env["ir.config_parameter"].sudo()
        keys = [
            "key_account.quadrant_threshold",
            "key_account.contact_alert_days",
            "key_account.freshness_days",
        ]
        before = [params.get_param(key) for key in keys]
        for vals in (
            {"ka_quadrant_threshold": -3},
            {"ka_quadrant_threshold": 10.5},
            {"ka_quadrant_threshold": math.nan},
            {"ka_contact_alert_days": 1_000_000},
            {"ka_contact_alert_days": 0},
            {"ka_freshness_days": 1e6},
            {"ka_freshness_days": -1},
        ):
            with self.assertRaises(ValidationError):
                Settings.create(vals).execute()
            self.assertEqual([params.get_param(key) for key in keys], before)
        settings = Settings.create(
            {"ka_contact_alert_days": 30, "ka_quadrant_threshold": 0}
        )
        settings.execute()
        Partner = self.env["res.partner"]
        self.assertEqual(Partner._ka_get_contact_alert_days(), 30)
        # zero is a threshold, not "use the default"
        self.assertEqual(Partner._ka_get_quadrant_threshold(), 0.0)

    @freeze_time("2026-06-30")
    def test_bad_stored_parameters_do_not_break_reads(self):
        """A value stored by hand (System Parameters) falls back to the
        default: every read of the alert, the matrix and the cron work."""
        self.buyer.write(
            {"ka_role": "decision_maker", "ka_last_contact_date": "2026-06-01"}
        )
        params = self.env["ir.config_parameter"].sudo()
        Partner = self.env["res.partner"]
        for raw in ("1000000", "1e6", "nan", "inf", "-5", "abc", "False", "2.5"):
            params.set_param("key_account.contact_alert_days", raw)
            params.set_param("key_account.quadrant_threshold", raw)
            params.set_param("key_account.freshness_days", raw)
            self.env.invalidate_all()
            self.assertEqual(Partner._ka_get_contact_alert_days(), 60)
            self.assertEqual(Partner._ka_get_freshness_days(), 90)
            expected = 2.5 if raw == "2.5" else 5.0
            self.assertEqual(Partner._ka_get_quadrant_threshold(), expected)
            buyer = self.buyer.with_user(self.ka_user)
            self.assertFalse(buyer.ka_contact_alert)
            self.assertIn(
                self.buyer,
                Partner.with_user(self.ka_user).search(
                    [("ka_contact_alert", "=", False), ("id", "=", self.buyer.id)]
                ),
            )
            self.account.with_user(self.ka_user).read(["ka_at_risk", "ka_quadrant"])
            Partner._cron_ka_contact_alert()
            settings = self.env["res.config.settings"].create({})
            self.assertEqual(settings.ka_contact_alert_days, 60)

    def test_unknown_stage_is_a_clean_error(self):
        account = self.account.with_user(self.ka_manager)
        fnames = ["ka_stage_id", "ka_history_ids"]
        for value in (999_999, "basic", True, [self.stage_basic.id]):
            self.assertRefused(
                ValidationError,
                lambda v=value: account.write({"ka_stage_id": v}),
                self.account,
                fnames,
            )
            with self.assertRaises(ValidationError):
                self.env["res.partner"].with_user(self.ka_manager).create(
                    {"name": "New KA", "is_key_account": True, "ka_stage_id": value}
                )


@tagged("post_install", "-at_install")
class TestKeyAccountNumberProperty(KeyAccountIntegrityCommon):
    """Every number a user can write in key_account, found from the models
    (not listed by hand), refuses NaN, infinities and out-of-range values
    cleanly or takes them harmlessly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        plan = cls.env["key.account.plan"].create(
            {
                "name": "Plan",
                "partner_id": cls.account.id,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
                "action_ids": [Command.create({"name": "Seminar"})],
            }
        )
        call = cls.env["key.account.call"].create(
            {
                "name": "Call",
                "partner_id": cls.account.id,
                "contact_id": cls.buyer.id,
                "question_ids": [
                    Command.create({"question_type": "situation", "name": "Lines?"})
                ],
            }
        )
        factor = cls.env.ref("key_account.key_account_factor_scale")
        cls.fixtures = {
            # model: (record to write on, a user allowed to write it)
            "res.partner": (cls.account, cls.ka_user),
            "key.account.plan": (plan, cls.ka_user),
            "key.account.plan.action": (plan.action_ids, cls.ka_user),
            "key.account.call": (call, cls.ka_user),
            "key.account.call.question": (call.question_ids, cls.ka_user),
            "key.account.gift": (
                cls.env["key.account.gift"].create(
                    {
                        "name": "Tea",
                        "partner_id": cls.account.id,
                        "contact_id": cls.buyer.id,
                        "amount": 10.0,
                    }
                ),
                cls.ka_user,
            ),
            "key.account.rating": (
                cls.env["key.account.rating"].create(
                    {"partner_id": cls.account.id, "factor_id": factor.id, "rating": 7}
                ),
                cls.ka_user,
            ),
            "key.account.factor": (factor, cls.ka_manager),
            "key.account.stage": (cls.stage_basic, cls.ka_manager),
            "key.account.stage.checklist": (
                cls.stage_basic.checklist_item_ids[:1],
                cls.ka_manager,
            ),
        }

    def _writable_numbers(self):
        """{model: [field]} of the float, integer and monetary fields that
        key_account declares and a user can write."""
        res = {}
        for model_name in self.env.registry:
            Model = self.env[model_name]
            if Model._abstract:
                continue
            ours = {
                fname
                for fname, field in Model._fields.items()
                if field._module == "key_account"
            }
            if not ours:
                continue
            described = Model.fields_get(list(ours), ["type", "readonly"])
            numbers = sorted(
                fname
                for fname, desc in described.items()
                if desc["type"] in NUMBER_TYPES and not desc["readonly"]
            )
            if numbers:
                res[model_name] = numbers
        return res

    def _assert_harmless(self, record):
        """The record reads (computed fields included), and the partners'
        computed fields and the daily cron still work."""
        self.env.invalidate_all()
        ours = [
            fname
            for fname, field in record._fields.items()
            if field._module == "key_account"
        ]
        record.read([*ours, "display_name"])
        Partner = self.env["res.partner"]
        self.account.with_user(self.ka_user).read(
            ["ka_quadrant", "ka_supplier_position", "ka_at_risk", "ka_risk_reasons"]
        )
        self.buyer.with_user(self.ka_user).read(
            ["ka_contact_alert", "ka_matrix_position"]
        )
        Partner.with_user(self.ka_user).search([("ka_contact_alert", "=", True)])
        Partner._cron_ka_contact_alert()

    def _try(self, write, record, snapshot):
        """Write a bad number; return whether it was refused. A refusal is a
        UserError (ValidationError included) after which ``snapshot()`` reads
        the same as before; any other exception fails the test."""
        before = snapshot()
        with closing(self.env.cr.savepoint()):
            try:
                with self.env.cr.savepoint():
                    write()
                    self.env.flush_all()
            except UserError:
                refused = True
            else:
                refused = False
                self._assert_harmless(record)
        if refused:
            self.env.invalidate_all()
            self.assertEqual(snapshot(), before)
        return refused

    def test_every_number_refuses_bad_values(self):
        numbers = self._writable_numbers()
        # the walk finds the fields of the issue, and the settings
        self.assertIn("goal_share", numbers["key.account.plan"])
        self.assertIn("ka_stake", numbers["res.partner"])
        self.assertIn("ka_contact_alert_days", numbers["res.config.settings"])
        refused = set()
        admin = self.env.ref("base.user_admin")
        params = self.env["ir.config_parameter"].sudo()
        for model_name, fnames in numbers.items():
            for fname in fnames:
                for value in BAD_NUMBERS:
                    if model_name == "res.config.settings":
                        # a new settings record is saved; the parameters stay
                        Settings = self.env[model_name].with_user(admin)
                        record = self.account.with_user(self.ka_user)

                        def write(f=fname, v=value, s=Settings):
                            s.create({f: v}).execute()

                        def snapshot():
                            return params.search_read(
                                [("key", "=like", "key_account.%")], ["key", "value"]
                            )

                    else:
                        self.assertIn(
                            model_name,
                            self.fixtures,
                            f"{model_name}.{fname}: add a record to the fixtures",
                        )
                        record, user = self.fixtures[model_name]
                        record = record.with_user(user)

                        def write(r=record, f=fname, v=value):
                            r.write({f: v})

                        def snapshot(r=record, f=fname):
                            return self._values(r, [f])

                    with self.subTest(model=model_name, field=fname, value=value):
                        if self._try(write, record, snapshot):
                            refused.add((model_name, fname, repr(value)))
        # NaN and the infinities never pass
        for model_name, fnames in numbers.items():
            for fname in fnames:
                for value in (math.nan, math.inf, -math.inf):
                    self.assertIn((model_name, fname, repr(value)), refused)
        # the bounds of the issue
        for key in (
            ("res.partner", "ka_attractiveness", "1000000000000.0"),
            ("res.partner", "ka_stake", "-1"),
            ("res.partner", "ka_gift_limit", "-1"),
            ("key.account.plan", "goal_share", "1000000000000.0"),
            ("key.account.plan", "review_interval", "0"),
            ("res.config.settings", "ka_contact_alert_days", "1000000000000.0"),
            ("res.config.settings", "ka_quadrant_threshold", "-1"),
        ):
            self.assertIn(key, refused)

    def test_alert_date_arithmetic_at_the_bounds(self):
        """The largest values the settings accept still compute dates."""
        settings = self.env["res.config.settings"].create(
            {"ka_contact_alert_days": 3650, "ka_freshness_days": 3650}
        )
        settings.execute()
        self.buyer.ka_role = "decision_maker"
        self.buyer.ka_last_contact_date = fields.Date.today() - timedelta(days=3651)
        self.assertTrue(self.buyer.ka_contact_alert)
        self.assertTrue(self.account.ka_freshness >= 0)
