# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class IrUiMenu(models.Model):
    _inherit = "ir.ui.menu"

    @api.model
    def _load_menus_blacklist(self):
        """Hide the stock-based analysis when ``stock`` is not installed."""
        res = super()._load_menus_blacklist()
        if not self.env["sale.product.turnover.report"]._is_stock_available():
            menu = self.env.ref(
                "sale_customer_mgmt.sale_product_turnover_report_menu",
                raise_if_not_found=False,
            )
            if menu:
                res.append(menu.id)
        return res
