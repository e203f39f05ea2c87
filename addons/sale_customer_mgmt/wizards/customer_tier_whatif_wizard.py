# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..models.res_company import MAX_TIER_WEIGHT
from ..models.sale_customer_integrity_mixin import SYSTEM_TOKEN, THRESHOLD_BATCH


class CustomerTierWhatifWizard(models.TransientModel):
    """Preview a new weight/threshold policy before applying it."""

    _name = "customer.tier.whatif.wizard"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Customer Tier What-If"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    weight_purchase = fields.Float(string="Purchase Volume")
    weight_profit = fields.Float(string="Profitability")
    weight_payment = fields.Float(string="Payment Safety")
    weight_potential = fields.Float(string="Future Potential")
    weight_cooperation = fields.Float(string="Cooperation")
    threshold_ids = fields.One2many(
        "customer.tier.whatif.threshold", "wizard_id", string="Thresholds"
    )
    result_ids = fields.One2many(
        "customer.tier.whatif.result", "wizard_id", string="Tier Moves"
    )
    previewed = fields.Boolean()
    moved_count = fields.Integer(string="Customers Changing Tier")
    customer_count = fields.Integer(string="Customers Scored")

    @api.constrains(
        "weight_purchase",
        "weight_profit",
        "weight_payment",
        "weight_potential",
        "weight_cooperation",
    )
    def _check_weight_range(self):
        self._scm_check_range(
            self,
            dict.fromkeys(
                (f"weight_{criterion}" for criterion in self._get_weights()),
                (0.0, MAX_TIER_WEIGHT),
            ),
        )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        company = self.env["res.company"].browse(
            res.get("company_id") or self.env.company.id
        )
        for criterion, weight in company._get_tier_weights().items():
            res.setdefault(f"weight_{criterion}", weight)
        if "threshold_ids" in fields_list:
            thresholds = company._get_tier_thresholds()
            res["threshold_ids"] = [
                Command.create(
                    {
                        "tier_id": tier.id,
                        "min_score": thresholds.get(tier.id, tier.min_score),
                    }
                )
                for tier in self.env["res.partner.tier"].search([])
            ]
        return res

    def _get_weights(self):
        return {
            "purchase": self.weight_purchase,
            "profit": self.weight_profit,
            "payment": self.weight_payment,
            "potential": self.weight_potential,
            "cooperation": self.weight_cooperation,
        }

    def _get_thresholds(self):
        return {line.tier_id.id: line.min_score for line in self.threshold_ids}

    def _check_policy(self):
        if not self.env.user.has_group("sale_customer_mgmt.group_customer_manager"):
            raise AccessError(
                self.env._("Only sales managers can change the tier policy.")
            )
        weights = self._get_weights()
        if any(weight < 0 for weight in weights.values()):
            raise ValidationError(
                self.env._("Customer tier weights cannot be negative.")
            )
        if any(weight > MAX_TIER_WEIGHT for weight in weights.values()):
            raise ValidationError(
                self.env._(
                    "A customer tier weight is at most %(max)s.", max=MAX_TIER_WEIGHT
                )
            )
        if not any(weights.values()):
            raise ValidationError(
                self.env._("At least one customer tier weight must be positive.")
            )
        self.env["res.partner.tier"].search([])._validate_thresholds(
            self._get_thresholds()
        )

    def _get_customers(self):
        domain = self.env["res.partner"]._tier_customer_domain()
        if self.company_id == self.env.company:
            domain += [("company_id", "in", [self.company_id.id, False])]
        else:
            domain += [("company_id", "=", self.company_id.id)]
        return self.env["res.partner"].search(domain)

    def action_preview(self):
        self.ensure_one()
        self._check_policy()
        customers = self._get_customers().with_company(self.company_id)
        preview = customers._tier_preview(
            {self.company_id.id: self._get_weights()}, self._get_thresholds()
        )
        moves = Counter((old.id, new.id) for old, new in preview.values())
        self.write(
            {
                "previewed": True,
                "customer_count": len(preview),
                "moved_count": sum(
                    count for (old, new), count in moves.items() if old != new
                ),
                "result_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "from_tier_id": old or False,
                            "to_tier_id": new or False,
                            "partner_count": count,
                        }
                    )
                    for (old, new), count in sorted(
                        moves.items(), key=lambda m: (m[0][0] or 0, m[0][1] or 0)
                    )
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Tier Policy What-If"),
        }

    def action_apply(self):
        self.ensure_one()
        self._check_policy()
        company = self.company_id
        company.write(
            {
                f"tier_weight_{criterion}": weight
                for criterion, weight in self._get_weights().items()
            }
        )
        # the company's own thresholds: validated as a whole by the policy
        # check above and by the constraint after the last line is written
        lines = {line.tier_id: line for line in company.tier_threshold_ids}
        batch = {THRESHOLD_BATCH: SYSTEM_TOKEN}
        threshold_model = self.env["res.partner.tier.threshold"].with_context(**batch)
        for line in self.threshold_ids:
            if line.tier_id in lines:
                lines[line.tier_id].with_context(**batch).min_score = line.min_score
            else:
                threshold_model.create(
                    {
                        "company_id": company.id,
                        "tier_id": line.tier_id.id,
                        "min_score": line.min_score,
                    }
                )
        self.env["res.partner.tier"].search([])._validate_thresholds(
            company._get_tier_thresholds()
        )
        self._get_customers().with_company(company)._recompute_tiers(
            cause="policy_change"
        )
        return {"type": "ir.actions.act_window_close"}
