"""Sales section of the benchmark: customers, products, orders with lines,
invoices with payments (bulk SQL, fixed seed), and the tier recompute."""

import statistics
import sys
import tracemalloc
from contextlib import contextmanager
from datetime import date, timedelta

from bench_common import (
    BENCH_PREFIX,
    TARGET_FLOOR,
    TARGET_RECOMPUTE,
    TARGET_REPORT,
    TARGET_RPC,
    Generator,
    bench_user,
    figure,
    generate_once,
    list_specification,
    log,
    median_time,
    paired,
    timed,
    web_list,
)

from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sale_customer_mgmt.models.res_partner_tier_recompute import (
    TIER_STORE_COLUMNS,
)


class SalesGenerator(Generator):
    COUNT_SQL = "SELECT count(*) FROM sale_order WHERE name LIKE %s"
    COUNT_PARAMS = (BENCH_PREFIX + "%",)
    SEED = 0.42

    def run(self):
        cr = self.cr
        a = self.args
        self.seed()
        log(f"{a.customers} customers")
        cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, is_company, customer_rank,
                                     supplier_rank, active, type, autopost_bills,
                                     lang, create_date, write_date)
            SELECT 'Bench Customer ' || g, 'Bench Customer ' || g, true, 1, 0, true,
                   'contact', 'ask', 'en_US', now(), now()
              FROM generate_series(1, %s) g
            RETURNING id
            """,
            [a.customers],
        )
        partner_ids = [r[0] for r in cr.fetchall()]
        cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
            [partner_ids],
        )
        products = self._products()
        log(f"{a.orders} confirmed orders with {a.lines} lines in all")
        # a customer's share of orders follows random()^2: a few big buyers,
        # a long tail of small ones; dates spread over two years
        cr.execute(
            """
            INSERT INTO sale_order (name, partner_id, partner_invoice_id,
                                    partner_shipping_id, company_id, currency_id,
                                    date_order, state, amount_untaxed, amount_tax,
                                    amount_total, margin, currency_rate,
                                    invoice_status, user_id, locked,
                                    create_date, write_date)
            SELECT %(prefix)s || g, p, p, p, %(company)s, %(currency)s,
                   now() - random() * interval '730 days', 'sale', 0, 0, 0, 0, 1.0,
                   'invoiced', %(uid)s, false, now(), now()
              FROM generate_series(1, %(n)s) g,
                   LATERAL (SELECT (%(partners)s::int[])[
                       1 + floor(power(random(), 2) * %(np)s)::int + (g * 0)] AS p) x
            """,
            {
                "prefix": BENCH_PREFIX,
                "company": self.company.id,
                "currency": self.currency.id,
                "uid": self.env.uid,
                "n": a.orders,
                "partners": partner_ids,
                "np": len(partner_ids),
            },
        )
        per_order = max(1, a.lines // a.orders)
        cr.execute(
            """
            INSERT INTO sale_order_line (order_id, name, product_id, product_uom,
                                         product_uom_qty, price_unit, price_subtotal,
                                         price_total, price_tax, purchase_price,
                                         margin, customer_lead, company_id,
                                         currency_id, order_partner_id, state,
                                         sequence, create_date, write_date)
            SELECT o.id, 'Bench line', pr.product_id, pr.uom_id, q.qty, pr.price,
                   q.qty * pr.price, q.qty * pr.price, 0, pr.cost,
                   q.qty * (pr.price - pr.cost), 0, o.company_id, o.currency_id,
                   o.partner_id, 'sale', l, now(), now()
              FROM sale_order o
              JOIN generate_series(1, %(per_order)s) l ON true
              JOIN LATERAL (
                    SELECT (%(pids)s::int[])[1 + floor(random() * %(n)s)::int
                                             + (l * 0) + (o.id * 0)] AS product_id
                   ) pick ON true
              JOIN (SELECT unnest(%(pids)s::int[]) AS product_id,
                           unnest(%(prices)s::numeric[]) AS price,
                           unnest(%(costs)s::numeric[]) AS cost,
                           unnest(%(uoms)s::int[]) AS uom_id) pr
                ON pr.product_id = pick.product_id
              JOIN LATERAL (SELECT 1 + floor(random() * 20) + (l * 0) AS qty) q
                ON true
             WHERE o.name LIKE %(like)s
            """,
            {
                "per_order": per_order,
                "pids": [p["id"] for p in products],
                "prices": [p["price"] for p in products],
                "costs": [p["cost"] for p in products],
                "uoms": [p["uom"] for p in products],
                "n": len(products),
                "like": BENCH_PREFIX + "%",
            },
        )
        cr.execute(
            """
            UPDATE sale_order o
               SET amount_untaxed = s.untaxed, amount_total = s.untaxed,
                   margin = s.margin
              FROM (SELECT order_id, SUM(price_subtotal) AS untaxed,
                           SUM(margin) AS margin
                      FROM sale_order_line GROUP BY order_id) s
             WHERE s.order_id = o.id AND o.name LIKE %s
            """,
            [BENCH_PREFIX + "%"],
        )
        self._invoices()
        self.env.invalidate_all()

    def _products(self):
        categories = self.env["product.category"].create(
            [{"name": f"Bench category {i}"} for i in range(1, 9)]
        )
        templates = self.env["product.template"].create(
            [
                {
                    "name": f"Bench product {i}",
                    "categ_id": categories[i % len(categories)].id,
                    "list_price": 50.0 + 37 * i,
                    "standard_price": (50.0 + 37 * i) * (0.55 + (i % 5) * 0.07),
                    "type": "consu",
                }
                for i in range(1, 61)
            ]
        )
        return [
            {
                "id": t.product_variant_id.id,
                "price": t.list_price,
                "cost": t.standard_price,
                "uom": t.uom_id.id,
            }
            for t in templates
        ]

    def _invoices(self):
        a = self.args
        cr = self.cr
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        receivable = self.env["account.account"].search(
            [
                ("account_type", "=", "asset_receivable"),
                ("company_ids", "in", self.company.id),
            ],
            limit=1,
        )
        income = journal.default_account_id
        log(f"{a.invoices} posted invoices/credit notes with payments")
        # one invoice per order for the first `invoices` orders, 4 percent credit
        # notes; paid on time 60 percent, late 20, half 8, the rest unpaid
        cr.execute(
            """
            CREATE TEMP TABLE bench_inv ON COMMIT DROP AS
            SELECT o.id AS order_id, o.partner_id, o.amount_total AS amount,
                   o.date_order::date + 3 AS inv_date,
                   CASE WHEN random() < 0.04 THEN 'out_refund'
                        ELSE 'out_invoice' END AS move_type,
                   random() AS r
              FROM sale_order o
             WHERE o.name LIKE %s
          ORDER BY o.id
             LIMIT %s
            """,
            [BENCH_PREFIX + "%", a.invoices],
        )
        cr.execute(
            """
            ALTER TABLE bench_inv ADD COLUMN move_id int,
                ADD COLUMN paid numeric, ADD COLUMN pay_date date;
            UPDATE bench_inv SET
                paid = CASE WHEN move_type = 'out_refund' OR r < 0.80 THEN amount
                            WHEN r < 0.88 THEN round(amount * 0.5, 2)
                            ELSE 0 END,
                pay_date = CASE WHEN r < 0.60 THEN inv_date + 20
                                WHEN r < 0.80 THEN inv_date + 30
                                    + floor(random() * 90)::int
                                ELSE inv_date + 25 END;
            """
        )
        cr.execute(
            """
            WITH ins AS (
                INSERT INTO account_move (name, move_type, state, journal_id,
                                          company_id, currency_id, date,
                                          invoice_date, invoice_date_due,
                                          partner_id, commercial_partner_id,
                                          amount_untaxed, amount_total,
                                          amount_residual, amount_untaxed_signed,
                                          amount_total_signed,
                                          amount_total_in_currency_signed,
                                          amount_residual_signed, payment_state,
                                          auto_post, invoice_origin, create_date,
                                          write_date)
                SELECT 'BINV/' || b.order_id, b.move_type, 'posted', %(journal)s,
                       %(company)s, %(currency)s, b.inv_date, b.inv_date,
                       b.inv_date + 30, b.partner_id, b.partner_id, b.amount,
                       b.amount, b.amount - b.paid,
                       s.sign * b.amount, s.sign * b.amount, s.sign * b.amount,
                       s.sign * (b.amount - b.paid),
                       CASE WHEN b.paid = b.amount THEN 'paid'
                            WHEN b.paid > 0 THEN 'partial' ELSE 'not_paid' END,
                       'no', 'BENCH/' || b.order_id, now(), now()
                  FROM bench_inv b,
                       LATERAL (SELECT CASE WHEN b.move_type = 'out_refund'
                                            THEN -1 ELSE 1 END AS sign) s
                RETURNING id, invoice_origin
            )
            UPDATE bench_inv b SET move_id = ins.id
              FROM ins WHERE ins.invoice_origin = 'BENCH/' || b.order_id
            """,
            {
                "journal": journal.id,
                "company": self.company.id,
                "currency": self.currency.id,
            },
        )
        # receivable (payment_term) line and income line of each move
        cr.execute(
            """
            INSERT INTO account_move_line (move_id, journal_id, company_id,
                                           account_id, partner_id, currency_id,
                                           company_currency_id, date,
                                           date_maturity, invoice_date,
                                           parent_state, display_type, name,
                                           debit, credit, balance,
                                           amount_currency, amount_residual,
                                           amount_residual_currency, reconciled,
                                           create_date, write_date)
            SELECT b.move_id, %(journal)s, %(company)s, acc.account_id,
                   b.partner_id, %(currency)s, %(currency)s, b.inv_date,
                   CASE WHEN acc.kind = 'rec' THEN b.inv_date + 30 END, b.inv_date,
                   'posted', CASE WHEN acc.kind = 'rec' THEN 'payment_term'
                                  ELSE 'product' END,
                   'Bench', GREATEST(v.bal, 0), GREATEST(-v.bal, 0), v.bal, v.bal,
                   CASE WHEN acc.kind = 'rec' THEN v.sign * (b.amount - b.paid)
                        ELSE 0 END,
                   CASE WHEN acc.kind = 'rec' THEN v.sign * (b.amount - b.paid)
                        ELSE 0 END,
                   acc.kind = 'rec' AND b.paid = b.amount, now(), now()
              FROM bench_inv b
              JOIN (VALUES ('rec', %(receivable)s), ('inc', %(income)s))
                   AS acc(kind, account_id) ON true
              JOIN LATERAL (
                   SELECT s.sign,
                          CASE WHEN acc.kind = 'rec' THEN s.sign * b.amount
                               ELSE -s.sign * b.amount END AS bal
                     FROM (SELECT CASE WHEN b.move_type = 'out_refund'
                                       THEN -1 ELSE 1 END AS sign) s) v ON true
            """,
            {
                "journal": journal.id,
                "company": self.company.id,
                "currency": self.currency.id,
                "receivable": receivable.id,
                "income": income.id,
            },
        )
        # payments: an entry in the bank journal whose receivable line is
        # reconciled (partially or fully) with the invoice's receivable line
        cr.execute(
            """
            WITH pay AS (
                INSERT INTO account_move (name, move_type, state, journal_id,
                                          company_id, currency_id, date,
                                          partner_id, commercial_partner_id,
                                          amount_total, amount_total_signed,
                                          auto_post, ref, create_date,
                                          write_date)
                SELECT 'BPAY/' || b.order_id, 'entry', 'posted', %(bank)s,
                       %(company)s, %(currency)s, b.pay_date, b.partner_id,
                       b.partner_id, b.paid, b.paid, 'no', 'BENCH/' || b.order_id,
                       now(), now()
                  FROM bench_inv b
                 WHERE b.paid > 0 AND b.move_type = 'out_invoice'
                RETURNING id, ref, date
            ), lines AS (
                INSERT INTO account_move_line (move_id, journal_id, company_id,
                                               account_id, partner_id,
                                               currency_id, company_currency_id,
                                               date, parent_state, display_type,
                                               name, debit, credit, balance,
                                               amount_currency, amount_residual,
                                               amount_residual_currency,
                                               reconciled, ref, create_date,
                                               write_date)
                SELECT pay.id, %(bank)s, %(company)s, %(receivable)s, b.partner_id,
                       %(currency)s, %(currency)s, pay.date, 'posted', 'product',
                       'Bench payment', 0, b.paid, -b.paid, -b.paid, 0, 0, true,
                       pay.ref, now(), now()
                  FROM pay JOIN bench_inv b ON pay.ref = 'BENCH/' || b.order_id
                RETURNING id, ref, date
            )
            INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id,
                                                   amount, debit_amount_currency,
                                                   credit_amount_currency,
                                                   debit_currency_id,
                                                   credit_currency_id, company_id,
                                                   max_date, create_date,
                                                   write_date)
            SELECT rec.id, lines.id, b.paid, b.paid, b.paid, %(currency)s,
                   %(currency)s, %(company)s, lines.date, now(), now()
              FROM lines
              JOIN bench_inv b ON lines.ref = 'BENCH/' || b.order_id
              JOIN account_move_line rec
                ON rec.move_id = b.move_id AND rec.display_type = 'payment_term'
            """,
            {
                "bank": bank.id,
                "company": self.company.id,
                "currency": self.currency.id,
                "receivable": receivable.id,
            },
        )
        cr.execute("ANALYZE")

    def link_invoice_lines(self):
        """Link each invoice's income line to its order (the first line of
        the order), as invoicing from the order does, with its amounts: the
        integrated order view reads invoiced and paid amounts through that
        link. Also run on a data set made before the links existed; True
        when links were added."""
        cr = self.cr
        cr.execute(
            """
            SELECT 1 FROM sale_order_line_invoice_rel rel
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE am.name LIKE 'BINV/%%' LIMIT 1
            """
        )
        if cr.fetchone():
            return False
        log("linking invoice lines to order lines")
        cr.execute(
            """
            UPDATE account_move_line aml
               SET quantity = 1, price_unit = am.amount_untaxed,
                   price_subtotal = am.amount_untaxed,
                   price_total = am.amount_total
              FROM account_move am
             WHERE am.id = aml.move_id AND am.name LIKE 'BINV/%%'
               AND aml.display_type = 'product'
            """
        )
        cr.execute(
            """
            INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id)
            SELECT aml.id, first_line.id
              FROM account_move am
              JOIN account_move_line aml
                ON aml.move_id = am.id AND aml.display_type = 'product'
              JOIN LATERAL (
                   SELECT MIN(sol.id) AS id FROM sale_order_line sol
                    WHERE sol.order_id = substr(am.invoice_origin, 7)::int
                   ) first_line ON first_line.id IS NOT NULL
             WHERE am.name LIKE 'BINV/%%'
            """
        )
        cr.execute("ANALYZE sale_order_line_invoice_rel")
        cr.execute("ANALYZE account_move_line")
        return True


def baseline_sql(env):
    """One plain aggregation over the rows the recompute reads, per commercial
    partner: its confirmed orders (all of them: first and last order, order
    count), their lines of the last 24 months per product category (the
    stopped-category rule) and the invoices of the last 12 months with their
    reconciliations."""
    today = date.today()
    env.cr.execute(
        SQL(
            """
            WITH o AS (
                SELECT p.commercial_partner_id AS pid,
                       SUM(so.amount_untaxed) FILTER
                           (WHERE so.date_order::date > %(d12)s) AS s12,
                       SUM(so.margin) FILTER
                           (WHERE so.date_order::date > %(d12)s) AS m12,
                       SUM(so.amount_untaxed) FILTER
                           (WHERE so.date_order::date <= %(d12)s) AS s24,
                       COUNT(*) AS n, MIN(so.date_order) AS first,
                       MAX(so.date_order) AS last
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
              GROUP BY 1
            ), l AS (
                SELECT p.commercial_partner_id AS pid, pt.categ_id,
                       SUM(sol.price_subtotal) FILTER
                           (WHERE so.date_order::date <= %(d12)s) AS prev,
                       SUM(sol.price_subtotal) FILTER
                           (WHERE so.date_order::date > %(d12)s) AS cur
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE so.state = 'sale' AND so.date_order::date > %(d24)s
              GROUP BY 1, 2
            ), i AS (
                SELECT am.commercial_partner_id AS pid,
                       SUM(am.amount_total_signed) AS inv,
                       SUM(am.amount_residual_signed) AS res,
                       AVG(GREATEST(apr.max_date - am.invoice_date_due, 0)) AS late
                  FROM account_move am
                  JOIN account_move_line aml ON aml.move_id = am.id
                       AND aml.display_type = 'payment_term'
             LEFT JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                 WHERE am.state = 'posted'
                   AND am.move_type IN ('out_invoice', 'out_refund')
                   AND am.invoice_date > %(d12)s
              GROUP BY 1
            )
            -- every aggregate is used: PostgreSQL drops the ones nobody reads
            SELECT (SELECT ROW(count(*), SUM(o.s12), SUM(o.m12), SUM(o.s24),
                               SUM(o.n), MIN(o.first), MAX(o.last), SUM(i.inv),
                               SUM(i.res), AVG(i.late))
                      FROM o FULL JOIN i ON i.pid = o.pid)::text,
                   (SELECT ROW(count(*), SUM(l.prev), SUM(l.cur))
                      FROM l)::text
            """,
            d12=today - timedelta(days=365),
            d24=today - timedelta(days=730),
        )
    )
    return env.cr.fetchone()


def full_recompute(env):
    partner = env["res.partner"]
    # like the cron runner, which commits and starts afresh between batches;
    # a new run each time (the job itself runs once a day)
    left = partner._cron_recompute_tiers(new_run=True)
    while left:
        env.invalidate_all()
        left = partner._cron_recompute_tiers()
    env.flush_all()


@contextmanager
def partner_writes(env):
    """Keep the arguments of the engine's writes of the customers' rows
    (``res.partner._write_tier_rows``), to replay them in ``write_floor``."""
    model = type(env["res.partner"])
    original = model._write_tier_rows
    calls = []

    def write_tier_rows(self, updates, now):
        calls.append((updates, now))
        return original(self, updates, now)

    model._write_tier_rows = write_tier_rows
    try:
        yield calls
    finally:
        del model._write_tier_rows  # the inherited method again


def replay(partner, calls):
    """The engine's partner writes of a run again (``partner_writes``), and
    the recomputation of what depends on them, as in the run."""
    for updates, now in calls:
        partner._write_tier_rows(updates, now)
    partner.env.flush_all()


def write_floor(env, calls, savepoint, repeat=3):
    """(engine, floor): median seconds of the engine's partner writes of a
    run (``calls`` replayed: its UPDATEs and what they tell the ORM) and of
    one plain ``UPDATE`` of the same rows with the same values, alternately,
    each from the state at ``savepoint`` (taken before the run)."""
    cr = env.cr
    partner = env["res.partner"]
    values = [row for updates, __ in calls for row, __ in updates]
    engine, floor = [], []
    for __ in range(repeat):
        cr.execute(SQL("ROLLBACK TO SAVEPOINT %s", SQL.identifier(savepoint)))
        env.invalidate_all()
        took, __ = timed(lambda: replay(partner, calls))
        engine.append(took)
        cr.execute(SQL("ROLLBACK TO SAVEPOINT %s", SQL.identifier(savepoint)))
        env.invalidate_all()
        floor.append(plain_partner_update(env, values))
    cr.execute(SQL("ROLLBACK TO SAVEPOINT %s", SQL.identifier(savepoint)))
    env.invalidate_all()
    return statistics.median(engine), statistics.median(floor), len(values)


def plain_partner_update(env, values):
    """Seconds one plain ``UPDATE`` takes to write ``values`` (rows of
    ``TIER_STORE_COLUMNS``) on the customers and their contacts, as the
    engine does; the values are loaded in a temporary table first (not
    timed)."""
    cr = env.cr
    columns = TIER_STORE_COLUMNS
    cr.execute(
        SQL(
            "CREATE TEMP TABLE bench_tier_values (%s) ON COMMIT DROP",
            SQL(", ").join(
                SQL("%s %s", SQL.identifier(name), SQL(sql_type))
                for name, sql_type in columns
            ),
        )
    )
    cr.execute(
        SQL(
            "INSERT INTO bench_tier_values SELECT * FROM unnest(%s)",
            SQL(", ").join(
                SQL("%s::" + sql_type + "[]", [row[i] for row in values])
                for i, (__, sql_type) in enumerate(columns)
            ),
        )
    )
    cr.execute("ANALYZE bench_tier_values")
    took, __ = timed(
        lambda: cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET %s, tier_scored_date = now() at time zone 'UTC',
                       write_date = now() at time zone 'UTC', write_uid = 1
                  FROM bench_tier_values v
                 WHERE p.commercial_partner_id = v.id
                """,
                SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name))
                    for name, __ in columns[1:]
                ),
            )
        )
    )
    cr.execute("DROP TABLE bench_tier_values")
    return took


