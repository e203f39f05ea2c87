# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase
from odoo.tests.common import freeze_time

from .common import SALES_ROLES, make_users


@freeze_time("2026-02-10 12:00:00")
class TestVisit(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users = make_users(
            cls.env,
            "visit",
            {
                "salesman": SALES_ROLES["salesman"],
                "colleague": SALES_ROLES["salesman"],
                "manager": SALES_ROLES["manager"],
            },
        )
        cls.salesman, cls.colleague, cls.manager = users.values()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Visited Co", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Buyer Wang", "parent_id": cls.customer.id}
        )
        cls.Visit = cls.env["sale.customer.visit"].with_user(cls.salesman)

    def test_success_needs_three_of_five_purposes(self):
        visit = self.Visit.create(
            {
                "partner_id": self.customer.id,
                "purpose_introduce": True,
                "purpose_reason": True,
            }
        )
        self.assertEqual(visit.purpose_count, 2)
        self.assertFalse(visit.is_successful)
        visit.purpose_first_call = True
        self.assertEqual(visit.purpose_count, 3)
        self.assertTrue(visit.is_successful)
        self.assertEqual(visit.success_rate, 0.0, "counted once the visit is done")
        visit.action_done()
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.success_rate, 100.0)
        with self.assertRaises(UserError):
            visit.action_done()
        self.assertEqual(
            self.env["sale.customer.visit"].search(
                [("is_successful", "=", True), ("id", "=", visit.id)]
            ),
            visit,
            "stored, so the success rate can be reported",
        )

    def test_visit_needs_customer_or_prospect(self):
        with self.assertRaises(ValidationError):
            self.Visit.create({"date": datetime(2026, 2, 11, 9, 0)})

    def test_visit_on_lead_counts_as_follow_up(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create({"name": "Visited prospect", "partner_id": self.customer.id})
        )
        with freeze_time("2026-02-20 12:00:00"):
            visit = self.Visit.create(
                {"lead_id": lead.id, "partner_id": self.customer.id}
            )
            visit.write({"purpose_introduce": True, "followup_class": "keep"})
            visit.action_done()
            self.assertEqual(lead.last_followup_date, date(2026, 2, 20))
            self.assertTrue(lead.is_contacted)
        self.assertEqual(lead.customer_visit_count, 1)
        action = lead.action_view_customer_visits()
        self.assertEqual(
            self.env["sale.customer.visit"].search(action["domain"]), visit
        )

    def test_partner_smart_button_counts_contacts(self):
        self.Visit.create(
            [{"partner_id": self.customer.id}, {"partner_id": self.contact.id}]
        )
        self.assertEqual(self.customer.customer_visit_count, 2)
        self.assertEqual(self.contact.customer_visit_count, 1)

    def test_record_rules_own_versus_manager(self):
        elsewhere = self.env["res.partner"].create(
            {"name": "Nobody's Co", "is_company": True}
        )
        colleague = self.env["sale.customer.visit"].with_user(self.colleague)
        mine = self.Visit.create({"partner_id": self.customer.id})
        theirs = colleague.create({"partner_id": elsewhere.id})
        # a colleague's visit to the salesman's customer is a visit of his
        # customer: both see it
        on_mine = colleague.create({"partner_id": self.customer.id})
        Visit = self.env["sale.customer.visit"]
        domain = [("id", "in", (mine | theirs | on_mine).ids)]
        self.assertEqual(Visit.with_user(self.salesman).search(domain), mine | on_mine)
        self.assertEqual(
            Visit.with_user(self.colleague).search(domain), theirs | on_mine
        )
        self.assertEqual(
            Visit.with_user(self.manager).search(domain), mine | theirs | on_mine
        )
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).write({"outcome": "<p>Hijacked</p>"})

    def test_multi_company_rule(self):
        other_company = self.env["res.company"].create({"name": "Visit Branch"})
        self.manager.write({"company_ids": [Command.link(other_company.id)]})
        visit = (
            self.env["sale.customer.visit"]
            .with_user(self.manager)
            .with_company(other_company)
            .create({"partner_id": self.customer.id, "company_id": other_company.id})
        )
        Visit = self.env["sale.customer.visit"].with_user(self.manager)
        self.assertFalse(
            Visit.with_context(allowed_company_ids=[self.env.company.id]).search(
                [("id", "=", visit.id)]
            )
        )
        self.assertEqual(
            Visit.with_context(allowed_company_ids=[other_company.id]).search(
                [("id", "=", visit.id)]
            ),
            visit,
        )
