# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Retention of the key accounts: switching cost, freshness, complaints and
defection risks, and the "at risk" flag they make together."""

from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .res_config_settings import ka_get_param

LOW_SWITCHING_COST = 2


class ResPartner(models.Model):
    _inherit = "res.partner"
    # Our stored columns form their own prefetch group ("key_account"): reading a
    # partner anywhere in Odoo (its name, an address) does not fetch them;
    # reading one of them fetches the group for the records at hand.

    ka_switching_cost = fields.Integer(
        string="Switching Cost",
        compute="_compute_ka_retention",
        help="Number of our product categories the account bought in the last 12 "
        "months (confirmed sales orders): the more lines it uses, the harder it is "
        "to switch.",
    )
    ka_freshness = fields.Integer(
        string="Freshness",
        compute="_compute_ka_retention",
        help="New quotations and completed key-account calls in the last N days "
        "(see the settings).",
    )
    ka_open_complaint_count = fields.Integer(
        string="Open Complaints", compute="_compute_ka_retention"
    )
    ka_at_risk = fields.Boolean(
        string="Account at Risk",
        compute="_compute_ka_retention",
        search="_search_ka_at_risk",
    )
    ka_risk_reasons = fields.Text(
        string="Risk Signals", compute="_compute_ka_retention"
    )
    ka_competitor_notes = fields.Html(
        string="Competitor Notes",
        help="What competitors offer this account and how it sees them.",
        prefetch="key_account",
    )
    ka_risk_ids = fields.One2many(
        "key.account.risk",
        "partner_id",
        string="Defection Risks",
        groups="key_account.group_key_account_user",
    )

    @api.model
    def _ka_get_freshness_days(self):
        return ka_get_param(self.env, "key_account.freshness_days")

    def _ka_switching_costs(self):
        """Distinct product categories bought in 12 months, per commercial
        partner.

        One grouped query for the whole recordset. Plain SQL: grouping the
        lines by partner and product through the ORM makes a record of each
        (partner, product) pair of the portfolio (the 'At Risk' filter
        computes every key account).
        The figure covers every confirmed order of the account, also those
        of salespeople whose orders the user cannot open (no record rules),
        like the complaint counts.
        """
        accounts = self.commercial_partner_id
        if not accounts:
            return {}
        self.env["sale.order.line"].flush_model(
            ["order_id", "product_id", "display_type"]
        )
        self.env["sale.order"].flush_model(["partner_id", "state", "date_order"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["categ_id"])
        since = fields.Datetime.now() - relativedelta(months=12)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id, COUNT(DISTINCT tmpl.categ_id)
                  FROM sale_order_line line
                  JOIN sale_order so ON so.id = line.order_id
                  JOIN res_partner partner ON partner.id = so.partner_id
                  JOIN product_product product ON product.id = line.product_id
                  JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                 WHERE partner.commercial_partner_id = ANY(%s)
                   AND so.state = 'sale'
                   AND so.date_order >= %s
                   AND line.display_type IS NULL
              GROUP BY partner.commercial_partner_id
                """,
                accounts.ids,
                since,
            )
        )
        return dict(rows)

    def _ka_freshness_counts(self):
        accounts = self.commercial_partner_id
        if not accounts:
            return {}
        since = fields.Datetime.now() - timedelta(days=self._ka_get_freshness_days())
        counts = defaultdict(int)
        # sudo: counting offers of the whole company, not only the user's own ones
        for partner, count in (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [
                    # the orders of the accounts and of their contacts: the same
                    # partners as ("partner_id", "child_of", accounts.ids), whose
                    # orders are then counted under their commercial partner,
                    # without walking the hierarchy level by level (one query per
                    # level, the last with every contact's id)
                    ("partner_id.commercial_partner_id", "in", accounts.ids),
                    ("create_date", ">=", since),
                    ("state", "!=", "cancel"),
                ],
                ["partner_id"],
                ["__count"],
            )
        ):
            counts[partner.commercial_partner_id.id] += count
        # sudo: likewise, the calls of every salesperson count
        for partner, count in (
            self.env["key.account.call"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", accounts.ids),
                    ("state", "=", "done"),
                    ("date", ">=", since),
                ],
                ["partner_id"],
                ["__count"],
            )
        ):
            counts[partner.id] += count
        return counts

    @api.depends("is_key_account")
    @api.depends_context("uid")
    def _compute_ka_retention(self):
        switching = self._ka_switching_costs()
        freshness = self._ka_freshness_counts()
        complaints = self.commercial_partner_id._get_open_complaint_counts()
        # sudo: the risk register is KA-team data; the flag is shown to everybody
        open_risks = defaultdict(list)
        for risk in (
            self.env["key.account.risk"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "=", "open"),
                ]
            )
        ):
            open_risks[risk.partner_id.id].append(risk)
        for partner in self:
            account = partner.commercial_partner_id
            partner.ka_switching_cost = switching.get(account.id, 0)
            partner.ka_freshness = freshness.get(account.id, 0)
            partner.ka_open_complaint_count = complaints.get(account.id, 0)
            reasons = []
            churn = account.churn_state
            if churn in ("at_risk", "partial", "lost"):
                reasons.append(
                    self.env._(
                        "Churn state: %(state)s",
                        state=dict(
                            account._fields["churn_state"]._description_selection(
                                self.env
                            )
                        )[churn],
                    )
                )
            if partner.ka_open_complaint_count:
                reasons.append(
                    self.env._(
                        "%(count)s open complaint(s)",
                        count=partner.ka_open_complaint_count,
                    )
                )
            high_risks = [r for r in open_risks[account.id] if r.level == "3"]
            if high_risks:
                reasons.append(
                    self.env._(
                        "%(count)s open high defection risk(s)", count=len(high_risks)
                    )
                )
            if account.is_key_account:
                if partner.ka_switching_cost < LOW_SWITCHING_COST:
                    reasons.append(
                        self.env._(
                            "Low switching cost: buys from %(count)s product "
                            "categories",
                            count=partner.ka_switching_cost,
                        )
                    )
                if not partner.ka_freshness:
                    reasons.append(
                        self.env._(
                            "No new offer or contact in the last %(days)s days",
                            days=self._ka_get_freshness_days(),
                        )
                    )
            # a structural weakness alone (low switching cost or staleness) is a
            # warning; two signals or any hard signal make the account at risk
            hard = bool(churn in ("at_risk", "partial", "lost")) or bool(
                partner.ka_open_complaint_count or high_risks
            )
            partner.ka_at_risk = hard or len(reasons) >= 2
            partner.ka_risk_reasons = "\n".join(reasons) or False

    def _search_ka_at_risk(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on accounts at risk."))
        # the three columns the signals read of every account, not the
        # partner's default prefetch group and two of ours (three wide reads)
        accounts = self.search_fetch(
            [("is_key_account", "=", True)],
            ["commercial_partner_id", "is_key_account", "churn_state"],
        )
        at_risk = accounts.filtered("ka_at_risk")
        if (operator == "=") == value:
            return [("id", "in", at_risk.ids)]
        return [("id", "not in", at_risk.ids)]
