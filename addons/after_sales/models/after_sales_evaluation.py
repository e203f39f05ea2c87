# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import math
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .system_write import as_system, check_system_fields

# component -> (config key, default weight)
WEIGHTS = {
    "volume": ("weight_volume", 10.0),
    "response": ("weight_response", 15.0),
    "resolution": ("weight_resolution", 15.0),
    "sla": ("weight_sla", 20.0),
    "reopen": ("weight_reopen", 10.0),
    "rating": ("weight_rating", 20.0),
    "complaint": ("weight_complaint", 10.0),
}
GRADES = [(85.0, "a"), (70.0, "b"), (55.0, "c"), (0.0, "d")]
# "High rating, low repurchase" thresholds: config key -> (default, min, max)
REPURCHASE_THRESHOLDS = {
    "repurchase_rating_min": (4.0, 1.0, 5.0),
    "repurchase_share_min": (50.0, 0.0, 100.0),
}
# What happened after the period: refreshed on confirmed evaluations too,
# the score, rank and grade do not depend on it.
REPURCHASE_FIELDS = {
    "repurchase_customer_count",
    "repurchase_count",
    "repurchase_rate",
    "repurchase_date_to",
    "repurchase_pending",
    "repurchase_signal",
}
RATED_CHANNELS = ("link", "portal")

_logger = logging.getLogger(__name__)


