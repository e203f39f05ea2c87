# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero

from .res_company import MAX_DAYS
from .sale_customer_integrity_mixin import as_system

INSTALMENT_STATES = [
    ("pending", "Pending"),
    ("partial", "Partially Paid"),
    ("done", "Paid"),
    ("overdue", "Overdue"),
]

# Reminder activities created by the daily cron, per instalment and kind.
REMINDER_BATCH = 500


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
    def _collected_amounts_sql(self, order_ids):
        """SQL selecting (order_id, collected amount in order currency).

        The collected amount of an order is, over its posted customer
        invoices and credit notes, the paid part of each invoice line linked
        to the order (line share of the document × (total - residual)), with
        credit notes counted negatively. An invoice shared by several orders
        is thus split by its lines.
        """
        return SQL(
            """
            SELECT sol.order_id AS order_id,
                   SUM(
                       CASE WHEN move.amount_total = 0 THEN 0
                       ELSE aml.price_total / move.amount_total
                            * (move.amount_total - move.amount_residual)
                       END
                       * CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END
                   ) AS amount
              FROM sale_order_line_invoice_rel rel
              JOIN sale_order_line sol ON sol.id = rel.order_line_id
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move move ON move.id = aml.move_id
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND sol.order_id = ANY(%(order_ids)s)
          GROUP BY sol.order_id
            """,
            order_ids=list(order_ids),
        )

    @api.model
    def _get_collected_amounts(self, order_ids):
        """Collected amount per order (order currency), one query."""
        order_ids = [oid for oid in order_ids if isinstance(oid, int)]
        if not order_ids:
            return {}
        self.env["account.move"].flush_model(
            ["state", "move_type", "amount_total", "amount_residual"]
        )
        self.env["account.move.line"].flush_model(["price_total", "sale_line_ids"])
        self.env["sale.order.line"].flush_model(["order_id"])
        rows = self.env.execute_query(self._collected_amounts_sql(order_ids))
        return {order_id: amount or 0.0 for order_id, amount in rows}

    @api.model
    def _instalment_allocation_sql(self, today, company_ids=None):
        """SQL selecting one row per instalment with the paid allocation.

        Columns: line_id, plan_id, order_id, partner_id (commercial partner),
        company_id, date_due, amount, amount_paid, amount_residual,
        amount_overdue (order currency) and currency_rate of the order, so
        that callers can convert to the company currency (amount /
        currency_rate). Paid amounts are allocated in due-date order.
        """
        company_filter = SQL("TRUE")
        if company_ids is not None:
            company_filter = SQL("plan.company_id = ANY(%s)", list(company_ids))
        return SQL(
            """
            WITH plan_line AS (
                SELECT line.id AS line_id,
                       line.plan_id,
                       plan.order_id,
                       plan.company_id,
                       line.date_due,
                       line.amount,
                       SUM(line.amount) OVER (
                           PARTITION BY line.plan_id
                           ORDER BY line.date_due, line.sequence, line.id
                       ) AS cumulated
                  FROM sale_collection_plan_line line
                  JOIN sale_collection_plan plan ON plan.id = line.plan_id
                 WHERE %(company_filter)s
            ),
            collected AS (
                SELECT sol.order_id AS order_id,
                       SUM(
                           CASE WHEN move.amount_total = 0 THEN 0
                           ELSE aml.price_total / move.amount_total
                                * (move.amount_total - move.amount_residual)
                           END
                           * CASE WHEN move.move_type = 'out_refund'
                                  THEN -1 ELSE 1 END
                       ) AS amount
                  FROM sale_order_line_invoice_rel rel
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move move ON move.id = aml.move_id
                 WHERE move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND sol.order_id IN (SELECT order_id FROM plan_line)
              GROUP BY sol.order_id
            ),
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
                   partner.commercial_partner_id AS partner_id,
                   allocated.company_id,
                   allocated.date_due,
                   allocated.amount,
                   allocated.amount_paid,
                   allocated.amount - allocated.amount_paid AS amount_residual,
                   CASE WHEN allocated.date_due < %(today)s
                             AND allocated.amount - allocated.amount_paid
                                 >= COALESCE(currency.rounding, 0.01) / 2
                        THEN allocated.amount - allocated.amount_paid
                        ELSE 0 END AS amount_overdue,
                   COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS currency_rate,
                   COALESCE(currency.rounding, 0.01) AS rounding
              FROM allocated
              JOIN sale_order so ON so.id = allocated.order_id
         LEFT JOIN res_currency currency ON currency.id = so.currency_id
              JOIN res_partner partner ON partner.id = so.partner_id
            """,
            company_filter=company_filter,
            today=today,
        )

    def _flush_for_allocation(self):
        self.env["sale.collection.plan.line"].flush_model(
            ["plan_id", "date_due", "amount", "sequence"]
        )
        self.env["sale.collection.plan"].flush_model(["order_id", "company_id"])
        self.env["sale.order"].flush_model(
            ["partner_id", "currency_rate", "currency_id"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["account.move"].flush_model(
            ["state", "move_type", "amount_total", "amount_residual"]
        )
        self.env["account.move.line"].flush_model(["price_total", "sale_line_ids"])
        self.env["sale.order.line"].flush_model(["order_id"])

    def action_generate_from_payment_terms(self):
        """Replace the instalments by the due dates of the payment terms."""
        for plan in self:
            plan.order_id._check_collection_plan_generation()
            plan.line_ids.unlink()
            plan.write({"line_ids": plan.order_id._prepare_collection_plan_lines()})
        return True


class SaleCollectionPlanLine(models.Model):
    _name = "sale.collection.plan.line"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Collection Plan Instalment"
    _order = "plan_id, date_due, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "sale.collection.plan", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Description")
    order_id = fields.Many2one(related="plan_id.order_id", store=True, index=True)
    partner_id = fields.Many2one(related="plan_id.partner_id")
    user_id = fields.Many2one(related="plan_id.user_id", string="Salesperson")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    amount_type = fields.Selection(
        [("percentage", "Percentage"), ("amount", "Fixed Amount")],
        required=True,
        default="percentage",
    )
    percentage = fields.Float(digits=(5, 2), help="Percentage of the order total.")
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        help="Amount expected for this instalment, in the order currency.",
    )
    date_due = fields.Date(string="Due Date", required=True)
    reminder_days = fields.Integer(
        default=3,
        help="A reminder activity is scheduled for the salesperson this many "
        "days before the due date.",
    )
    amount_paid = fields.Monetary(
        compute="_compute_collection",
        help="Collected amount allocated to this instalment (earliest due first).",
    )
    amount_residual = fields.Monetary(compute="_compute_collection")
    state = fields.Selection(
        INSTALMENT_STATES,
        compute="_compute_collection",
        search="_search_state",
    )
    days_overdue = fields.Integer(compute="_compute_collection")
    reminder_sent = fields.Boolean(
        copy=False, readonly=True, help="The before-due reminder was scheduled."
    )
    overdue_reminder_sent = fields.Boolean(
        copy=False, readonly=True, help="The overdue reminder was scheduled."
    )

    _sql_constraints = [
        (
            "percentage_range",
            "CHECK(percentage >= 0 AND percentage <= 100)",
            "An instalment percentage must be between 0 and 100.",
        ),
        (
            "reminder_days_positive",
            "CHECK(reminder_days >= 0)",
            "Reminder days cannot be negative.",
        ),
    ]

    @api.depends("amount_type", "percentage", "plan_id.order_id.amount_total")
    def _compute_amount(self):
        for line in self:
            if line.amount_type != "percentage":
                line.amount = line.amount or 0.0
                continue
            total = line.plan_id.order_id.amount_total
            amount = total * line.percentage / 100.0
            currency = line.plan_id.order_id.currency_id
            line.amount = currency.round(amount) if currency else amount

    @api.depends(
        "amount", "date_due", "sequence", "plan_id.line_ids", "plan_id.order_id"
    )
    @api.depends_context("date")
    def _compute_collection(self):
        today = fields.Date.context_today(self)
        plans = self.plan_id
        collected = self.env["sale.collection.plan"]._get_collected_amounts(
            plans.order_id.ids
        )
        for plan in plans:
            remaining = collected.get(plan.order_id.id, 0.0)
            currency = plan.currency_id
            rounding = currency.rounding if currency else 0.01
            lines = plan.line_ids.sorted(
                lambda line: (
                    line.date_due or fields.Date.today(),
                    line.sequence,
                    line.id if isinstance(line.id, int) else 0,
                )
            )
            for line in lines:
                paid = min(max(remaining, 0.0), line.amount)
                remaining -= line.amount
                if line not in self:
                    continue
                residual = line.amount - paid
                line.amount_paid = paid
                line.amount_residual = residual
                overdue = bool(line.date_due and line.date_due < today)
                line.days_overdue = (
                    (today - line.date_due).days
                    if overdue
                    and not float_is_zero(residual, precision_rounding=rounding)
                    else 0
                )
                if float_is_zero(residual, precision_rounding=rounding):
                    line.state = "done"
                elif overdue:
                    line.state = "overdue"
                elif float_compare(paid, 0.0, precision_rounding=rounding) > 0:
                    line.state = "partial"
                else:
                    line.state = "pending"
        for line in self - plans.line_ids:
            line.amount_paid = 0.0
            line.amount_residual = line.amount
            line.days_overdue = 0
            line.state = "pending"

    def _search_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the instalment status."))
        values = [value] if isinstance(value, str) else list(value or [])
        plan_model = self.env["sale.collection.plan"]
        plan_model._flush_for_allocation()
        allocation = plan_model._instalment_allocation_sql(
            fields.Date.context_today(self)
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT alloc.line_id
                  FROM (%(allocation)s) alloc
                 WHERE (CASE
                        WHEN alloc.amount_residual < alloc.rounding / 2 THEN 'done'
                        WHEN alloc.amount_overdue > 0 THEN 'overdue'
                        WHEN alloc.amount_paid >= alloc.rounding / 2 THEN 'partial'
                        ELSE 'pending' END) = ANY(%(values)s)
                """,
                allocation=allocation,
                values=values,
            )
        )
        positive = operator in ("=", "in")
        return [("id", "in" if positive else "not in", [row[0] for row in rows])]

    @api.constrains("percentage", "reminder_days")
    def _check_line_numbers(self):
        self._scm_check_range(
            self, {"percentage": (0.0, 100.0), "reminder_days": (0, MAX_DAYS)}
        )

    @api.constrains("amount", "percentage", "amount_type", "plan_id")
    def _check_plan_totals(self):
        for plan in self.plan_id:
            order = plan.order_id
            currency = order.currency_id
            for line in plan.line_ids:
                if line.amount_type == "percentage" and line.percentage <= 0:
                    raise ValidationError(
                        self.env._(
                            "Instalment percentages must be greater than zero "
                            "(order %(order)s).",
                            order=order.name,
                        )
                    )
                if currency.compare_amounts(line.amount, 0.0) <= 0:
                    raise ValidationError(
                        self.env._(
                            "Instalment amounts must be greater than zero "
                            "(order %(order)s).",
                            order=order.name,
                        )
                    )
            percent_lines = plan.line_ids.filtered(
                lambda line: line.amount_type == "percentage"
            )
            total_percent = sum(percent_lines.mapped("percentage"))
            if float_compare(total_percent, 100.0, precision_digits=2) > 0:
                raise ValidationError(
                    self.env._(
                        "The instalment percentages of order %(order)s add up to "
                        "%(percent)s%%, more than 100%%.",
                        order=order.name,
                        percent=round(total_percent, 2),
                    )
                )
            planned = sum(plan.line_ids.mapped("amount"))
            if currency.compare_amounts(planned, order.amount_total) > 0:
                raise ValidationError(
                    self.env._(
                        "The instalments of order %(order)s add up to %(planned)s, "
                        "more than the order total of %(total)s.",
                        order=order.name,
                        planned=currency.format(planned),
                        total=currency.format(order.amount_total),
                    )
                )

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    def _get_reminder_user(self):
        self.ensure_one()
        order = self.plan_id.order_id
        return order.user_id or order.team_id.user_id or self.plan_id.create_uid

    @api.model
    def _reminder_candidates_sql(self, today):
        """SQL selecting (id, plan_id) of the instalments that need a
        reminder now (before due: within ``reminder_days`` of the due date;
        overdue: due date passed)."""
        return SQL(
            """
            SELECT line.id, line.plan_id
              FROM sale_collection_plan_line line
              JOIN sale_collection_plan plan ON plan.id = line.plan_id
              JOIN sale_order so ON so.id = plan.order_id
             WHERE so.state = 'sale'
               AND ((NOT COALESCE(line.reminder_sent, FALSE)
                     AND line.date_due - COALESCE(line.reminder_days, 0)
                         <= %(today)s)
                    OR (NOT COALESCE(line.overdue_reminder_sent, FALSE)
                        AND line.date_due < %(today)s))
            """,
            today=today,
        )

    @api.model
    def _cron_collection_reminders(self, batch_size=REMINDER_BATCH):
        """Schedule reminder activities for the salespeople.

        One activity per instalment and kind: ``before due`` when the due
        date is at most ``reminder_days`` away, ``overdue`` once the due date
        has passed with an unpaid remainder. The flags set on the instalment
        make the cron idempotent and resumable: each call handles the
        instalments of at most ``batch_size`` plans, the cron runner commits
        them and calls again while ``_notify_progress`` reports work left.

        The plans of a batch are locked and plans another worker holds are
        skipped (``SKIP LOCKED``): two workers at once take disjoint batches
        and never wait for each other. Whole plans, not instalments: the
        activities of one order (and the follower they subscribe on it) are
        made by one worker. Returns the number of instalments left.
        """
        today = fields.Date.context_today(self)
        self.flush_model(
            ["reminder_sent", "overdue_reminder_sent", "date_due", "reminder_days"]
        )
        self.env["sale.collection.plan"].flush_model(["order_id"])
        self.env["sale.order"].flush_model(["state"])
        candidates = self._reminder_candidates_sql(today)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT plan.id FROM sale_collection_plan plan
                 WHERE plan.id IN (SELECT todo.plan_id FROM (%s) todo)
              ORDER BY plan.id
                 LIMIT %s
                   FOR NO KEY UPDATE SKIP LOCKED
                """,
                candidates,
                batch_size,
            )
        )
        plan_ids = [row[0] for row in rows]
        rows = self.env.execute_query(
            SQL(
                "SELECT todo.id FROM (%s) todo WHERE todo.plan_id = ANY(%s)",
                candidates,
                plan_ids,
            )
        )
        batch = self.browse(sorted(row[0] for row in rows))
        [(total,)] = self.env.execute_query(
            SQL("SELECT count(*) FROM (%s) todo", candidates)
        )
        remaining = max(total - len(batch), 0)
        # Paid instalments need no reminder: mark them so they are not revisited.
        done = batch.filtered(lambda line: line.state == "done")
        as_system(done).write({"reminder_sent": True, "overdue_reminder_sent": True})
        activity_type = self.env.ref(
            "sale_customer_mgmt.mail_activity_type_collection",
            raise_if_not_found=False,
        )
        activity_vals = []
        due_soon = overdue = self.browse()
        order_model_id = self.env["ir.model"]._get_id("sale.order")
        for line in batch - done:
            order = line.plan_id.order_id
            user = line._get_reminder_user()
            is_overdue = line.date_due < today
            if is_overdue and not line.overdue_reminder_sent:
                summary = self.env._(
                    "Overdue instalment: collect %(amount)s",
                    amount=line.currency_id.format(line.amount_residual),
                )
                overdue |= line
            elif not line.reminder_sent:
                summary = self.env._(
                    "Instalment due on %(date)s: %(amount)s",
                    date=line.date_due,
                    amount=line.currency_id.format(line.amount_residual),
                )
                due_soon |= line
            else:
                continue
            vals = {
                "res_model_id": order_model_id,
                "res_id": order.id,
                "summary": summary,
                "note": line.name or False,
                "date_deadline": max(line.date_due, today),
                "user_id": user.id,
            }
            if activity_type:
                vals["activity_type_id"] = activity_type.id
            activity_vals.append(vals)
        if activity_vals:
            self.env["mail.activity"].create(activity_vals)
        as_system(due_soon).write({"reminder_sent": True})
        # An overdue reminder supersedes the before-due one.
        as_system(overdue).write({"reminder_sent": True, "overdue_reminder_sent": True})
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return remaining
