# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sale_customer_integrity_mixin import finite_or

TIER_WEIGHT_FIELDS = (
    "tier_weight_purchase",
    "tier_weight_profit",
    "tier_weight_payment",
    "tier_weight_potential",
    "tier_weight_cooperation",
)
# a weight is a share of the score: 0-100 each (the defaults add up to 100)
MAX_TIER_WEIGHT = 100.0
# day counts of the settings: at most ten years (date arithmetic stays valid)
MAX_DAYS = 3650
# the bounds of the numeric settings: {field: (low, high)}; None is open
COMPANY_BOUNDS = {
    "tier_cap_purchase": (0.0, None),
    "tier_cap_profit": (0.0, None),
    "tier_late_days_cap": (1, MAX_DAYS),
    "purchase_power_high_spend": (0.0, None),
    "purchase_power_medium_spend": (0.0, None),
    "purchase_power_high_aov": (0.0, None),
    "purchase_power_medium_aov": (0.0, None),
    "churn_interval_factor": (1.0, 100.0),
    "churn_default_interval": (1, MAX_DAYS),
    "churn_partial_drop": (0.0, 100.0),
    "churn_category_min_share": (0.0, 100.0),
    "lifetime_years": (0.0, 100.0),
    "prospect_pool_target": (0, 10000),
    "prospect_public_pool_days": (1, MAX_DAYS),
    "order_change_approval_amount": (0.0, None),
}

