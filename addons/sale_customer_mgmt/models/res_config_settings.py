# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "sale.customer.integrity.mixin"]

    tier_weight_purchase = fields.Float(
        related="company_id.tier_weight_purchase", readonly=False
    )
    tier_weight_profit = fields.Float(
        related="company_id.tier_weight_profit", readonly=False
    )
    tier_weight_payment = fields.Float(
        related="company_id.tier_weight_payment", readonly=False
    )
    tier_weight_potential = fields.Float(
        related="company_id.tier_weight_potential", readonly=False
    )
    tier_weight_cooperation = fields.Float(
        related="company_id.tier_weight_cooperation", readonly=False
    )
    tier_normalization = fields.Selection(
        related="company_id.tier_normalization", readonly=False
    )
    tier_cap_purchase = fields.Monetary(
        related="company_id.tier_cap_purchase", readonly=False
    )
    tier_cap_profit = fields.Monetary(
        related="company_id.tier_cap_profit", readonly=False
    )
    tier_late_days_cap = fields.Integer(
        related="company_id.tier_late_days_cap", readonly=False
    )
    purchase_power_high_spend = fields.Monetary(
        related="company_id.purchase_power_high_spend", readonly=False
    )
    purchase_power_medium_spend = fields.Monetary(
        related="company_id.purchase_power_medium_spend", readonly=False
    )
    purchase_power_high_aov = fields.Monetary(
        related="company_id.purchase_power_high_aov", readonly=False
    )
    purchase_power_medium_aov = fields.Monetary(
        related="company_id.purchase_power_medium_aov", readonly=False
    )
    churn_interval_factor = fields.Float(
        related="company_id.churn_interval_factor", readonly=False
    )
    churn_default_interval = fields.Integer(
        related="company_id.churn_default_interval", readonly=False
    )
    churn_partial_drop = fields.Float(
        related="company_id.churn_partial_drop", readonly=False
    )
    churn_category_min_share = fields.Float(
        related="company_id.churn_category_min_share", readonly=False
    )
    lifetime_years = fields.Float(related="company_id.lifetime_years", readonly=False)
    tier_recompute_date = fields.Datetime(related="company_id.tier_recompute_date")
    tier_run_start = fields.Datetime(related="company_id.tier_run_start")
    tier_recompute_left = fields.Integer(
        string="Customers Left to Score",
        compute="_compute_tier_recompute_left",
        help="Customers the running tier recompute has still to score. Right "
        "after installation the first scoring runs in the background, batch by "
        "batch.",
    )

    # prospects, development day, order-change approval
    prospect_pool_target = fields.Integer(
        related="company_id.prospect_pool_target", readonly=False
    )
    prospect_public_pool = fields.Boolean(
        related="company_id.prospect_public_pool", readonly=False
    )
    prospect_public_pool_days = fields.Integer(
        related="company_id.prospect_public_pool_days", readonly=False
    )
    dev_day_week = fields.Selection(related="company_id.dev_day_week", readonly=False)
    dev_day_weekday = fields.Selection(
        related="company_id.dev_day_weekday", readonly=False
    )
    order_change_approval = fields.Boolean(
        related="company_id.order_change_approval", readonly=False
    )
    order_change_approval_amount = fields.Monetary(
        related="company_id.order_change_approval_amount", readonly=False
    )

    # the settings are the company's fields: checked here before the ORM (and
    # res.config.settings.create, which converts the related values) reads
    # them, and by the company's constraints where they are saved
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._scm_check_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._scm_check_vals(vals)
        return super().write(vals)

    def _compute_tier_recompute_left(self):
        # sudo: the engine's work list is technical data (system-only ACL);
        # only its row count is shown
        left = self.env["customer.tier.figure"].sudo()._pending()[0]
        for settings in self:
            settings.tier_recompute_left = left

    def action_schedule_development_days(self):
        self.ensure_one()
        users = (
            self.env["crm.team.member"]
            .search([("crm_team_id.company_id", "in", [self.company_id.id, False])])
            .user_id
        )
        users._schedule_development_day(self.company_id)
        return True
