# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import math
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .helpdesk_ticket import loop_param

# "High rating, low repurchase" thresholds: config key -> (default, min, max)
REPURCHASE_THRESHOLDS = {
    "repurchase_rating_min": (4.0, 1.0, 5.0),
    "repurchase_share_min": (50.0, 0.0, 100.0),
}
RATED_CHANNELS = ("link", "portal")

_logger = logging.getLogger(__name__)


class AfterSalesEvaluation(models.Model):
    """The figures of an evaluation, from the tickets and the sales.

    Metrics cover the tickets the user resolved in the period. The average
    rating is Bayesian-smoothed: ``(C * m + sum) / (C + n)`` with prior mean
    ``m`` and prior weight ``C`` (settings), so a few ratings cannot top the
    ranking. Only ratings given by the customer (link or portal) exist on
    tickets, so only those count.

    Ratings held against repurchase (评分与复购): the *rated customers* are
    the commercial partners of the tickets the user handled (``user_id``)
    that the customer rated in the period (``date_feedback``, set by every
    rating, the low ones that reopen the ticket included). The repurchase
    share is the part of them with a confirmed sale order (``state`` sale)
    in the same company in the *following period*: as many days as the
    evaluated period, from the day after ``date_to``. While that period is
    not over, the share covers its elapsed part and ``repurchase_pending``
    is set; the figures are refreshed by every recompute, and on confirmed
    evaluations by *Refresh Repurchase* (they are not part of the score).
    ``repurchase_signal`` flags a high smoothed rating (>= a setting,
    default 4.0) next to a low share (< a setting, default 50 %) only once
    the following period is over; before that it is "pending".
    """

    _inherit = "after.sales.evaluation"

    ticket_count = fields.Integer(string="Tickets Handled", readonly=True)
    avg_first_response_hours = fields.Float(
        string="Avg First Response (h)", readonly=True, aggregator="avg"
    )
    avg_resolution_hours = fields.Float(
        string="Avg Resolution (h)", readonly=True, aggregator="avg"
    )
    sla_compliance = fields.Float(
        string="SLA Compliance (%)", readonly=True, aggregator="avg"
    )
    reopen_rate = fields.Float(
        string="Reopen Rate (%)", readonly=True, aggregator="avg"
    )
    rating_count = fields.Integer(string="Number of Ratings", readonly=True)
    rating_sum = fields.Integer(readonly=True)
    rating_average = fields.Float(
        string="Raw Avg Rating", readonly=True, aggregator="avg"
    )
    rating_smoothed = fields.Float(
        string="Smoothed Rating", readonly=True, aggregator="avg", digits=(16, 3)
    )
    complaint_count = fields.Integer(string="Complaints", readonly=True)
    repurchase_customer_count = fields.Integer(
        string="Rated Customers",
        readonly=True,
        help="Customers of the tickets handled by the employee that the customer "
        "rated in the period.",
    )
    repurchase_count = fields.Integer(
        string="Customers Who Bought Again",
        readonly=True,
        help="Rated customers with a confirmed sale order in the following period.",
    )
    repurchase_rate = fields.Float(
        string="Repurchase (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Share of the rated customers who bought again in the following "
        "period (as long as the evaluated period, starting the day after it).",
    )
    repurchase_date_to = fields.Date(
        string="Repurchase Period Ends",
        readonly=True,
        help="Last day of the following period in which repurchases are counted.",
    )
    repurchase_pending = fields.Boolean(
        readonly=True,
        help="The following period is not over yet: the repurchase share covers "
        "its elapsed part only.",
    )
    repurchase_signal = fields.Selection(
        [
            ("none", "No Rated Customer"),
            ("pending", "Pending"),
            ("ok", "Consistent"),
            ("alert", "High Rating, Low Repurchase"),
        ],
        string="Rating vs Repurchase",
        readonly=True,
        help="High Rating, Low Repurchase: the smoothed rating reaches the "
        "configured level while the share of rated customers who bought again "
        "stays below the configured share. Pending: that could still happen, "
        "the following period is not over.",
    )

    def _period_bounds(self):
        self.ensure_one()
        start = datetime.combine(self.date_from, time.min)
        end = datetime.combine(self.date_to + timedelta(days=1), time.min)
        return start, end

    def _fetch_ticket_stats(self):
        """{(user_id, period, company): stats} in one query per period."""
        Ticket = self.env["helpdesk.ticket"]
        Ticket.flush_model()
        stats = {}
        periods = defaultdict(lambda: self.browse())
        for evaluation in self:
            periods[
                (evaluation.date_from, evaluation.date_to, evaluation.company_id)
            ] |= evaluation
        for (_date_from, _date_to, company), evaluations in periods.items():
            start, end = evaluations[0]._period_bounds()
            users = tuple(evaluations.user_id.ids)
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT t.user_id,
                           count(*),
                           avg(t.first_response_hours),
                           avg(t.resolution_hours),
                           count(*) FILTER (
                               WHERE t.sla_resolution_deadline IS NOT NULL),
                           count(*) FILTER (
                               WHERE t.sla_resolution_deadline IS NOT NULL
                               AND NOT COALESCE(t.sla_response_breached, FALSE)
                               AND NOT COALESCE(t.sla_resolution_breached, FALSE)),
                           count(*) FILTER (WHERE t.reopen_count > 0),
                           count(*) FILTER (WHERE %(rated)s),
                           COALESCE(sum(t.feedback_rating) FILTER (WHERE %(rated)s), 0)
                      FROM helpdesk_ticket t
                     WHERE t.user_id IN %(users)s
                       AND t.company_id = %(company)s
                       AND t.date_resolved >= %(start)s
                       AND t.date_resolved < %(end)s
                  GROUP BY t.user_id
                    """,
                    rated=SQL(
                        "t.feedback_rating BETWEEN 1 AND 5 "
                        "AND t.feedback_channel IN ('link', 'portal')"
                    ),
                    users=users,
                    company=company.id,
                    start=start,
                    end=end,
                )
            )
            complaints = dict(
                Ticket._read_group(
                    [
                        ("is_complaint", "=", True),
                        ("complaint_user_id", "in", users),
                        ("company_id", "=", company.id),
                        ("date_received", ">=", start),
                        ("date_received", "<", end),
                    ],
                    ["complaint_user_id"],
                    ["__count"],
                )
            )
            by_user = {row[0]: row for row in rows}
            for evaluation in evaluations:
                row = by_user.get(evaluation.user_id.id) or (
                    evaluation.user_id.id,
                    0,
                    0.0,
                    0.0,
                    0,
                    0,
                    0,
                    0,
                    0,
                )
                stats[evaluation.id] = {
                    "count": row[1],
                    "response": row[2] or 0.0,
                    "resolution": row[3] or 0.0,
                    "sla_total": row[4],
                    "sla_ok": row[5],
                    "reopened": row[6],
                    "rating_count": row[7],
                    "rating_sum": int(row[8]),
                    "complaints": complaints.get(evaluation.user_id, 0),
                }
        return stats

    def _repurchase_windows(self):
        """{evaluation id: (start, end, now, last day)} of the following
        period: as many days as the evaluated one, from the day after it;
        ``end`` excluded, ``now`` caps it while it is not over."""
        now = fields.Datetime.now()
        res = {}
        for evaluation in self:
            length = (evaluation.date_to - evaluation.date_from).days + 1
            last_day = evaluation.date_to + timedelta(days=length)
            start = datetime.combine(evaluation.date_to + timedelta(days=1), time.min)
            end = datetime.combine(last_day + timedelta(days=1), time.min)
            res[evaluation.id] = (start, end, now, last_day)
        return res

    def _fetch_repurchase_stats(self):
        """{evaluation id: {"customers", "repurchased", "pending", "last_day"}}
        in one query per period and company."""
        for model, fnames in (
            (
                "helpdesk.ticket",
                [
                    "user_id",
                    "company_id",
                    "active",
                    "commercial_partner_id",
                    "feedback_rating",
                    "feedback_channel",
                    "date_feedback",
                ],
            ),
            ("sale.order", ["partner_id", "company_id", "state", "date_order"]),
            ("res.partner", ["commercial_partner_id"]),
        ):
            self.env[model].flush_model(fnames)
        windows = self._repurchase_windows()
        periods = defaultdict(lambda: self.browse())
        for evaluation in self:
            periods[
                (evaluation.date_from, evaluation.date_to, evaluation.company_id)
            ] |= evaluation
        stats = {}
        for (_date_from, _date_to, company), evaluations in periods.items():
            start, end = evaluations[0]._period_bounds()
            next_start, next_end, now, last_day = windows[evaluations[0].id]
            # The customers who bought in the following period are looked up
            # once (the orders of that window, by date) and joined to the
            # rated ones: one probe of the orders per rated customer cost
            # tens of thousands of index lookups for a month of 30 staff.
            rows = self.env.execute_query(
                SQL(
                    """
                    WITH rated AS (
                        SELECT DISTINCT t.user_id,
                               t.commercial_partner_id AS partner_id
                          FROM helpdesk_ticket t
                         WHERE t.user_id IN %(users)s
                           AND t.company_id = %(company)s
                           AND t.active
                           AND t.commercial_partner_id IS NOT NULL
                           AND t.feedback_rating BETWEEN 1 AND 5
                           AND t.feedback_channel IN %(channels)s
                           AND t.date_feedback >= %(start)s
                           AND t.date_feedback < %(end)s
                    ), bought AS (
                        SELECT DISTINCT buyer.commercial_partner_id AS partner_id
                          FROM sale_order so
                          JOIN res_partner buyer ON buyer.id = so.partner_id
                         WHERE so.company_id = %(company)s
                           AND so.state = 'sale'
                           AND so.date_order >= %(next_start)s
                           AND so.date_order < %(next_end)s
                    )
                    SELECT rated.user_id, count(*), count(bought.partner_id)
                      FROM rated
                 LEFT JOIN bought ON bought.partner_id = rated.partner_id
                  GROUP BY rated.user_id
                    """,
                    users=tuple(evaluations.user_id.ids),
                    company=company.id,
                    channels=RATED_CHANNELS,
                    start=start,
                    end=end,
                    next_start=next_start,
                    next_end=min(next_end, now),
                )
            )
            by_user = {user_id: (count, bought) for user_id, count, bought in rows}
            for evaluation in evaluations:
                customers, repurchased = by_user.get(evaluation.user_id.id, (0, 0))
                stats[evaluation.id] = {
                    "customers": customers,
                    "repurchased": repurchased,
                    "pending": now < next_end,
                    "last_day": last_day,
                }
        return stats

    @api.model
    def _repurchase_thresholds(self):
        """{key: value} of REPURCHASE_THRESHOLDS; the default of a stored
        parameter that is not a finite number in range (the settings reject
        those, a parameter edited by hand may hold one)."""
        res = {}
        for key, (default, low, high) in REPURCHASE_THRESHOLDS.items():
            value = loop_param(self.env, key, default)
            if not (math.isfinite(value) and low <= value <= high):
                _logger.warning(
                    "after_sales.%s = %r is not a number from %s to %s: using %s",
                    key,
                    value,
                    low,
                    high,
                    default,
                )
                value = default
            res[key] = value
        return res

    @api.model
    def _repurchase_values(self, data, rating, thresholds):
        """Repurchase field values from ``_fetch_repurchase_stats`` data, the
        (smoothed) rating of the evaluation and ``_repurchase_thresholds``."""
        customers = data["customers"]
        share = 100.0 * data["repurchased"] / customers if customers else 0.0
        if not customers:
            signal = "none"
        elif share >= thresholds["repurchase_share_min"]:
            signal = "ok"  # final even while pending: the share can only grow
        elif data["pending"]:
            signal = "pending"
        elif rating >= thresholds["repurchase_rating_min"]:
            signal = "alert"
        else:
            signal = "ok"
        return {
            "repurchase_customer_count": customers,
            "repurchase_count": data["repurchased"],
            "repurchase_rate": share,
            "repurchase_date_to": data["last_day"],
            "repurchase_pending": data["pending"],
            "repurchase_signal": signal,
        }

    @api.model
    def _rating_prior(self):
        """(prior mean, prior weight) of the smoothed rating (settings)."""
        return (
            loop_param(self.env, "rating_prior_mean", 3.0),
            loop_param(self.env, "rating_prior_weight", 5.0),
        )

    @api.model
    def _smoothed_rating(self, rating_sum, rating_count, prior=None):
        """``prior``: ``_rating_prior()``, read once for a batch."""
        prior_mean, prior_weight = prior or self._rating_prior()
        if prior_weight + rating_count <= 0:
            return 0.0
        return (prior_weight * prior_mean + rating_sum) / (prior_weight + rating_count)

    def _prepare_metrics(self):
        """{evaluation id: metric values} from one batch of queries."""
        if not self:
            return {}
        stats = self._fetch_ticket_stats()
        repurchase = self._fetch_repurchase_stats()
        thresholds = self._repurchase_thresholds()
        prior = self._rating_prior()
        res = {}
        for evaluation in self:
            data = stats[evaluation.id]
            count = data["count"]
            smoothed = self._smoothed_rating(
                data["rating_sum"], data["rating_count"], prior
            )
            res[evaluation.id] = {
                "ticket_count": count,
                "avg_first_response_hours": data["response"],
                "avg_resolution_hours": data["resolution"],
                "sla_compliance": (
                    100.0 * data["sla_ok"] / data["sla_total"]
                    if data["sla_total"]
                    else 100.0
                ),
                "reopen_rate": 100.0 * data["reopened"] / count if count else 0.0,
                "rating_count": data["rating_count"],
                "rating_sum": data["rating_sum"],
                "rating_average": (
                    data["rating_sum"] / data["rating_count"]
                    if data["rating_count"]
                    else 0.0
                ),
                "rating_smoothed": smoothed,
                "complaint_count": data["complaints"],
                **self._repurchase_values(
                    repurchase[evaluation.id], smoothed, thresholds
                ),
            }
        return res
