# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixture shared by the analysis, collection and integrated-order tests.

Built on ``AccountTestInvoicingCommon``: a fresh company with a chart of
accounts, so totals are not polluted by demo data. Products carry no tax,
so every expected amount below is computed by hand from quantities and
prices.
"""

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CustomerAnalysisCommon(AccountTestInvoicingCommon):
    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref(
            "sales_team.group_sale_manager"
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_currency = cls.setup_other_currency(
            "EUR" if cls.company.currency_id.name != "EUR" else "USD",
            rates=[("1900-01-01", 2.0)],
        )
        cls.salesman = cls.env["res.users"].create(
            {
                "name": "Wang Salesman",
                "login": "h2_wang_salesman",
                "email": "wang@example.com",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("base.group_user").id,
                            cls.env.ref("sales_team.group_sale_salesman").id,
                        ]
                    )
                ],
            }
        )
        cls.industry_a = cls.env["res.partner.industry"].create(
            {"name": "H2 Machinery"}
        )
        cls.industry_b = cls.env["res.partner.industry"].create({"name": "H2 Food"})
        cls.customer_a = cls.env["res.partner"].create(
            {
                "name": "H2 Alpha Trading Co.",
                "is_company": True,
                "industry_id": cls.industry_a.id,
                "user_id": cls.salesman.id,
            }
        )
        cls.contact_a = cls.env["res.partner"].create(
            {"name": "Li Buyer", "parent_id": cls.customer_a.id, "type": "contact"}
        )
        cls.customer_b = cls.env["res.partner"].create(
            {
                "name": "H2 Beta Foods Ltd.",
                "is_company": True,
                "industry_id": cls.industry_b.id,
            }
        )
        cls.customer_c = cls.env["res.partner"].create(
            {
                "name": "H2 Gamma Machinery",
                "is_company": True,
                "industry_id": cls.industry_a.id,
            }
        )
        cls.product_pump = cls._create_product(
            name="H2 Pump",
            lst_price=1000.0,
            standard_price=600.0,
            taxes_id=[Command.clear()],
        )
        cls.product_filter = cls._create_product(
            name="H2 Filter",
            lst_price=100.0,
            standard_price=80.0,
            taxes_id=[Command.clear()],
        )
        cls.term_30 = cls.env.ref("account.account_payment_term_30days")

    @classmethod
    def _create_order(
        cls,
        partner,
        lines,
        date_order="2026-01-05",
        currency=None,
        user=None,
        confirm=True,
        payment_term=None,
    ):
        """``lines``: list of (product, qty, price_unit)."""
        vals = {
            "partner_id": partner.id,
            "date_order": fields.Datetime.to_datetime(date_order),
            "user_id": (user or cls.salesman).id,
            "payment_term_id": payment_term.id if payment_term else False,
            "order_line": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": qty,
                        "price_unit": price,
                    }
                )
                for product, qty, price in lines
            ],
        }
        if currency:
            pricelist = cls.env["product.pricelist"].create(
                {"name": f"H2 {currency.name}", "currency_id": currency.id}
            )
            vals["pricelist_id"] = pricelist.id
        order = cls.env["sale.order"].create(vals)
        if confirm:
            order.action_confirm()
            # action_confirm resets the date; keep the scenario's date.
            order.date_order = fields.Datetime.to_datetime(date_order)
        return order

    @classmethod
    def _invoice(cls, order, invoice_date="2026-01-10"):
        invoice = order._create_invoices()
        invoice.invoice_date = invoice_date
        if not invoice.invoice_payment_term_id:
            invoice.invoice_date_due = invoice_date
        invoice.action_post()
        return invoice

    @classmethod
    def _pay(cls, invoice, amount, date="2026-01-15"):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": date})
            ._create_payments()
        )

    @classmethod
    def _credit_note(cls, invoice, amount, date="2026-01-20"):
        """A posted credit note of ``amount`` (one line) matched with ``invoice``."""
        reversal = (
            cls.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": date})
        )
        action = reversal.refund_moves()
        refund = cls.env["account.move"].browse(action["res_id"])
        line = refund.invoice_line_ids[:1]
        line.write({"quantity": 1, "price_unit": amount})
        (refund.invoice_line_ids - line).unlink()
        # Posting a reversal matches it with the invoice it reverses.
        refund.action_post()
        return refund
