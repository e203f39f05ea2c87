# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestTierTour(HttpCase):
    def test_tier_tour(self):
        product = self.env["product.product"].create(
            {"name": "Tour Machine", "list_price": 1000.0, "standard_price": 400.0}
        )
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Tier Customer",
                "is_company": True,
                "tier_cooperation_rating": "5",
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "price_unit": 1000.0,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        # pin the tier so that the demo customers' percentiles do not matter
        self.env["res.partner.tier.pin.wizard"].create(
            {
                "partner_ids": [Command.set(customer.ids)],
                "tier_id": self.env.ref("sale_customer_mgmt.res_partner_tier_a").id,
                "reason": "Tour",
            }
        ).action_apply()
        customer.action_recompute_tier()
        self.assertTrue(customer.tier_scored_date)
        self.start_tour(
            f"/odoo/action-sale_customer_mgmt.res_partner_action_customer_tier/{customer.id}",
            "sale_customer_mgmt_tier_tour",
            login="admin",
        )
        # the preview wrote nothing
        self.assertEqual(customer.customer_tier_id.code, "A")
        self.assertEqual(self.env.company.tier_weight_cooperation, 10.0)
