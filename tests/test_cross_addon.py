"""Cross-addon scenarios: the three addons working together in one database.

A key account's complaint and its bad rating, handled in after_sales, reach the
customer tier of sale_customer_mgmt (cooperation criterion) and the retention
signals of key_account (at-risk flag), and the complaint is escalated to the
account's KA manager — without after_sales and key_account knowing each other.
"""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import CrossAddonCase


class TestKeyAccountComplaint(CrossAddonCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.helpdesk_mgmt_ticket_auto_assign = False
        cls.salesperson = new_test_user(
            env, login="x_sales", groups="sales_team.group_sale_salesman"
        )
        cls.ka_manager = new_test_user(
            env, login="x_ka", groups="key_account.group_key_account_manager"
        )
        cls.agent = new_test_user(
            env,
            login="x_agent",
            groups="base.group_user,after_sales.group_after_sales_agent",
        )
        cls.visitor = new_test_user(
            env,
            login="x_visitor",
            groups="base.group_user,after_sales.group_after_sales_agent",
        )
        cls.service_lead = new_test_user(
            env,
            login="x_lead",
            groups="base.group_user,after_sales.group_after_sales_manager",
        )
        cls.team = env["helpdesk.ticket.team"].create(
            {
                "name": "Cross-addon service team",
                "user_id": cls.service_lead.id,
                "user_ids": [Command.set([cls.agent.id, cls.visitor.id])],
            }
        )
        categories = env["product.category"].create(
            [{"name": "X Equipment"}, {"name": "X Consumables"}]
        )
        products = env["product.product"].create(
            [
                {
                    "name": f"X product {i}",
                    "categ_id": categ.id,
                    "list_price": 1000.0,
                    "standard_price": 600.0,
                }
                for i, categ in enumerate(categories)
            ]
        )
        cls.account = env["res.partner"].create(
            {
                "name": "华东精密机械有限公司",
                "is_company": True,
                "user_id": cls.salesperson.id,
                "tier_cooperation_rating": "4",
            }
        )
        cls.contact = env["res.partner"].create(
            {"name": "王采购", "parent_id": cls.account.id, "email": "w@example.com"}
        )
        order = env["sale.order"].create(
            {
                "partner_id": cls.account.id,
                "order_line": [
                    Command.create({"product_id": p.id, "product_uom_qty": 2})
                    for p in products
                ],
            }
        )
        order.action_confirm()
        cls.account.write({"is_key_account": True, "ka_user_id": cls.ka_manager.id})

    def _weight_share(self):
        company = self.env.company
        weights = company._get_tier_weights()
        return weights["cooperation"] / sum(weights.values())

    def test_complaint_and_bad_rating_reach_tier_and_key_account(self):
        account = self.account
        account.action_recompute_tier()
        self.assertEqual(account.tier_score_cooperation, 80.0)  # 4 stars, no signal
        score_before = account.customer_score
        self.assertFalse(account.ka_at_risk)
        self.assertEqual(account.ka_open_complaint_count, 0)

        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Spindle noise again",
                "description": "<p>Third time this month.</p>",
                "team_id": self.team.id,
                "partner_id": self.contact.id,
                "is_complaint": True,
            }
        )
        # escalated to the salesperson, the team lead and, through key_account's
        # extension point, the account's KA manager
        notified = ticket.activity_ids.user_id
        self.assertIn(self.ka_manager, notified)
        self.assertIn(self.salesperson, notified)
        self.assertIn(self.service_lead, notified)

        # an open complaint: key_account flags the account at risk
        self.env.invalidate_all()
        self.assertEqual(account.ka_open_complaint_count, 1)
        self.assertTrue(account.ka_at_risk)

        # one complaint, no rating yet: signal 60 - 10 = 50 on 1 observation,
        # blended with the 4-star rating weighted 3: (80 * 3 + 50) / 4 = 72.5
        account.action_recompute_tier()
        self.assertAlmostEqual(account.tier_score_cooperation, 72.5)
        self.assertAlmostEqual(
            account.customer_score,
            score_before - self._weight_share() * (80.0 - 72.5),
            places=1,
        )

        # the customer rates the service 1/5 through the feedback channel:
        # ratings 0 - 10 per complaint -> 0 on 2 observations: 240 / 5 = 48
        ticket.user_id = self.agent
        ticket.action_after_sales_start()
        ticket.action_after_sales_resolve()
        request = ticket._after_sales_request_ratings()
        ticket.rating_apply(1, rating=request, feedback="Still noisy")
        self.assertEqual(ticket.loop_state, "in_progress")  # reopened
        account.action_recompute_tier()
        self.assertAlmostEqual(account.tier_score_cooperation, 48.0)
        self.assertAlmostEqual(
            account.customer_score,
            score_before - self._weight_share() * (80.0 - 48.0),
            places=1,
        )

    def test_rating_written_by_staff_does_not_count(self):
        """Only the customer channel feeds the cooperation criterion."""
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Routine maintenance",
                "description": "<p>Yearly check.</p>",
                "team_id": self.team.id,
                "partner_id": self.contact.id,
            }
        )
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent).write({"feedback_rating": 5})
        self.account.action_recompute_tier()
        self.assertEqual(self.account.tier_score_cooperation, 80.0)