def build_data(env, args):
    """Make the sales data unless present (customers, products, orders with
    lines, invoices with payments, invoice lines linked to order lines),
    each step committed; True when something was made. Writes only columns
    of Odoo's own modules: it also builds the data set of a database without
    the addons (``bench_install``)."""
    gen = SalesGenerator(env, args)
    made = generate_once(gen, "sales")
    if made:
        env.cr.commit()
    if gen.link_invoice_lines():
        env.cr.commit()
        made = True
    return made


def generate(env, args):
    """Make the sales data unless present, and score every customer once
    (the state the web client's loads are measured in); True when made."""
    made = build_data(env, args)
    env.cr.execute(
        "SELECT 1 FROM res_partner WHERE tier_scored_date IS NOT NULL LIMIT 1"
    )
    if not env.cr.fetchone():
        log("scoring every customer once")
        full_recompute(env)
        made = True
    return made


def measure(env, args):
    cr = env.cr
    cr.execute("SELECT count(*) FROM sale_order_line")
    lines = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM account_move WHERE move_type = ANY(%s)",
        [["out_invoice", "out_refund"]],
    )
    invoices = cr.fetchone()[0]
    customers = env["res.partner"].search_count(
        env["res.partner"]._tier_customer_domain()
    )
    sys.stdout.write(
        f"data: {customers} customers, {lines} order lines, "
        f"{invoices} customer invoices/credit notes\n"
    )
    # first, on the committed data set (every customer scored once)
    measure_customer_list(env)
    measure_performance_report(env)
    # medians: single runs of either side vary by 20 % on a busy machine
    base = median_time(lambda: baseline_sql(env), repeat=5)
    # a first run: no customer scored yet (rolled back at the end)
    cr.execute(
        "UPDATE res_partner SET customer_tier_id = NULL, tier_scored_date = NULL,"
        " tier_last_change_date = NULL WHERE tier_scored_date IS NOT NULL"
    )
    cr.execute("DELETE FROM res_partner_tier_history")
    env.invalidate_all()
    cr.execute("SAVEPOINT bench_first_run")
    with partner_writes(env) as calls:
        recompute, __ = timed(lambda: full_recompute(env))
    # the part of the first run that writes every customer's row, against
    # its floor (the same rows and values in one plain UPDATE), both replayed
    # from the state before the run
    writes, floor, written = write_floor(env, calls, "bench_first_run")
    full_recompute(env)
    # the first run assigns every tier (history line each); the second is
    # the daily steady state, where few figures change
    steady = median_time(lambda: full_recompute(env), repeat=3, warmup=0)
    figure("full tier recompute, first run", recompute, "s", base, TARGET_RECOMPUTE)
    figure(
        f"first run: its partner writes ({written} customers, median of 3)",
        writes,
        "s",
        floor,
        TARGET_FLOOR,
    )
    figure(
        "first run without its partner writes",
        recompute - writes,
        "s",
        base,
        TARGET_RECOMPUTE,
    )
    figure(
        "full tier recompute, daily run (median of 3)",
        steady,
        "s",
        base,
        TARGET_RECOMPUTE,
    )
    # peak of the Python memory allocated during one more daily run (traced,
    # so not timed): it must not grow with the number of customers
    env.invalidate_all()
    tracemalloc.start()
    full_recompute(env)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    figure("tier recompute (daily run) peak Python memory", peak / 2**20, "MiB")


