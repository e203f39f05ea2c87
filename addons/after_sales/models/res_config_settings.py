# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

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
