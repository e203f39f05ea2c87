# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import fields, models
from odoo.osv import expression

from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    as_system,
)

from .helpdesk_ticket import loop_param

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


class AfterSalesEvaluation(models.Model):
    """The score, grade and rank of an evaluation among the evaluations of
    the same period and company: a weighted sum of the figures, each scaled
    to 0-100 (readme/USAGE.md). Confirmed evaluations keep their score; their
    rank follows the drafts of their period."""

    _inherit = "after.sales.evaluation"

    score = fields.Float(readonly=True, aggregator="avg", digits=(16, 2))
    rank = fields.Integer(readonly=True, aggregator="min")
    grade = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")], readonly=True, tracking=True
    )

    def _score_references(self):
        """(response, resolution) reference hours of the settings."""
        return (
            loop_param(self.env, "response_ref_hours", 4.0),
            loop_param(self.env, "resolution_ref_hours", 24.0),
        )

    def _score_components(self, max_count, values=None, references=None):
        """Each criterion scaled to 0-100 (see readme/USAGE.md).

        ``values`` (metrics not written yet) take precedence over the fields;
        ``references``: ``_score_references()``, read once for a batch.
        """
        self.ensure_one()
        values = values or {}

        def get(fname):
            return values[fname] if fname in values else self[fname]

        response_ref, resolution_ref = references or self._score_references()
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
            name: loop_param(self.env, key, default)
            for name, (key, default) in WEIGHTS.items()
        }
        total_weight = sum(weights.values()) or 1.0
        references = self._score_references()
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
                    components = evaluation._score_components(
                        max_count, vals, references
                    )
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
                # the ranks of confirmed evaluations are refreshed too
                if vals:
                    as_system(evaluation).write(vals)
