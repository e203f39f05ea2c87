# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero

from ..tools import lock_batch
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
        plans = lock_batch(
            self.env["sale.collection.plan"],
            [("id", "in", SQL("(SELECT todo.plan_id FROM (%s) todo)", candidates))],
            batch_size,
        )
        rows = self.env.execute_query(
            SQL(
                "SELECT todo.id FROM (%s) todo WHERE todo.plan_id = ANY(%s)",
                candidates,
                plans.ids,
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
