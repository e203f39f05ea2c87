# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sale_customer_integrity_mixin import SYSTEM_TOKEN, THRESHOLD_BATCH

MAX_VISITS_PER_MONTH = 31


class ResPartnerTier(models.Model):
    """Customer tier (客户分级) and the policy attached to it."""

    _name = "res.partner.tier"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Customer Tier"
    _order = "sequence, min_score desc, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code shown in badges, e.g. A.")
    sequence = fields.Integer(default=10)
    min_score = fields.Float(
        string="Minimum Score",
        help="A customer whose score reaches this value (0-100) gets this tier, "
        "unless a tier with a lower sequence already matches.",
    )
    visit_per_month = fields.Integer(
        string="Visits per Month", help="Recommended visit frequency."
    )
    coverage_model = fields.Selection(
        [
            ("field_sales", "Field Sales"),
            ("inside_sales", "Inside Sales"),
            ("channel", "Channel Partner"),
        ],
        default="field_sales",
        help="Who covers the customers of this tier.",
    )
    service_priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")],
        default="0",
        help="Priority given to the service tickets of these customers.",
    )
    color = fields.Integer()
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    partner_count = fields.Integer(compute="_compute_partner_count")

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "The tier code must be unique."),
        (
            "min_score_range",
            "CHECK(min_score >= 0 AND min_score <= 100)",
            "The minimum score of a tier must be between 0 and 100.",
        ),
    ]

    def _compute_partner_count(self):
        data = self.env["res.partner"]._read_group(
            [("customer_tier_id", "in", self.ids), ("parent_id", "=", False)],
            ["customer_tier_id"],
            ["__count"],
        )
        mapped = {tier.id: count for tier, count in data}
        for tier in self:
            tier.partner_count = mapped.get(tier.id, 0)

    @api.constrains("visit_per_month", "min_score")
    def _check_tier_numbers(self):
        self._scm_check_range(
            self,
            {"visit_per_month": (0, MAX_VISITS_PER_MONTH), "min_score": (0.0, 100.0)},
        )

    @api.constrains("min_score", "sequence", "active")
    def _check_thresholds_descending(self):
        # the range first: the search below flushes the values to the
        # database, whose check would refuse them with a raw error
        self._check_tier_numbers()
        if self.env.context.get(THRESHOLD_BATCH) is SYSTEM_TOKEN:
            return
        self.search([])._validate_thresholds({})

    def _validate_thresholds(self, thresholds):
        """Raise unless ``thresholds`` ({tier_id: min_score}) strictly descend
        along the tier sequence. ``self`` is the ordered set of active tiers."""
        previous = None
        for tier in self.sorted(lambda t: (t.sequence, t.id)):
            score = thresholds.get(tier.id, tier.min_score)
            if not 0 <= score <= 100:  # NaN included
                raise ValidationError(
                    self.env._(
                        "The threshold of tier %(tier)s must be between 0 and 100.",
                        tier=tier.display_name,
                    )
                )
            if previous is not None and score >= previous[1]:
                raise ValidationError(
                    self.env._(
                        "Tier thresholds must strictly descend in tier order: "
                        "%(tier)s (%(score)s) must be lower than %(previous)s "
                        "(%(previous_score)s).",
                        tier=tier.display_name,
                        score=score,
                        previous=previous[0].display_name,
                        previous_score=previous[1],
                    )
                )
            previous = (tier, score)

    def _get_tier_for_score(self, score, thresholds=None):
        """First tier (by sequence) whose threshold the score reaches.

        ``self`` is the set of active tiers, ``thresholds`` optional
        overrides {tier_id: min_score} (what-if)."""
        thresholds = thresholds or {}
        for tier in self.sorted(lambda t: (t.sequence, t.id)):
            if score >= thresholds.get(tier.id, tier.min_score):
                return tier
        return self.browse()

    def action_open_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_customer_mgmt.res_partner_action_customer_tier"
        )
        action["domain"] = [
            ("customer_tier_id", "=", self.id),
            ("parent_id", "=", False),
        ]
        return action
