# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's tier fields, the buttons that own them and the extension
points shared with key_account and after_sales.

The tier recompute (engine results stored in SQL, history, cron) is in
``res_partner_tier_recompute.py``; what the form shows of the figures
(breakdown, next tier, figures for salespeople) in
``res_partner_tier_display.py``.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.sql import index_exists

from .res_partner_tier_recompute import TIER_STORE_COLUMNS  # noqa: F401
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


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sale.customer.integrity.mixin"]
    # Our stored columns form their own prefetch group ("sale_customer_mgmt"): reading a
    # partner anywhere in Odoo (its name, an address) does not fetch them;
    # reading one of them fetches the group for the records at hand.

    customer_tier_id = fields.Many2one(
        "res.partner.tier",
        string="Customer Tier",
        index="btree_not_null",
        readonly=True,
        help="Tier from the customer score; empty for prospects (no purchase yet).",
        prefetch="sale_customer_mgmt",
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
        prefetch="sale_customer_mgmt",
    )
    is_prospect = fields.Boolean(
        string="Prospect",
        readonly=True,
        help="No confirmed order yet: the customer is a prospect and gets no tier.",
        prefetch="sale_customer_mgmt",
    )
    tier_locked = fields.Boolean(
        string="Tier Pinned",
        readonly=True,
        help="A sales manager pinned the tier: recomputing updates the score "
        "but keeps the tier.",
        prefetch="sale_customer_mgmt",
    )
    tier_lock_reason = fields.Text(
        string="Pin Reason", readonly=True, prefetch="sale_customer_mgmt"
    )
    tier_locked_by_id = fields.Many2one(
        "res.users", string="Pinned By", readonly=True, prefetch="sale_customer_mgmt"
    )
    tier_locked_date = fields.Datetime(
        string="Pinned On", readonly=True, prefetch="sale_customer_mgmt"
    )
    tier_last_change_date = fields.Datetime(
        string="Tier Changed On", readonly=True, prefetch="sale_customer_mgmt"
    )
    tier_scored_date = fields.Datetime(
        string="Figures Updated On",
        readonly=True,
        help="When a recompute last changed this customer's figures. The daily "
        "recompute checks every customer but rewrites only what changed; its "
        "last run is shown in the settings.",
        prefetch="sale_customer_mgmt",
    )
    # Sub-scores (0-100)
    tier_score_purchase = fields.Float(
        string="Purchase Volume Score",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_score_profit = fields.Float(
        string="Profitability Score",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_score_payment = fields.Float(
        string="Payment Safety Score",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_score_potential = fields.Float(
        string="Future Potential Score",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_score_cooperation = fields.Float(
        string="Cooperation Score",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    # Raw values, company currency
    tier_sales_12m = fields.Monetary(
        string="Sales (12 Months)",
        currency_field="currency_id",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_sales_prev_12m = fields.Monetary(
        string="Sales (Previous 12 Months)",
        currency_field="currency_id",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_margin_12m = fields.Monetary(
        string="Margin (12 Months)",
        currency_field="currency_id",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_order_count_12m = fields.Integer(
        string="Orders (12 Months)",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_paid_share = fields.Float(
        string="Paid Share (%)",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_overdue_amount = fields.Monetary(
        string="Overdue Receivables",
        currency_field="currency_id",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_avg_days_late = fields.Float(
        string="Average Days Paid Late",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_growth_pct = fields.Float(
        string="Sales Growth (%)",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_last_order_date = fields.Date(
        string="Last Order",
        readonly=True,
        groups=FIGURES_GROUP,
        prefetch="sale_customer_mgmt",
    )
    tier_potential_rating = fields.Selection(
        RATING_SELECTION,
        string="Potential Rating",
        default="0",
        help="Salesperson's view of the customer's future potential, 1-5 stars; "
        "blended 50/50 with the sales growth.",
        prefetch="sale_customer_mgmt",
    )
    tier_cooperation_rating = fields.Selection(
        RATING_SELECTION,
        string="Cooperation Rating",
        default="0",
        help="Salesperson's rating of the cooperation, 1-5 stars; service "
        "signals are blended in by their number of observations.",
        prefetch="sale_customer_mgmt",
    )
    purchase_power = fields.Selection(
        [("high", "High"), ("medium", "Medium"), ("low", "Low")],
        string="Purchasing Power",
        readonly=True,
        help="From the annual spend and the average order value (company thresholds).",
        prefetch="sale_customer_mgmt",
    )
    customer_scale = fields.Selection(
        [("large", "Large"), ("medium", "Medium"), ("small", "Small")],
        string="Scale",
        help="Size of the customer's enterprise.",
        prefetch="sale_customer_mgmt",
    )
    card_type = fields.Selection(
        [("fixed", "Fixed"), ("attack", "Attack"), ("development", "Development")],
        help="Fixed: established regular buyer; Attack: being won from a "
        "competitor; Development: prospect being developed.",
        prefetch="sale_customer_mgmt",
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
        prefetch="sale_customer_mgmt",
    )
    lifetime_value = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        groups=FIGURES_GROUP,
        help="Average annual gross margin x expected remaining years.",
        prefetch="sale_customer_mgmt",
    )
    tier_history_ids = fields.One2many(
        "res.partner.tier.history",
        "partner_id",
        string="Tier History",
        groups="sale_customer_mgmt.group_customer_user,"
        "sale_customer_mgmt.group_customer_figures",
    )

    # churn reason (customer analysis)
    churn_reason_id = fields.Many2one(
        "sale.churn.reason",
        index="btree_not_null",
        tracking=True,
        help="Why this customer stopped (or is about to stop) buying from us.",
        prefetch="sale_customer_mgmt",
    )
    churn_note = fields.Text(
        help="What the customer told us when leaving.", prefetch="sale_customer_mgmt"
    )

    # visits
    customer_visit_count = fields.Integer(
        string="Visit Count",
        compute="_compute_customer_visit_count",
        groups="sale_customer_mgmt.group_customer_user",
    )

    def init(self):
        res = super().init()
        # The customer list (*Customers > Customer Tiers*) opens grouped by
        # tier: per tier, the count of the customers of the action's domain
        # (no parent, a tier or a prospect) and the aggregates of the list's
        # numeric columns (average score, total lifetime value), through the
        # multi-company rule of res.partner (company_id, partner_share); the
        # flat list counts the same rows. res_partner rows are wide, so that
        # read the whole table; this small partial index carries every column
        # those queries read and answers them with an index-only scan (measured by
        # scripts/bench_sales.py, figures in the README). The predicate is the action's
        # domain as the ORM writes it, so that PostgreSQL can prove the query
        # implies it. Cost: a score change is no longer a HOT update (one
        # more index entry per customer whose score changed).
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
            fields.Date.context_today(self),
            company_ids=self.env.companies.ids,
            partner_ids=partner_ids,
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
