# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixture of the tier tests: a fresh company (so that demo customers do not
enter the percentiles) with hand-made orders, invoices and payments.

Scoring date: 2026-06-30. Caps mode: purchase cap 100,000, margin cap 20,000,
days-late cap 90; weights 30/25/20/15/10 (the defaults).
"""

from odoo import Command
from odoo.tests import TransactionCase

TODAY = "2026-06-30 12:00:00"


class TierCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.usd = cls.env.ref("base.USD")
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.company = cls.env["res.company"].create(
            {"name": "Tier Test Co", "currency_id": cls.usd.id}
        )
        cls.company2 = cls.env["res.company"].create(
            {"name": "Tier Test Co 2", "currency_id": cls.usd.id}
        )
        cls.env.user.company_ids = [
            Command.link(cls.company.id),
            Command.link(cls.company2.id),
        ]
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )
        cls.company.write(
            {
                "tier_normalization": "cap",
                "tier_cap_purchase": 100000.0,
                "tier_cap_profit": 20000.0,
            }
        )
        cls.env["res.currency.rate"].create(
            {
                "name": "2020-01-01",
                "rate": 2.0,
                "currency_id": cls.eur.id,
                "company_id": cls.company.id,
            }
        )
        cls.pricelist_eur = cls.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": cls.eur.id, "company_id": cls.company.id}
        )
        cls.tier_a = cls.env.ref("sale_customer_mgmt.res_partner_tier_a")
        cls.tier_b = cls.env.ref("sale_customer_mgmt.res_partner_tier_b")
        cls.tier_c = cls.env.ref("sale_customer_mgmt.res_partner_tier_c")
        cls.tier_d = cls.env.ref("sale_customer_mgmt.res_partner_tier_d")
        categ = cls.env["product.category"]
        cls.categ_equipment = categ.create({"name": "Tier Equipment"})
        cls.categ_consumable = categ.create({"name": "Tier Consumables"})
        cls.product_machine = cls._product("Machine", 3000.0, cls.categ_equipment)
        cls.product_unit = cls._product("Unit", 4000.0, cls.categ_equipment)
        cls.product_part = cls._product("Part", 300.0, cls.categ_equipment)
        cls.product_spare = cls._product("Spare", 500.0, cls.categ_consumable)

        partner = cls.env["res.partner"]
        cls.alpha = partner.create(
            {
                "name": "Alpha Machinery",
                "is_company": True,
                "company_id": cls.company.id,
            }
        )
        cls.beta = partner.create(
            {
                "name": "Beta Motors",
                "is_company": True,
                "company_id": cls.company.id,
                "tier_potential_rating": "2",
                "tier_cooperation_rating": "4",
            }
        )
        cls.beta_buyer = partner.create(
            {
                "name": "Beta Buyer",
                "parent_id": cls.beta.id,
                "company_id": cls.company.id,
            }
        )
        cls.gamma = partner.create(
            {"name": "Gamma GmbH", "is_company": True, "company_id": cls.company.id}
        )
        cls.delta = partner.create(
            {"name": "Delta Prospect", "is_company": True, "company_id": cls.company.id}
        )
        cls.epsilon = partner.create(
            {"name": "Epsilon Lost", "is_company": True, "company_id": cls.company.id}
        )
        cls.archived = partner.create(
            {"name": "Archived Co", "is_company": True, "company_id": cls.company.id}
        )
        cls.zeta = partner.create(
            {"name": "Zeta Solo", "is_company": True, "company_id": cls.company2.id}
        )

        # Alpha: 50,000 this year (margin 20,000), 25,000 last year (10,000),
        # paid two days before the due date.
        cls._order(cls.alpha, "2025-05-01", [(cls.product_machine, 5, 5000.0)])
        cls._order(cls.alpha, "2026-02-01", [(cls.product_machine, 10, 5000.0)])
        inv = cls._invoice(cls.alpha, "2026-02-01", "2026-03-03", 50000.0)
        cls._pay(inv, "2026-03-01")
        # Beta: one order by its contact, 20,000 (margin 4,000); half paid
        # 60 days late, half overdue.
        cls._order(cls.beta_buyer, "2026-01-15", [(cls.product_unit, 4, 5000.0)])
        inv1 = cls._invoice(cls.beta_buyer, "2026-01-15", "2026-02-14", 10000.0)
        cls._invoice(cls.beta_buyer, "2026-01-15", "2026-02-14", 10000.0)
        cls._pay(inv1, "2026-04-15")
        # Gamma: 10,000 EUR at 2 EUR/USD = 5,000 USD (margin 2,000 USD) this
        # year, 20,000 USD (margin 14,000) last year; invoice 5,000 with a
        # 1,000 credit note, the rest paid 10 days late.
        cls._order(cls.gamma, "2025-04-01", [(cls.product_part, 20, 1000.0)])
        cls._order(
            cls.gamma,
            "2026-04-01",
            [(cls.product_part, 10, 1000.0)],
            pricelist=cls.pricelist_eur,
        )
        inv = cls._invoice(cls.gamma, "2026-04-01", "2026-05-01", 5000.0)
        refund = cls._invoice(
            cls.gamma, "2026-04-10", "2026-04-10", 1000.0, move_type="out_refund"
        )
        (inv | refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        cls._pay(inv, "2026-05-11")
        # Epsilon: two orders in 2024, nothing since.
        cls._order(cls.epsilon, "2024-09-01", [(cls.product_spare, 1, 1000.0)])
        cls._order(cls.epsilon, "2024-12-01", [(cls.product_spare, 1, 1000.0)])
        # Archived customer with a recent order.
        cls._order(cls.archived, "2026-03-01", [(cls.product_machine, 1, 5000.0)])
        cls.archived.active = False
        # Zeta: the single customer of the second company.
        cls._order(
            cls.zeta,
            "2026-05-01",
            [(cls.product_machine, 1, 1000.0)],
            company=cls.company2,
        )
        cls.customers = cls.alpha | cls.beta | cls.gamma | cls.delta | cls.epsilon

    @classmethod
    def _product(cls, name, cost, categ):
        product = cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "list_price": cost * 2,
                "categ_id": categ.id,
                "taxes_id": [Command.clear()],
            }
        )
        product.with_company(cls.company).standard_price = cost
        return product

    @classmethod
    def _order(cls, partner, date, lines, company=None, pricelist=None):
        company = company or cls.company
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "pricelist_id": pricelist.id if pricelist else False,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "price_unit": price,
                                "tax_id": [Command.clear()],
                            }
                        )
                        for product, qty, price in lines
                    ],
                }
            )
        )
        order.action_confirm()
        order.date_order = f"{date} 10:00:00"
        return order

    @classmethod
    def _invoice(cls, partner, date, due, amount, move_type="out_invoice"):
        move = (
            cls.env["account.move"]
            .with_company(cls.company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": date,
                    "date": date,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Goods",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    @classmethod
    def _pay(cls, moves, date):
        cls.env["account.payment.register"].with_company(cls.company).with_context(
            active_model="account.move", active_ids=moves.ids
        ).create({"payment_date": date})._create_payments()
