# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # Line changes count: a line created, changed or deleted on a confirmed
    # order under approval changes its total as an order write does, and
    # goes through the same approval (sale.order._check_order_change).
    @api.model_create_multi
    def create(self, vals_list):
        order_ids = {
            vals["order_id"]
            for vals in vals_list
            if isinstance(vals.get("order_id"), int)
            and not isinstance(vals["order_id"], bool)
        }
        orders = self.env["sale.order"].browse(order_ids).exists()
        orders, before, ctx = orders._order_change_watch()
        lines = super(SaleOrderLine, self.with_context(**ctx)).create(vals_list)
        orders._check_order_change(before)
        return lines.with_env(self.env)

    def write(self, vals):
        orders, before, ctx = self.order_id._order_change_watch()
        res = super(SaleOrderLine, self.with_context(**ctx)).write(vals)
        orders._check_order_change(before)
        return res

    def unlink(self):
        orders, before, ctx = self.order_id._order_change_watch()
        res = super(SaleOrderLine, self.with_context(**ctx)).unlink()
        orders._check_order_change(before)
        return res
