# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's own rules on gifts and hospitality for its staff, which the
gift and hospitality register (``key.account.gift``) applies."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"
    # Our stored columns form their own prefetch group ("key_account"): reading a
    # partner anywhere in Odoo (its name, an address) does not fetch them;
    # reading one of them fetches the group for the records at hand.

    ka_gift_policy = fields.Selection(
        [("allowed", "Allowed"), ("forbidden", "Forbidden"), ("limited", "Limited")],
        string="Gift Policy",
        default="allowed",
        copy=False,
        help="The customer's own rules on gifts and hospitality for its staff.",
        prefetch="key_account",
    )
    ka_gift_limit = fields.Monetary(
        string="Gift Limit per Person and Year",
        currency_field="ka_currency_id",
        copy=False,
        prefetch="key_account",
    )
    ka_currency_id = fields.Many2one(
        "res.currency", compute="_compute_ka_currency_id", string="KA Currency"
    )
    ka_gift_policy_note = fields.Text(
        string="Gift Policy Notes", prefetch="key_account"
    )

    def _compute_ka_currency_id(self):
        for partner in self:
            partner.ka_currency_id = (
                partner.company_id.currency_id or self.env.company.currency_id
            )

    @api.constrains("ka_gift_limit")
    def _check_ka_gift_limit(self):
        for partner in self:
            if partner.ka_gift_limit < 0:
                raise ValidationError(
                    self.env._("The gift limit per person cannot be negative.")
                )
