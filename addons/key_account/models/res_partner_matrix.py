# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The selection matrix of the key accounts: customer attractiveness against
our relative advantage (from the factor ratings, or entered by hand), the
quadrant, and the supplier positioning as the customer sees us."""

import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from .res_config_settings import ka_get_param

QUADRANTS = [
    ("key", "Key"),
    ("develop", "Develop"),
    ("maintain", "Maintain"),
    ("opportunistic", "Opportunistic"),
]
SUPPLIER_POSITIONS = [
    ("strategic_partner", "Strategic Partner"),
    ("strategic_security", "Strategic Security"),
    ("tactical_profit", "Tactical Profit"),
    ("tactical_convenience", "Tactical Convenience"),
]
# scores from 0 to 10 (see _check_ka_matrix_scores)
KA_MATRIX_SCORE_FIELDS = (
    "ka_attractiveness",
    "ka_advantage",
    "ka_supplier_importance",
    "ka_spend_share",
)
# the classifications that depend on the quadrant threshold
KA_THRESHOLD_FIELDS = [
    "ka_quadrant",
    "ka_attractiveness_level",
    "ka_advantage_level",
    "ka_supplier_position",
]


class ResPartner(models.Model):
    _inherit = "res.partner"
    # Our stored columns form their own prefetch group ("key_account"): reading a
    # partner anywhere in Odoo (its name, an address) does not fetch them;
    # reading one of them fetches the group for the records at hand.

    ka_rating_ids = fields.One2many(
        "key.account.rating",
        "partner_id",
        string="Factor Ratings",
        groups="key_account.group_key_account_user",
    )
    ka_attractiveness = fields.Float(
        string="Attractiveness",
        compute="_compute_ka_scores",
        store=True,
        readonly=False,
        copy=False,
        digits=(16, 2),
        aggregator="avg",
        help="Customer attractiveness 0-10: weighted average of the attractiveness "
        "ratings when the account has some, otherwise entered by hand.",
        prefetch="key_account",
    )
    ka_advantage = fields.Float(
        string="Relative Advantage",
        compute="_compute_ka_scores",
        store=True,
        readonly=False,
        copy=False,
        digits=(16, 2),
        aggregator="avg",
        help="Our relative advantage 0-10: weighted average of the advantage ratings "
        "when the account has some, otherwise entered by hand.",
        prefetch="key_account",
    )
    ka_attractiveness_bucket = fields.Integer(
        string="Attractiveness Band",
        compute="_compute_ka_buckets",
        store=True,
        aggregator=None,
        help="Attractiveness rounded down to a whole point, for the portfolio grid.",
        prefetch="key_account",
    )
    ka_advantage_bucket = fields.Integer(
        string="Advantage Band",
        compute="_compute_ka_buckets",
        store=True,
        aggregator=None,
        help="Relative advantage rounded down to a whole point, for the portfolio "
        "grid.",
        prefetch="key_account",
    )
    ka_quadrant = fields.Selection(
        QUADRANTS,
        string="Quadrant",
        compute="_compute_ka_quadrant",
        store=True,
        help="High/high: key; high attractiveness, low advantage: develop; "
        "low attractiveness, high advantage: maintain; low/low: opportunistic. A "
        "score equal to the threshold counts as high.",
        prefetch="key_account",
    )
    # the two axes of the selection matrix, labelled for the portfolio
    ka_attractiveness_level = fields.Selection(
        [("high", "High Attractiveness"), ("low", "Low Attractiveness")],
        string="Attractiveness Level",
        compute="_compute_ka_quadrant",
        store=True,
        help="Customer attractiveness at or above the quadrant threshold is high.",
        prefetch="key_account",
    )
    ka_advantage_level = fields.Selection(
        [("high", "High Advantage"), ("low", "Low Advantage")],
        string="Advantage Level",
        compute="_compute_ka_quadrant",
        store=True,
        help="Our relative advantage at or above the quadrant threshold is high.",
        prefetch="key_account",
    )
    ka_supplier_importance = fields.Float(
        string="Our Importance to the Customer",
        copy=False,
        digits=(16, 1),
        help="0-10: how important and risky our supply is for the customer.",
        prefetch="key_account",
    )
    ka_spend_share = fields.Float(
        string="Customer's Relative Spend",
        copy=False,
        digits=(16, 1),
        help="0-10: how much the customer spends with us relative to its other "
        "purchases.",
        prefetch="key_account",
    )
    ka_supplier_position = fields.Selection(
        SUPPLIER_POSITIONS,
        string="Supplier Positioning",
        compute="_compute_ka_supplier_position",
        store=True,
        help="How the customer sees us: importance/risk x relative spend.",
        prefetch="key_account",
    )

    @api.model
    def _ka_get_quadrant_threshold(self):
        return ka_get_param(self.env, "key_account.quadrant_threshold")

    @api.depends(
        "ka_rating_ids.rating", "ka_rating_ids.weight", "ka_rating_ids.factor_type"
    )
    def _compute_ka_scores(self):
        for partner in self:
            # sudo: the ratings are restricted to the KA team; the scores are not
            ratings = partner.sudo().ka_rating_ids
            for axis, fname in (
                ("attractiveness", "ka_attractiveness"),
                ("advantage", "ka_advantage"),
            ):
                lines = ratings.filtered(lambda r, axis=axis: r.factor_type == axis)
                if not lines:
                    # no ratings: keep the value entered by hand
                    partner[fname] = partner[fname]
                    continue
                total_weight = sum(lines.mapped("weight"))
                if total_weight:
                    value = sum(r.rating * r.weight for r in lines) / total_weight
                else:
                    value = sum(lines.mapped("rating")) / len(lines)
                partner[fname] = round(value, 2)

    @api.depends("ka_attractiveness", "ka_advantage")
    def _compute_ka_buckets(self):
        for partner in self:
            partner.ka_attractiveness_bucket = min(
                int(math.floor(partner.ka_attractiveness)), 10
            )
            partner.ka_advantage_bucket = min(int(math.floor(partner.ka_advantage)), 10)

    def _ka_is_high(self, value, threshold):
        """Boundary rule: a score equal to the threshold (to 2 decimals) is high."""
        return float_compare(value, threshold, precision_digits=2) >= 0

    @api.depends("ka_attractiveness", "ka_advantage", "is_key_account")
    def _compute_ka_quadrant(self):
        threshold = self._ka_get_quadrant_threshold()
        for partner in self:
            if not (
                partner.is_key_account
                or partner.ka_attractiveness
                or partner.ka_advantage
            ):
                partner.ka_quadrant = False
                partner.ka_attractiveness_level = False
                partner.ka_advantage_level = False
                continue
            high_attr = self._ka_is_high(partner.ka_attractiveness, threshold)
            high_adv = self._ka_is_high(partner.ka_advantage, threshold)
            partner.ka_attractiveness_level = "high" if high_attr else "low"
            partner.ka_advantage_level = "high" if high_adv else "low"
            if high_attr and high_adv:
                partner.ka_quadrant = "key"
            elif high_attr:
                partner.ka_quadrant = "develop"
            elif high_adv:
                partner.ka_quadrant = "maintain"
            else:
                partner.ka_quadrant = "opportunistic"

    @api.depends("ka_supplier_importance", "ka_spend_share")
    def _compute_ka_supplier_position(self):
        threshold = self._ka_get_quadrant_threshold()
        for partner in self:
            if not (partner.ka_supplier_importance or partner.ka_spend_share):
                partner.ka_supplier_position = False
                continue
            important = self._ka_is_high(partner.ka_supplier_importance, threshold)
            big_spend = self._ka_is_high(partner.ka_spend_share, threshold)
            if important and big_spend:
                partner.ka_supplier_position = "strategic_partner"
            elif important:
                partner.ka_supplier_position = "strategic_security"
            elif big_spend:
                partner.ka_supplier_position = "tactical_profit"
            else:
                partner.ka_supplier_position = "tactical_convenience"

    @api.constrains(*KA_MATRIX_SCORE_FIELDS)
    def _check_ka_matrix_scores(self):
        self._ka_check_score_bounds(KA_MATRIX_SCORE_FIELDS)

    def _ka_check_score_bounds(self, fnames):
        """The scores ``fnames`` of ``self`` are from 0 to 10 (the matrix
        scores of an account, the stake and involvement of a contact)."""
        for partner in self:
            for fname in fnames:
                if not 0 <= partner[fname] <= 10:
                    raise ValidationError(
                        self.env._(
                            "%(field)s of %(partner)s must be between 0 and 10.",
                            field=self._fields[fname]._description_string(self.env),
                            partner=partner.display_name,
                        )
                    )

    @api.model
    def _ka_recompute_quadrants(self):
        """Recompute the classifications after a change of the threshold."""
        partners = self.with_context(active_test=False).search(
            [
                "|",
                "|",
                ("ka_quadrant", "!=", False),
                ("ka_supplier_position", "!=", False),
                ("is_key_account", "=", True),
            ]
        )
        for fname in KA_THRESHOLD_FIELDS:
            self.env.add_to_compute(self._fields[fname], partners)
        partners.flush_recordset(KA_THRESHOLD_FIELDS)
