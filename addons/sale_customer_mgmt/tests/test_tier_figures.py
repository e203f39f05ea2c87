# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from ..models.customer_scoring import CRITERIA
from .tier_common import TODAY, TierCommon

# the figures both paths hand to the scoring (customer.tier.figure's columns)
FIGURE_KEYS = (
    "sales_12m",
    "margin_12m",
    "sales_prev_12m",
    "margin_prev_12m",
    "order_count_12m",
    "order_count",
    "first_order_date",
    "last_order_date",
    "invoiced_12m",
    "residual_12m",
    "overdue_invoiced",
    "avg_days_late",
    "stopped_category",
    "rank_sales",
    "rank_margin",
    "potential_rating",
    "cooperation_rating",
)


@freeze_time(TODAY)
@tagged("post_install", "-at_install")
class TestTierFiguresAgree(TierCommon):
    """The tier figures are read by two SQL paths: the button and the what-if
    preview read the live tables for a batch of customers
    (``customer.tier.scoring._collect_figures``), the daily run stages every
    customer at once (``customer.tier.figure._stage``). They must give the
    same figures, hence the same sub-score on every criterion: customers
    with orders in both years, in a foreign currency, paid late, with a
    credit note, a stopped category, a prospect, a lost customer, and the
    single customer of a second company."""

    def _staged(self, partners):
        figure = self.env["customer.tier.figure"]
        figure._stage(fields.Date.context_today(figure))
        figure.search([("partner_id", "not in", partners.ids)]).unlink()
        return {row["partner_id"]: row for row in figure._take(len(partners))}

    def _live(self, partners):
        scoring = self.env["customer.tier.scoring"]
        today = fields.Date.context_today(scoring)
        live = {}
        for company, members in partners._tier_group_by_company().items():
            live[company] = scoring._collect_figures(members, company, today)
        return live

    def _assert_same(self, label, staged, live):
        if isinstance(live, bool) or isinstance(staged, bool):
            self.assertEqual(bool(staged), bool(live), label)
        elif isinstance(live, int | float) or isinstance(staged, int | float):
            # a rank of nobody (no sales) is empty when staged, 0 when live
            self.assertAlmostEqual(float(staged or 0), float(live or 0), 6, label)
        else:
            self.assertEqual(staged or False, live or False, label)

    def test_figures_and_criteria_agree(self):
        partners = self.customers | self.zeta
        scoring = self.env["customer.tier.scoring"]
        for normalization in ("cap", "percentile"):
            self.company.tier_normalization = normalization
            live = self._live(partners)
            staged = self._staged(partners)
            self.assertEqual(set(staged), set(partners.ids))
            for company, figures in live.items():
                for partner_id, fig in figures.items():
                    for key in FIGURE_KEYS:
                        if key.startswith("rank_") and normalization == "cap":
                            # amount / cap: the live path reads no ranks
                            continue
                        self._assert_same(
                            f"{normalization} {partner_id} {key}",
                            staged[partner_id][key],
                            fig[key],
                        )
                scores_live = scoring._score_figures(figures, company)
                scores_staged = scoring._score_figures(
                    {pid: staged[pid] for pid in figures}, company
                )
                for partner_id, result in scores_live.items():
                    other = scores_staged[partner_id]
                    for criterion in CRITERIA:
                        self.assertAlmostEqual(
                            other["subs"][criterion],
                            result["subs"][criterion],
                            6,
                            f"{normalization} {partner_id} {criterion}",
                        )
                    self.assertAlmostEqual(other["score"], result["score"], 6)
                    self.assertEqual(other["churn_state"], result["churn_state"])
                    self.assertEqual(other["purchase_power"], result["purchase_power"])
        # the fixture is not trivial: sales and lateness on both sides
        self.assertGreater(staged[self.alpha.id]["sales_12m"], 0)
        self.assertGreater(live[self.company][self.beta.id]["avg_days_late"], 0)
