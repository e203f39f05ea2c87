# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the partner form and lists show of a customer's tier figures: the
score breakdown table, the gap to the next tier, and the figures of one's
own customers for the salespeople who may not read the stored ones."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import float_round

from .customer_scoring import CRITERIA
from .res_partner import FIGURE_FIELDS, FIGURES_GROUP


class ResPartner(models.Model):
    # one concern of the model per file, split on purpose
    _inherit = "res.partner"

    tier_breakdown_html = fields.Html(
        string="Score Breakdown",
        compute="_compute_tier_breakdown",
        sanitize=False,
        groups=FIGURES_GROUP,
    )
    tier_next_info = fields.Char(
        string="Next Tier",
        compute="_compute_tier_breakdown",
        groups=FIGURES_GROUP,
    )

    # The same figures for the salespeople, customer by customer: computed
    # for the current user, they hold the figures of the customers whose row
    # of res.partner.figures the user may read (own customers, the team's for
    # a team leader: that model's record rules decide) and are empty for the
    # others (figures_visible is then False). The views show the stored
    # fields above to the figure roles (sortable, summed) and these to the
    # other salespeople; service agents get neither.
    figures_visible = fields.Boolean(
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
        help="You may see this customer's sales, margin and score figures.",
    )
    figure_score = fields.Float(
        string="Score",
        digits=(16, 2),
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
        help="Weighted score 0-100 of the five criteria.",
    )
    figure_sales_12m = fields.Monetary(
        string="12-Month Sales",
        currency_field="currency_id",
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
    )
    figure_sales_prev_12m = fields.Monetary(
        string="Previous 12-Month Sales",
        currency_field="currency_id",
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
    )
    figure_growth_pct = fields.Float(
        string="Growth (%)",
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
    )
    figure_margin_12m = fields.Monetary(
        string="12-Month Margin",
        currency_field="currency_id",
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
    )
    figure_order_count_12m = fields.Integer(
        string="12-Month Orders",
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
    )
    figure_paid_share = fields.Float(
        string="Share Paid (%)",
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
    )
    figure_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        currency_field="currency_id",
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
    )
    figure_avg_days_late = fields.Float(
        string="Days Paid Late (Average)",
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
    )
    figure_last_order_date = fields.Date(
        string="Last Order Date",
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
    )
    figure_lifetime_value = fields.Monetary(
        string="Customer Lifetime Value",
        currency_field="currency_id",
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
        help="Average annual gross margin x expected remaining years.",
    )
    figure_breakdown_html = fields.Html(
        string="Tier Breakdown",
        compute="_compute_figures_shown",
        sanitize=False,
        groups="sale_customer_mgmt.group_customer_user",
    )
    figure_next_info = fields.Char(
        string="To the Next Tier",
        compute="_compute_figures_shown",
        groups="sale_customer_mgmt.group_customer_user",
    )

    @api.depends(
        "customer_score",
        "customer_tier_id",
        "is_prospect",
        "tier_score_purchase",
        "tier_score_profit",
        "tier_score_payment",
        "tier_score_potential",
        "tier_score_cooperation",
    )
    @api.depends_context("company", "lang")
    def _compute_tier_breakdown(self):
        tiers = self.env["res.partner.tier"].search([])
        for partner in self:
            company = partner.company_id or self.env.company
            partner.tier_breakdown_html = partner._tier_breakdown_table(company)
            partner.tier_next_info = partner._tier_next_text(
                tiers, company._get_tier_thresholds()
            )

    def _tier_breakdown_rows(self, company):
        """(label, raw value text, sub-score, weight %, contribution)."""
        self.ensure_one()
        weights = company._get_tier_weights()
        total = sum(weights.values()) or 1.0
        fmt_amount = self._tier_format_amount
        raw = {
            "purchase": fmt_amount(self.tier_sales_12m),
            "profit": fmt_amount(self.tier_margin_12m),
            "payment": self.env._(
                "paid %(share)s%%, overdue %(overdue)s, %(days)s days late on average",
                share=float_round(self.tier_paid_share, 1),
                overdue=fmt_amount(self.tier_overdue_amount),
                days=float_round(self.tier_avg_days_late, 1),
            ),
            "potential": self.env._(
                "growth %(growth)s%%, rating %(rating)s/5",
                growth=float_round(self.tier_growth_pct, 1),
                rating=self.tier_potential_rating or "0",
            ),
            "cooperation": self.env._(
                "rating %(rating)s/5", rating=self.tier_cooperation_rating or "0"
            ),
        }
        labels = dict(self._tier_criterion_labels())
        rows = []
        for criterion in CRITERIA:
            sub = self[f"tier_score_{criterion}"]
            share = weights[criterion] / total
            rows.append(
                (labels[criterion], raw[criterion], sub, share * 100.0, sub * share)
            )
        return rows

    def _tier_criterion_labels(self):
        return [
            ("purchase", self.env._("Purchase volume (12 months)")),
            ("profit", self.env._("Profitability (margin, 12 months)")),
            ("payment", self.env._("Payment safety")),
            ("potential", self.env._("Future potential")),
            ("cooperation", self.env._("Cooperation")),
        ]

    def _tier_format_amount(self, amount):
        currency = self.currency_id or self.env.company.currency_id
        return f"{currency.symbol or ''}{amount:,.2f}"

    def _tier_breakdown_table(self, company):
        if self.is_prospect or not self.tier_scored_date:
            return False
        head = Markup(
            "<table class='table table-sm o_tier_breakdown'><thead><tr>"
            "<th>%s</th><th>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "</tr></thead><tbody>"
        ) % (
            self.env._("Criterion"),
            self.env._("Raw Value"),
            self.env._("Sub-score"),
            self.env._("Weight"),
            self.env._("Contribution"),
        )
        body = Markup()
        for label, raw, sub, weight, contribution in self._tier_breakdown_rows(company):
            body += Markup(
                "<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s%%</td><td class='text-end'>%s</td></tr>"
            ) % (label, raw, f"{sub:.1f}", f"{weight:.0f}", f"{contribution:.1f}")
        foot = Markup(
            "<tr class='fw-bold'><td colspan='4'>%s</td>"
            "<td class='text-end'>%s</td></tr></tbody></table>"
        ) % (self.env._("Score"), f"{self.customer_score:.1f}")
        return head + body + foot

    def _tier_next_text(self, tiers, thresholds):
        """What would make the customer reach the next tier."""
        if self.is_prospect or not self.tier_scored_date:
            return False
        ordered = tiers.sorted(lambda t: (t.sequence, t.id))
        better = [
            (tier, thresholds.get(tier.id, tier.min_score))
            for tier in ordered
            if thresholds.get(tier.id, tier.min_score) > self.customer_score
        ]
        if not better:
            return self.env._("Top tier reached.")
        target, threshold = better[-1]
        # formatted outside the call: babel's extractor evaluates f-strings in it
        points = format(threshold - self.customer_score, ".1f")
        return self.env._(
            "%(points)s points missing to reach tier %(tier)s (%(threshold)s).",
            points=points,
            tier=target.display_name,
            threshold=format(threshold, "g"),
        )

    @api.depends("commercial_partner_id", *FIGURE_FIELDS.values())
    @api.depends_context("uid", "company", "lang")
    def _compute_figures_shown(self):
        commercial = self.commercial_partner_id
        # the record rules of res.partner.figures decide, for this user
        visible = self.env["res.partner.figures"].search(
            [("id", "in", commercial.ids)], order="id"
        )
        # sudo: the user may see these customers' figures (checked just above
        # through the rules of res.partner.figures); the stored fields are
        # restricted to the roles that see every customer
        values = {
            source.id: {
                fname: source[source_fname]
                for fname, source_fname in FIGURE_FIELDS.items()
            }
            for source in commercial.browse(visible.ids).sudo()
        }
        for partner in self:
            shown = values.get(partner.commercial_partner_id.id)
            partner.figures_visible = bool(shown)
            for fname in FIGURE_FIELDS:
                partner[fname] = shown[fname] if shown else False
