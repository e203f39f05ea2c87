# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every rule of sale_customer_mgmt holds on every path a user can take over RPC.

The calls are made as the restricted roles (salesperson, sales manager; the
settings as the administrator, who is not the superuser) with
``create``/``write``/``unlink`` and the buttons' methods, as XML-RPC/JSON-RPC
would. Each refusal is a clean ValidationError/UserError/AccessError (never
a TypeError, ValueError or KeyError raised by our code), and the records are
unchanged afterwards.
"""

import math
from contextlib import closing

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

NUMBER_TYPES = ("float", "integer", "monetary")
BAD_NUMBERS = (math.nan, math.inf, -math.inf, 1e12, -1, 0)
MODULE = "sale_customer_mgmt"


class IntegrityCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env, login="int_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.salesman_2 = new_test_user(
            cls.env,
            login="int_salesman_2",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.manager = new_test_user(
            cls.env, login="int_manager", groups="sales_team.group_sale_manager"
        )
        cls.manager_2 = new_test_user(
            cls.env, login="int_manager_2", groups="sales_team.group_sale_manager"
        )
        cls.admin = cls.env.ref("base.user_admin")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Integrity Co", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Valve",
                "list_price": 115.0,
                "taxes_id": False,
                "invoice_policy": "order",
            }
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

    def _order(self, qty=10):
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": qty,
                                "price_unit": 115.0,
                                "tax_id": False,
                            }
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        return order


@tagged("post_install", "-at_install")
class TestOrderChangeIntegrity(IntegrityCommon):
    """Line changes count, approvals go through their buttons, four eyes."""

    FNAMES = ("state", "approver_id", "decision_date", "amount_after", "user_id")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"order_change_approval": True, "order_change_approval_amount": 100.0}
        )

    def test_line_write_needs_approval(self):
        order = self._order()
        self.assertEqual(order.approved_amount, 1150.0)
        # the issue: 1 150 -> 4 140 by writing the line's quantity
        order.order_line.with_user(self.salesman).write({"product_uom_qty": 36})
        self.assertEqual(order.amount_total, 4140.0)
        change = order.order_change_ids
        self.assertEqual(len(change), 1)
        self.assertEqual(change.state, "to_approve")
        self.assertEqual((change.amount_before, change.amount_after), (1150.0, 4140.0))
        self.assertEqual(change.user_id, self.salesman)
        self.assertEqual(order.approved_amount, 1150.0)
        self.assertTrue(order.order_change_blocked)
        with self.assertRaisesRegex(UserError, "approval"):
            order.with_user(self.salesman)._create_invoices()

    def test_line_create_and_price_count(self):
        order = self._order()
        Line = self.env["sale.order.line"].with_user(self.salesman)
        Line.create(
            {
                "order_id": order.id,
                "product_id": self.product.id,
                "product_uom_qty": 20,
                "price_unit": 115.0,
                "tax_id": False,
            }
        )
        self.assertEqual(order.order_change_ids.state, "to_approve")
        self.assertEqual(order.order_change_ids.amount_after, 3450.0)
        # a small price change within the threshold is logged and approved,
        # and withdraws the pending one as an order write does
        order.order_line[0].with_user(self.salesman).price_unit = 110.0
        self.assertEqual(
            order.order_change_ids.sorted("id").mapped("state"),
            ["cancelled", "to_approve"],
        )
        # one change for an order write with line commands, not one per line
        order.with_user(self.salesman).write(
            {
                "order_line": [
                    Command.update(line.id, {"product_uom_qty": 1})
                    for line in order.order_line
                ]
            }
        )
        pending = order.order_change_ids.filtered(lambda c: c.state == "to_approve")
        self.assertEqual(len(pending), 1)
        self.assertEqual(pending.amount_after, 225.0)

    def test_change_records_are_system_written(self):
        order = self._order()
        order.order_line.with_user(self.salesman).product_uom_qty = 36
        change = order.order_change_ids
        for user in (self.manager, self.salesman):
            as_user = change.with_user(user)
            for vals in (
                {"state": "approved"},
                {"approver_id": user.id},
                {"amount_after": 1150.0},
                {"user_id": self.manager_2.id},
            ):
                self.assertRefused(
                    AccessError,
                    lambda v=vals, c=as_user: c.write(v),
                    change,
                    self.FNAMES,
                )
        # a context key of the client opens nothing
        self.assertRefused(
            AccessError,
            lambda: change.with_user(self.manager)
            .with_context(sale_customer_mgmt_system_write=True)
            .write({"state": "approved"}),
            change,
            self.FNAMES,
        )
        Change = self.env["sale.order.change"]
        before = Change.search_count([])
        with self.assertRaises(AccessError):
            Change.with_user(self.manager).create(
                {
                    "order_id": order.id,
                    "amount_before": 0,
                    "amount_after": 1,
                    "state": "approved",
                }
            )
        with self.assertRaises(AccessError):
            order.with_user(self.manager).write(
                {"order_change_ids": [Command.update(change.id, {"state": "approved"})]}
            )
        self.assertEqual(Change.search_count([]), before)
        # the approved total of the order is the system's too
        for user in (self.salesman, self.manager):
            self.assertRefused(
                AccessError,
                lambda u=user: order.with_user(u).write({"approved_amount": 4140.0}),
                order,
                ["approved_amount"],
            )
            self.assertRefused(
                AccessError,
                lambda u=user: order.with_user(u)
                .with_context(skip_order_change_check=True)
                .write({"approved_amount": 4140.0}),
                order,
                ["approved_amount"],
            )
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesman).create(
                {"partner_id": self.customer.id, "approved_amount": 1.0}
            )
        self.assertTrue(order.order_change_blocked)
        # the buttons still decide, and record who and when
        change.with_user(self.manager).action_approve()
        self.assertEqual(change.state, "approved")
        self.assertEqual(change.approver_id, self.manager)
        self.assertTrue(change.decision_date)
        self.assertEqual(order.approved_amount, 4140.0)

    def test_four_eyes(self):
        order = self._order().with_user(self.manager)
        order.order_line.product_uom_qty = 36
        change = order.order_change_ids
        self.assertEqual(change.state, "to_approve", "not approved by its author")
        self.assertEqual(change.user_id, self.manager)
        self.assertFalse(change.approver_id)
        for action in (
            change.with_user(self.manager).action_approve,
            change.with_user(self.manager).action_reject,
        ):
            self.assertRefused(UserError, action, change, self.FNAMES)
        self.assertRefused(
            UserError,
            lambda: self.env["sale.order"].browse(order.ids)._create_invoices(),
            order,
            ["approved_amount"],
        )
        change.with_user(self.manager_2).action_reject()
        self.assertEqual(change.state, "rejected")
        self.assertEqual(change.approver_id, self.manager_2)


@tagged("post_install", "-at_install")
class TestPartnerEngineFields(IntegrityCommon):
    """Engine-owned partner fields are written by the engine only."""

    FNAMES = [
        "churn_state",
        "tier_score_purchase",
        "tier_score_cooperation",
        "lifetime_value",
        "is_prospect",
        "customer_score",
        "customer_tier_id",
        "purchase_power",
        "tier_locked",
        "tier_scored_date",
    ]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier = cls.env["res.partner.tier"].search([], limit=1)
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Co", "is_company": True, "user_id": cls.salesman_2.id}
        )
        (cls.customer | cls.other_customer)._recompute_tiers()

    def test_users_cannot_write_engine_fields(self):
        for user, partner in (
            (self.salesman_2, self.customer),  # the issue: another's customer
            (self.salesman, self.customer),
            (self.manager, self.other_customer),
        ):
            as_user = partner.with_user(user)
            for vals in (
                {"churn_state": "lost"},
                {"tier_score_purchase": 100.0},
                {"lifetime_value": 1e9},
                {"is_prospect": False},
                {"customer_score": 99.0},
                {"customer_tier_id": self.tier.id},
                {"purchase_power": "high"},
                {"tier_locked": True},
                {"tier_scored_date": "2020-01-01 00:00:00"},
            ):
                self.assertRefused(
                    AccessError,
                    lambda v=vals, p=as_user: p.write(v),
                    partner,
                    self.FNAMES,
                )
        with self.assertRaises(AccessError) as catcher:
            self.env["res.partner"].with_user(self.manager).create(
                {"name": "Fake Star", "churn_state": "active", "customer_score": 100}
            )
        self.assertIn("set by the system", str(catcher.exception))

    def test_engine_paths_still_write(self):
        """Recompute, pin and unpin go through the system's own path, and a
        copy does not inherit the original's figures."""
        partner = self.customer.with_user(self.salesman)
        partner.tier_cooperation_rating = "5"
        partner.action_recompute_tier()
        self.assertTrue(self.customer.tier_scored_date)
        wizard = (
            self.env["res.partner.tier.pin.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "partner_ids": [Command.set(self.customer.ids)],
                    "tier_id": self.tier.id,
                    "reason": "Strategic customer",
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(self.customer.customer_tier_id, self.tier)
        self.assertTrue(self.customer.tier_locked)
        self.assertEqual(self.customer.tier_locked_by_id, self.manager)
        self.customer.with_user(self.manager).action_unpin_tier()
        self.assertFalse(self.customer.tier_locked)
        copy = self.customer.with_user(self.salesman).copy()
        self.assertFalse(copy.tier_locked_by_id)
        self.assertFalse(copy.sudo().tier_scored_date)


@tagged("post_install", "-at_install")
class TestLeadIntegrity(IntegrityCommon):
    """Pool and contact flags through their actions; won dealers checked on
    every path; wrong types fail as the ORM fails."""

    FNAMES = [
        "in_public_pool",
        "is_contacted",
        "card_regrade_needed",
        "user_id",
        "stage_id",
        "probability",
        "active",
        "last_followup_date",
    ]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Lead = cls.env["crm.lead"].with_user(cls.salesman)
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)

    def test_flags_only_through_actions(self):
        lead = self.Lead.create({"name": "Flags", "type": "opportunity"})
        for user in (self.salesman, self.manager):
            for vals in (
                {"in_public_pool": True},
                {"is_contacted": True},
                {"card_regrade_needed": True},
                {"man_class": 1},
                {"explicit_value_score": 100.0},
                # the public pool's clock: moving it would keep a neglected
                # prospect out of the pool
                {"last_followup_date": "2099-01-01"},
            ):
                self.assertRefused(
                    AccessError,
                    lambda v=vals, u=user: lead.with_user(u).write(v),
                    lead,
                    self.FNAMES,
                )
        for vals in (
            {"name": "Pooled", "in_public_pool": True, "user_id": False},
            {"name": "Contacted", "is_contacted": True},
            {"name": "Followed up", "last_followup_date": "2099-01-01"},
        ):
            with self.assertRaises(AccessError):
                self.Lead.create(vals)
        # a default of the context cannot make an assigned lead a pooled one
        with self.assertRaises(ValidationError):
            self.Lead.with_context(default_in_public_pool=True).create(
                {"name": "Mine and pooled"}
            )
        # the pool menu creates unassigned leads in the pool
        pool_context = self.env.ref(
            "sale_customer_mgmt.crm_lead_action_public_pool"
        ).context
        self.assertIn("'default_user_id': False", pool_context)
        pooled = self.Lead.with_context(
            default_in_public_pool=True, default_user_id=False
        ).create({"name": "From the pool menu"})
        self.assertTrue(pooled.in_public_pool)
        # assigning a pooled prospect takes it out of the pool
        pooled.with_user(self.manager).write({"user_id": self.salesman_2.id})
        self.assertFalse(pooled.in_public_pool)
        # the actions still work
        lead.action_pool_release()
        self.assertTrue(lead.in_public_pool)
        lead.with_user(self.salesman_2).action_pool_claim()
        self.assertFalse(lead.in_public_pool)
        self.assertEqual(lead.user_id, self.salesman_2)
        lead.with_user(self.salesman_2).message_post(
            body="Called", message_type="comment"
        )
        self.assertTrue(lead.is_contacted)

    def test_dealer_checks_on_every_won_path(self):
        lead = self.Lead.create(
            {"name": "Dealer West", "type": "opportunity", "is_dealer": True}
        )
        for vals in (
            {"probability": 100},
            {"probability": 100.0, "dealer_contract_signed": True},
            {"stage_id": self.won_stage.id},
        ):
            self.assertRefused(
                UserError, lambda v=vals: lead.write(v), lead, self.FNAMES
            )
        with self.assertRaises(UserError):
            self.Lead.create(
                {"name": "Born won", "is_dealer": True, "stage_id": self.won_stage.id}
            )
        ready = {
            "dealer_credit_evaluation": "Bank references",
            "dealer_payment_term_id": self.env.ref(
                "account.account_payment_term_30days"
            ).id,
            "dealer_contract_signed": True,
            "dealer_technical_assistance": "Training",
        }
        # the checks read the values written with the stage
        lead.write(dict(ready, probability=100))
        self.assertEqual(lead.probability, 100)
        self.assertEqual(lead.card_color, "red")
        # a won dealer keeps what the check asked for
        self.assertRefused(
            UserError,
            lambda: lead.write({"dealer_contract_signed": False}),
            lead,
            ["dealer_contract_signed"],
        )

    def test_wrong_stage_type_is_a_clean_error(self):
        lead = self.Lead.create({"name": "Typed", "type": "opportunity"})
        for value in ("Won", [self.won_stage.id], {"id": 1}, True, 999_999_999):
            self.assertRefused(
                ValidationError,
                lambda v=value: lead.write({"stage_id": v}),
                lead,
                self.FNAMES,
            )
            with self.assertRaises(ValidationError):
                self.Lead.create({"name": "Typed too", "stage_id": value})


@tagged("post_install", "-at_install")
class TestStateMachines(IntegrityCommon):
    """Visits and visit plans move only along their transitions."""

    def test_visit_transitions(self):
        Visit = self.env["sale.customer.visit"].with_user(self.salesman)
        visit = Visit.create({"partner_id": self.customer.id})
        visit.action_done()
        fnames = ["state"]
        # the issue: done -> cancelled -> planned
        for state in ("cancelled", "planned", "nonsense", ["planned"]):
            self.assertRefused(
                UserError, lambda s=state: visit.write({"state": s}), visit, fnames
            )
        self.assertRefused(UserError, visit.action_cancel, visit, fnames)
        self.assertRefused(UserError, visit.action_reset_to_planned, visit, fnames)
        self.assertRefused(
            UserError,
            lambda: visit.with_user(self.manager).write({"state": "planned"}),
            visit,
            fnames,
        )
        # a cancelled visit may be planned again, then done
        other = Visit.create({"partner_id": self.customer.id})
        other.action_cancel()
        self.assertRefused(
            UserError, lambda: other.write({"state": "done"}), other, fnames
        )
        other.action_reset_to_planned()
        other.write({"state": "done"})
        self.assertEqual(other.state, "done")

    def test_visit_plan_state_from_its_button(self):
        plan = (
            self.env["sale.visit.plan"]
            .with_user(self.salesman)
            .create({"date_from": "2026-03-01"})
        )
        self.assertRefused(
            AccessError,
            lambda: plan.write({"state": "generated"}),
            plan,
            ["state", "visit_ids"],
        )
        plan.action_generate()
        self.assertEqual(plan.state, "generated")
        self.assertRefused(
            AccessError, lambda: plan.write({"state": "draft"}), plan, ["state"]
        )


@tagged("post_install", "-at_install")
class TestNumbers(IntegrityCommon):
    """The numbers of the issue, one by one, with the rule that refuses them."""

    def test_thresholds_and_weights(self):
        tier = self.env["res.partner.tier"].search([], limit=1)
        Threshold = self.env["res.partner.tier.threshold"].with_user(self.manager)
        for score in (math.nan, math.inf, -3, 150):
            with self.assertRaises(ValidationError):
                Threshold.create({"tier_id": tier.id, "min_score": score})
        self.assertRefused(
            ValidationError,
            lambda: tier.with_user(self.manager).write({"min_score": math.nan}),
            tier,
            ["min_score"],
        )
        company = self.company.with_user(self.admin)
        weights = [
            "tier_weight_purchase",
            "tier_weight_profit",
            "churn_category_min_share",
            "prospect_pool_target",
        ]
        before = self._values(self.company, weights)
        for vals in (
            {"tier_weight_purchase": math.nan},
            {"tier_weight_profit": -5},
            {"tier_weight_profit": 1e12},
            {"churn_category_min_share": -10},
            {"prospect_pool_target": -1},
            {"prospect_public_pool_days": 1e9},
        ):
            self.assertRefused(
                ValidationError, lambda v=vals: company.write(v), self.company, weights
            )
            with self.assertRaises(ValidationError):
                self.env["res.config.settings"].with_user(self.admin).create(
                    vals
                ).execute()
            self.assertEqual(self._values(self.company, weights), before)
        check = (
            self.env["crm.development.check"]
            .with_user(self.manager)
            .create(
                {
                    "user_id": self.salesman.id,
                    "date_from": "2026-01-01",
                    "date_to": "2026-01-31",
                }
            )
        )
        self.assertRefused(
            ValidationError,
            lambda: check.write({"min_new_prospects": -1}),
            check,
            ["min_new_prospects"],
        )
        wizard = (
            self.env["customer.tier.whatif.wizard"].with_user(self.manager).create({})
        )
        for vals in ({"weight_purchase": math.nan}, {"weight_profit": -3}):
            self.assertRefused(
                ValidationError,
                lambda v=vals: wizard.write(v),
                wizard,
                ["weight_purchase", "weight_profit"],
            )

    def test_bad_stored_settings_do_not_break_reads(self):
        """Values stored before the checks (or by SQL) fall back to their
        defaults: scores stay numbers, tiers are given, crons run."""
        tier = self.env["res.partner.tier"].search([], order="sequence", limit=1)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_company
                   SET tier_weight_purchase = 'NaN', tier_weight_profit = -4,
                       churn_interval_factor = 'Infinity', lifetime_years = 'NaN',
                       prospect_public_pool_days = 2000000000,
                       prospect_public_pool = TRUE
                 WHERE id = %s
                """,
                self.company.id,
            )
        )
        self.env["res.partner.tier.threshold"].search(
            [("company_id", "=", self.company.id)]
        ).unlink()
        self.env.cr.execute(
            SQL(
                "INSERT INTO res_partner_tier_threshold "
                "(company_id, tier_id, min_score) VALUES (%s, %s, 'NaN')",
                self.company.id,
                tier.id,
            )
        )
        self.env.invalidate_all()
        weights = self.company._get_tier_weights()
        self.assertTrue(all(math.isfinite(w) and w >= 0 for w in weights.values()))
        self.assertEqual(self.company._get_tier_thresholds(), {})
        self._order()
        self.customer._recompute_tiers()
        score = self.customer.sudo().customer_score
        self.assertTrue(math.isfinite(score))
        self.assertTrue(self.customer.customer_tier_id)
        self.assertTrue(math.isfinite(self.customer.sudo().lifetime_value))
        self.env["crm.lead"]._cron_public_pool_reclaim()
        self.salesman.with_user(self.manager).read(["prospect_pool_shortfall"])


@tagged("post_install", "-at_install")
class TestNumberProperty(IntegrityCommon):
    """Every number sale_customer_mgmt adds, found from the models (not
    listed by hand), refuses NaN, infinities and out-of-range values cleanly
    or takes them harmlessly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        order = (
            env["sale.order"]
            .with_user(cls.salesman)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 10,
                                "price_unit": 115.0,
                                "tax_id": False,
                            }
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        cls.company.write(
            {"order_change_approval": True, "order_change_approval_amount": 10.0}
        )
        order.order_line.with_user(cls.salesman).product_uom_qty = 20
        plan = env["sale.collection.plan"].create(
            {
                "order_id": order.id,
                "line_ids": [
                    Command.create(
                        {"percentage": 50.0, "date_due": "2026-06-30", "name": "A"}
                    )
                ],
            }
        )
        tier = env["res.partner.tier"].search([], limit=1)
        wizard = env["customer.tier.whatif.wizard"].with_user(cls.manager).create({})
        wizard.action_preview()
        cls.lead = env["crm.lead"].with_user(cls.salesman).create({"name": "Numbers"})
        figure = env["customer.tier.figure"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "run_date": "2026-01-01",
            }
        )
        cls.fixtures = {
            # model: (record to write on, a user allowed to write it or the
            # closest restricted role)
            "res.company": (cls.company, cls.admin),
            "res.users": (cls.salesman, cls.admin),
            "res.partner": (cls.customer, cls.salesman),
            "res.partner.tier": (tier, cls.manager),
            "res.partner.tier.threshold": (
                env["res.partner.tier.threshold"].create(
                    {"tier_id": tier.id, "min_score": tier.min_score}
                ),
                cls.manager,
            ),
            "res.partner.tier.history": (
                env["res.partner.tier.history"].create(
                    {"partner_id": cls.customer.id, "score": 1.0}
                ),
                cls.manager,
            ),
            "customer.tier.figure": (figure, cls.manager),
            "customer.tier.whatif.wizard": (wizard, cls.manager),
            "customer.tier.whatif.threshold": (wizard.threshold_ids[:1], cls.manager),
            "customer.tier.whatif.result": (wizard.result_ids[:1], cls.manager),
            "crm.lead": (cls.lead, cls.salesman),
            "crm.development.check": (
                env["crm.development.check"].create(
                    {
                        "user_id": cls.salesman.id,
                        "date_from": "2026-01-01",
                        "date_to": "2026-01-31",
                    }
                ),
                cls.manager,
            ),
            "sale.customer.visit": (
                env["sale.customer.visit"]
                .with_user(cls.salesman)
                .create({"partner_id": cls.customer.id}),
                cls.salesman,
            ),
            "sale.visit.plan": (
                env["sale.visit.plan"]
                .with_user(cls.salesman)
                .create({"date_from": "2026-03-01"}),
                cls.salesman,
            ),
            "sale.target": (
                env["sale.target"].create(
                    {
                        "user_id": cls.salesman.id,
                        "date_from": "2026-01-01",
                        "date_to": "2026-03-31",
                        "amount": 1000.0,
                    }
                ),
                cls.manager,
            ),
            "sale.churn.reason": (
                env["sale.churn.reason"].search([], limit=1),
                cls.manager,
            ),
            "sale.collection.plan": (plan, cls.salesman),
            "sale.collection.plan.line": (plan.line_ids, cls.salesman),
            "sale.order": (order, cls.salesman),
            "sale.order.change": (order.order_change_ids[:1], cls.manager),
        }

    def _numbers(self):
        """{model: [field]} of the float, integer and monetary fields that
        sale_customer_mgmt declares on the models it adds or extends."""
        res = {}
        for model_name in self.env.registry:
            Model = self.env[model_name]
            if Model._abstract or not (Model._auto or Model._transient):
                continue
            ours = [
                fname
                for fname, field in Model._fields.items()
                if field._module == MODULE and not field.automatic
            ]
            if not ours:
                continue
            described = Model.fields_get(ours, ["type"])
            numbers = sorted(
                fname
                for fname, desc in described.items()
                if desc["type"] in NUMBER_TYPES
            )
            if numbers:
                res[model_name] = numbers
        return res

    def _assert_harmless(self, record):
        """The record reads (computed fields included), stored numbers are
        finite, and the engine and the crons still work."""
        self.env.invalidate_all()
        record = record.sudo()
        ours = [
            fname for fname, field in record._fields.items() if field._module == MODULE
        ]
        for values in record.read(ours):
            for fname, value in values.items():
                if isinstance(value, float):
                    self.assertTrue(math.isfinite(value), f"{record}.{fname}")
        self.customer._recompute_tiers()
        self.assertTrue(math.isfinite(self.customer.sudo().customer_score))
        self.env["crm.lead"]._cron_public_pool_reclaim()
        self.env["sale.collection.plan.line"]._cron_collection_reminders()
        self.lead.with_user(self.salesman).read(["next_followup_date", "man_class"])

    def _try(self, write, record, snapshot):
        """Write a bad number; return whether it was refused. A refusal is a
        UserError (ValidationError and AccessError included) after which
        ``snapshot()`` reads the same as before; any other exception fails
        the test."""
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
        numbers = self._numbers()
        # the walk finds the fields of the issue, and the settings
        self.assertIn("tier_weight_purchase", numbers["res.company"])
        self.assertIn("tier_weight_purchase", numbers["res.config.settings"])
        self.assertIn("min_score", numbers["res.partner.tier.threshold"])
        self.assertIn("lifetime_value", numbers["res.partner"])
        refused = set()
        params_fields = numbers["res.config.settings"]
        for model_name, fnames in numbers.items():
            for fname in fnames:
                for value in BAD_NUMBERS:
                    if model_name == "res.config.settings":
                        # a new settings record is saved; the company stays
                        Settings = self.env[model_name].with_user(self.admin)
                        record = self.company

                        def write(f=fname, v=value, s=Settings):
                            s.create({f: v}).execute()

                        def snapshot():
                            return self._values(
                                self.company,
                                [f for f in params_fields if f in self.company._fields],
                            )

                    else:
                        self.assertIn(
                            model_name,
                            self.fixtures,
                            f"{model_name}.{fname}: add a record to the fixtures",
                        )
                        record, user = self.fixtures[model_name]
                        self.assertTrue(record, model_name)
                        record = record.with_user(user)

                        def write(r=record, f=fname, v=value):
                            r.write({f: v})

                        def snapshot(r=record, f=fname):
                            if not r._fields[f].store:
                                return None
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
            ("res.company", "tier_weight_purchase", "-1"),
            ("res.company", "tier_weight_purchase", "1000000000000.0"),
            ("res.company", "churn_category_min_share", "-1"),
            ("res.company", "prospect_pool_target", "-1"),
            ("res.company", "prospect_public_pool_days", "1000000000000.0"),
            ("res.config.settings", "tier_weight_profit", "-1"),
            ("res.config.settings", "churn_category_min_share", "-1"),
            ("res.partner.tier.threshold", "min_score", "-1"),
            ("res.partner", "lifetime_value", "0"),
            ("res.partner", "tier_score_purchase", "0"),
            ("crm.development.check", "min_new_prospects", "-1"),
            ("crm.lead", "revisit_interval_days", "1000000000000.0"),
            ("sale.collection.plan.line", "reminder_days", "-1"),
            ("sale.order", "approved_amount", "0"),
            ("sale.order.change", "amount_after", "0"),
        ):
            self.assertIn(key, refused)
        # and what is harmless is taken (the walk exercised both outcomes)
        for key in (
            ("res.company", "tier_cap_purchase", "1000000000000.0"),
            ("res.config.settings", "order_change_approval_amount", "0"),
            ("sale.collection.plan.line", "sequence", "-1"),
            ("crm.lead", "purify_risk", "0"),
        ):
            self.assertNotIn(key, refused)