# fields the customer list gets from sale_customer_mgmt (views/res_partner_views.xml)
TIER_LIST_FIELDS = {
    "customer_tier_id",
    "customer_tier_code",
    "customer_score",
    "churn_state",
    "purchase_power",
    "card_type",
    "lifetime_value",
}


def measure_customer_list(env):
    """The customer list of *Sales > Customers > Customer Tiers* as a
    salesperson's browser loads it (80 rows, the columns of the combined
    list view, the action's domain), against the stock contacts list of the
    same model (its own columns, companies) as the same user."""
    user = bench_user(
        env, "bench_salesman", ["sales_team.group_sale_salesman_all_leads"]
    )
    partners = env["res.partner"].with_user(user)
    spec = list_specification(partners, "base.view_partner_tree")
    action = env.ref("sale_customer_mgmt.res_partner_action_customer_tier")
    domain = safe_eval(action.domain)
    stock_spec = {k: v for k, v in spec.items() if k not in TIER_LIST_FIELDS}
    stock_domain = [("parent_id", "=", False)]
    # a few milliseconds each: alternated, so that a burst of load on the
    # shared machine hits both sides
    base, took = paired(
        web_list(partners, stock_domain, stock_spec),
        web_list(partners, domain, spec),
        repeat=15,
    )
    figure(
        "customer list web_search_read 80 rows (salesperson)",
        took,
        "s",
        base,
        TARGET_RPC,
    )


