# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, new_test_user

NO = {"man_money": False, "man_authority": False, "man_need": False}


class TestCrmMan(TransactionCase):
    """MAN qualification as a salesperson sees it: a criterion is answered yes
    or no, or not known yet; not known is not "no"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="man_salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.Lead = cls.env["crm.lead"].with_user(cls.salesman)
        # a pipeline of our own: a first and a last open stage, whatever other
        # stages the database has (the team also sees the stages of no team)
        cls.team = cls.env["crm.team"].create({"name": "MAN team"})
        cls.first_stage, cls.last_stage = cls.env["crm.stage"].create(
            [
                {"name": "MAN first", "sequence": -100, "team_id": cls.team.id},
                {"name": "MAN last", "sequence": 10000, "team_id": cls.team.id},
            ]
        )

    def _opportunity(self, name, **vals):
        return self.Lead.create(
            {
                "name": name,
                "type": "opportunity",
                "team_id": self.team.id,
                "stage_id": self.first_stage.id,
                "probability": 10,
                **vals,
            }
        )

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
            self.assertEqual(lead.man_assessment, str(man_class), lead.name)
            self.assertTrue(lead.man_guidance, lead.name)
            self.assertNotIn("Not known yet", lead.man_guidance, lead.name)
        by_class = {lead.man_class: lead for lead in leads}
        self.assertEqual(by_class[1].man_guidance, "Ideal prospect: pursue now.")
        self.assertEqual(by_class[8].man_guidance, "Not a customer: stop contact.")
        self.assertIn("decision", by_class[3].man_guidance)
        self.assertIn("credit", by_class[4].man_guidance)
        self.assertEqual(by_class[5].man_guidance, by_class[7].man_guidance)
        # an explicit False is an answer: "no"
        self.assertEqual(
            by_class[8].read(
                ["man_money_state", "man_authority_state", "man_need_state"]
            )[0],
            {
                "id": by_class[8].id,
                "man_money_state": "no",
                "man_authority_state": "no",
                "man_need_state": "no",
            },
        )
        # the class is stored: search and group by it
        self.assertEqual(
            self.Lead.search([("id", "in", leads.ids), ("man_class", "=", 8)]),
            by_class[8],
        )

    def test_lead_nobody_assessed_has_no_class(self):
        lead = self._opportunity("Fresh enquiry")
        self.assertEqual(
            lead.read(
                [
                    "man_class",
                    "man_code",
                    "man_assessment",
                    "man_guidance",
                    "man_drop_proposed",
                    "man_money",
                    "man_money_state",
                ]
            )[0],
            {
                "id": lead.id,
                "man_class": 0,
                "man_code": False,
                "man_assessment": "not_assessed",
                "man_guidance": False,
                "man_drop_proposed": False,
                "man_money": False,
                "man_money_state": False,
            },
        )
        # the button is hidden, and a call by RPC is refused with the reason
        with self.assertRaisesRegex(UserError, "not known yet is not a No"):
            lead.action_propose_drop()
        self.assertFalse(
            self.Lead.search([("id", "=", lead.id), ("man_class", "=", 8)]),
            "a lead nobody assessed is not in the 'MAN 8' filter",
        )

    def test_leads_from_before_the_install_are_not_assessed(self):
        """crm's demo leads existed before this addon came: installing it
        classifies none of them (and proposes none for dropping)."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "crm"), ("model", "=", "crm.lead")]
        )
        leads = self.env["crm.lead"].browse(data.mapped("res_id")).exists()
        if not self.env.ref("crm.crm_case_1", raise_if_not_found=False):
            self.assertFalse(leads, "no demo data: crm has no leads of its own")
            return
        self.assertTrue(leads)
        self.assertEqual(set(leads.mapped("man_class")), {0})
        self.assertEqual(set(leads.mapped("man_assessment")), {"not_assessed"})
        self.assertFalse(any(leads.mapped("man_drop_proposed")))

    def test_demo_pipeline_has_every_man_class(self):
        xiaoqiao = self.env.ref(
            "sale_customer_mgmt.crm_lead_prospect_xiaoqiao_demo",
            raise_if_not_found=False,
        )
        if not xiaoqiao:
            self.assertFalse(self.env.ref("crm.crm_case_1", raise_if_not_found=False))
            return
        data = self.env["ir.model.data"].search(
            [("module", "=", "sale_customer_mgmt"), ("model", "=", "crm.lead")]
        )
        leads = self.env["crm.lead"].browse(data.mapped("res_id")).exists()
        self.assertEqual(
            set(leads.mapped("man_assessment")),
            {"not_assessed", "1", "2", "3", "4", "5", "6", "7", "8"},
        )
        # the one class 8 answered No three times, on a first-stage opportunity
        self.assertEqual(leads.filtered("man_drop_proposed"), xiaoqiao)
        # the 186 000 proposal of a key customer nobody qualified: no class
        proposal = self.env.ref("sale_customer_mgmt.crm_lead_hengli_expansion_demo")
        self.assertEqual(proposal.expected_revenue, 186000)
        self.assertEqual((proposal.man_class, proposal.man_drop_proposed), (0, False))

    def test_unknown_criteria_count_as_missing_and_are_named(self):
        need_only = self._opportunity("Needs us", man_need_state="yes")
        self.assertEqual((need_only.man_class, need_only.man_code), (5, "maN"))
        self.assertIn("nurture", need_only.man_guidance)
        self.assertIn("Not known yet: Money, Authority.", need_only.man_guidance)
        # a single explicit False assesses the lead; the rest stays unknown
        money_no = self._opportunity("No money", man_money=False)
        self.assertEqual(
            (money_no.man_class, money_no.man_money_state, money_no.man_need_state),
            (8, "no", False),
        )
        self.assertIn("Not known yet: Authority, Need.", money_no.man_guidance)
        self.assertNotIn("stop contact", money_no.man_guidance)
        self.assertFalse(money_no.man_drop_proposed, "only three explicit No")
        with self.assertRaises(UserError):
            money_no.action_propose_drop()
        # answering the rest "no" makes it a drop proposal
        money_no.write({"man_authority": False, "man_need_state": "no"})
        self.assertTrue(money_no.man_drop_proposed)
        self.assertEqual(money_no.man_guidance, "Not a customer: stop contact.")
        # and back to "not known yet" for all three: no class again
        money_no.write(dict.fromkeys(("man_money_state", "man_authority_state"), False))
        money_no.man_need_state = False
        self.assertEqual((money_no.man_class, money_no.man_code), (0, False))
        self.assertFalse(money_no.man_guidance)

    def test_answer_wins_over_its_boolean_in_the_same_values(self):
        lead = self._opportunity("Both", man_money=True, man_money_state=False)
        self.assertEqual((lead.man_money_state, lead.man_money), (False, False))
        self.assertEqual(lead.man_class, 0)
        lead.write({"man_need": False, "man_need_state": "yes"})
        self.assertEqual((lead.man_need_state, lead.man_need), ("yes", True))
        lead.man_authority = True
        self.assertEqual(lead.man_authority_state, "yes")
        self.assertEqual(lead.man_class, 4)

    def test_class_follows_edits_in_form(self):
        lead = self.Lead.create({"name": "Edited prospect"})
        self.assertEqual(lead.man_class, 0)
        with Form(lead) as form:
            form.man_need_state = "yes"
            self.assertEqual(form.man_class, 5)
            form.man_money_state = "yes"
            self.assertEqual(form.man_class, 3)
            form.man_authority_state = "no"
            self.assertEqual(form.man_class, 3)
            form.man_authority_state = "yes"
        self.assertEqual(lead.man_class, 1)
        self.assertEqual(
            (lead.man_money, lead.man_authority, lead.man_need), (True,) * 3
        )

    def test_class_8_proposes_dropping_with_lost_reason(self):
        lead = self._opportunity("Nothing there", **NO)
        self.assertEqual(lead.man_class, 8)
        self.assertTrue(lead.man_drop_proposed)
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
        # once lost, it is not proposed again
        self.assertFalse(lead.man_drop_proposed)
        with self.assertRaisesRegex(UserError, "already lost"):
            lead.action_propose_drop()

    def test_won_lost_and_late_stage_never_proposed(self):
        won, lost, late_stage, likely, early = (
            self._opportunity("Won", **NO),
            self._opportunity("Lost", **NO),
            self._opportunity("Proposal", stage_id=self.last_stage.id, **NO),
            self._opportunity("Likely", probability=60, **NO),
            self._opportunity("Early", **NO),
        )
        won.action_set_won()
        lost.action_set_lost()
        self.assertEqual(
            (won | lost | late_stage | likely | early).mapped("man_class"), [8] * 5
        )
        self.assertEqual(
            (won | lost | late_stage | likely | early).mapped("man_drop_proposed"),
            [False, False, False, False, True],
        )
        for lead, reason in (
            (won, "is won"),
            (lost, "already lost"),
            (late_stage, "late stage"),
            (likely, "late stage"),
        ):
            with (
                self.subTest(lead=lead.name),
                self.assertRaisesRegex(UserError, reason),
            ):
                lead.action_propose_drop()
        self.assertIn("check the assessment", won.man_guidance)
        self.assertIn("check the assessment", late_stage.man_guidance)
        self.assertEqual(early.man_guidance, "Not a customer: stop contact.")

    def test_prospects_by_man_class_report(self):
        self.Lead.create(
            [
                {
                    "name": "R1",
                    "man_money": True,
                    "man_authority": True,
                    "man_need": True,
                    "expected_revenue": 100.0,
                },
                {
                    "name": "R2",
                    "man_money": True,
                    "man_authority": True,
                    "man_need": True,
                    "expected_revenue": 50.0,
                },
                {"name": "R3", "expected_revenue": 1000.0},
                {"name": "R4", **NO, "expected_revenue": 7.0},
            ]
        )
        self.env.flush_all()
        domain = [("user_id", "=", self.salesman.id)]
        # the development report, as the salesperson reads it
        Report = self.env["crm.development.report"].with_user(self.salesman)
        rows = Report._read_group(domain, ["man_assessment"], ["added_count:sum"])
        self.assertEqual(dict(rows), {"1": 2, "not_assessed": 1, "8": 1})
        labels = dict(
            Report.fields_get(["man_assessment"])["man_assessment"]["selection"]
        )
        self.assertEqual(labels["not_assessed"], "Not assessed")
        # "Prospects by MAN Class": the leads' pivot, grouped as the action says
        action = self.env.ref("sale_customer_mgmt.crm_lead_action_man_analysis")
        self.assertIn("'pivot_row_groupby': ['man_assessment']", action.context)
        groups = self.Lead.read_group(
            domain, ["expected_revenue:sum"], ["man_assessment"]
        )
        self.assertEqual(
            {group["man_assessment"]: group["expected_revenue"] for group in groups},
            {"1": 150.0, "not_assessed": 1000.0, "8": 7.0},
        )

    def test_pool_release_is_a_secondary_action(self):
        """Release to the public pool lives in the gear menu of the form; it
        refuses leads already in the pool, won or lost."""
        action = self.env.ref("sale_customer_mgmt.crm_lead_action_server_pool_release")
        self.assertEqual(action.binding_model_id.model, "crm.lead")
        self.assertEqual(action.binding_view_types, "form")
        lead = self._opportunity("To the pool")
        action.with_user(self.salesman).with_context(
            active_model="crm.lead", active_id=lead.id, active_ids=lead.ids
        ).run()
        self.assertTrue(lead.in_public_pool)
        self.assertFalse(lead.user_id)
        with self.assertRaisesRegex(UserError, "already in the pool, won or lost"):
            lead.action_pool_release()
        won = self._opportunity("Won deal")
        won.action_set_won()
        with self.assertRaises(UserError):
            won.action_pool_release()
        # the form header keeps its room for Odoo's statusbar
        arch = self.Lead.get_views([(False, "form")])["views"]["form"]["arch"]
        header = arch[arch.index("<header") : arch.index("</header>")]
        self.assertNotIn("action_pool_release", header)
        self.assertNotIn("action_propose_drop", header)
        self.assertIn('name="action_propose_drop"', arch, "in the MAN banner")
