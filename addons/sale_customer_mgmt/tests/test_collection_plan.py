# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .test_analysis_common import CustomerAnalysisCommon


@tagged("post_install", "-at_install")
class TestCollectionPlan(CustomerAnalysisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 1 pump at 1000: deposit 30% due end of January, balance 700 end of March.
        cls.order = cls._create_order(cls.customer_a, [(cls.product_pump, 1, 1000.0)])
        cls.plan = cls.env["sale.collection.plan"].create(
            {
                "order_id": cls.order.id,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Deposit",
                            "amount_type": "percentage",
                            "percentage": 30,
                            "date_due": "2026-01-31",
                            "reminder_days": 5,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Balance",
                            "amount_type": "amount",
                            "amount": 700,
                            "date_due": "2026-03-31",
                            "reminder_days": 5,
                        }
                    ),
                ],
            }
        )
        cls.deposit, cls.balance = cls.plan.line_ids.sorted("date_due")

    def _states(self):
        self.env.invalidate_all()
        return [
            (line.state, line.amount_paid)
            for line in self.plan.line_ids.sorted("date_due")
        ]

    def test_amounts_from_percentage(self):
        self.assertEqual(self.deposit.amount, 300.0)
        self.assertEqual(self.balance.amount, 700.0)
        self.assertEqual(self.plan.amount_planned, 1000.0)

    def test_validation(self):
        def plan_vals(*lines):
            order = self._create_order(self.customer_b, [(self.product_pump, 1, 500.0)])
            return {
                "order_id": order.id,
                "line_ids": [Command.create(line) for line in lines],
            }

        with self.assertRaisesRegex(ValidationError, "more than the order total"):
            self.env["sale.collection.plan"].create(
                plan_vals(
                    {"percentage": 50, "date_due": "2026-02-01"},
                    {"amount_type": "amount", "amount": 300, "date_due": "2026-03-01"},
                )
            )
        with self.assertRaisesRegex(ValidationError, "greater than zero"):
            self.env["sale.collection.plan"].create(
                plan_vals(
                    {"amount_type": "amount", "amount": 0, "date_due": "2026-03-01"}
                )
            )
        with self.assertRaisesRegex(ValidationError, "more than 100%"):
            self.env["sale.collection.plan"].create(
                {
                    "order_id": self._create_order(
                        self.customer_b, [(self.product_pump, 1, 500.0)]
                    ).id,
                    "line_ids": [
                        Command.create({"percentage": 60, "date_due": "2026-02-01"}),
                        Command.create({"percentage": 50, "date_due": "2026-03-01"}),
                    ],
                }
            )
        draft = self._create_order(
            self.customer_b, [(self.product_pump, 1, 500.0)], confirm=False
        )
        with self.assertRaisesRegex(ValidationError, "not confirmed"):
            self.env["sale.collection.plan"].create({"order_id": draft.id})
        # Nothing half-saved: the valid plan still holds its two instalments.
        self.assertEqual(self.plan.line_ids.mapped("amount"), [300.0, 700.0])

    def test_status_transitions(self):
        with freeze_time("2026-01-10"):
            self.assertEqual(self._states(), [("pending", 0.0), ("pending", 0.0)])
            invoice = self._invoice(self.order, "2026-01-10")
            self.assertEqual(self._states(), [("pending", 0.0), ("pending", 0.0)])
            self._pay(invoice, 200.0, "2026-01-12")
            self.assertEqual(self._states(), [("partial", 200.0), ("pending", 0.0)])
        with freeze_time("2026-02-05"):
            self.assertEqual(self._states(), [("overdue", 200.0), ("pending", 0.0)])
            self.assertEqual(self.deposit.days_overdue, 5)
            self.assertEqual(self.plan.amount_overdue, 100.0)
            self.assertEqual(self.plan.state, "overdue")
            self.assertEqual(
                self.customer_a._get_overdue_collection_amounts(),
                {self.customer_a.id: 100.0},
            )
            # The contact rolls up to its company.
            self.assertEqual(
                self.contact_a._get_overdue_collection_amounts(),
                {self.customer_a.id: 100.0},
            )
            overdue = self.env["sale.collection.plan.line"].search(
                [("state", "=", "overdue"), ("plan_id", "=", self.plan.id)]
            )
            self.assertEqual(overdue, self.deposit)
            self._pay(invoice, 500.0, "2026-02-05")
            self.assertEqual(self._states(), [("done", 300.0), ("partial", 400.0)])
            self.assertEqual(self.customer_a._get_overdue_collection_amounts(), {})
        with freeze_time("2026-04-05"):
            self.assertEqual(self._states(), [("done", 300.0), ("overdue", 400.0)])
            self.assertEqual(
                self.customer_a._get_overdue_collection_amounts(),
                {self.customer_a.id: 300.0},
            )
            self._pay(invoice, 300.0, "2026-04-05")
            self.assertEqual(self._states(), [("done", 300.0), ("done", 700.0)])
            self.assertEqual(self.plan.state, "done")

    def test_credit_note_reduces_collection(self):
        with freeze_time("2026-02-10"):
            invoice = self._invoice(self.order, "2026-01-10")
            # 1000 invoiced, 200 credited: the customer pays 700 of the 800 due.
            self._credit_note(invoice, 200.0, "2026-01-20")
            self._pay(invoice, 700.0, "2026-02-10")
            self.env.invalidate_all()
            self.assertEqual(self.plan.amount_collected, 700.0)
            self.assertEqual(self._states(), [("done", 300.0), ("partial", 400.0)])
            # The credit note is matched with the invoice: 100 left to pay.
            self.assertEqual(invoice.amount_residual, 100.0)

    def test_overdue_amount_in_company_currency(self):
        order = self._create_order(
            self.customer_c,
            [(self.product_pump, 1, 1000.0)],
            currency=self.other_currency,
        )
        self.env["sale.collection.plan"].create(
            {
                "order_id": order.id,
                "line_ids": [
                    Command.create({"percentage": 100, "date_due": "2026-01-31"})
                ],
            }
        )
        with freeze_time("2026-02-10"):
            # 1000 in the foreign currency at 2 per company unit: 500.
            self.assertEqual(
                self.customer_c._get_overdue_collection_amounts(),
                {self.customer_c.id: 500.0},
            )

    def test_reminders_not_duplicated(self):
        activities = self.env["mail.activity"].search
        domain = [("res_model", "=", "sale.order"), ("res_id", "=", self.order.id)]
        cron = self.env["sale.collection.plan.line"]
        with freeze_time("2026-01-20"):
            cron._cron_collection_reminders()
            self.assertFalse(activities(domain))
        with freeze_time("2026-01-26"):
            cron._cron_collection_reminders()
            cron._cron_collection_reminders()
            reminders = activities(domain)
            self.assertEqual(len(reminders), 1)
            self.assertEqual(reminders.user_id, self.salesman)
            self.assertIn("300.00", reminders.summary)
            self.assertTrue(self.deposit.reminder_sent)
            self.assertFalse(self.balance.reminder_sent)
        with freeze_time("2026-02-02"):
            cron._cron_collection_reminders()
            cron._cron_collection_reminders()
            reminders = activities(domain)
            self.assertEqual(len(reminders), 2)
            self.assertEqual(
                len(reminders.filtered(lambda a: "Overdue" in a.summary)), 1
            )
        with freeze_time("2026-03-28"):
            # The balance is paid in advance: no reminder for it.
            invoice = self._invoice(self.order, "2026-03-01")
            self._pay(invoice, 1000.0, "2026-03-01")
            cron._cron_collection_reminders()
            self.assertEqual(len(activities(domain)), 2)
            self.assertTrue(self.balance.reminder_sent)

    def test_generate_from_payment_terms(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "H2 40% now, 60% in 60 days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 40, "nb_days": 0}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 60, "nb_days": 60}
                    ),
                ],
            }
        )
        order = self._create_order(
            self.customer_b,
            [(self.product_filter, 10, 100.0)],
            date_order="2026-03-01",
            payment_term=term,
        )
        action = order.action_generate_collection_plan()
        plan = order.collection_plan_ids
        self.assertEqual(action["res_id"], plan.id)
        self.assertEqual(
            [(line.amount, str(line.date_due)) for line in plan.line_ids],
            [(400.0, "2026-03-01"), (600.0, "2026-04-30")],
        )
        self.assertEqual(order.collection_line_count, 2)
        without_terms = self._create_order(
            self.customer_b, [(self.product_filter, 1, 100.0)]
        )
        with self.assertRaisesRegex(UserError, "no payment terms"):
            without_terms.action_generate_collection_plan()

    @freeze_time("2026-04-01")
    def test_form_percentage_onchange(self):
        order = self._create_order(self.customer_b, [(self.product_filter, 5, 100.0)])
        with Form(self.env["sale.collection.plan"]) as plan_form:
            plan_form.order_id = order
            with plan_form.line_ids.new() as line:
                line.percentage = 20
                line.date_due = "2026-05-01"
                self.assertEqual(line.amount, 100.0)
                self.assertEqual(line.state, "pending")
        self.assertEqual(plan_form.record.amount_planned, 100.0)

    def test_salesperson_access(self):
        other = new_test_user(
            self.env,
            login="h2_plan_other",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        accountant = new_test_user(
            self.env,
            login="h2_plan_accountant",
            groups="base.group_user,sale_customer_mgmt.group_customer_accountant",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        plans = self.env["sale.collection.plan"]
        # The salesperson of the order sees and edits its plan...
        self.assertEqual(plans.with_user(self.salesman).search([]), self.plan)
        self.deposit.with_user(self.salesman).reminder_days = 7
        # ... another salesperson (own documents only) does not see it.
        self.assertFalse(plans.with_user(other).search([]))
        with self.assertRaises(AccessError):
            self.plan.with_user(other).read(["amount_overdue"])
        # The accountant reads every plan and instalment, and changes none.
        self.assertEqual(plans.with_user(accountant).search([]), self.plan)
        self.assertTrue(self.plan.with_user(accountant).read(["amount_overdue"]))
        with self.assertRaises(AccessError):
            self.deposit.with_user(accountant).reminder_days = 1
