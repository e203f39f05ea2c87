# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class KeyAccountNeed(models.Model):
    _name = "key.account.need"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Key Person Need"
    _order = "account_id, contact_id, id"

    name = fields.Char(string="Need", required=True)
    contact_id = fields.Many2one(
        "res.partner", string="Contact", required=True, ondelete="cascade", index=True
    )
    account_id = fields.Many2one(
        "res.partner",
        string="Account",
        compute="_compute_account_id",
        store=True,
        index=True,
    )
    scope = fields.Selection(
        [("company", "Company"), ("personal", "Personal")],
        required=True,
        default="company",
    )
    visibility = fields.Selection(
        [("public", "Public"), ("private", "Private")], required=True, default="public"
    )
    explicitness = fields.Selection(
        [("explicit", "Explicit"), ("implicit", "Implicit")],
        required=True,
        default="implicit",
    )
    call_id = fields.Many2one(
        "key.account.call",
        string="Found in Call",
        ondelete="set null",
        help="The SPIN call in which the need was uncovered.",
    )
    became_explicit = fields.Boolean(
        help="An implicit need that the customer has since stated as an explicit need."
    )
    note = fields.Text()

    @api.depends("contact_id.commercial_partner_id")
    def _compute_account_id(self):
        for need in self:
            need.account_id = need.contact_id.commercial_partner_id

    @api.onchange("became_explicit")
    def _onchange_became_explicit(self):
        if self.became_explicit:
            self.explicitness = "explicit"
