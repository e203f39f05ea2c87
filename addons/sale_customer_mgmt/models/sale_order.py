# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

from .sale_customer_integrity_mixin import as_system

# Context key of the order-change watch: the orders whose total an outer
# call (an order write with line commands) is already watching, so that the
# line overrides inside it do not log the same change twice. Its value is a
# Python object, which no RPC client can send.
ORDER_CHANGE_WATCH = "sale_customer_mgmt_order_change_watch"


class OrderChangeWatch:
    """Value of ``ORDER_CHANGE_WATCH``: the ids of the watched orders."""

    __slots__ = ("order_ids",)

    def __init__(self, order_ids):
        self.order_ids = frozenset(order_ids)


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "sale.customer.integrity.mixin"]

    collection_plan_ids = fields.One2many(
        "sale.collection.plan", "order_id", string="Collection Plans"
    )
    collection_line_count = fields.Integer(
        compute="_compute_collection_line_count", string="Instalments"
    )

    # order-change approval (off unless the company enables it)
    approved_amount = fields.Monetary(
        string="Approved Total",
        copy=False,
        readonly=True,
        help="Order total at confirmation or at the last approved change.",
    )
    order_change_ids = fields.One2many(
        "sale.order.change", "order_id", string="Order Changes", copy=False
    )
    order_change_blocked = fields.Boolean(
        string="Change Awaiting Approval",
        compute="_compute_order_change_blocked",
        help="The order was changed beyond the approval threshold and a sales "
        "manager has not approved the change yet.",
    )

    def init(self):
        res = super().init()
        # The churn analysis asks, for every customer and period of the
        # pivot, whether the customer ordered again in the next period
        # (sale.customer.churn.report): an index-only probe on the customer's
        # confirmed orders by date. With the plain partner_id index the probe
        # visited every order of the customer in the heap.
        create_index(
            self.env.cr,
            "sale_order_confirmed_partner_date_index",
            self._table,
            ["partner_id", "date_order", "company_id"],
            where="state = 'sale'",
        )
        return res

    @api.depends("collection_plan_ids.line_ids")
    def _compute_collection_line_count(self):
        data = self.env["sale.collection.plan.line"]._read_group(
            [("order_id", "in", self.ids)], ["order_id"], ["__count"]
        )
        mapped = {order.id: count for order, count in data}
        for order in self:
            order.collection_line_count = mapped.get(order.id, 0)

    def _check_collection_plan_generation(self):
        for order in self:
            if order.state != "sale":
                raise UserError(
                    self.env._(
                        "Confirm order %(order)s before planning its collection.",
                        order=order.name,
                    )
                )
            if not order.payment_term_id:
                raise UserError(
                    self.env._(
                        "Order %(order)s has no payment terms to generate the "
                        "collection plan from.",
                        order=order.name,
                    )
                )

    def _prepare_collection_plan_lines(self):
        """Instalment commands following the order's payment terms."""
        self.ensure_one()
        date_ref = fields.Date.to_date(self.date_order) or fields.Date.context_today(
            self
        )
        terms = self.payment_term_id._compute_terms(
            date_ref=date_ref,
            currency=self.currency_id,
            company=self.company_id,
            tax_amount=self.amount_tax,
            tax_amount_currency=self.amount_tax,
            sign=1,
            untaxed_amount=self.amount_untaxed,
            untaxed_amount_currency=self.amount_untaxed,
        )
        commands = []
        count = len(terms["line_ids"])
        for index, term in enumerate(terms["line_ids"], start=1):
            commands.append(
                Command.create(
                    {
                        "sequence": index * 10,
                        "name": self.env._(
                            "Instalment %(index)s/%(count)s", index=index, count=count
                        ),
                        "amount_type": "amount",
                        "amount": self.currency_id.round(term["foreign_amount"]),
                        "date_due": term["date"],
                    }
                )
            )
        return commands

    def action_open_collection_plan(self):
        """Open the order's collection plan, or a new one for this order."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_customer_mgmt.sale_collection_plan_action"
        )
        action["views"] = [(False, "form")]
        action["context"] = {"default_order_id": self.id}
        if self.collection_plan_ids:
            action["res_id"] = self.collection_plan_ids[:1].id
        return action

    def action_generate_collection_plan(self):
        """Create (or refill) the collection plan from the payment terms."""
        self._check_collection_plan_generation()
        plans = self.env["sale.collection.plan"]
        for order in self:
            plan = order.collection_plan_ids[:1]
            if plan:
                plan.action_generate_from_payment_terms()
            else:
                plan = plans.create(
                    {
                        "order_id": order.id,
                        "line_ids": order._prepare_collection_plan_lines(),
                    }
                )
            plans |= plan
        if len(self) == 1:
            return self.action_open_collection_plan()
        return True

    # ------------------------------------------------------------------
    # Order-change approval
    # ------------------------------------------------------------------
    @api.depends("order_change_ids.state", "amount_total", "approved_amount")
    def _compute_order_change_blocked(self):
        for order in self:
            order.order_change_blocked = bool(
                order.state == "sale"
                and order.company_id.order_change_approval
                and order.order_change_ids.filtered(
                    lambda c: c.state in ("to_approve", "rejected")
                )
                and order.currency_id.compare_amounts(
                    order.amount_total, order.approved_amount
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._scm_check_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._scm_check_vals(vals)
        orders, before, ctx = self._order_change_watch()
        res = super(SaleOrder, self.with_context(**ctx)).write(vals)
        orders._check_order_change(before)
        return res

    def action_confirm(self):
        res = super().action_confirm()
        for order in self.filtered(lambda o: o.company_id.order_change_approval):
            as_system(order).approved_amount = order.amount_total
        return res

    def _create_invoices(self, grouped=False, final=False, date=None):
        blocked = self.filtered("order_change_blocked")
        if blocked:
            raise UserError(
                self.env._(
                    "Changes to %(orders)s await a sales manager's approval.",
                    orders=", ".join(blocked.mapped("name")),
                )
            )
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _get_order_change_threshold(self):
        self.ensure_one()
        company = self.company_id
        return company.currency_id._convert(
            company.order_change_approval_amount,
            self.currency_id,
            company,
            self.date_order or fields.Date.context_today(self),
        )

    def _order_change_watch(self):
        """Start watching the total of the confirmed orders of ``self``
        under approval that no outer call watches yet.

        :return: (orders, ``{order id: total before}``, context for the
            calls made while watching)
        """
        watch = self.env.context.get(ORDER_CHANGE_WATCH)
        watched = watch.order_ids if isinstance(watch, OrderChangeWatch) else set()
        orders = self.filtered(
            lambda o: o.id not in watched
            and o.state == "sale"
            and o.company_id.order_change_approval
        )
        before = {order.id: order.amount_total for order in orders}
        ctx = {ORDER_CHANGE_WATCH: OrderChangeWatch(set(watched) | set(orders.ids))}
        return orders, before, ctx

    def _check_order_change(self, before):
        """Log each change of the total; ask approval above the threshold.

        Four eyes: a change above the threshold waits for a sales manager
        other than the one who made it, whoever made it (a manager's own
        change included); a change within the threshold needs no approval.
        """
        # sudo: salespeople only read the change log; the log and its state are
        # written here, as the consequence of their order change (the change
        # keeps the user who made it: sudo keeps the uid)
        changes = self.env["sale.order.change"].sudo()
        for order in self.exists():
            old_total = before[order.id]
            if not order.currency_id.compare_amounts(order.amount_total, old_total):
                continue
            baseline = order.approved_amount or old_total
            pending = order.sudo().order_change_ids.filtered(
                lambda c: c.state in ("to_approve", "rejected")
            )
            exceeds = (
                order.currency_id.compare_amounts(
                    abs(order.amount_total - baseline),
                    order._get_order_change_threshold(),
                )
                > 0
            )
            vals = {
                "order_id": order.id,
                "amount_before": baseline,
                "amount_after": order.amount_total,
                "description": self.env._(
                    "Total changed from %(old)s to %(new)s.",
                    old=old_total,
                    new=order.amount_total,
                ),
            }
            pending.filtered(lambda c: c.state == "to_approve").state = "cancelled"
            if exceeds:
                change = changes.create(vals)
                order.message_post(
                    body=self.env._(
                        "Change of %(difference)s on a confirmed order awaits a sales "
                        "manager's approval.",
                        difference=change.amount_difference,
                    ),
                    message_type="notification",
                )
                continue
            changes.create(
                dict(vals, state="approved", decision_date=fields.Datetime.now())
            )
            if pending:
                pending.filtered(lambda c: c.state == "rejected").state = "cancelled"
            as_system(order).approved_amount = order.amount_total
