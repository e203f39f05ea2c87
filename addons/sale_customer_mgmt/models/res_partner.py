# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, float_round
from odoo.tools.sql import index_exists

from .customer_scoring import CRITERIA
from .sale_customer_integrity_mixin import as_system

RATING_SELECTION = [
    ("0", "Not Rated"),
    ("1", "Poor"),
    ("2", "Fair"),
    ("3", "Good"),
    ("4", "Very Good"),
    ("5", "Excellent"),
]
# The sales, margin, payment and score figures are read by this group only
# (every customer); the other salespeople read their own customers' figures
# through res.partner.figures (report/res_partner_figures.py) and the
# figure_* fields below.
FIGURES_GROUP = "sale_customer_mgmt.group_customer_figures"
# figure_* field -> the stored (or computed) figure field of res.partner
FIGURE_FIELDS = {
    "figure_score": "customer_score",
    "figure_sales_12m": "tier_sales_12m",
    "figure_sales_prev_12m": "tier_sales_prev_12m",
    "figure_growth_pct": "tier_growth_pct",
    "figure_margin_12m": "tier_margin_12m",
    "figure_order_count_12m": "tier_order_count_12m",
    "figure_paid_share": "tier_paid_share",
    "figure_overdue_amount": "tier_overdue_amount",
    "figure_avg_days_late": "tier_avg_days_late",
    "figure_last_order_date": "tier_last_order_date",
    "figure_lifetime_value": "lifetime_value",
    "figure_breakdown_html": "tier_breakdown_html",
    "figure_next_info": "tier_next_info",
}
# Fields a salesperson maintains by hand on their own customers.
TIER_USER_FIELDS = {
    "tier_potential_rating",
    "tier_cooperation_rating",
    "card_type",
    "customer_scale",
}
# Fields only the engine or a sales manager may change.
TIER_MANAGER_FIELDS = {
    "customer_tier_id",
    "customer_score",
    "tier_locked",
    "tier_lock_reason",
    "tier_locked_by_id",
    "tier_locked_date",
}
# Columns the engine stores, with their SQL types (see _store_tier_results).
TIER_STORE_COLUMNS = [
    ("id", "int"),
    ("customer_tier_id", "int"),
    ("customer_score", "numeric"),
    ("is_prospect", "bool"),
    ("tier_last_change_date", "timestamp"),
    ("tier_score_purchase", "float8"),
    ("tier_score_profit", "float8"),
    ("tier_score_payment", "float8"),
    ("tier_score_potential", "float8"),
    ("tier_score_cooperation", "float8"),
    ("tier_sales_12m", "numeric"),
    ("tier_sales_prev_12m", "numeric"),
    ("tier_margin_12m", "numeric"),
    ("tier_order_count_12m", "int"),
    ("tier_paid_share", "float8"),
    ("tier_overdue_amount", "numeric"),
    ("tier_avg_days_late", "float8"),
    ("tier_growth_pct", "float8"),
    ("tier_last_order_date", "date"),
    ("purchase_power", "varchar"),
    ("churn_state", "varchar"),
    ("card_type", "varchar"),
    ("lifetime_value", "numeric"),
]
STORED_INDEX = {name: index for index, (name, __) in enumerate(TIER_STORE_COLUMNS)}


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sale.customer.integrity.mixin"]

    customer_tier_id = fields.Many2one(
        "res.partner.tier",
        string="Customer Tier",
        index="btree_not_null",
        readonly=True,
        help="Tier from the customer score; empty for prospects (no purchase yet).",
    )
    customer_tier_code = fields.Char(
        related="customer_tier_id.code", string="Tier Code"
    )
    customer_tier_color = fields.Integer(related="customer_tier_id.color")
    customer_score = fields.Float(
        digits=(16, 2),
        readonly=True,
        groups=FIGURES_GROUP,
        aggregator="avg",
        help="Weighted score 0-100 of the five criteria.",
    )
    is_prospect = fields.Boolean(
        string="Prospect",
        readonly=True,
        help="No confirmed order yet: the customer is a prospect and gets no tier.",
    )
    tier_locked = fields.Boolean(
        string="Tier Pinned",
        readonly=True,
        help="A sales manager pinned the tier: recomputing updates the score "
        "but keeps the tier.",
    )
    tier_lock_reason = fields.Text(string="Pin Reason", readonly=True)
    tier_locked_by_id = fields.Many2one("res.users", string="Pinned By", readonly=True)
    tier_locked_date = fields.Datetime(string="Pinned On", readonly=True)
    tier_last_change_date = fields.Datetime(string="Tier Changed On", readonly=True)
    tier_scored_date = fields.Datetime(
        string="Figures Updated On",
        readonly=True,
        help="When a recompute last changed this customer's figures. The daily "
        "recompute checks every customer but rewrites only what changed; its "
        "last run is shown in the settings.",
    )
    # Sub-scores (0-100)
    tier_score_purchase = fields.Float(
        string="Purchase Volume Score",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_score_profit = fields.Float(
        string="Profitability Score",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_score_payment = fields.Float(
        string="Payment Safety Score",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_score_potential = fields.Float(
        string="Future Potential Score",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_score_cooperation = fields.Float(
        string="Cooperation Score",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    # Raw values, company currency
    tier_sales_12m = fields.Monetary(
        string="Sales (12 Months)",
        currency_field="currency_id",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_sales_prev_12m = fields.Monetary(
        string="Sales (Previous 12 Months)",
        currency_field="currency_id",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_margin_12m = fields.Monetary(
        string="Margin (12 Months)",
        currency_field="currency_id",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_order_count_12m = fields.Integer(
        string="Orders (12 Months)",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_paid_share = fields.Float(
        string="Paid Share (%)",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_overdue_amount = fields.Monetary(
        string="Overdue Receivables",
        currency_field="currency_id",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_avg_days_late = fields.Float(
        string="Average Days Paid Late",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_growth_pct = fields.Float(
        string="Sales Growth (%)",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_last_order_date = fields.Date(
        string="Last Order",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    tier_potential_rating = fields.Selection(
        RATING_SELECTION,
        string="Potential Rating",
        default="0",
        help="Salesperson's view of the customer's future potential, 1-5 stars; "
        "blended 50/50 with the sales growth.",
    )
    tier_cooperation_rating = fields.Selection(
        RATING_SELECTION,
        string="Cooperation Rating",
        default="0",
        help="Salesperson's rating of the cooperation, 1-5 stars; service "
        "signals are blended in by their number of observations.",
    )
    purchase_power = fields.Selection(
        [("high", "High"), ("medium", "Medium"), ("low", "Low")],
        string="Purchasing Power",
        readonly=True,
        help="From the annual spend and the average order value (company thresholds).",
    )
    customer_scale = fields.Selection(
        [("large", "Large"), ("medium", "Medium"), ("small", "Small")],
        string="Scale",
        help="Size of the customer's enterprise.",
    )
    card_type = fields.Selection(
        [("fixed", "Fixed"), ("attack", "Attack"), ("development", "Development")],
        help="Fixed: established regular buyer; Attack: being won from a "
        "competitor; Development: prospect being developed.",
    )
    churn_state = fields.Selection(
        [
            ("active", "Active"),
            ("at_risk", "At Risk"),
            ("partial", "Partial Defector"),
            ("lost", "Lost"),
        ],
        readonly=True,
        help="Lost: no order for longer than k x the usual order interval. "
        "Partial: 12-month spend dropped beyond the threshold or a product "
        "category stopped. At risk: no order for longer than the usual interval.",
    )
    lifetime_value = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        groups=FIGURES_GROUP,
        help="Average annual gross margin x expected remaining years.",
    )
    tier_history_ids = fields.One2many(
        "res.partner.tier.history",
        "partner_id",
        string="Tier History",
        groups="sale_customer_mgmt.group_customer_user,"
        "sale_customer_mgmt.group_customer_figures",
    )
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

    # churn reason (customer analysis)
    churn_reason_id = fields.Many2one(
        "sale.churn.reason",
        index="btree_not_null",
        tracking=True,
        help="Why this customer stopped (or is about to stop) buying from us.",
    )
    churn_note = fields.Text(help="What the customer told us when leaving.")

    # visits
    customer_visit_count = fields.Integer(
        string="Visit Count",
        compute="_compute_customer_visit_count",
        groups="sale_customer_mgmt.group_customer_user",
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

    def init(self):
        res = super().init()
        # The customer list (*Customers > Customer Tiers*) opens grouped by
        # tier: per tier, the count of the customers of the action's domain
        # (no parent, a tier or a prospect) and the aggregates of the list's
        # numeric columns (average score, total lifetime value), through the
        # multi-company rule of res.partner (company_id, partner_share); the
        # flat list counts the same rows. res_partner rows are wide, so that
        # read the whole table; this small partial index carries every column
        # those queries read and answers them with an index-only scan (20 000
        # customers, as a sales manager: grouped load 10 ms -> 5 ms, flat
        # load 8 ms -> 6 ms). The predicate is the action's domain as the ORM
        # writes it, so that PostgreSQL can prove the query implies it. Cost:
        # a score change is no longer a HOT update (one more index entry per
        # customer whose score changed).
        if index_exists(self.env.cr, "res_partner_customer_list_tier_index"):
            return res
        self.env.cr.execute(
            """
            CREATE INDEX res_partner_customer_list_tier_index
                ON res_partner (customer_tier_id)
                   INCLUDE (customer_score, lifetime_value, company_id,
                            partner_share)
             WHERE active = true AND parent_id IS NULL
               AND (customer_tier_id IS NOT NULL OR is_prospect = true)
            """
        )
        return res

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    # The engine-owned fields (tier, score and sub-scores, the figures, churn
    # state, purchasing power, lifetime value, prospect flag, pin) are
    # read-only fields: only the engine (SQL, see _store_tier_results), the
    # crons and the pin/unpin buttons write them, under the system token
    # (see sale_customer_integrity_mixin).
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._scm_check_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_tier_write_access(set(vals))
        self._scm_check_vals(vals)
        res = super().write(vals)
        if {"tier_potential_rating", "tier_cooperation_rating"} & set(vals):
            self.commercial_partner_id.filtered("tier_scored_date")._recompute_tiers()
        return res

    def _check_tier_write_access(self, fnames):
        user = self.env.user
        if fnames & TIER_MANAGER_FIELDS and not user.has_group(
            "sale_customer_mgmt.group_customer_manager"
        ):
            raise AccessError(
                self.env._("Only sales managers can change or pin a customer's tier.")
            )
        if not fnames & TIER_USER_FIELDS or user.has_group(
            "sale_customer_mgmt.group_customer_manager"
        ):
            return
        if not user.has_group("sale_customer_mgmt.group_customer_user"):
            raise AccessError(
                self.env._("Only salespeople can rate customers for their tier.")
            )
        foreign = self.commercial_partner_id.filtered(
            lambda p: p.user_id and p.user_id != user
        )
        if foreign:
            raise AccessError(
                self.env._(
                    "You can only rate your own customers (%(names)s belong to "
                    "another salesperson).",
                    names=", ".join(foreign.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_recompute_tier(self):
        """Recompute the score and tier of the selected customers now."""
        if not self.env.user.has_group("sale_customer_mgmt.group_customer_user"):
            raise AccessError(
                self.env._("Only salespeople and managers can recompute tiers.")
            )
        changed = self._recompute_tiers(cause="recompute")
        if changed:
            message = self.env._(
                "Scores recomputed: %(count)s of %(total)s customers changed.",
                count=len(changed),
                total=len(self.commercial_partner_id),
            )
        else:
            message = self.env._("Scores recomputed: nothing changed.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_unpin_tier(self):
        if not self.env.user.has_group("sale_customer_mgmt.group_customer_manager"):
            raise AccessError(self.env._("Only sales managers can unpin a tier."))
        partners = self.commercial_partner_id.filtered("tier_locked")
        if not partners:
            return True
        # sudo: manager checked above; history is written by the engine only
        self.env["res.partner.tier.history"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": (partner.company_id or self.env.company).id,
                    "old_tier_id": partner.customer_tier_id.id,
                    "new_tier_id": partner.customer_tier_id.id,
                    "score": partner.customer_score,
                    "cause": "manual_unpin",
                    "user_id": self.env.user.id,
                }
                for partner in partners
            ]
        )
        as_system(partners).write(
            {
                "tier_locked": False,
                "tier_lock_reason": False,
                "tier_locked_by_id": False,
                "tier_locked_date": False,
            }
        )
        partners._message_log_batch(
            dict.fromkeys(partners.ids, self.env._("Tier unpinned.")),
        )
        partners._recompute_tiers(cause="recompute")
        return True

    def action_open_tier_pin_wizard(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_customer_mgmt.res_partner_tier_pin_wizard_action"
        )
        action["context"] = {"default_partner_ids": self.commercial_partner_id.ids}
        return action

    # ------------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------------
    def _tier_scoring_company(self):
        return self.company_id or self.env.company

    def _tier_group_by_company(self):
        """{company: commercial partners} of ``self``."""
        groups = {}
        for partner in self.commercial_partner_id:
            company = partner._tier_scoring_company()
            groups.setdefault(company, self.browse())
            groups[company] |= partner
        return groups

    def _recompute_tiers(self, cause="recompute", weights=None, thresholds=None):
        """Score ``self`` (their commercial partners) and store the result.

        :return: ids of the commercial partners whose figures changed"""
        scoring = self.env["customer.tier.scoring"]
        changed = []
        for company, partners in self._tier_group_by_company().items():
            results = scoring._score_partners(partners, company, weights=weights)
            changed += self._store_tier_results(results, company, cause, thresholds)
        return changed

    def _tier_preview(self, weights_by_company=None, thresholds=None):
        """{partner_id: (old tier, new tier)} without writing anything."""
        tiers = self.env["res.partner.tier"].search([])
        scoring = self.env["customer.tier.scoring"]
        preview = {}
        for company, partners in self._tier_group_by_company().items():
            weights = (weights_by_company or {}).get(company.id)
            results = scoring._score_partners(partners, company, weights=weights)
            company_thresholds = company._get_tier_thresholds() | (thresholds or {})
            for partner in partners:
                new_tier = partner._tier_from_result(
                    results[partner.id], tiers, company_thresholds
                )
                preview[partner.id] = (partner.customer_tier_id, new_tier)
        return preview

    def _tier_from_result(self, result, tiers, thresholds=None):
        if self.tier_locked:
            return self.customer_tier_id
        if result["is_prospect"]:
            return tiers.browse()
        return tiers._get_tier_for_score(result["score"], thresholds)

    @api.model
    def _store_tier_results(self, results, company, cause, thresholds=None):
        """Store the engine's ``results`` ``{partner_id: vals}`` on the
        commercial partners and their contacts; log the tier changes.

        The values differ per partner, so the ORM would issue one UPDATE per
        partner; a single ``UPDATE ... FROM unnest(...)`` keeps the number of
        queries independent of the batch size. Rows whose values are already
        the stored ones are left alone: the daily run rewrites only what
        changed (a partner row carries some 30 indexes). The statement leaves
        the database as ``write()`` would (see ``_write_tier_rows``).

        :return: ids of the commercial partners whose figures changed
        """
        if not results:
            return []
        self.flush_model()
        tiers = self.env["res.partner.tier"].search([])
        thresholds = company._get_tier_thresholds() | (thresholds or {})
        ladder = [
            (thresholds.get(tier.id, tier.min_score), tier.id)
            for tier in tiers.sorted(lambda t: (t.sequence, t.id))
        ]
        stored_names = [name for name, __ in TIER_STORE_COLUMNS]
        n_stored = len(stored_names)
        # the partners scored and every row the UPDATE below may rewrite
        # (the contacts): their current values tell which fields change where
        current, families = {}, {}
        for row in self.env.execute_query(
            SQL(
                "SELECT %s, tier_locked, tier_scored_date IS NOT NULL, "
                "commercial_partner_id FROM res_partner "
                "WHERE id = ANY(%s) OR commercial_partner_id = ANY(%s)",
                SQL(", ").join(SQL.identifier(name) for name in stored_names),
                list(results),
                list(results),
            )
        ):
            if row[0] in results:
                current[row[0]] = row
            families.setdefault(row[-1], []).append(row)
        now = fields.Datetime.now()
        updates = []
        tier_changes = {}
        for partner_id, result in results.items():
            if partner_id not in current:  # deleted meanwhile
                continue
            stored = current[partner_id]
            old_tier_id = stored[STORED_INDEX["customer_tier_id"]]
            last_change = stored[STORED_INDEX["tier_last_change_date"]]
            card_type = stored[STORED_INDEX["card_type"]]
            locked, scored = stored[n_stored : n_stored + 2]
            if locked:
                new_tier_id = old_tier_id
            elif result["is_prospect"]:
                new_tier_id = None
            else:
                new_tier_id = next(
                    (tid for limit, tid in ladder if result["score"] >= limit), None
                )
            if new_tier_id != old_tier_id:
                tier_changes[partner_id] = (old_tier_id, new_tier_id, result["score"])
                last_change = now
            if result["is_prospect"] and not card_type:
                card_type = "development"
            elif not result["is_prospect"] and card_type in (None, "development"):
                card_type = "fixed"
            subs = result["subs"]
            values = (
                partner_id,
                new_tier_id,
                result["score"],
                result["is_prospect"],
                last_change,
                subs["purchase"],
                subs["profit"],
                subs["payment"],
                subs["potential"],
                subs["cooperation"],
                result["sales_12m"],
                result["sales_prev_12m"],
                result["margin_12m"],
                result["order_count_12m"],
                result["paid_share"],
                result["overdue_amount"],
                result["avg_days_late"],
                result["growth_pct"],
                result["last_order_date"] or None,
                result["purchase_power"] or None,
                result["churn_state"] or None,
                card_type or None,
                result["lifetime_value"],
            )
            if scored and values == stored[:n_stored]:
                continue  # the daily run mostly finds nothing new
            updates.append((values, families.get(partner_id, [])))
        if not updates:
            return []
        self._write_tier_rows(updates, now)
        if tier_changes:
            self._log_tier_changes(tier_changes, company, cause, now)
        return [values[0] for values, __ in updates]

    @api.model
    def _write_tier_rows(self, updates, now):
        """Write the engine's values in one ``UPDATE ... FROM unnest(...)``
        and leave the database as ``write()`` would: the rows rewritten get
        ``write_date`` and ``write_uid``, and the ORM is told which fields
        changed on which rows (``modified()``, before and after the statement
        as ``write()`` does), so that stored fields depending on them on any
        model (the SLA policy and deadlines of the customer's tickets follow
        the tier) are recomputed in this transaction, in batch, at the next
        flush. No field written here is tracked: a tier change is told in the
        chatter by the note of ``_log_tier_changes``.

        :param updates: ``[(values, rows)]``: the values of
            ``TIER_STORE_COLUMNS`` for a commercial partner, and the current
            rows (the same columns first) of the partners rewritten with
            them, the commercial partner and its contacts
        """
        stored_names = [name for name, __ in TIER_STORE_COLUMNS]
        n_stored = len(stored_names)
        columns = {name: [] for name in stored_names}
        changed = {}  # {field name: ids of the rows where its value changes}
        rewritten = []
        for values, rows in updates:
            for name, value in zip(stored_names, values, strict=True):
                columns[name].append(value)
            for row in rows:
                rewritten.append(row[0])
                for name, old, new in zip(
                    stored_names[1:], row[1:n_stored], values[1:], strict=True
                ):
                    if old != new:
                        changed.setdefault(name, []).append(row[0])
        arrays = SQL(", ").join(
            SQL("%s::" + sql_type + "[]", columns[name])
            for name, sql_type in TIER_STORE_COLUMNS
        )
        targets = stored_names[1:]
        assignments = SQL(", ").join(
            SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name))
            for name in targets
        )
        # as write(): what depends on the current value of a relation is
        # looked up before the change too
        for name, ids in changed.items():
            if self.pool.is_modifying_relations(self._fields[name]):
                self.browse(ids).modified([name], before=True)
        self.env.execute_query(
            SQL(
                """
                UPDATE res_partner p
                   SET %(assignments)s, tier_scored_date = %(now)s,
                       write_date = %(write_date)s, write_uid = %(uid)s
                  FROM unnest(%(arrays)s) AS v(%(names)s)
                 WHERE p.commercial_partner_id = v.id
                """,
                assignments=assignments,
                now=now,
                write_date=self.env.cr.now(),
                uid=self.env.uid,
                arrays=arrays,
                names=SQL(", ").join(SQL.identifier(name) for name in stored_names),
            )
        )
        log_fields = ["tier_scored_date", "write_date", "write_uid"]
        # the database holds newer values than any cache: nothing to flush
        self.invalidate_model(targets + log_fields, flush=False)
        # one call per field, on the rows where it changed: the tickets of a
        # customer whose score alone changed are not recomputed; a field that
        # no stored field depends on costs no query
        for name, ids in changed.items():
            self.browse(ids).modified([name])
        self.browse(rewritten).modified(log_fields)

    @api.model
    def _log_tier_changes(self, tier_changes, company, cause, now):
        """History line for every tier change ``{partner_id: (old tier id,
        new tier id, score)}``; a chatter note when an existing tier changed
        (a first assignment is in the history only: after an installation it
        would post a note on every customer at once). The note stands for
        tracking: no field the engine writes is tracked, and a tracking value
        on the tier would repeat the note without its score and cause."""
        # One INSERT for the batch: the first run after an installation
        # logs every customer, and 20 000 ORM creates took 1.5 s. The history
        # is an audit log written by the engine only; the statement fills
        # every stored field (the salesperson, a related field, from the
        # customer) and _tier_history_created tells the ORM what create()
        # would. The caller's rights were checked by the public action.
        partner_ids, old_ids, new_ids, scores = [], [], [], []
        for partner_id, (old_tier_id, new_tier_id, score) in tier_changes.items():
            partner_ids.append(partner_id)
            old_ids.append(old_tier_id)
            new_ids.append(new_tier_id)
            scores.append(round(score, 1))
        history = self.env["res.partner.tier.history"]
        history.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO res_partner_tier_history (
                    partner_id, company_id, date, old_tier_id, new_tier_id,
                    score, cause, user_id, salesperson_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT v.partner_id, %(company)s, %(now)s, v.old_tier_id,
                       v.new_tier_id, v.score, %(cause)s, %(uid)s, p.user_id,
                       %(uid)s, %(stamp)s, %(uid)s, %(stamp)s
                  FROM unnest(%(partner_ids)s::int[], %(old_ids)s::int[],
                              %(new_ids)s::int[], %(scores)s::numeric[])
                       AS v(partner_id, old_tier_id, new_tier_id, score)
                  JOIN res_partner p ON p.id = v.partner_id
             RETURNING id, partner_id
                """,
                company=company.id,
                now=now,
                stamp=self.env.cr.now(),
                cause=cause,
                uid=self.env.uid,
                partner_ids=partner_ids,
                old_ids=old_ids,
                new_ids=new_ids,
                scores=scores,
            )
        )
        history.invalidate_model(flush=False)
        self.invalidate_model(["tier_history_ids"], flush=False)
        self._tier_history_created(rows)
        tiers = self.env["res.partner.tier"].with_context(active_test=False)
        bodies = {
            partner_id: self._tier_change_body(
                tiers.browse(old_tier_id), tiers.browse(new_tier_id), score, cause
            )
            for partner_id, (old_tier_id, new_tier_id, score) in tier_changes.items()
            if old_tier_id
        }
        if bodies:
            self.browse(list(bodies))._message_log_batch(bodies)

    @api.model
    def _tier_history_created(self, rows):
        """Tell the ORM about the history lines the engine inserted, as
        ``create()`` does: what depends on them is marked for recomputation,
        and stored computed fields the statement did not fill are computed.

        :param rows: ``[(id, partner_id)]`` returned by the statement; put in
            the cache, as ``create()`` does, so that finding what depends on
            the lines' customers reads nothing back
        """
        history = self.env["res.partner.tier.history"]
        lines = history.browse([row[0] for row in rows])
        self.env.cache.update(
            lines, history._fields["partner_id"], [row[1] for row in rows]
        )
        inserted = {
            "partner_id",
            "company_id",
            "date",
            "old_tier_id",
            "new_tier_id",
            "score",
            "cause",
            "user_id",
            "salesperson_id",
            "create_uid",
            "create_date",
            "write_uid",
            "write_date",
        }
        computed = [f for f in history._fields.values() if f.store and f.compute]
        for field in computed:
            if field.name not in inserted:
                self.env.add_to_compute(field, lines)
        with self.env.protecting(
            [field for field in computed if field.name in inserted], lines
        ):
            lines.modified(inserted, create=True)

    def _tier_change_body(self, old_tier, new_tier, score, cause):
        causes = dict(
            self.env["res.partner.tier.history"]
            ._fields["cause"]
            ._description_selection(self.env)
        )
        return self.env._(
            "Customer tier: %(old)s → %(new)s (score %(score)s, %(cause)s).",
            old=old_tier.display_name or self.env._("none"),
            new=new_tier.display_name or self.env._("none"),
            score=f"{score:.1f}",
            cause=causes.get(cause, cause),
        )

    @api.model
    def _tier_customer_domain(self):
        """Commercial partners to score: customers (invoiced or with a
        confirmed order) and companies that are not suppliers (prospects)."""
        # sudo: company partners are excluded whatever the user's companies
        company_partners = self.env["res.company"].sudo().search([]).partner_id
        return [
            ("parent_id", "=", False),
            ("id", "not in", company_partners.ids),
            "|",
            "|",
            ("customer_rank", ">", 0),
            ("sale_order_ids.state", "=", "sale"),
            "&",
            ("is_company", "=", True),
            ("supplier_rank", "=", 0),
        ]

    @api.model
    def _demo_recompute_tiers(self):
        self.search(self._tier_customer_domain())._recompute_tiers()

    @api.model
    def _cron_recompute_tiers(self, batch_size=5000):
        """Daily recompute of every customer, one batch per call.

        The first call of a run stages the figures of every customer in
        ``customer.tier.figure`` (one set-based aggregation); each call then
        scores and stores the next ``batch_size`` staged customers and
        removes them from the work list, and the cron runner commits. An
        interrupted run resumes with the customers left on the same day and
        starts again from fresh figures on a later day; ``_notify_progress``
        makes the runner call again while customers remain. Two workers at
        once take different customers (see ``customer.tier.figure``).

        :return: number of customers left
        """
        # sudo: the work list is technical data of the engine; the cron runs
        # as the superuser anyway and the users' rules do not apply to it
        figure_model = self.env["customer.tier.figure"].sudo()
        today = fields.Date.context_today(self)
        left, run_date = figure_model._pending()
        if not left or run_date != today:
            figure_model._stage(today)
        rows = figure_model._take(batch_size)
        by_company = {}
        for row in rows:
            by_company.setdefault(row["company_id"], {})[row["partner_id"]] = row
        scoring = self.env["customer.tier.scoring"]
        for company_id, figures in by_company.items():
            company = self.env["res.company"].browse(company_id)
            results = scoring._score_figures(figures, company, today=today)
            self._store_tier_results(results, company, "recompute")
        remaining = figure_model._pending()[0]
        if not remaining:
            # sudo: the run date is the engine's, not the user's, to write
            self.env["res.company"].sudo().search(
                []
            ).tier_recompute_date = fields.Datetime.now()
        self.env["ir.cron"]._notify_progress(done=len(rows), remaining=remaining)
        return remaining

    # ------------------------------------------------------------------
    # Visits
    # ------------------------------------------------------------------
    def _compute_customer_visit_count(self):
        # one search for the contacts of all partners, one grouped count
        all_partners = self.with_context(active_test=False).search_fetch(
            [("id", "child_of", self.ids)], ["parent_id"]
        )
        data = self.env["sale.customer.visit"]._read_group(
            [("partner_id", "in", all_partners.ids)], ["partner_id"], ["__count"]
        )
        self.customer_visit_count = 0
        for partner, count in data:
            while partner:
                if partner in self:
                    partner.customer_visit_count += count
                partner = partner.parent_id

    def action_view_customer_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "sale_customer_mgmt.sale_customer_visit_action"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Extension points shared by the three addons. key_account and
    # after_sales depend on this addon but not on each other: each method
    # returns what this addon knows and is extended (calling super() and
    # merging) by the addon that knows more.
    # ------------------------------------------------------------------
    def _get_cooperation_signals(self):
        """Service signals feeding the cooperation criterion of the tier score.

        Called on the commercial partners being scored, in batch.

        :return: ``{partner_id: {"score": float 0-100, "count": int,
            "detail": str}}`` for the partners with at least one signal;
            partners without signals are absent. ``count`` is the number of
            observations behind ``score`` (ratings, complaints) so the caller
            can weigh the signal against the manual rating.
        """
        return {}

    def _get_open_complaint_counts(self):
        """Open customer complaints per commercial partner, for risk flags.

        :return: ``{partner_id: int}``; partners without open complaints are
            absent.
        """
        return {}

    def _get_escalation_users(self):
        """Users to notify about an escalation concerning this customer.

        Used for complaints and churn alerts.

        :return: ``res.users`` recordset: the salesperson here; key_account
            adds the account's KA manager.
        """
        users = self.env["res.users"]
        for partner in self:
            users |= partner.commercial_partner_id.user_id | partner.user_id
        return users

    def _get_overdue_collection_amounts(self):
        """Overdue collection-plan instalments per commercial partner.

        Extension point (see the comment above ``_get_cooperation_signals``):
        returns ``{partner_id: float}`` in company currency; partners with
        nothing overdue are absent.

        One query for the whole recordset: the unpaid part of every
        instalment whose due date has passed, summed per commercial partner
        over the orders of the companies in ``self.env.companies`` and
        converted with the order's rate (order currency -> company currency).
        """
        result = {}
        # one column, not the ~100 a partner prefetch would read per batch
        self.fetch(["commercial_partner_id"])
        partner_ids = self.commercial_partner_id.ids
        if not partner_ids:
            return result
        plan_model = self.env["sale.collection.plan"]
        plan_model._flush_for_allocation()
        allocation = plan_model._instalment_allocation_sql(
            fields.Date.context_today(self), company_ids=self.env.companies.ids
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT alloc.partner_id,
                       SUM(alloc.amount_overdue / alloc.currency_rate)
                  FROM (%(allocation)s) alloc
                 WHERE alloc.partner_id = ANY(%(partner_ids)s)
                   AND alloc.amount_overdue > 0
              GROUP BY alloc.partner_id
                """,
                allocation=allocation,
                partner_ids=partner_ids,
            )
        )
        for partner_id, amount in rows:
            result[partner_id] = result.get(partner_id, 0.0) + amount
        return result
