# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Changes of the total of confirmed orders, and their approval.

A change record is written by the system only: ``sale.order`` (and its
lines) log it when the total of a confirmed order changes, and the Approve
and Reject buttons decide it, recording who and when. A user never creates
or writes one by hand, not even a sales manager (``state = 'approved'``
written directly would leave no approver, date nor approved amount on the
order). Four eyes: whoever made the change (``user_id``) may not decide on
it; another sales manager does.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .sale_customer_integrity_mixin import as_system


class SaleOrderChange(models.Model):
    _name = "sale.order.change"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Confirmed Order Change"
    _order = "id desc"
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Changed By",
        required=True,
        default=lambda self: self.env.user,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    amount_before = fields.Monetary(string="Approved Total", required=True)
    amount_after = fields.Monetary(string="New Total", required=True)
    amount_difference = fields.Monetary(
        string="Difference", compute="_compute_amount_difference", store=True
    )
    description = fields.Text(string="Changes")
    state = fields.Selection(
        [
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("cancelled", "Withdrawn"),
        ],
        required=True,
        default="to_approve",
        index=True,
    )
    approver_id = fields.Many2one("res.users", string="Decided By", readonly=True)
    decision_date = fields.Datetime(readonly=True)

    @api.depends("amount_before", "amount_after")
    def _compute_amount_difference(self):
        for change in self:
            change.amount_difference = change.amount_after - change.amount_before

    @api.model
    def _scm_system_fields(self):
        # every field: the log and its decision are the system's
        return set(self._fields) - set(models.MAGIC_COLUMNS)

    def _scm_check_vals(self, vals):
        if not self._scm_is_system():
            raise AccessError(
                self.env._(
                    "Order changes are recorded by the system when a confirmed "
                    "order's total changes, and decided with the Approve and "
                    "Reject buttons; they cannot be created or edited by hand."
                )
            )
        return super()._scm_check_vals(vals)

    def _check_manager(self):
        if not self.env.user.has_group("sale_customer_mgmt.group_customer_manager"):
            raise UserError(
                self.env._("Only a sales manager can approve or reject order changes.")
            )
        own = self.filtered(lambda c: c.user_id == self.env.user)
        if own:
            raise UserError(
                self.env._(
                    "You made the change of %(orders)s: another sales manager "
                    "approves or rejects it.",
                    orders=", ".join(own.order_id.mapped("name")),
                )
            )

    def action_approve(self):
        self._check_manager()
        if self.filtered(lambda c: c.state != "to_approve"):
            raise UserError(self.env._("Only pending changes can be approved."))
        as_system(self).write(
            {
                "state": "approved",
                "approver_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        for change in self:
            as_system(change.order_id).approved_amount = change.amount_after
            change.order_id.message_post(
                body=self.env._(
                    "Order change approved by %(user)s: total %(before)s → %(after)s.",
                    user=self.env.user.name,
                    before=change.amount_before,
                    after=change.amount_after,
                ),
                message_type="notification",
            )
        return True

    def action_reject(self):
        self._check_manager()
        if self.filtered(lambda c: c.state != "to_approve"):
            raise UserError(self.env._("Only pending changes can be rejected."))
        as_system(self).write(
            {
                "state": "rejected",
                "approver_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        for change in self:
            change.order_id.message_post(
                body=self.env._(
                    "Order change rejected by %(user)s: restore the approved total "
                    "%(before)s or submit a new change.",
                    user=self.env.user.name,
                    before=change.amount_before,
                ),
                message_type="notification",
            )
        return True
