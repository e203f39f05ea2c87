# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Batch scoring engine of the customer tiers (客户筛选五标准).

Everything is computed for a whole batch of commercial partners of one
company with a fixed number of queries (orders, invoices, product categories,
the percentile population and the two extension hooks), whatever the size of
the batch. Nothing is written here: the engine returns the values, so that
the what-if wizard can preview a policy without touching the customers.
"""

from bisect import bisect_right
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

CRITERIA = ("purchase", "profit", "payment", "potential", "cooperation")
# The manual cooperation rating counts as this many observations against the
# service signals (complaints, ratings) coming from after_sales.
MANUAL_COOPERATION_WEIGHT = 3.0
NEUTRAL_RATING = 50.0


def _clamp(value, low=0.0, high=100.0):
    return max(low, min(high, value))


class CustomerTierScoring(models.AbstractModel):
    _name = "customer.tier.scoring"
    _description = "Customer Tier Scoring Engine"

    # ------------------------------------------------------------------
    # Queries (one per kind, for the whole batch)
    # ------------------------------------------------------------------
    @api.model
    def _order_figures(self, partner_ids, company, today, population=False):
        """Confirmed orders per commercial partner, amounts in company currency.

        With ``population`` the 12-month sales and margin of every active
        customer of the company are returned instead (percentile ranks)."""
        d12 = today - timedelta(days=365)
        d24 = today - timedelta(days=730)
        rate = SQL("COALESCE(NULLIF(so.currency_rate, 0), 1.0)")
        if population:
            query = SQL(
                """
                SELECT p.commercial_partner_id,
                       SUM(so.amount_untaxed / %(rate)s),
                       SUM(COALESCE(so.margin, 0) / %(rate)s)
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN res_partner cp
                    ON cp.id = p.commercial_partner_id AND cp.active
                 WHERE so.state = 'sale'
                   AND so.company_id = %(company)s
                   AND so.date_order::date > %(d12)s
                   AND so.date_order::date <= %(today)s
              GROUP BY p.commercial_partner_id
                """,
                rate=rate,
                company=company.id,
                d12=d12,
                today=today,
            )
        else:
            query = SQL(
                """
                SELECT p.commercial_partner_id,
                       COALESCE(SUM(so.amount_untaxed / %(rate)s)
                           FILTER (WHERE so.date_order::date > %(d12)s), 0),
                       COALESCE(SUM(COALESCE(so.margin, 0) / %(rate)s)
                           FILTER (WHERE so.date_order::date > %(d12)s), 0),
                       COALESCE(SUM(so.amount_untaxed / %(rate)s)
                           FILTER (WHERE so.date_order::date > %(d24)s
                                     AND so.date_order::date <= %(d12)s), 0),
                       COALESCE(SUM(COALESCE(so.margin, 0) / %(rate)s)
                           FILTER (WHERE so.date_order::date > %(d24)s
                                     AND so.date_order::date <= %(d12)s), 0),
                       COUNT(*) FILTER (WHERE so.date_order::date > %(d12)s),
                       COUNT(*),
                       MIN(so.date_order)::date,
                       MAX(so.date_order)::date
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
                   AND so.company_id = %(company)s
                   AND so.date_order::date <= %(today)s
                   AND p.commercial_partner_id = ANY(%(partner_ids)s)
              GROUP BY p.commercial_partner_id
                """,
                rate=rate,
                company=company.id,
                d12=d12,
                d24=d24,
                today=today,
                partner_ids=partner_ids,
            )
        return self.env.execute_query(query)

    @api.model
    def _invoice_figures(self, partner_ids, company, today):
        """Customer invoices and credit notes (posted) per commercial partner.

        Invoiced and residual amounts cover the rolling 12 months (credit
        notes count negative); the overdue amount covers every open invoice
        past its due date; days late are measured on paid invoices from the
        due date to the last reconciliation date of their receivable
        (payment term) line."""
        d12 = today - timedelta(days=365)
        query = SQL(
            """
            WITH moves AS (
                SELECT am.id, am.commercial_partner_id, am.move_type,
                       am.invoice_date, am.invoice_date_due, am.payment_state,
                       am.amount_total_signed, am.amount_residual_signed
                  FROM account_move am
                 WHERE am.state = 'posted'
                   AND am.company_id = %(company)s
                   AND am.move_type IN ('out_invoice', 'out_refund')
                   AND am.commercial_partner_id = ANY(%(partner_ids)s)
                   AND (am.invoice_date > %(d12)s OR am.amount_residual_signed <> 0)
                   AND am.invoice_date <= %(today)s
            ), paid AS (
                SELECT m.id, MAX(apr.max_date) AS pay_date
                  FROM moves m
                  JOIN account_move_line aml
                    ON aml.move_id = m.id AND aml.display_type = 'payment_term'
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                 WHERE m.move_type = 'out_invoice'
                   AND m.payment_state IN ('paid', 'in_payment')
                   AND m.invoice_date > %(d12)s
              GROUP BY m.id
            )
            SELECT m.commercial_partner_id,
                   COALESCE(SUM(m.amount_total_signed)
                       FILTER (WHERE m.invoice_date > %(d12)s), 0),
                   COALESCE(SUM(m.amount_residual_signed)
                       FILTER (WHERE m.invoice_date > %(d12)s), 0),
                   COALESCE(SUM(m.amount_residual_signed)
                       FILTER (WHERE m.move_type = 'out_invoice'
                                 AND m.invoice_date_due < %(today)s), 0),
                   AVG(GREATEST(paid.pay_date - m.invoice_date_due, 0))
                       FILTER (WHERE paid.pay_date IS NOT NULL)
              FROM moves m
         LEFT JOIN paid ON paid.id = m.id
          GROUP BY m.commercial_partner_id
            """,
            company=company.id,
            partner_ids=partner_ids,
            d12=d12,
            today=today,
        )
        return self.env.execute_query(query)

    @api.model
    def _stopped_category_partners(self, partner_ids, company, today):
        """Partners who stopped buying a product category that made at least
        the configured share of their previous 12 months' spend."""
        d12 = today - timedelta(days=365)
        d24 = today - timedelta(days=730)
        query = SQL(
            """
            WITH cat AS (
                SELECT p.commercial_partner_id AS partner_id, pt.categ_id,
                       SUM(sol.price_subtotal
                           / COALESCE(NULLIF(so.currency_rate, 0), 1.0))
                           FILTER (WHERE so.date_order::date <= %(d12)s) AS prev,
                       SUM(sol.price_subtotal)
                           FILTER (WHERE so.date_order::date > %(d12)s) AS cur
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE so.state = 'sale'
                   AND so.company_id = %(company)s
                   AND so.date_order::date > %(d24)s
                   AND so.date_order::date <= %(today)s
                   AND p.commercial_partner_id = ANY(%(partner_ids)s)
              GROUP BY p.commercial_partner_id, pt.categ_id
            ), total AS (
                SELECT partner_id, SUM(prev) AS prev FROM cat GROUP BY partner_id
            )
            SELECT DISTINCT cat.partner_id
              FROM cat JOIN total ON total.partner_id = cat.partner_id
             WHERE COALESCE(cat.cur, 0) = 0
               AND cat.prev > 0
               AND cat.prev >= total.prev * %(share)s / 100.0
            """,
            company=company.id,
            partner_ids=partner_ids,
            d12=d12,
            d24=d24,
            today=today,
            share=company._get_customer_setting("churn_category_min_share"),
        )
        return {row[0] for row in self.env.execute_query(query)}

    # ------------------------------------------------------------------
    # Scoring
    # ------------------------------------------------------------------
    @api.model
    def _scoring_params(self, company, weights=None):
        """The company settings the scoring reads, as plain values: read once
        per batch instead of once per partner."""
        weights = weights or company._get_tier_weights()
        setting = company._get_customer_setting
        return {
            "weights": weights,
            "total_weight": sum(weights.values()) or 1.0,
            "normalization": company.tier_normalization,
            "cap_purchase": setting("tier_cap_purchase"),
            "cap_profit": setting("tier_cap_profit"),
            "late_days_cap": setting("tier_late_days_cap") or 1,
            "default_interval": float(setting("churn_default_interval") or 1),
            "interval_factor": setting("churn_interval_factor"),
            "partial_drop": setting("churn_partial_drop") / 100.0,
            "power_high_spend": setting("purchase_power_high_spend"),
            "power_medium_spend": setting("purchase_power_medium_spend"),
            "power_high_aov": setting("purchase_power_high_aov"),
            "power_medium_aov": setting("purchase_power_medium_aov"),
            "lifetime_years": setting("lifetime_years"),
        }

    @api.model
    def _collect_figures(self, partners, company, today):
        """Figures of commercial ``partners`` read from the live tables.

        :return: ``{partner_id: dict}`` in the shape ``_score_figures``
            expects (see ``customer.tier.figure`` for the keys)."""
        partner_ids = partners.ids
        orders = {
            row[0]: row[1:] for row in self._order_figures(partner_ids, company, today)
        }
        population_sales, population_margin = [], []
        if company.tier_normalization == "percentile":
            for __, sales, margin in self._order_figures(
                partner_ids, company, today, population=True
            ):
                if sales > 0:
                    population_sales.append(sales)
                if margin > 0:
                    population_margin.append(margin)
            population_sales.sort()
            population_margin.sort()
        invoices = {
            row[0]: row[1:]
            for row in self._invoice_figures(partner_ids, company, today)
        }
        stopped = self._stopped_category_partners(partner_ids, company, today)

        def rank(population, value):
            if value <= 0:
                return 0.0
            if not population:
                return 1.0
            return bisect_right(population, value) / len(population)

        figures = {}
        for partner in partners:
            (s12, m12, sprev, mprev, n12, n_all, first_date, last_date) = orders.get(
                partner.id, (0.0, 0.0, 0.0, 0.0, 0, 0, False, False)
            )
            invoiced, residual, overdue, days_late = invoices.get(
                partner.id, (0.0, 0.0, 0.0, None)
            )
            figures[partner.id] = {
                "sales_12m": s12,
                "margin_12m": m12,
                "sales_prev_12m": sprev,
                "margin_prev_12m": mprev,
                "order_count_12m": n12,
                "order_count": n_all,
                "first_order_date": first_date,
                "last_order_date": last_date,
                "invoiced_12m": invoiced,
                "residual_12m": residual,
                "overdue_invoiced": overdue,
                "avg_days_late": days_late,
                "stopped_category": partner.id in stopped,
                "rank_sales": rank(population_sales, s12),
                "rank_margin": rank(population_margin, m12),
                "potential_rating": partner.tier_potential_rating,
                "cooperation_rating": partner.tier_cooperation_rating,
            }
        return figures

    @api.model
    def _score_partners(self, partners, company, weights=None, today=None):
        """Compute the tier figures of commercial ``partners`` for ``company``.

        :param weights: optional ``{criterion: weight}`` overriding the
            company's weights (what-if preview).
        :return: ``{partner_id: dict}`` with the raw values, sub-scores,
            ``score``, ``is_prospect``, ``churn_state``, ``purchase_power``,
            ``lifetime_value`` and ``last_order_date``.
        """
        today = today or fields.Date.context_today(self)
        if not partners:
            return {}
        self.env.flush_all()
        figures = self._collect_figures(partners, company, today)
        return self._score_figures(figures, company, weights=weights, today=today)

    @api.model
    def _score_figures(self, figures, company, weights=None, today=None):
        """Score ``{partner_id: figures}`` (live or staged) for ``company``.

        Pure computation apart from the two extension hooks, which are
        called once for all the partners."""
        today = today or fields.Date.context_today(self)
        params = self._scoring_params(company, weights)
        scoped = self.env["res.partner"].browse(list(figures)).with_company(company)
        signals = scoped._get_cooperation_signals()
        collection_overdue = scoped._get_overdue_collection_amounts()
        return {
            partner_id: self._score_one(
                fig,
                params,
                today,
                signals.get(partner_id),
                collection_overdue.get(partner_id, 0.0),
            )
            for partner_id, fig in figures.items()
        }

    @api.model
    def _score_one(self, fig, params, today, signal, collection_overdue):
        s12 = fig["sales_12m"] or 0.0
        m12 = fig["margin_12m"] or 0.0
        sprev = fig["sales_prev_12m"] or 0.0
        vals = {
            "sales_12m": s12,
            "margin_12m": m12,
            "sales_prev_12m": sprev,
            "order_count_12m": fig["order_count_12m"] or 0,
            "last_order_date": fig["last_order_date"] or False,
            "is_prospect": not fig["order_count"],
        }
        # Payment safety
        invoiced = fig["invoiced_12m"] or 0.0
        residual = fig["residual_12m"] or 0.0
        overdue = max(fig["overdue_invoiced"] or 0.0, collection_overdue, 0.0)
        paid_share = (
            _clamp((invoiced - residual) / invoiced, 0.0, 1.0) if invoiced > 0 else 1.0
        )
        base = max(invoiced, overdue)
        overdue_ratio = _clamp(overdue / base, 0.0, 1.0) if base > 0 else 0.0
        days_late = float(fig["avg_days_late"] or 0.0)
        late_factor = _clamp(days_late / params["late_days_cap"], 0.0, 1.0)
        payment = 40.0 * paid_share + 30.0 * (1 - overdue_ratio)
        payment += 30.0 * (1 - late_factor)
        # Future potential
        if sprev > 0:
            growth = (s12 - sprev) / sprev * 100.0
        else:
            growth = 100.0 if s12 > 0 else -100.0
        potential = _clamp(50.0 + growth / 2.0)
        manual_potential = int(fig["potential_rating"] or 0)
        if manual_potential:
            potential = (potential + manual_potential * 20.0) / 2.0
        # Cooperation
        manual_coop = int(fig["cooperation_rating"] or 0)
        coop = manual_coop * 20.0 if manual_coop else NEUTRAL_RATING
        if signal and signal.get("count"):
            coop = (
                coop * MANUAL_COOPERATION_WEIGHT
                + _clamp(signal["score"]) * signal["count"]
            ) / (MANUAL_COOPERATION_WEIGHT + signal["count"])
        subs = {
            "purchase": self._normalise(
                s12, params, params["cap_purchase"], fig["rank_sales"]
            ),
            "profit": self._normalise(
                m12, params, params["cap_profit"], fig["rank_margin"]
            ),
            "payment": _clamp(payment),
            "potential": potential,
            "cooperation": _clamp(coop),
        }
        if vals["is_prospect"]:
            subs = dict.fromkeys(CRITERIA, 0.0)
        weights = params["weights"]
        score = sum(weights[c] * subs[c] for c in CRITERIA) / params["total_weight"]
        vals.update(
            {
                "subs": subs,
                "score": round(score, 2),
                "paid_share": paid_share * 100.0,
                "overdue_amount": overdue,
                "avg_days_late": days_late,
                "growth_pct": growth,
                "signal_count": signal.get("count", 0) if signal else 0,
            }
        )
        vals.update(self._segment_values(params, today, vals, fig))
        return vals

    @api.model
    def _normalise(self, value, params, cap, rank):
        """Amount -> 0..100: percentile rank (share of the company's customers
        at or below this amount, ``rank`` 0..1) or amount / cap. Never
        divides by zero."""
        if value <= 0:
            return 0.0
        if params["normalization"] == "cap":
            return _clamp(100.0 * value / cap) if cap > 0 else 100.0
        return 100.0 * (rank if rank is not None else 1.0)

    @api.model
    def _segment_values(self, params, today, vals, fig):
        """Churn state, purchasing power and lifetime value."""
        if vals["is_prospect"]:
            return {
                "churn_state": False,
                "purchase_power": False,
                "lifetime_value": 0.0,
            }
        s12 = vals["sales_12m"]
        n12 = vals["order_count_12m"]
        n_all = fig["order_count"]
        first_date, last_date = fig["first_order_date"], fig["last_order_date"]
        m12, mprev = vals["margin_12m"], fig["margin_prev_12m"] or 0.0
        sprev = vals["sales_prev_12m"]
        # Churn (§1.7)
        interval = params["default_interval"]
        if n_all >= 2 and (last_date - first_date).days >= 1:
            interval = (last_date - first_date).days / (n_all - 1)
        idle = (today - last_date).days
        if idle > params["interval_factor"] * interval:
            churn = "lost"
        elif (sprev > 0 and s12 < sprev * (1 - params["partial_drop"])) or fig[
            "stopped_category"
        ]:
            churn = "partial"
        elif idle > interval:
            churn = "at_risk"
        else:
            churn = "active"
        # Purchasing power (购买能力)
        aov = s12 / n12 if n12 else 0.0
        if s12 >= params["power_high_spend"] or aov >= params["power_high_aov"]:
            power = "high"
        elif s12 >= params["power_medium_spend"] or aov >= params["power_medium_aov"]:
            power = "medium"
        else:
            power = "low"
        # Lifetime value (顾客终身价值)
        if first_date <= today - timedelta(days=365):
            annual_margin = (m12 + mprev) / 2.0
        else:
            annual_margin = m12
        return {
            "churn_state": churn,
            "purchase_power": power,
            "lifetime_value": max(annual_margin, 0.0) * params["lifetime_years"],
            "order_interval": interval,
        }