class AfterSalesEvaluation(models.Model):
    """Staff evaluation (员工排名与绩效考核) of a service agent for a period.

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

    _name = "after.sales.evaluation"
    _description = "After-Sales Staff Evaluation"
    _inherit = ["mail.thread", "after.sales.number.mixin"]
    _order = "date_from desc, rank, id"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users", string="Employee", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(required=True, tracking=True)
    date_to = fields.Date(required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")],
        default="draft",
        required=True,
        tracking=True,
        readonly=True,
    )
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
    rating_count = fields.Integer(string="Customer Ratings", readonly=True)
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
    score = fields.Float(readonly=True, aggregator="avg", digits=(16, 2))
    rank = fields.Integer(readonly=True, aggregator="min")
    grade = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")], readonly=True, tracking=True
    )
    note = fields.Text(string="Manager Comment")

    _sql_constraints = [
        (
            "period_unique",
            "UNIQUE(user_id, company_id, date_from, date_to)",
            "An employee is evaluated once per period.",
        )
    ]

    @api.depends("user_id", "date_from", "date_to")
    def _compute_display_name(self):
        for evaluation in self:
            evaluation.display_name = (
                f"{evaluation.user_id.name or ''} "
                f"{evaluation.date_from or ''} - {evaluation.date_to or ''}"
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for evaluation in self:
            if evaluation.date_from > evaluation.date_to:
                raise ValidationError(
                    self.env._("The evaluation period ends before it starts.")
                )

    @api.model
    def _system_fields(self):
        """The evaluation's figures, score, rank, grade and state: computed
        or set by its actions only."""
        return {
            name
            for name, field in self._fields.items()
            if field.readonly
            and field.store
            and not field.compute
            and name not in models.MAGIC_COLUMNS
            and name != "display_name"
        }

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_system_fields(self, vals, self._system_fields())
        return super().create(vals_list)

    def write(self, vals):
        check_system_fields(self, vals, self._system_fields())
        if self.filtered(lambda e: e.state == "confirmed") and (
            vals.keys() - {"note", "state"} - REPURCHASE_FIELDS
        ):
            raise UserError(self.env._("A confirmed evaluation cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if self.filtered(lambda e: e.state == "confirmed"):
            raise UserError(self.env._("A confirmed evaluation cannot be deleted."))

    # ---------------------------------------------------------------
    # Actions
    # ---------------------------------------------------------------

    def _check_manager(self):
        if not self.env.user.has_group("after_sales.group_after_sales_manager"):
            raise AccessError(
                self.env._("Only a service manager can confirm evaluations.")
            )

    def action_compute(self):
        drafts = self.filtered(lambda e: e.state == "draft")
        # metrics, score, grade and rank end up in one write per evaluation
        self._compute_ranking(drafts._prepare_metrics())
        return True

    def action_confirm(self):
        self._check_manager()
        if self.filtered(lambda e: e.state != "draft"):
            raise UserError(self.env._("Only draft evaluations can be confirmed."))
        self.action_compute()
        as_system(self).write({"state": "confirmed"})
        return True

    def action_reset_draft(self):
        self._check_manager()
        as_system(self).write({"state": "draft"})
        return True

    def action_refresh_repurchase(self):
        """Recount the repurchases of the following period, confirmed
        evaluations included (the score is not touched)."""
        self._check_manager()
        stats = self._fetch_repurchase_stats()
        thresholds = self._repurchase_thresholds()
        for evaluation in self:
            values = evaluation._repurchase_values(
                stats[evaluation.id], evaluation.rating_smoothed, thresholds
            )
            changed = {
                fname: value
                for fname, value in values.items()
                if evaluation[fname] != value
            }
            if changed:
                as_system(evaluation).write(changed)
        return True

    # ---------------------------------------------------------------
    # Computation
    # ---------------------------------------------------------------

    def _param(self, key, default):
        return self.env["helpdesk.ticket"]._after_sales_param(key, default)

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
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT rated.user_id,
                           count(*),
                           count(*) FILTER (WHERE EXISTS (
                               SELECT 1
                                 FROM sale_order so
                                 JOIN res_partner buyer
                                      ON buyer.id = so.partner_id
                                WHERE buyer.commercial_partner_id
                                          = rated.partner_id
                                  AND so.company_id = %(company)s
                                  AND so.state = 'sale'
                                  AND so.date_order >= %(next_start)s
                                  AND so.date_order < %(next_end)s))
                      FROM (SELECT DISTINCT t.user_id,
                                   t.commercial_partner_id AS partner_id
                              FROM helpdesk_ticket t
                             WHERE t.user_id IN %(users)s
                               AND t.company_id = %(company)s
                               AND t.active
                               AND t.commercial_partner_id IS NOT NULL
                               AND t.feedback_rating BETWEEN 1 AND 5
                               AND t.feedback_channel IN %(channels)s
                               AND t.date_feedback >= %(start)s
                               AND t.date_feedback < %(end)s) rated
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
            value = self._param(key, default)
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
    def _smoothed_rating(self, rating_sum, rating_count):
        prior_mean = self._param("rating_prior_mean", 3.0)
        prior_weight = self._param("rating_prior_weight", 5.0)
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
        res = {}
        for evaluation in self:
            data = stats[evaluation.id]
            count = data["count"]
            smoothed = self._smoothed_rating(data["rating_sum"], data["rating_count"])
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

    def _compute_metrics(self):
        for evaluation_id, values in self._prepare_metrics().items():
            as_system(self.browse(evaluation_id)).write(values)

    def _score_components(self, max_count, values=None):
        """Each criterion scaled to 0-100 (see readme/USAGE.md).

        ``values`` (metrics not written yet) take precedence over the fields.
        """
        self.ensure_one()
        values = values or {}

        def get(fname):
            return values[fname] if fname in values else self[fname]

        response_ref = self._param("response_ref_hours", 4.0)
        resolution_ref = self._param("resolution_ref_hours", 24.0)
        return {
            "volume": 100.0 * get("ticket_count") / max_count if max_count else 0.0,
            "response": 100.0
            * response_ref
            / (response_ref + get("avg_first_response_hours")),
            "resolution": 100.0
            * resolution_ref
            / (resolution_ref + get("avg_resolution_hours")),
            "sla": get("sla_compliance"),
            "reopen": 100.0 - get("reopen_rate"),
            "rating": max(0.0, (get("rating_smoothed") - 1.0) / 4.0 * 100.0),
            "complaint": max(0.0, 100.0 - 20.0 * get("complaint_count")),
        }

    def _compute_ranking(self, pending=None):
        """Score, rank and grade of every evaluation of the same periods.

        ``pending``: {evaluation id: metric values} of drafts to write along
        with their score, grade and rank (one write per evaluation).
        """
        pending = pending or {}
        weights = {
            name: self._param(key, default) for name, (key, default) in WEIGHTS.items()
        }
        total_weight = sum(weights.values()) or 1.0
        periods = {(e.date_from, e.date_to, e.company_id.id) for e in self}
        if not periods:
            return
        domain = expression.OR(
            [
                [
                    ("date_from", "=", date_from),
                    ("date_to", "=", date_to),
                    ("company_id", "=", company_id),
                ]
                for date_from, date_to, company_id in periods
            ]
        )
        peers = self.search(domain)
        groups = defaultdict(lambda: self.browse())
        for evaluation in peers:
            groups[
                (evaluation.date_from, evaluation.date_to, evaluation.company_id.id)
            ] |= evaluation
        for evaluations in groups.values():
            values = {e.id: dict(pending.get(e.id, {})) for e in evaluations}
            max_count = max(
                values[e.id].get("ticket_count", e.ticket_count) for e in evaluations
            )
            scores = {}
            for evaluation in evaluations:
                vals = values[evaluation.id]
                if evaluation.state != "draft":
                    scores[evaluation.id] = evaluation.score
                    continue
                if not vals.get("ticket_count", evaluation.ticket_count):
                    score = 0.0
                else:
                    components = evaluation._score_components(max_count, vals)
                    score = (
                        sum(weights[k] * components[k] for k in weights) / total_weight
                    )
                vals["score"] = scores[evaluation.id] = round(score, 2)
                vals["grade"] = next(g for threshold, g in GRADES if score >= threshold)
            ranked = evaluations.sorted(lambda e, s=scores: (-s[e.id], e.user_id.id))
            for rank, evaluation in enumerate(ranked, start=1):
                vals = values[evaluation.id]
                if evaluation.rank != rank:
                    vals["rank"] = rank
                if evaluation.state != "draft":
                    # ranks of confirmed evaluations are refreshed too
                    if vals:
                        super(AfterSalesEvaluation, as_system(evaluation)).write(vals)
                    continue
                as_system(evaluation).write(vals)

    @api.model
    def _generate(self, date_from, date_to, users):
        """Create (or refresh) the draft evaluations of ``users`` for a period."""
        if not isinstance(users, models.BaseModel):
            users = self.env["res.users"].browse(users)
        existing = self.search(
            [
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
                ("company_id", "=", self.env.company.id),
                ("user_id", "in", users.ids),
            ]
        )
        # A monthly batch for the whole staff: no chatter per new draft (a
        # creation note, an "assigned to you" mail, the tracking of every
        # first computed value), which cost most of the time; the employees
        # follow their evaluation, subscribed in one go. Drafts computed
        # later by hand (or at confirmation) are tracked as usual.
        batch = self.with_context(tracking_disable=True)
        new = batch.create(
            [
                {"user_id": user.id, "date_from": date_from, "date_to": date_to}
                for user in users - existing.user_id
            ]
        )
        new._subscribe_employees()
        (existing | new).with_env(batch.env).action_compute()
        return existing | new

    def _subscribe_employees(self):
        """Each employee follows their evaluation (one batch of followers)."""
        subtype_ids = self.env["mail.message.subtype"]._get_auto_subscription_subtypes(
            self._name
        )[1]
        vals_list = [
            {
                "res_model": self._name,
                "res_id": evaluation.id,
                "partner_id": evaluation.user_id.partner_id.id,
                "subtype_ids": [Command.set(subtype_ids)],
            }
            for evaluation in self
            if evaluation.user_id.partner_id
        ]
        # sudo: followers are technical records, created as mail.thread
        # does for the responsible user of a record
        self.env["mail.followers"].sudo().create(vals_list)
