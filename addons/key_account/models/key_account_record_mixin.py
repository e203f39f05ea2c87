# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class KeyAccountRecordMixin(models.AbstractModel):
    """An entry in the file of a key account (call, defection risk, conflict,
    gift): the account it is about, who handles it and its day, declared once.

    The models set their own label of ``user_id`` (and ``required``, an
    index); ``key.account.call`` replaces ``date`` by the date and time of
    the call. The numbers they declare are checked by the integrity mixin of
    sale_customer_mgmt.
    """

    _name = "key.account.record.mixin"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Key Account Record"

    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        required=True,
        index=True,
        domain=[("is_key_account", "=", True)],
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    date = fields.Date(default=fields.Date.context_today, required=True)