def performance_report_sql(env, group, interval="month"):
    """The same 12 months of orders and invoices grouped in plain SQL like
    the pivot (``group`` "partner": customer x year, "tier": tier x
    ``interval``), every group's row fetched with its label, as the pivot
    gets them."""
    d12 = date.today() - timedelta(days=365)
    if group == "partner":
        key_o, key_i, interval = SQL("p.commercial_partner_id"), SQL("cp.id"), "year"
        label = SQL("res_partner l ON l.id = x.k")
    else:
        key_o = key_i = SQL("cp.customer_tier_id")
        label = SQL("res_partner_tier l ON l.id = x.k")
    env.cr.execute(
        SQL(
            """
            SELECT x.k, x.period, l.name, count(*), SUM(x.o), SUM(x.s),
                   SUM(x.m), SUM(x.i), SUM(x.r)
              FROM (
                SELECT %(key_o)s AS k,
                       date_trunc(%(interval)s, so.date_order::date) AS period,
                       1 AS o, so.amount_untaxed AS s, so.margin AS m,
                       0 AS i, 0 AS r
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                 WHERE so.state = 'sale' AND so.date_order::date > %(d12)s
             UNION ALL
                SELECT %(key_i)s, date_trunc(%(interval)s, am.invoice_date),
                       0, 0, 0, am.amount_total_signed, am.amount_residual_signed
                  FROM account_move am
                  JOIN res_partner cp ON cp.id = am.commercial_partner_id
                 WHERE am.state = 'posted'
                   AND am.move_type IN ('out_invoice', 'out_refund')
                   AND am.invoice_date > %(d12)s
              ) x
         LEFT JOIN %(label)s
          GROUP BY x.k, x.period, l.name
            """,
            key_o=key_o,
            key_i=key_i,
            label=label,
            interval=interval,
            d12=d12,
        )
    )
    return env.cr.fetchall()


