# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .after_sales_evaluation_figures import REPURCHASE_THRESHOLDS

# Where each number of the loop's settings makes sense; the crons do date
# arithmetic with the days and hours, the evaluation divides by the weights.
SETTING_RANGES = {
    "after_sales_low_rating_threshold": (1, 4),
    "after_sales_feedback_delay_hours": (0, 720),
    "after_sales_feedback_token_days": (1, 365),
    "after_sales_no_feedback_days": (1, 365),
    "after_sales_rating_prior_mean": (1, 5),
    "after_sales_rating_prior_weight": (0, 1000),
    "after_sales_weight_volume": (0, 1000),
    "after_sales_weight_response": (0, 1000),
    "after_sales_weight_resolution": (0, 1000),
    "after_sales_weight_sla": (0, 1000),
    "after_sales_weight_reopen": (0, 1000),
    "after_sales_weight_rating": (0, 1000),
    "after_sales_weight_complaint": (0, 1000),
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    @api.model_create_multi
    def create(self, vals_list):
        """The loop's numbers are checked where they are saved, before the
        ORM converts them (NaN in an integer field would fail there with a
        raw error), so that no bad value reaches the crons."""
        for vals in vals_list:
            for name, (low, high) in SETTING_RANGES.items():
                if name not in vals or vals[name] in (None, False):
                    continue
                value = vals[name]
                try:
                    number = float(value)
                except (TypeError, ValueError):
                    number = math.nan
                if not (math.isfinite(number) and low <= number <= high):
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be a number from %(low)s to "
                            "%(high)s, not %(value)s.",
                            setting=self._fields[name]._description_string(self.env),
                            low=low,
                            high=high,
                            value=repr(value),
                        )
                    )
        return super().create(vals_list)

    after_sales_low_rating_threshold = fields.Integer(
        string="Reopen at Rating",
        config_parameter="after_sales.low_rating_threshold",
        default=2,
        help="A customer rating at or below this value reopens the ticket.",
    )
    after_sales_feedback_delay_hours = fields.Float(
        string="Feedback Request Delay (h)",
        config_parameter="after_sales.feedback_delay_hours",
        default=2.0,
    )
    after_sales_feedback_token_days = fields.Integer(
        string="Feedback Link Validity (days)",
        config_parameter="after_sales.feedback_token_days",
        default=7,
    )
    after_sales_no_feedback_days = fields.Integer(
        string="Close Without Feedback After (days)",
        config_parameter="after_sales.no_feedback_days",
        default=7,
    )
    after_sales_sale_survey_enabled = fields.Boolean(
        string="Satisfaction Survey after Sale",
        config_parameter="after_sales.sale_survey_enabled",
        help="Ask the customer for a rating once an order is fully invoiced.",
    )
    after_sales_rating_prior_mean = fields.Float(
        string="Rating Prior Mean",
        config_parameter="after_sales.rating_prior_mean",
        default=3.0,
    )
    after_sales_rating_prior_weight = fields.Float(
        string="Rating Prior Weight",
        config_parameter="after_sales.rating_prior_weight",
        default=5.0,
    )
    after_sales_weight_volume = fields.Float(
        string="Weight: Tickets",
        config_parameter="after_sales.weight_volume",
        default=10.0,
    )
    after_sales_weight_response = fields.Float(
        string="Weight: First Response",
        config_parameter="after_sales.weight_response",
        default=15.0,
    )
    after_sales_weight_resolution = fields.Float(
        string="Weight: Resolution Time",
        config_parameter="after_sales.weight_resolution",
        default=15.0,
    )
    after_sales_weight_sla = fields.Float(
        string="Weight: SLA", config_parameter="after_sales.weight_sla", default=20.0
    )
    after_sales_weight_reopen = fields.Float(
        string="Weight: Reopen Rate",
        config_parameter="after_sales.weight_reopen",
        default=10.0,
    )
    after_sales_weight_rating = fields.Float(
        string="Weight: Rating",
        config_parameter="after_sales.weight_rating",
        default=20.0,
    )
    after_sales_weight_complaint = fields.Float(
        string="Weight: Complaints",
        config_parameter="after_sales.weight_complaint",
        default=10.0,
    )
    # appended: ratings held against repurchase (staff evaluation)
    after_sales_repurchase_rating_min = fields.Float(
        string="Alert: Rating From",
        config_parameter="after_sales.repurchase_rating_min",
        default=REPURCHASE_THRESHOLDS["repurchase_rating_min"][0],
        help="An employee whose smoothed rating reaches this value (1-5) while "
        "few of their rated customers buy again is flagged.",
    )
    after_sales_repurchase_share_min = fields.Float(
        string="Alert: Repurchase Below (%)",
        config_parameter="after_sales.repurchase_share_min",
        default=REPURCHASE_THRESHOLDS["repurchase_share_min"][0],
        help="Flag a highly rated employee when less than this share (0-100 %) of "
        "their rated customers bought again in the following period.",
    )

    @api.constrains(
        "after_sales_repurchase_rating_min", "after_sales_repurchase_share_min"
    )
    def _check_after_sales_repurchase_thresholds(self):
        for settings in self:
            rating = settings.after_sales_repurchase_rating_min
            share = settings.after_sales_repurchase_share_min
            low, high = REPURCHASE_THRESHOLDS["repurchase_rating_min"][1:]
            if not (math.isfinite(rating) and low <= rating <= high):
                raise ValidationError(
                    self.env._(
                        "The rating that flags high rating with low repurchase "
                        "must be a number from %(low)s to %(high)s.",
                        low=low,
                        high=high,
                    )
                )
            low, high = REPURCHASE_THRESHOLDS["repurchase_share_min"][1:]
            if not (math.isfinite(share) and low <= share <= high):
                raise ValidationError(
                    self.env._(
                        "The repurchase share that flags high rating with low "
                        "repurchase must be a percentage from %(low)s to %(high)s.",
                        low=low,
                        high=high,
                    )
                )
