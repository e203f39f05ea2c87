# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import Form, TransactionCase, new_test_user


class TestCrmMan(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="man_salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.Lead = cls.env["crm.lead"].with_user(cls.salesman)

    def test_all_eight_combinations(self):
        expected = {
            (True, True, True): (1, "MAN"),
            (True, True, False): (2, "MAn"),
            (True, False, True): (3, "MaN"),
            (False, True, True): (4, "mAN"),
            (False, False, True): (5, "maN"),
            (False, True, False): (6, "mAn"),
            (True, False, False): (7, "Man"),
            (False, False, False): (8, "man"),
        }
        leads = self.Lead.create(
            [
                {
                    "name": f"Prospect {money}{authority}{need}",
                    "man_money": money,
                    "man_authority": authority,
                    "man_need": need,
                }
                for money, authority, need in expected
            ]
        )
        for lead, (man_class, code) in zip(leads, expected.values(), strict=True):
            self.assertEqual(lead.man_class, man_class, lead.name)
            self.assertEqual(lead.man_code, code, lead.name)
            self.assertTrue(lead.man_guidance, lead.name)
        by_class = {lead.man_class: lead for lead in leads}
        self.assertEqual(by_class[1].man_guidance, "Ideal prospect: pursue now.")
        self.assertEqual(by_class[8].man_guidance, "Not a customer: stop contact.")
        self.assertIn("decision", by_class[3].man_guidance)
        self.assertIn("credit", by_class[4].man_guidance)
        self.assertEqual(by_class[5].man_guidance, by_class[7].man_guidance)
        # the class is stored: search and group by it
        self.assertEqual(
            self.Lead.search([("id", "in", leads.ids), ("man_class", "=", 8)]),
            by_class[8],
        )

    def test_class_follows_edits_in_form(self):
        lead = self.Lead.create({"name": "Edited prospect"})
        self.assertEqual(lead.man_class, 8)
        with Form(lead) as form:
            form.man_need = True
            self.assertEqual(form.man_class, 5)
            form.man_money = True
            self.assertEqual(form.man_class, 3)
            form.man_authority = True
        self.assertEqual(lead.man_class, 1)

    def test_class_8_proposes_dropping_with_lost_reason(self):
        lead = self.Lead.create({"name": "Nothing there", "type": "opportunity"})
        self.assertEqual(lead.man_class, 8)
        action = lead.action_propose_drop()
        self.assertEqual(action["res_model"], "crm.lead.lost")
        reason = self.env["crm.lost.reason"].create({"name": "No money, no need"})
        wizard = (
            self.env["crm.lead.lost"]
            .with_user(self.salesman)
            .with_context(**action["context"])
            .create({"lost_reason_id": reason.id})
        )
        wizard.action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, reason)

    def test_report_by_man_class(self):
        self.Lead.create(
            [
                {
                    "name": "R1",
                    "man_money": True,
                    "man_authority": True,
                    "man_need": True,
                },
                {
                    "name": "R2",
                    "man_money": True,
                    "man_authority": True,
                    "man_need": True,
                },
                {"name": "R3"},
            ]
        )
        self.env.flush_all()
        rows = self.env["crm.development.report"]._read_group(
            [("user_id", "=", self.salesman.id)], ["man_class"], ["added_count:sum"]
        )
        self.assertEqual(dict(rows), {1: 2, 8: 1})
