# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrderChange(models.Model):
    _name = "sale.order.change"
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

    def _check_manager(self):
        if not self.env.user.has_group("sale_customer_mgmt.group_customer_manager"):
            raise UserError(
                self.env._("Only a sales manager can approve or reject order changes.")
            )

    def action_approve(self):
        self._check_manager()
        if self.filtered(lambda c: c.state != "to_approve"):
            raise UserError(self.env._("Only pending changes can be approved."))
        self.write(
            {
                "state": "approved",
                "approver_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        for change in self:
            change.order_id.approved_amount = change.amount_after
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
        self.write(
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
