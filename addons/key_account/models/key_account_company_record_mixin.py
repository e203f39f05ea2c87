# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class KeyAccountCompanyRecordMixin(models.AbstractModel):
    """A key-account record kept per company (call, conflict, gift): the
    account and the user must belong to the record's company."""

    _name = "key.account.company.record.mixin"
    _inherit = ["key.account.record.mixin"]
    _description = "Key Account Record of a Company"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(check_company=True)
    user_id = fields.Many2one(check_company=True)
