# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import KeyAccountCommon


@tagged("post_install", "-at_install")
class TestKeyAccountGift(KeyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.write({"ka_gift_policy": "limited", "ka_gift_limit": 500.0})
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Buyer Zhao", "parent_id": cls.account.id}
        )
        cls.Gift = cls.env["key.account.gift"]

    def _gift(self, amount, date="2026-04-01", user=None):
        return self.Gift.with_user(user or self.ka_user).create(
            {
                "name": "Mid-autumn mooncakes",
                "partner_id": self.account.id,
                "contact_id": self.buyer.id,
                "amount": amount,
                "date": date,
            }
        )

    def test_within_limit_registered(self):
        first = self._gift(300)
        first.action_register()
        second = self._gift(200)
        second.action_register()  # exactly at the limit: allowed
        self.assertEqual((first | second).mapped("state"), ["registered"] * 2)

    def test_breach_refused_for_salesperson(self):
        self._gift(300).action_register()
        gift = self._gift(250)
        self.assertIn("above the limit", gift.breach_message)
        with self.assertRaises(ValidationError):
            gift.action_register()
        # a new year starts a new budget
        next_year = self._gift(250, date="2027-01-05")
        next_year.action_register()
        self.assertEqual(next_year.state, "registered")

    def test_forbidden_policy(self):
        self.account.ka_gift_policy = "forbidden"
        gift = self._gift(10)
        with self.assertRaises(ValidationError):
            gift.action_register()

    def test_manager_approval_flow(self):
        self._gift(450).action_register()
        gift = self._gift(100)
        with self.assertRaises(UserError):
            gift.action_request_approval()  # justification missing
        gift.justification = "Team dinner after the plant acceptance test"
        gift.action_request_approval()
        self.assertEqual(gift.state, "to_approve")
        with self.assertRaises(UserError):
            gift.approval_reason = "I approve myself"
        with self.assertRaises(AccessError):
            gift.action_approve()
        with self.assertRaises(AccessError):
            gift.write({"state": "approved"})
        with self.assertRaises(AccessError):
            self.Gift.with_user(self.ka_user).create(
                {
                    "name": "Self-approved",
                    "partner_id": self.account.id,
                    "contact_id": self.buyer.id,
                    "amount": 900,
                    "state": "approved",
                    "approver_id": self.ka_manager.id,
                    "approval_reason": "n/a",
                }
            )
        as_manager = gift.with_user(self.ka_manager)
        as_manager.approval_reason = False
        with self.assertRaises(UserError):
            as_manager.action_approve()
        as_manager.approval_reason = "Customary dinner, reported to the customer"
        as_manager.action_approve()
        self.assertEqual(gift.state, "approved")
        self.assertEqual(gift.approver_id, self.ka_manager)

    def test_manager_refusal(self):
        self.account.ka_gift_policy = "forbidden"
        gift = self._gift(80)
        gift.justification = "Trade fair invitation"
        gift.action_request_approval()
        gift.with_user(self.ka_manager).write({"approval_reason": "Policy is clear"})
        gift.with_user(self.ka_manager).action_refuse()
        self.assertEqual(gift.state, "refused")


@tagged("post_install", "-at_install")
class TestKeyAccountConflict(KeyAccountCommon):
    def test_conflict_log(self):
        conflict = (
            self.env["key.account.conflict"]
            .with_user(self.ka_user)
            .create(
                {
                    "name": "Delivery slots",
                    "partner_id": self.account.id,
                    "cause": "scarce_resources",
                    "mode": "collaborating",
                }
            )
        )
        conflict.write({"state": "resolved", "outcome": "Shared weekly schedule"})
        self.assertEqual(conflict.company_id, self.env.company)
        self.assertEqual(conflict.state, "resolved")