def measure_performance_report(env):
    """The customer performance analysis as its pivot asks for it, for the
    last 12 months, as a sales manager: the default grouping (tier x year),
    tier x month, and every customer expanded (customer x year)."""
    user = bench_user(env, "bench_manager", ["sales_team.group_sale_manager"])
    report = env["sale.customer.performance.report"].with_user(user)
    d12 = date.today() - timedelta(days=365)
    measures = [
        "order_count:sum",
        "sales_amount:sum",
        "margin:sum",
        "margin_rate:avg",
        "invoiced_amount:sum",
        "paid_amount:sum",
        "overdue_amount:sum",
    ]
    figures = {}
    for label, group, groupby in (
        ("tier x year (default)", "tier", ["tier_id", "date:year"]),
        ("tier x month", "tier", ["tier_id", "date:month"]),
        ("customer x year", "partner", ["partner_id", "date:year"]),
    ):
        interval = groupby[1].split(":")[1]
        base = median_time(
            lambda g=group, i=interval: performance_report_sql(env, g, i), repeat=5
        )
        took = median_time(
            lambda gb=groupby: report.read_group(
                [("date", ">", d12)], measures, gb, lazy=False
            ),
            repeat=3,
        )
        figure(
            f"performance analysis pivot, 12 months, {label}",
            took,
            "s",
            base,
            TARGET_REPORT,
        )
        figures[label] = took, base
    # Expanded by customer, most of the time goes to what Odoo's read_group
    # does with every group after the query (the partner's display name,
    # the period's label, the group's domain), the same for any model: the
    # query part against the SQL, the whole call against Odoo's own sales
    # analysis expanded the same way (sale.report, confirmed orders)
    took, base = figures["customer x year"]
    fields_only = [m.replace(":avg", ":sum") for m in measures if "rate" not in m]
    query_part = median_time(
        lambda: report._read_group(
            [("date", ">", d12)], ["partner_id", "date:year"], fields_only
        ),
        repeat=3,
    )
    figure(
        "performance analysis pivot, customer x year: its query (_read_group)",
        query_part,
        "s",
        base,
        TARGET_REPORT,
    )
    stock = env["sale.report"].with_user(user)
    stock_took = median_time(
        lambda: stock.read_group(
            [("date", ">", d12), ("state", "=", "sale")],
            ["price_subtotal:sum", "margin:sum", "nbr:sum"],
            ["partner_id", "date:year"],
            lazy=False,
        ),
        repeat=3,
    )
    figure(
        "performance analysis pivot, customer x year, vs Odoo's sales analysis "
        "pivot (sale.report) customer x year",
        took,
        "s",
        stock_took,
        TARGET_RPC,
    )
