# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user


class TestOrderApproval(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env, login="appr_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, login="appr_manager", groups="sales_team.group_sale_manager"
        )
        cls.customer = cls.env["res.partner"].create({"name": "Approval Customer"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Compressor",
                "list_price": 50.0,
                "taxes_id": False,
                "invoice_policy": "order",
            }
        )

    def _confirmed_order(self):
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
                                "product_uom_qty": 10,
                                "price_unit": 50.0,
                                "tax_id": False,
                            }
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        return order

    def _set_qty(self, order, qty):
        order.write(
            {
                "order_line": [
                    Command.update(order.order_line[0].id, {"product_uom_qty": qty})
                ]
            }
        )

    def test_off_by_default(self):
        self.assertFalse(self.company.order_change_approval)
        order = self._confirmed_order()
        self._set_qty(order, 100)
        self.assertEqual(order.amount_total, 5000.0)
        self.assertFalse(order.order_change_ids)
        self.assertFalse(order.order_change_blocked)

    def test_change_above_threshold_needs_manager(self):
        self.company.write(
            {"order_change_approval": True, "order_change_approval_amount": 100.0}
        )
        order = self._confirmed_order()
        self.assertEqual(order.approved_amount, 500.0)
        # a small change is accepted and logged
        self._set_qty(order, 11)
        change = order.order_change_ids
        self.assertEqual(change.state, "approved")
        self.assertEqual((change.amount_before, change.amount_after), (500.0, 550.0))
        self.assertEqual(order.approved_amount, 550.0)
        # a big one waits for a manager and blocks invoicing
        self._set_qty(order, 20)
        pending = order.order_change_ids.filtered(lambda c: c.state == "to_approve")
        self.assertEqual(pending.amount_difference, 450.0)
        self.assertTrue(order.order_change_blocked)
        self.assertIn("awaits a sales manager", order.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "approval"):
            order._create_invoices()
        with self.assertRaisesRegex(UserError, "sales manager"):
            pending.with_user(self.salesman).action_approve()
        pending.with_user(self.manager).action_approve()
        self.assertEqual(pending.state, "approved")
        self.assertEqual(pending.approver_id, self.manager)
        self.assertEqual(order.approved_amount, 1000.0)
        self.assertFalse(order.order_change_blocked)
        self.assertIn("approved", order.message_ids[0].body)

    def test_rejected_change_stays_blocked_until_restored(self):
        self.company.write(
            {"order_change_approval": True, "order_change_approval_amount": 100.0}
        )
        order = self._confirmed_order()
        self._set_qty(order, 30)
        pending = order.order_change_ids
        pending.with_user(self.manager).action_reject()
        self.assertEqual(pending.state, "rejected")
        self.assertTrue(order.order_change_blocked)
        # restoring the approved quantity withdraws the block
        self._set_qty(order, 10)
        self.assertFalse(order.order_change_blocked)
        self.assertEqual(order.approved_amount, 500.0)

    def test_manager_change_needs_another_manager(self):
        """Four eyes: a sales manager's own change above the threshold waits
        for another sales manager, as a salesperson's does."""
        self.company.write(
            {"order_change_approval": True, "order_change_approval_amount": 100.0}
        )
        other_manager = new_test_user(
            self.env, login="appr_manager_2", groups="sales_team.group_sale_manager"
        )
        order = self._confirmed_order().with_user(self.manager)
        self._set_qty(order, 40)
        change = order.order_change_ids
        self.assertEqual(change.state, "to_approve")
        self.assertEqual(change.user_id, self.manager)
        self.assertEqual(order.approved_amount, 500.0)
        self.assertTrue(order.order_change_blocked)
        with self.assertRaisesRegex(UserError, "another sales manager"):
            change.with_user(self.manager).action_approve()
        self.assertEqual(change.state, "to_approve")
        change.with_user(other_manager).action_approve()
        self.assertEqual(change.state, "approved")
        self.assertEqual(change.approver_id, other_manager)
        self.assertEqual(order.approved_amount, 2000.0)
