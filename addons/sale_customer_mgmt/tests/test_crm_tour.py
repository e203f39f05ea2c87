# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCrmTour(HttpCase):
    def test_prospect_tour(self):
        customer = self.env["res.partner"].create(
            {"name": "Tour Customer", "is_company": True}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour Prospect",
                "type": "opportunity",
                "partner_id": customer.id,
                "user_id": self.env.ref("base.user_admin").id,
            }
        )
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
            "sale_customer_mgmt_prospect_tour",
            login="admin",
        )
        self.assertEqual(lead.man_class, 1)
        self.assertEqual((lead.card_color, lead.heat_grade), ("yellow", "a"))
        visit = lead.customer_visit_ids
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.state, "done")
        self.assertTrue(visit.is_successful)
        self.assertEqual(visit.partner_id, customer)

    def test_crm_rainbowman_tour(self):
        """Odoo's own crm_rainbowman tour with our addon installed: our header
        buttons leave the statusbar room, so the Won stage stays clickable."""
        new_test_user(
            self.env,
            login="cm_rainbowman",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        self.start_tour("/odoo", "crm_rainbowman", login="cm_rainbowman")
