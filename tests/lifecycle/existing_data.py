"""A customer's database before our addons arrive, made through the ORM.

``generate(env)`` runs inside ``odoo shell`` on a database that has only the
addons' dependencies, without demo data. It makes, from a fixed seed and
relative to today:

- 24 customer companies with a contact each, 4 of which never bought;
- 6 products with costs (so sale_margin has margins);
- two years of confirmed orders, invoiced and posted, paid on time, late,
  partially or not at all;
- leads and opportunities in every CRM stage, won and lost ones included;
- helpdesk tickets of a team that exists before the addons, in every stage.

Returns the ids the checks need.
"""

import random
from datetime import timedelta

from odoo import Command, fields


def generate(env):
    rng = random.Random(20261204)
    today = fields.Date.today()
    company = env.company
    Partner = env["res.partner"]

    products = env["product.product"].create(
        [
            {
                "name": f"Pump model {i}",
                "type": "consu",
                "list_price": price,
                "standard_price": round(price * cost_share, 2),
                "invoice_policy": "order",
            }
            for i, (price, cost_share) in enumerate(
                [
                    (1200, 0.6),
                    (450, 0.7),
                    (80, 0.5),
                    (3200, 0.8),
                    (60, 0.4),
                    (999, 0.65),
                ]
            )
        ]
    )
    customers = Partner.create(
        [
            {
                "name": f"Existing Customer {i:02d} Co., Ltd.",
                "is_company": True,
                "email": f"buyer{i}@customer{i}.example.com",
                "customer_rank": 1,
            }
            for i in range(24)
        ]
    )
    Partner.create(
        [
            {"name": f"Buyer {i:02d}", "parent_id": customer.id, "type": "contact"}
            for i, customer in enumerate(customers)
        ]
    )
    buyers, never_bought = customers[:20], customers[20:]

    payment_journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    orders = env["sale.order"]
    for index, customer in enumerate(buyers):
        for _n in range(rng.randint(2, 6)):
            days_ago = rng.randint(5, 720)
            order = orders.create(
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": rng.randint(1, 8),
                            }
                        )
                        for product in rng.sample(list(products), rng.randint(1, 3))
                    ],
                }
            )
            order.action_confirm()
            order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
            orders |= order
            if days_ago < 12:
                continue  # recent orders are not invoiced yet
            invoice = order._create_invoices()
            invoice_date = today - timedelta(days=days_ago - 2)
            invoice.write(
                {
                    "invoice_date": invoice_date,
                    "invoice_date_due": invoice_date + timedelta(days=30),
                }
            )
            invoice.action_post()
            habit = index % 4  # 0 on time, 1 late, 2 partial, 3 mostly unpaid
            if habit == 3 and rng.random() < 0.7:
                continue
            pay_date = invoice.invoice_date_due + timedelta(
                days={0: -5, 1: 40, 2: 0, 3: 10}[habit]
            )
            if pay_date > today:
                continue
            register = (
                env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "payment_date": pay_date,
                        "journal_id": payment_journal.id,
                        "amount": invoice.amount_total * (0.5 if habit == 2 else 1.0),
                        "payment_difference_handling": "open",
                    }
                )
            )
            register._create_payments()

    stages = env["crm.stage"].search([])
    leads = env["crm.lead"].create(
        [
            {
                "name": f"Existing opportunity {i}",
                "type": "opportunity" if i % 3 else "lead",
                "partner_id": customers[i % len(customers)].id,
                "expected_revenue": 1000 * (i + 1),
                "stage_id": stages[i % len(stages)].id,
            }
            for i in range(16)
        ]
    )
    leads[-2].action_set_lost()

    team = env["helpdesk.ticket.team"].create({"name": "Existing Service Desk"})
    ticket_stages = env["helpdesk.ticket.stage"].search([])
    tickets = env["helpdesk.ticket"].create(
        [
            {
                "name": f"Existing ticket {i}",
                "description": "Pump leaks",
                "partner_id": buyers[i % len(buyers)].id,
                "team_id": team.id,
                "stage_id": ticket_stages[i % len(ticket_stages)].id,
            }
            for i in range(10)
        ]
    )
    env.cr.commit()
    return {
        "buyers": buyers.ids,
        "never_bought": never_bought.ids,
        "orders": orders.ids,
        "leads": leads.with_context(active_test=False).ids,
        "team": team.id,
        "tickets": tickets.ids,
    }
