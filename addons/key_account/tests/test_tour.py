# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestKeyAccountTour(HttpCase):
    def test_rate_and_advance_tour(self):
        Factor = self.env["key.account.factor"]
        Factor.search([]).active = False
        attractiveness = Factor.create(
            {"name": "Tour Scale", "factor_type": "attractiveness", "weight": 1}
        )
        advantage = Factor.create(
            {"name": "Tour Quality", "factor_type": "advantage", "weight": 1}
        )
        stage = self.env.ref("key_account.key_account_stage_exploratory")
        account = self.env["res.partner"].create(
            {
                "name": "Tour Account Ltd",
                "is_company": True,
                "is_key_account": True,
                "ka_user_id": self.env.ref("base.user_admin").id,
                "ka_stage_id": stage.id,
            }
        )
        self.env["key.account.rating"].create(
            [
                {"partner_id": account.id, "factor_id": attractiveness.id},
                {"partner_id": account.id, "factor_id": advantage.id},
            ]
        )
        lines = account.ka_current_checklist_ids.sorted(lambda line: line.sequence)
        lines[:-1].write({"done": True})
        self.assertEqual(account.ka_quadrant, "opportunistic")
        self.start_tour(
            f"/odoo/key-accounts/{account.id}", "key_account_tour", login="admin"
        )
        # the ratings list is ordered by axis: advantage first, then attractiveness
        self.assertEqual(account.ka_advantage, 8.0)
        self.assertEqual(account.ka_attractiveness, 6.0)
        self.assertEqual(account.ka_quadrant, "key")
        self.assertEqual(account.ka_stage_id.code, "basic")
