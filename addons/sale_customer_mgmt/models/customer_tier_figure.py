# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Work list of the daily tier recompute.

A full recompute reads every confirmed order, order line, customer invoice
and reconciliation of the last two years. Reading them batch by batch (500
customers at a time, ``partner_id = ANY(...)``) made PostgreSQL scan the same
tables once per batch, and the percentile ranks needed the whole population
again in every batch.

Instead the first call of a run aggregates all of it in one set-based
statement per run into this table, one row per customer to score (its raw
figures and its percentile ranks within its company), and every batch then
takes (and deletes) the next rows with ``FOR UPDATE SKIP LOCKED``. The table
is both the cache of the figures and the queue of the run:

- the memory of a batch does not depend on the number of customers;
- a run that is interrupted resumes with the rows left (same day), or starts
  again from fresh figures (a later day);
- two workers running the job at once take different rows: no customer is
  scored twice, and nobody waits for a lock held by the other.

The table is written with raw SQL only (``DELETE``, ``INSERT ... SELECT``,
``DELETE ... RETURNING``). That needs no more than the cache invalidation
after each statement: no field of any model depends on it (the registry is
checked by ``tests/test_fast_paths.py``), it has no log columns
(``_log_access = False``) and nothing tracked. What the engine writes from it
on the customers goes through ``res.partner._write_tier_rows``, which tells
the ORM.
"""

from datetime import datetime, time, timedelta

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL


class CustomerTierFigure(models.Model):
    _name = "customer.tier.figure"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Customer Tier Figures (Recompute Work List)"
    _log_access = False
    _order = "partner_id"

    # Plain ids, not many2one fields: the foreign-key checks of every
    # inserted row are a sizeable part of the staging statement, and a work
    # list needs no referential integrity: ``_take`` joins the partner, so
    # the row of a partner deleted meanwhile is dropped there. No index of
    # its own: the unique (partner_id, company_id) index serves the
    # batches' ORDER BY partner_id.
    partner_id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    run_date = fields.Date(required=True)
    sales_12m = fields.Float()
    margin_12m = fields.Float()
    sales_prev_12m = fields.Float()
    margin_prev_12m = fields.Float()
    order_count_12m = fields.Integer()
    order_count = fields.Integer()
    first_order_date = fields.Date()
    last_order_date = fields.Date()
    invoiced_12m = fields.Float()
    residual_12m = fields.Float()
    overdue_invoiced = fields.Float()
    avg_days_late = fields.Float()
    stopped_category = fields.Boolean()
    rank_sales = fields.Float(help="Share of the company's buyers at or below.")
    rank_margin = fields.Float(help="Share of the company's buyers at or below.")
    # the salesperson's ratings, staged with the figures: reading them at
    # each batch joined the whole partner table once per batch
    potential_rating = fields.Char()
    cooperation_rating = fields.Char()

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A customer is staged once per company.",
        )
    ]

    def init(self):
        # Unlogged: the rows are rebuilt by every run and written in one go,
        # so they need no write-ahead log.
        # After a crash PostgreSQL empties the table, and an empty work list
        # makes the next call stage a fresh run: nothing is lost.
        self.env.cr.execute(
            SQL(
                "SELECT relpersistence FROM pg_class WHERE oid = %s::regclass",
                self._table,
            )
        )
        if self.env.cr.fetchone()[0] != "u":
            self.env.cr.execute(
                SQL("ALTER TABLE %s SET UNLOGGED", SQL.identifier(self._table))
            )

    @api.model
    def _pending(self):
        """(rows left, date of their figures or None)."""
        self.flush_model()
        rows = self.env.execute_query(
            SQL("SELECT count(*), min(run_date) FROM customer_tier_figure")
        )
        return rows[0]

    @api.model
    def _run_started(self):
        """Start of the last run (``res.company.tier_run_start``, the same on
        every company), or None before the first run."""
        rows = self.env.execute_query(
            SQL("SELECT max(tier_run_start) FROM res_company")
        )
        return rows[0][0]

    @api.model
    def _start_run(self, today):
        """Stamp the start of a run on the companies and stage it, unless
        another caller started or ended a run since this transaction began.

        The stamp is the run's lock: Odoo's transactions are REPEATABLE READ,
        so updating the companies' rows after another caller updated them
        (its staging, or the end of its run) fails with a serialization
        error instead of staging the run a second time; a caller that stages
        at the same moment waits for the other's transaction and then fails
        the same way. The failure is rolled back to a savepoint: the caller's
        transaction goes on, and its next call sees the other's run.

        :return: number of customers staged, or None when another caller
            was first
        """
        if not self._stamp_companies("tier_run_start"):
            return None
        return self._stage(today)

    @api.model
    def _end_run(self):
        """Stamp the end of the run on the companies (once: a call that
        finds the work list empty after another caller took the last rows
        stamps it if that caller could not)."""
        # False: the other caller stamped it
        self._stamp_companies("tier_recompute_date")

    @api.model
    def _stamp_companies(self, fname):
        """Set ``fname`` to now on every company under a savepoint; False
        when another caller updated the companies since this transaction
        began (serialization failure, rolled back to the savepoint)."""
        # sudo: the run stamps are the engine's bookkeeping on every company,
        # not settings of the user's companies
        companies = self.env["res.company"].sudo().with_context(active_test=False)
        companies = companies.search([])
        try:
            with self.env.cr.savepoint():
                companies.write({fname: fields.Datetime.now()})
                companies.flush_recordset([fname])
        except SerializationFailure:
            companies.invalidate_recordset([fname], flush=False)
            return False
        return True

    @api.model
    def _stage(self, today):
        """Replace the work list by the figures of every customer to score.

        One statement: orders, invoices with their reconciliations and order
        lines by product category are each aggregated once for all
        customers, and the percentile ranks come from ``cume_dist()`` over
        the company's buyers (the same population as
        ``customer.tier.scoring._order_figures(population=True)``).

        :return: number of customers staged
        """
        self.env.flush_all()
        self.env.execute_query(SQL("DELETE FROM customer_tier_figure"))
        partner = self.env["res.partner"].with_context(active_test=True)
        todo = partner._search(partner._tier_customer_domain())
        d12 = today - timedelta(days=365)
        d24 = today - timedelta(days=730)
        rate = SQL("COALESCE(NULLIF(so.currency_rate, 0), 1.0)")
        query = SQL(
            """
            WITH todo AS (
                SELECT p.id AS partner_id,
                       COALESCE(p.company_id, %(default_company)s) AS company_id,
                       p.tier_potential_rating, p.tier_cooperation_rating
                  FROM res_partner p
                 WHERE p.id IN %(todo)s
            ), orders AS (
                SELECT so.company_id, p.commercial_partner_id AS partner_id,
                       COALESCE(SUM(so.amount_untaxed / %(rate)s)
                           FILTER (WHERE so.date_order::date > %(d12)s), 0) AS s12,
                       COALESCE(SUM(COALESCE(so.margin, 0) / %(rate)s)
                           FILTER (WHERE so.date_order::date > %(d12)s), 0) AS m12,
                       COALESCE(SUM(so.amount_untaxed / %(rate)s)
                           FILTER (WHERE so.date_order::date > %(d24)s
                                     AND so.date_order::date <= %(d12)s), 0) AS sprev,
                       COALESCE(SUM(COALESCE(so.margin, 0) / %(rate)s)
                           FILTER (WHERE so.date_order::date > %(d24)s
                                     AND so.date_order::date <= %(d12)s), 0) AS mprev,
                       COUNT(*) FILTER (WHERE so.date_order::date > %(d12)s) AS n12,
                       COUNT(*) AS n_all,
                       MIN(so.date_order)::date AS first_date,
                       MAX(so.date_order)::date AS last_date
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
                   AND so.date_order < %(tomorrow)s
              GROUP BY so.company_id, p.commercial_partner_id
            ), ranks AS (
                SELECT o.company_id, o.partner_id,
                       CASE WHEN o.s12 > 0 THEN cume_dist() OVER (
                           PARTITION BY o.company_id, o.s12 > 0 ORDER BY o.s12)
                       END AS rank_sales,
                       CASE WHEN o.m12 > 0 THEN cume_dist() OVER (
                           PARTITION BY o.company_id, o.m12 > 0 ORDER BY o.m12)
                       END AS rank_margin
                  FROM orders o
                  JOIN res_partner cp ON cp.id = o.partner_id AND cp.active
            ), moves AS (
                SELECT am.id, am.company_id, am.commercial_partner_id AS partner_id,
                       am.move_type, am.invoice_date, am.invoice_date_due,
                       am.payment_state, am.amount_total_signed,
                       am.amount_residual_signed
                  FROM account_move am
                 WHERE am.state = 'posted'
                   AND am.move_type IN ('out_invoice', 'out_refund')
                   AND (am.invoice_date > %(d12)s OR am.amount_residual_signed <> 0)
                   AND am.invoice_date <= %(today)s
            ), paid AS (
                -- from the tables, not from ``moves``: PostgreSQL cannot
                -- estimate a filter on a CTE and looped over the invoices
                SELECT aml.move_id AS id, MAX(apr.max_date) AS pay_date
                  FROM account_move am
                  JOIN account_move_line aml
                    ON aml.move_id = am.id AND aml.display_type = 'payment_term'
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                 WHERE am.state = 'posted'
                   AND am.move_type = 'out_invoice'
                   AND am.payment_state IN ('paid', 'in_payment')
                   AND am.invoice_date > %(d12)s
                   AND am.invoice_date <= %(today)s
              GROUP BY aml.move_id
            ), invoices AS (
                SELECT m.company_id, m.partner_id,
                       COALESCE(SUM(m.amount_total_signed)
                           FILTER (WHERE m.invoice_date > %(d12)s), 0) AS invoiced,
                       COALESCE(SUM(m.amount_residual_signed)
                           FILTER (WHERE m.invoice_date > %(d12)s), 0) AS residual,
                       COALESCE(SUM(m.amount_residual_signed)
                           FILTER (WHERE m.move_type = 'out_invoice'
                                     AND m.invoice_date_due < %(today)s), 0)
                           AS overdue,
                       AVG(GREATEST(paid.pay_date - m.invoice_date_due, 0))
                           FILTER (WHERE paid.pay_date IS NOT NULL) AS days_late
                  FROM moves m
             LEFT JOIN paid ON paid.id = m.id
              GROUP BY m.company_id, m.partner_id
            ), cat AS (
                SELECT so.company_id, p.commercial_partner_id AS partner_id,
                       pt.categ_id,
                       SUM(sol.price_subtotal / %(rate)s)
                           FILTER (WHERE so.date_order::date <= %(d12)s) AS prev,
                       SUM(sol.price_subtotal)
                           FILTER (WHERE so.date_order::date > %(d12)s) AS cur
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE so.state = 'sale'
                   AND so.date_order >= %(d24_next)s
                   AND so.date_order < %(tomorrow)s
              GROUP BY so.company_id, p.commercial_partner_id, pt.categ_id
            ), stopped AS (
                -- a category stopped when it sold nothing in the last 12
                -- months after at least the minimum share of the previous
                -- 12 months: the largest such category decides, so one
                -- grouping gives it (no window over the categories)
                SELECT cat.company_id, cat.partner_id,
                       COALESCE(MAX(cat.prev)
                           FILTER (WHERE COALESCE(cat.cur, 0) = 0), 0) > 0
                       AND MAX(cat.prev)
                           FILTER (WHERE COALESCE(cat.cur, 0) = 0)
                           >= SUM(cat.prev) * MAX(c.churn_category_min_share)
                              / 100.0 AS stopped
                  FROM cat
                  JOIN res_company c ON c.id = cat.company_id
              GROUP BY cat.company_id, cat.partner_id
            )
            INSERT INTO customer_tier_figure (
                partner_id, company_id, run_date, sales_12m, margin_12m,
                sales_prev_12m, margin_prev_12m, order_count_12m, order_count,
                first_order_date, last_order_date, invoiced_12m, residual_12m,
                overdue_invoiced, avg_days_late, stopped_category, rank_sales,
                rank_margin, potential_rating, cooperation_rating)
            SELECT t.partner_id, t.company_id, %(today)s,
                   COALESCE(o.s12, 0), COALESCE(o.m12, 0),
                   COALESCE(o.sprev, 0), COALESCE(o.mprev, 0),
                   COALESCE(o.n12, 0), COALESCE(o.n_all, 0),
                   o.first_date, o.last_date,
                   COALESCE(i.invoiced, 0), COALESCE(i.residual, 0),
                   COALESCE(i.overdue, 0), i.days_late,
                   COALESCE(st.stopped, FALSE), r.rank_sales, r.rank_margin,
                   t.tier_potential_rating, t.tier_cooperation_rating
              FROM todo t
         LEFT JOIN orders o
                ON o.company_id = t.company_id AND o.partner_id = t.partner_id
         LEFT JOIN ranks r
                ON r.company_id = t.company_id AND r.partner_id = t.partner_id
         LEFT JOIN invoices i
                ON i.company_id = t.company_id AND i.partner_id = t.partner_id
         LEFT JOIN stopped st
                ON st.company_id = t.company_id AND st.partner_id = t.partner_id
            """,
            default_company=self.env.company.id,
            todo=todo.subselect(),
            rate=rate,
            d12=d12,
            d24=d24,
            today=today,
            # whole-day bounds as timestamps (date_order is one): the planner
            # estimates these, not a cast of every row
            tomorrow=datetime.combine(today + timedelta(days=1), time.min),
            d24_next=datetime.combine(d24 + timedelta(days=1), time.min),
        )
        # JIT compilation of this one-off statement costs more than it saves;
        # SET LOCAL ends with the transaction
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        self.env.cr.execute(query)
        count = self.env.cr.rowcount
        self.env.cr.execute(SQL("SET LOCAL jit TO DEFAULT"))
        # fresh statistics for the batches' queries: the table goes from
        # empty to every customer at once, faster than autovacuum notices
        self.env.cr.execute(SQL("ANALYZE customer_tier_figure"))
        self.invalidate_model()
        return count

    @api.model
    def _take(self, limit):
        """Remove the next ``limit`` rows from the work list and return them
        (``[dict]``, keys as the fields) for the partners that still exist.
        Rows another worker holds are skipped, not waited for.

        :return: the rows, or None when another caller removed rows since
            this transaction began: REPEATABLE READ cannot lock a row
            deleted after the transaction's snapshot (SKIP LOCKED skips rows
            locked, not rows gone); the claim is rolled back to a savepoint
            and the next call, in a new transaction, takes the rows left
        """
        self.flush_model()
        try:
            with self.env.cr.savepoint(flush=False):
                rows = self._claim(limit)
        except SerializationFailure:
            return None
        self.invalidate_model()
        # a partner deleted since the staging has no row to score (the claim
        # tells which: see _claim)
        rows = [row for row in rows if row.pop("partner_exists")]
        rows.sort(key=lambda row: row["partner_id"])
        return rows

    def _claim(self, limit):
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM customer_tier_figure f
                 WHERE f.id IN (
                        SELECT id FROM customer_tier_figure
                      ORDER BY partner_id
                         LIMIT %(limit)s
                           FOR UPDATE SKIP LOCKED)
             RETURNING f.*,
                       -- one index probe per row in the same statement,
                       -- not a query of its own for the batch
                       EXISTS (SELECT 1 FROM res_partner p
                                WHERE p.id = f.partner_id) AS partner_exists
                """,
                limit=limit,
            )
        )
        # dictfetchall() rebuilds the column names for every row
        names = [column.name for column in self.env.cr.description]
        return [dict(zip(names, row, strict=True)) for row in self.env.cr.fetchall()]
