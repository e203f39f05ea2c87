# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The tier recompute of the customers: score them with the engine
(``customer.tier.scoring``), store the results in one statement per batch,
log the tier changes and run the daily cron.

Everything written here goes through raw SQL for speed and then tells the
ORM what ``write()``/``create()`` would have (``modified``,
``add_to_compute``, ``write_date``), so that stored fields depending on the
customers' figures elsewhere are recomputed.
"""

import logging

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from ..tools import sql_array

_logger = logging.getLogger(__name__)

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
    # one concern of the model per file, split on purpose
    _inherit = "res.partner"

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
                sql_array(results, "int"),
                sql_array(results, "int"),
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
        # column by column (comprehensions, not a loop per value: a first
        # run passes every customer here)
        columns = list(zip(*(values for values, __ in updates), strict=True))
        # every row rewritten (commercial partners and contacts) with the
        # values it gets
        pairs = [(row, values) for values, rows in updates for row in rows]
        rewritten = [row[0] for row, __ in pairs]
        changed = {}  # {field name: ids of the rows where its value changes}
        for index, name in enumerate(stored_names[1:], start=1):
            ids = [row[0] for row, values in pairs if row[index] != values[index]]
            if ids:
                changed[name] = ids
        arrays = SQL(", ").join(
            sql_array(column, sql_type)
            for column, (__, sql_type) in zip(columns, TIER_STORE_COLUMNS, strict=True)
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
        # a customer changed meanwhile by someone else (serialization
        # failure) is the recompute's to handle, not an error of the cursor's
        # log (see _cron_recompute_tiers); any other error is raised as well
        self.env.cr.execute(
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
            ),
            log_exceptions=False,
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
        # logs every customer, one ORM create each would dominate it. The history
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
                  FROM unnest(%(partner_ids)s, %(old_ids)s, %(new_ids)s, %(scores)s)
                       AS v(partner_id, old_tier_id, new_tier_id, score)
                  JOIN res_partner p ON p.id = v.partner_id
             RETURNING id, partner_id
                """,
                company=company.id,
                now=now,
                stamp=self.env.cr.now(),
                cause=cause,
                uid=self.env.uid,
                partner_ids=sql_array(partner_ids, "int"),
                old_ids=sql_array(old_ids, "int"),
                new_ids=sql_array(new_ids, "int"),
                scores=sql_array(scores, "numeric"),
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
    def _cron_recompute_tiers(self, batch_size=5000, new_run=False):
        """Daily recompute of every customer, one batch per call.

        The first call of a day stages the figures of every customer in
        ``customer.tier.figure`` (one set-based aggregation); each call then
        scores and stores the next ``batch_size`` staged customers and
        removes them from the work list, and the cron runner commits. An
        interrupted run resumes with the customers left on the same day and
        starts again from fresh figures on a later day; ``_notify_progress``
        makes the runner call again while customers remain.

        One run a day: once today's run is over, a call finds nothing to do,
        unless ``new_run`` or the job is run by hand (*Run Manually*). Two
        callers at once (servers whose cron threads run the job without the
        runner's lock, or a call next to the cron) take different customers
        and never stage the run twice (see ``customer.tier.figure._start_run``
        and ``_take``): a call that meets the other's work since its
        transaction began does nothing and returns the customers it saw
        left, so that its caller calls again in a new transaction. So does a
        batch whose customers someone else changed meanwhile (a user, another
        job): it goes back to the work list and, under Odoo's runner, the job
        is triggered again instead of being put off to its next day.

        :return: number of customers left
        """
        # sudo: the work list is technical data of the engine; the cron runs
        # as the superuser anyway and the users' rules do not apply to it
        figure_model = self.env["customer.tier.figure"].sudo()
        today = fields.Date.context_today(self)
        left, run_date = figure_model._pending()
        if not left or run_date != today:
            if not left and not (new_run or self._tier_run_by_hand()):
                started = figure_model._run_started()
                if started and self._tier_local_date(started) == today:
                    # today's run is over: stamp its end if the caller that
                    # took the last rows could not (it saw the others' rows)
                    if (self.env.company.tier_recompute_date or started) <= started:
                        figure_model._end_run()
                    self.env["ir.cron"]._notify_progress(done=0, remaining=0)
                    return 0
            if figure_model._start_run(today) is None:
                return self._tier_call_again(left)
        try:
            # the batch is one unit: its claim, its customers' rows and what
            # depends on them (the savepoint flushes the SLA of their tickets
            # before it closes)
            with self.env.cr.savepoint():
                rows = figure_model._take(batch_size)
                if rows is None:
                    return self._tier_call_again(left)
                self._tier_score_batch(rows, today)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            # a user or another job changed one of the batch's customers (or
            # their tickets) since this transaction began, which REPEATABLE
            # READ cannot overwrite: the batch goes back to the work list and
            # is taken again by the next call, in a new transaction. Failing
            # instead would make Odoo's runner put the job off to tomorrow.
            _logger.info(
                "Tier recompute: a customer of the batch changed meanwhile (%s); "
                "the batch goes back to the work list",
                error.pgcode,
            )
            return self._tier_call_again(left)
        remaining = figure_model._pending()[0]
        if not remaining:
            figure_model._end_run()
        self.env["ir.cron"]._notify_progress(done=len(rows), remaining=remaining)
        return remaining

    @api.model
    def _tier_score_batch(self, rows, today):
        """Score and store the staged ``rows`` of a batch."""
        by_company = {}
        for row in rows:
            by_company.setdefault(row["company_id"], {})[row["partner_id"]] = row
        scoring = self.env["customer.tier.scoring"]
        for company_id, figures in by_company.items():
            company = self.env["res.company"].browse(company_id)
            results = scoring._score_figures(figures, company, today=today)
            self._store_tier_results(results, company, "recompute")

    @api.model
    def _tier_call_again(self, left):
        """Nothing done by this call: ask for another one, in a new
        transaction, and return the customers left (at least 1).

        Odoo's runner puts off to its next interval (tomorrow) a job that
        reports no progress; a trigger of the job makes a cron thread run it
        again as soon as it is free."""
        cron = self.env.ref(
            "sale_customer_mgmt.ir_cron_recompute_customer_tiers",
            raise_if_not_found=False,
        )
        if cron and self.env.context.get("cron_id") == cron.id:
            # sudo: the engine schedules its own job again; the job's user
            # need not manage scheduled actions
            cron.sudo()._trigger()
        self.env["ir.cron"]._notify_progress(done=0, remaining=left)
        return max(left, 1)

    def _tier_local_date(self, stamp):
        return fields.Datetime.context_timestamp(self, stamp).date()

    @api.model
    def _tier_run_by_hand(self):
        """Whether the tier job runs from *Run Manually* of the scheduled
        action: Odoo's runner puts the job in the context (``cron_id``), the
        manual run only its progress record."""
        context = self.env.context
        return bool(context.get("ir_cron_progress_id")) and not context.get("cron_id")
