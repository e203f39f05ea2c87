# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

INVOICE_STATUS = [
    ("upselling", "Upselling Opportunity"),
    ("invoiced", "Fully Invoiced"),
    ("to invoice", "To Invoice"),
    ("no", "Nothing to Invoice"),
]


class SaleOrderIntegratedReport(models.Model):
    """Integrated order view for accountants (订单综合查询).

    One row per confirmed sale order with what an accountant asks about it:
    customer tier, invoice status, amounts invoiced / paid / outstanding,
    days overdue, margin and overdue collection instalments. Amounts are in
    the company currency. Invoices shared by several orders are split by
    their lines; credit notes reduce the invoiced amount.

    It is a report model with its own read-only access, so the accountant
    group reads it without any right on ``sale.order``.
    """

    _name = "sale.order.integrated.report"
    _inherit = ["sale.customer.report.mixin"]
    _description = "Integrated Order View"
    _auto = False
    _rec_name = "name"
    _order = "date_order desc, id desc"

    name = fields.Char(string="Order Reference", readonly=True)
    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    date_order = fields.Date(string="Order Date", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    tier_id = fields.Many2one("res.partner.tier", string="Tier", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    order_currency_id = fields.Many2one(
        "res.currency", string="Order Currency", readonly=True
    )
    invoice_status = fields.Selection(INVOICE_STATUS, readonly=True)
    payment_state = fields.Selection(
        [
            ("not_invoiced", "Not Invoiced"),
            ("not_paid", "Not Paid"),
            ("partial", "Partially Paid"),
            ("paid", "Paid"),
        ],
        readonly=True,
    )
    order_count = fields.Integer(string="# Orders", readonly=True)
    amount_untaxed = fields.Monetary(string="Untaxed Amount", readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True)
    margin = fields.Monetary(readonly=True)
    margin_rate = fields.Float(
        string="Margin Rate (%)", aggregator="avg", readonly=True, digits=(16, 2)
    )
    invoiced_amount = fields.Monetary(
        string="Invoiced",
        readonly=True,
        help="Invoices minus credit notes, taxes included.",
    )
    paid_amount = fields.Monetary(string="Paid", readonly=True)
    outstanding_amount = fields.Monetary(string="Outstanding", readonly=True)
    overdue_amount = fields.Monetary(
        string="Overdue", readonly=True, help="Outstanding invoice amount past due."
    )
    days_overdue = fields.Integer(
        aggregator="max",
        readonly=True,
        help="Days since the due date of the oldest unpaid invoice of the order.",
    )
    collection_overdue_amount = fields.Monetary(
        string="Overdue Instalments",
        readonly=True,
        help="Unpaid part of the collection-plan instalments past their due date.",
    )
    collection_overdue_count = fields.Integer(
        string="# Overdue Instalments", readonly=True
    )

    @api.model
    def _report_ratios(self):
        ratios = super()._report_ratios()
        ratios["margin_rate"] = lambda s: self._ratio_sql(
            s("margin"), s("amount_untaxed"), 100.0
        )
        return ratios

    @property
    def _table_query(self):
        self._flush_report_sources()
        today = self._today()
        plan_model = self.env["sale.collection.plan"]
        allocation = plan_model._instalment_allocation_sql(today)
        shares = plan_model._order_invoice_share_sql(SQL("TRUE"))
        return SQL(
            """
            WITH invoiced AS (
                SELECT share.order_id,
                       SUM(share.invoiced_signed) AS amount,
                       SUM(share.residual_signed) AS residual,
                       SUM(CASE WHEN share.invoice_date_due < %(today)s
                                THEN share.residual_signed
                                ELSE 0 END) AS overdue,
                       MAX(CASE WHEN share.move_type = 'out_invoice'
                                 AND share.move_residual > 0
                                 AND share.invoice_date_due < %(today)s
                                THEN %(today)s - share.invoice_date_due
                                ELSE 0 END) AS days_overdue
                  FROM (%(shares)s) share
              GROUP BY share.order_id
            ),
            collection AS (
                SELECT alloc.order_id,
                       SUM(alloc.amount_overdue / alloc.currency_rate) AS amount,
                       COUNT(*) AS instalments
                  FROM (%(allocation)s) alloc
                 WHERE alloc.amount_overdue > 0
              GROUP BY alloc.order_id
            )
            SELECT so.id AS id,
                   so.name,
                   so.id AS order_id,
                   so.date_order::date AS date_order,
                   partner.commercial_partner_id AS partner_id,
                   %(tier)s AS tier_id,
                   so.user_id,
                   so.team_id,
                   so.company_id,
                   company.currency_id,
                   so.currency_id AS order_currency_id,
                   so.invoice_status,
                   CASE WHEN invoiced.order_id IS NULL OR invoiced.amount = 0
                            THEN 'not_invoiced'
                        WHEN invoiced.residual <= 0 THEN 'paid'
                        WHEN invoiced.residual < invoiced.amount THEN 'partial'
                        ELSE 'not_paid' END AS payment_state,
                   1 AS order_count,
                   so.amount_untaxed / %(rate)s AS amount_untaxed,
                   so.amount_total / %(rate)s AS amount_total,
                   COALESCE(so.margin, 0) / %(rate)s AS margin,
                   CASE WHEN so.amount_untaxed <> 0
                        THEN so.margin / so.amount_untaxed * 100 ELSE 0
                   END AS margin_rate,
                   COALESCE(invoiced.amount, 0) AS invoiced_amount,
                   COALESCE(invoiced.amount, 0) - COALESCE(invoiced.residual, 0)
                       AS paid_amount,
                   COALESCE(invoiced.residual, 0) AS outstanding_amount,
                   GREATEST(COALESCE(invoiced.overdue, 0), 0) AS overdue_amount,
                   COALESCE(invoiced.days_overdue, 0) AS days_overdue,
                   COALESCE(collection.amount, 0) AS collection_overdue_amount,
                   COALESCE(collection.instalments, 0) AS collection_overdue_count
              FROM sale_order so
              JOIN res_company company ON company.id = so.company_id
              JOIN res_partner partner ON partner.id = so.partner_id
              JOIN res_partner commercial
                ON commercial.id = partner.commercial_partner_id
         LEFT JOIN invoiced ON invoiced.order_id = so.id
         LEFT JOIN collection ON collection.order_id = so.id
             WHERE so.state = 'sale'
            """,
            today=today,
            allocation=allocation,
            shares=shares,
            tier=self._partner_column("commercial", "customer_tier_id", "INTEGER"),
            rate=SQL("COALESCE(NULLIF(so.currency_rate, 0), 1.0)"),
        )
