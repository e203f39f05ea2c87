# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class SaleCollectionPlan(models.Model):
    """Collection plan (回款计划) of a confirmed sale order.

    The instalments are expectations; what was really collected comes from
    the customer payments reconciled with the order's invoices (net of credit
    notes) and is allocated to the instalments in due-date order.
    """

    _name = "sale.collection.plan"
    _description = "Collection Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "sale.customer.integrity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
        domain="[('state', '=', 'sale')]",
        tracking=True,
    )
    partner_id = fields.Many2one(related="order_id.partner_id", store=True)
    user_id = fields.Many2one(
        related="order_id.user_id", store=True, string="Salesperson"
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="order_id.currency_id")
    amount_total = fields.Monetary(
        related="order_id.amount_total", string="Order Total"
    )
    line_ids = fields.One2many(
        "sale.collection.plan.line", "plan_id", string="Instalments", copy=True
    )
    note = fields.Html()
    amount_planned = fields.Monetary(compute="_compute_amounts")
    amount_collected = fields.Monetary(
        compute="_compute_amounts",
        help="Payments received on the order's invoices, net of credit notes.",
    )
    amount_overdue = fields.Monetary(
        compute="_compute_amounts",
        help="Unpaid part of the instalments whose due date has passed.",
    )
    state = fields.Selection(
        [("open", "In Progress"), ("overdue", "Overdue"), ("done", "Collected")],
        compute="_compute_amounts",
    )

    _sql_constraints = [
        (
            "order_unique",
            "UNIQUE(order_id)",
            "A sale order can only have one collection plan.",
        ),
    ]

    @api.depends(
        "line_ids.amount", "line_ids.amount_paid", "line_ids.state", "order_id"
    )
    @api.depends_context("date")
    def _compute_amounts(self):
        paid_by_order = self._get_collected_amounts(self.order_id.ids)
        for plan in self:
            plan.amount_planned = sum(plan.line_ids.mapped("amount"))
            plan.amount_collected = paid_by_order.get(plan.order_id.id, 0.0)
            overdue_lines = plan.line_ids.filtered(lambda line: line.state == "overdue")
            plan.amount_overdue = sum(overdue_lines.mapped("amount_residual"))
            if plan.line_ids and all(line.state == "done" for line in plan.line_ids):
                plan.state = "done"
            elif overdue_lines:
                plan.state = "overdue"
            else:
                plan.state = "open"

    @api.depends("order_id.name")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = self.env._(
                "Collection plan %(order)s", order=plan.order_id.name or ""
            )

    @api.constrains("order_id")
    def _check_order_confirmed(self):
        for plan in self:
            if plan.order_id.state != "sale":
                raise ValidationError(
                    self.env._(
                        "A collection plan can only be made for a confirmed sale "
                        "order; %(order)s is not confirmed.",
                        order=plan.order_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _order_invoice_share_sql(self, order_filter):
        """SQL selecting one row per posted customer invoice or credit note
        line linked to a sale order line matching ``order_filter`` (an SQL
        condition on ``sol``, the sale order line): every figure "per order"
        of the invoices is a sum over these rows.

        An invoice shared by several orders is split by its lines: ``share``
        is the line's part of its document (price_total / amount_total;
        documents with a zero total are left out). Columns: ``order_id``,
        ``move_type``, ``invoice_date_due``, ``move_residual`` (order
        currency), ``share``, ``collected`` (the paid part of the line, order
        currency, credit notes negative), ``invoiced_signed`` and
        ``residual_signed`` (company currency, credit notes negative).
        """
        return SQL(
            """
            SELECT sol.order_id AS order_id,
                   move.move_type,
                   move.invoice_date_due,
                   move.amount_residual AS move_residual,
                   aml.price_total / move.amount_total AS share,
                   aml.price_total / move.amount_total
                       * (move.amount_total - move.amount_residual)
                       * CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END
                       AS collected,
                   aml.price_total / move.amount_total * move.amount_total_signed
                       AS invoiced_signed,
                   aml.price_total / move.amount_total * move.amount_residual_signed
                       AS residual_signed
              FROM sale_order_line_invoice_rel rel
              JOIN sale_order_line sol ON sol.id = rel.order_line_id
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move move ON move.id = aml.move_id
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND move.amount_total <> 0
               AND %(order_filter)s
            """,
            order_filter=order_filter,
        )

    @api.model
    def _collected_amounts_sql(self, order_filter):
        """SQL selecting (order_id, amount): the amount collected on each
        order matching ``order_filter`` (see ``_order_invoice_share_sql``),
        in the order currency: the paid part of its invoice lines, net of
        its credit notes."""
        return SQL(
            """
            SELECT share.order_id, SUM(share.collected) AS amount
              FROM (%s) share
          GROUP BY share.order_id
            """,
            self._order_invoice_share_sql(order_filter),
        )

    @api.model
    def _flush_invoice_shares(self):
        """Flush what ``_order_invoice_share_sql`` reads."""
        self.env["account.move"].flush_model(
            [
                "state",
                "move_type",
                "amount_total",
                "amount_residual",
                "amount_total_signed",
                "amount_residual_signed",
                "invoice_date_due",
            ]
        )
        self.env["account.move.line"].flush_model(["price_total", "sale_line_ids"])
        self.env["sale.order.line"].flush_model(["order_id"])

    @api.model
    def _get_collected_amounts(self, order_ids):
        """Collected amount per order (order currency), one query."""
        order_ids = [oid for oid in order_ids if isinstance(oid, int)]
        if not order_ids:
            return {}
        self._flush_invoice_shares()
        rows = self.env.execute_query(
            self._collected_amounts_sql(SQL("sol.order_id = ANY(%s)", order_ids))
        )
        return {order_id: amount or 0.0 for order_id, amount in rows}

    @api.model
    def _instalment_allocation_sql(self, today, company_ids=None, partner_ids=None):
        """SQL selecting one row per instalment with the paid allocation.

        Columns: line_id, plan_id, order_id, partner_id (commercial partner),
        company_id, date_due, amount, amount_paid, amount_residual,
        amount_overdue (order currency) and currency_rate of the order, so
        that callers can convert to the company currency (amount /
        currency_rate). Paid amounts are allocated in due-date order.

        :param partner_ids: commercial partners whose instalments are wanted
            (None: all). A filter on the result cannot reach through the
            allocation's window: without it every instalment of the database
            is allocated, for each batch of the tier recompute.
        """
        plan_filter = SQL("TRUE")
        if company_ids is not None:
            plan_filter = SQL("plan.company_id = ANY(%s)", list(company_ids))
        if partner_ids is not None:
            # whole plans (the window's partitions), by their order's
            # customer (the plan's stored copy of it: no join of the orders)
            plan_filter = SQL(
                """%s AND plan.partner_id IN (
                        SELECT buyer.id
                          FROM res_partner buyer
                         WHERE buyer.commercial_partner_id = ANY(%s))""",
                plan_filter,
                list(partner_ids),
            )
        return SQL(
            """
            WITH plan_line AS (
                -- the order's customer, rate and rounding with the plans
                -- they belong to (those of the filter only), not joined
                -- again to every order of the database afterwards
                SELECT line.id AS line_id,
                       line.plan_id,
                       plan.order_id,
                       partner.commercial_partner_id AS partner_id,
                       plan.company_id,
                       line.date_due,
                       line.amount,
                       SUM(line.amount) OVER (
                           PARTITION BY line.plan_id
                           ORDER BY line.date_due, line.sequence, line.id
                       ) AS cumulated,
                       COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS currency_rate,
                       COALESCE(currency.rounding, 0.01) AS rounding
                  FROM sale_collection_plan_line line
                  JOIN sale_collection_plan plan ON plan.id = line.plan_id
                  JOIN sale_order so ON so.id = plan.order_id
             LEFT JOIN res_currency currency ON currency.id = so.currency_id
                  JOIN res_partner partner ON partner.id = so.partner_id
                 WHERE %(plan_filter)s
            ),
            collected AS (%(collected)s),
            allocated AS (
                SELECT plan_line.*,
                       LEAST(
                           GREATEST(
                               COALESCE(collected.amount, 0)
                               - (plan_line.cumulated - plan_line.amount),
                               0
                           ),
                           plan_line.amount
                       ) AS amount_paid
                  FROM plan_line
             LEFT JOIN collected ON collected.order_id = plan_line.order_id
            )
            SELECT allocated.line_id,
                   allocated.plan_id,
                   allocated.order_id,
                   allocated.partner_id,
                   allocated.company_id,
                   allocated.date_due,
                   allocated.amount,
                   allocated.amount_paid,
                   allocated.amount - allocated.amount_paid AS amount_residual,
                   CASE WHEN allocated.date_due < %(today)s
                             AND allocated.amount - allocated.amount_paid
                                 >= allocated.rounding / 2
                        THEN allocated.amount - allocated.amount_paid
                        ELSE 0 END AS amount_overdue,
                   allocated.currency_rate,
                   allocated.rounding
              FROM allocated
            """,
            plan_filter=plan_filter,
            collected=self._collected_amounts_sql(
                SQL("sol.order_id IN (SELECT order_id FROM plan_line)")
            ),
            today=today,
        )

    def _flush_for_allocation(self):
        self.env["sale.collection.plan.line"].flush_model(
            ["plan_id", "date_due", "amount", "sequence"]
        )
        self.env["sale.collection.plan"].flush_model(
            ["order_id", "company_id", "partner_id"]
        )
        self.env["sale.order"].flush_model(
            ["partner_id", "currency_rate", "currency_id"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self._flush_invoice_shares()

    def action_generate_from_payment_terms(self):
        """Replace the instalments by the due dates of the payment terms."""
        for plan in self:
            plan.order_id._check_collection_plan_generation()
            plan.line_ids.unlink()
            plan.write({"line_ids": plan.order_id._prepare_collection_plan_lines()})
        return True