WEEKDAYS = [
    ("MON", "Monday"),
    ("TUE", "Tuesday"),
    ("WED", "Wednesday"),
    ("THU", "Thursday"),
    ("FRI", "Friday"),
    ("SAT", "Saturday"),
    ("SUN", "Sunday"),
]


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "sale.customer.integrity.mixin"]

    tier_weight_purchase = fields.Float(string="Weight: Purchase Volume", default=30.0)
    tier_weight_profit = fields.Float(string="Weight: Profitability", default=25.0)
    tier_weight_payment = fields.Float(string="Weight: Payment Safety", default=20.0)
    tier_weight_potential = fields.Float(
        string="Weight: Future Potential", default=15.0
    )
    tier_weight_cooperation = fields.Float(string="Weight: Cooperation", default=10.0)
    tier_normalization = fields.Selection(
        [("percentile", "Percentile Rank"), ("cap", "Caps")],
        string="Amount Normalisation",
        default="percentile",
        required=True,
        help="Percentile: a customer's sales and margin are ranked among the "
        "company's customers (the best gets 100). Caps: the amount is divided "
        "by the cap (reaching the cap gives 100).",
    )
    tier_cap_purchase = fields.Monetary(
        string="Purchase Volume Cap", default=1000000.0, currency_field="currency_id"
    )
    tier_cap_profit = fields.Monetary(
        string="Margin Cap", default=200000.0, currency_field="currency_id"
    )
    tier_late_days_cap = fields.Integer(
        string="Days Late Cap",
        default=90,
        help="Average days paid late at which the punctuality part of the "
        "payment safety score reaches 0.",
    )
    purchase_power_high_spend = fields.Monetary(
        string="High Purchasing Power: Annual Spend",
        default=500000.0,
        currency_field="currency_id",
    )
    purchase_power_medium_spend = fields.Monetary(
        string="Medium Purchasing Power: Annual Spend",
        default=100000.0,
        currency_field="currency_id",
    )
    purchase_power_high_aov = fields.Monetary(
        string="High Purchasing Power: Average Order",
        default=100000.0,
        currency_field="currency_id",
    )
    purchase_power_medium_aov = fields.Monetary(
        string="Medium Purchasing Power: Average Order",
        default=20000.0,
        currency_field="currency_id",
    )
    churn_interval_factor = fields.Float(
        string="Defection Factor (k)",
        default=2.0,
        help="A customer who has not ordered for longer than k times their "
        "usual order interval is a full defector (lost).",
    )
    churn_default_interval = fields.Integer(
        string="Default Order Interval (Days)",
        default=90,
        help="Order interval assumed for customers with a single order.",
    )
    churn_partial_drop = fields.Float(
        string="Partial Defection Drop (%)",
        default=50.0,
        help="12-month spend down by more than this share versus the previous "
        "12 months makes the customer a partial defector.",
    )
    churn_category_min_share = fields.Float(
        string="Stopped Category Minimum Share (%)",
        default=10.0,
        help="A product category that made at least this share of the previous "
        "12 months' spend and was not bought in the last 12 months marks a "
        "partial defector.",
    )
    tier_threshold_ids = fields.One2many(
        "res.partner.tier.threshold",
        "company_id",
        string="Tier Thresholds",
        help="This company's own tier thresholds; tiers without a line here "
        "use their default minimum score.",
    )
    lifetime_years = fields.Float(
        string="Expected Remaining Years",
        default=5.0,
        help="Lifetime value = average annual gross margin x these years.",
    )
    tier_recompute_date = fields.Datetime(
        string="Last Tier Recompute",
        readonly=True,
        help="End of the last daily recompute of every customer's score and tier.",
    )
    tier_run_start = fields.Datetime(
        string="Tier Recompute Started",
        readonly=True,
        copy=False,
        help="Start of the last recompute of every customer's score and tier: "
        "the scheduled job runs it once a day, batch by batch.",
    )

    # prospects, development day, order-change approval
    prospect_pool_target = fields.Integer(
        default=30,
        help="Number of live prospects each salesperson should keep.",
    )
    prospect_public_pool = fields.Boolean(
        string="Public Prospect Pool",
        help="Prospects without follow-up for a number of days return to a shared "
        "pool that any salesperson may claim.",
    )
    prospect_public_pool_days = fields.Integer(
        string="Return to Pool After (Days)", default=30
    )
    dev_day_week = fields.Selection(
        [
            ("1", "First"),
            ("2", "Second"),
            ("3", "Third"),
            ("4", "Fourth"),
            ("-1", "Last"),
        ],
        string="Development Day Week",
        default="2",
    )
    dev_day_weekday = fields.Selection(
        WEEKDAYS, string="Development Day Weekday", default="FRI"
    )
    order_change_approval = fields.Boolean(
        help="Changes to confirmed orders above the threshold need a sales "
        "manager's approval.",
    )
    order_change_approval_amount = fields.Monetary(
        string="Order Change Threshold",
        currency_field="currency_id",
        default=10000.0,
        help="Changes of the order total above this amount (company currency) "
        "need approval.",
    )

    @api.constrains(*TIER_WEIGHT_FIELDS)
    def _check_tier_weights(self):
        for company in self:
            weights = [company[fname] for fname in TIER_WEIGHT_FIELDS]
            if any(weight < 0 for weight in weights):
                raise ValidationError(
                    self.env._("Customer tier weights cannot be negative.")
                )
            if any(weight > MAX_TIER_WEIGHT for weight in weights):
                raise ValidationError(
                    self.env._(
                        "A customer tier weight is at most %(max)s.",
                        max=MAX_TIER_WEIGHT,
                    )
                )
            if not any(weights):
                raise ValidationError(
                    self.env._("At least one customer tier weight must be positive.")
                )

    @api.constrains(*COMPANY_BOUNDS)
    def _check_customer_settings_range(self):
        self._scm_check_range(self, COMPANY_BOUNDS)

    @api.constrains(
        "tier_cap_purchase",
        "tier_cap_profit",
        "tier_late_days_cap",
        "churn_interval_factor",
        "churn_partial_drop",
        "lifetime_years",
    )
    def _check_tier_parameters(self):
        for company in self:
            if company.tier_cap_purchase <= 0 or company.tier_cap_profit <= 0:
                raise ValidationError(
                    self.env._("The purchase volume and margin caps must be positive.")
                )
            if company.tier_late_days_cap <= 0:
                raise ValidationError(self.env._("The days late cap must be positive."))
            if company.churn_interval_factor < 1:
                raise ValidationError(
                    self.env._("The defection factor k must be at least 1.")
                )
            if not 0 < company.churn_partial_drop <= 100:
                raise ValidationError(
                    self.env._("The partial defection drop must be between 0 and 100%.")
                )
            if company.lifetime_years < 0:
                raise ValidationError(
                    self.env._("The expected remaining years cannot be negative.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._scm_check_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._scm_check_vals(vals)
        return super().write(vals)

    def _get_tier_thresholds(self):
        """{tier_id: min_score} of this company's own thresholds; a bad
        stored value is left out (the tier's default applies)."""
        self.ensure_one()
        thresholds = {}
        for line in self.tier_threshold_ids:
            score = finite_or(line.min_score, None, 0.0, 100.0)
            if score is not None:
                thresholds[line.tier_id.id] = score
        return thresholds

    def _get_tier_weights(self):
        """{criterion: weight}; a bad stored weight counts as its default,
        and so do all of them when none is positive."""
        self.ensure_one()
        weights = {}
        defaults = {}
        for fname in TIER_WEIGHT_FIELDS:
            criterion = fname.removeprefix("tier_weight_")
            default = self._fields[fname].default(self)
            defaults[criterion] = default
            weights[criterion] = finite_or(self[fname], default, 0.0, MAX_TIER_WEIGHT)
        return weights if any(weights.values()) else defaults

    def _get_customer_setting(self, fname):
        """A numeric setting of ours as read by the engine and the crons: its
        default when the stored value is out of its bounds."""
        self.ensure_one()
        low, high = COMPANY_BOUNDS.get(fname, (None, None))
        default = self._fields[fname].default(self)
        return finite_or(self[fname], default, low, high)
