# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .sale_customer_integrity_mixin import SYSTEM_TOKEN, THRESHOLD_BATCH


class ResPartnerTierThreshold(models.Model):
    """A company's own threshold for a tier (overrides the tier's default)."""

    _name = "res.partner.tier.threshold"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Customer Tier Threshold per Company"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
        index=True,
    )
    tier_id = fields.Many2one(
        "res.partner.tier", string="Tier", required=True, ondelete="cascade"
    )
    sequence = fields.Integer(related="tier_id.sequence", store=True)
    min_score = fields.Float(string="Minimum Score", required=True)

    _sql_constraints = [
        (
            "company_tier_unique",
            "UNIQUE(company_id, tier_id)",
            "A tier has one threshold per company.",
        ),
    ]

    @api.constrains("min_score")
    def _check_min_score(self):
        self._scm_check_range(self, {"min_score": (0.0, 100.0)})

    @api.constrains("company_id", "tier_id", "min_score")
    def _check_thresholds_descending(self):
        self._check_min_score()
        if self.env.context.get(THRESHOLD_BATCH) is SYSTEM_TOKEN:
            return
        tiers = self.env["res.partner.tier"].search([])
        for company in self.company_id:
            tiers._validate_thresholds(company._get_tier_thresholds())
