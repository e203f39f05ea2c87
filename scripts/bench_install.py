"""Install mode of the benchmark (``bench.sh --install-on-data``): the three
addons installed into a database that already holds the sales data set, and
the first full scoring as it runs after that install.

Databases (``--db``, from ``CM_BENCH_INSTALL_DB``, default
``cm_bench_install``):

- ``<db>_empty``: the addons' dependencies only (``cm_dependencies``), no
  demo data; made once, kept;
- ``<db>``: a copy of it with the sales data set of ``bench_sales``
  (customers, products, confirmed orders with lines, posted invoices and
  credit notes, payments), then ``VACUUM ANALYZE``; made once, kept;
- ``<db>_run``: a throw-away copy the addons are installed into (first a copy
  of ``<db>_empty``: the baseline install, then a copy of ``<db>``). Dropped
  at the end of a run, kept when a check failed (for a look).

A run prints: the install's wall time (``odoo -i ... --without-demo=all
--stop-after-init``, a process of its own) against the same install into the
database without data, and each addon's install transaction (Odoo commits
after each module); then the first full scoring: the tier cron that the
post_init_hook of sale_customer_mgmt triggered, run by Odoo's own runner
(``ir.cron._acquire_one_job`` + ``_process_job``: up to 10 batches per call,
each committed, called again while it reports customers left), against one
SQL aggregation of the same rows (``bench_sales.baseline_sql``), with its
batches (transactions) and the largest; then the check that every customer
with a confirmed order has a tier.
"""

import logging
import os
import re
import subprocess
import sys
import time
from contextlib import closing, contextmanager

from bench_common import (
    TARGET_RECOMPUTE,
    copy_db,
    db_exists,
    drop,
    figure,
    log,
    median_time,
    release,
    timed,
)
from bench_sales import baseline_sql, build_data

import odoo

TIER_CRON = "sale_customer_mgmt.ir_cron_recompute_customer_tiers"
CRON_LOGGER = "odoo.addons.base.models.ir_cron"
MODULE_LOADED = re.compile(r"Module (\w+) loaded in ([\d.]+)s")
LOG_PROBLEM = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ")


def database_names(db):
    """(without data, with data, install copy) for the name given."""
    return f"{db}_empty", db, f"{db}_run"


# ---------------------------------------------------------------------------
# databases
# ---------------------------------------------------------------------------
def installed(name, modules):
    """True when every module given is installed in database ``name``."""
    with closing(odoo.sql_db.db_connect(name).cursor()) as cr:
        cr.execute("SELECT to_regclass('ir_module_module')")
        if not cr.fetchone()[0]:
            return False
        cr.execute(
            "SELECT count(*) FROM ir_module_module"
            " WHERE state = 'installed' AND name = ANY(%s)",
            [list(modules)],
        )
        return cr.fetchone()[0] == len(modules)


def odoo_install(args, name, modules, logfile):
    """Install ``modules`` into database ``name`` in an Odoo process of its
    own, as an administrator would; returns (wall time, log lines)."""
    if os.path.exists(logfile):
        os.unlink(logfile)
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        args.config,
        "-d",
        name,
        "-i",
        modules,
        "--without-demo=all",
        "--stop-after-init",
        "--http-port",
        str(args.http_port),
        "--logfile",
        logfile,
    ]
    log(f"installing {modules} into {name} (log: {logfile})")
    start = time.perf_counter()
    rc = subprocess.call(cmd)
    took = time.perf_counter() - start
    with open(logfile, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    if rc:
        sys.exit(f"installing {modules} into {name} failed (exit {rc}), see {logfile}")
    return took, lines


def module_times(lines):
    """{module: seconds} of the modules the log shows installed (Odoo logs
    "Module X loaded in N s" for each one it installs, then commits)."""
    found = (MODULE_LOADED.search(line) for line in lines)
    return {m.group(1): float(m.group(2)) for m in found if m}


def problems(lines):
    """The WARNING/ERROR/CRITICAL lines of an Odoo log (first line of each)."""
    return [line for line in lines if LOG_PROBLEM.match(line)]


# ---------------------------------------------------------------------------
# the data set, before the install
# ---------------------------------------------------------------------------
def ensure_data(args, empty, data):
    """Make ``empty`` (the dependencies) and ``data`` (plus the sales data
    set) unless they exist; both are kept between runs."""
    deps = [d for d in args.dependencies.split(",") if d]
    ours = args.addons.split(",")
    if not (db_exists(empty) and installed(empty, deps)):
        drop(empty)
        logfile = os.path.join(args.logdir, "bench_install_deps.log")
        took, __ = odoo_install(args, empty, ",".join(deps), logfile)
        log(f"dependencies installed into {empty} in {took:.0f} s")
    if db_exists(data) and installed(data, ours[:1]):
        sys.exit(
            f"{data} has {ours[0]} installed: it must hold the data set without"
            " the addons (drop it, or choose another CM_BENCH_INSTALL_DB)"
        )
    if not db_exists(data):
        copy_db(empty, data)
    registry = odoo.modules.registry.Registry(data)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        start = time.perf_counter()
        made = build_data(env, args)
        cr.commit()
    if made:
        log(f"sales data built in {time.perf_counter() - start:.1f} s")
        log("VACUUM ANALYZE")
        with closing(odoo.sql_db.db_connect(data).cursor()) as cr:
            cr._cnx.autocommit = True
            cr.execute("VACUUM ANALYZE")
    else:
        log(f"sales data present in {data}, reusing it")
    with closing(odoo.sql_db.db_connect(data).cursor()) as cr:
        customers, lines, invoices = data_summary(cr)
    sys.stdout.write(
        f"data (before the install): {customers} customers, {lines} order lines,"
        f" {invoices} customer invoices/credit notes\n"
    )
    release(data)


def data_summary(cr):
    cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE 'Bench Customer %%'")
    customers = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM sale_order_line")
    lines = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM account_move WHERE move_type = ANY(%s)",
        [["out_invoice", "out_refund"]],
    )
    invoices = cr.fetchone()[0]
    return customers, lines, invoices


# ---------------------------------------------------------------------------
# the first scoring, as Odoo's cron runner does it
# ---------------------------------------------------------------------------
class Collect(logging.Handler):
    def __init__(self, level):
        super().__init__(level)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@contextmanager
def cron_log():
    """The ir.cron logger's INFO records ("Job ... starting", "... processed
    N records, M records remaining") and every WARNING or worse of any
    logger while the block runs (the benchmark runs at --log-level=warn)."""
    cron_logger = logging.getLogger(CRON_LOGGER)
    jobs, warnings = Collect(logging.INFO), Collect(logging.WARNING)
    saved = cron_logger.level, cron_logger.propagate
    cron_logger.setLevel(logging.INFO)
    cron_logger.propagate = False
    cron_logger.addHandler(jobs)
    # the ir.cron logger no longer propagates: its own warnings counted here
    cron_logger.addHandler(warnings)
    logging.getLogger().addHandler(warnings)
    try:
        yield jobs.records, warnings.records
    finally:
        cron_logger.removeHandler(jobs)
        cron_logger.removeHandler(warnings)
        logging.getLogger().removeHandler(warnings)
        cron_logger.setLevel(saved[0])
        cron_logger.propagate = saved[1]
        for record in warnings.records:
            if record.name == CRON_LOGGER:
                sys.stderr.write(warnings.format(record) + "\n")


def batches_of(records):
    """[(seconds, done, remaining)] per call of the job's server action, from
    the runner's log: "starting" is logged inside the batch's transaction
    (just after the commit of its progress record), "processed" just after
    the commit of its work."""
    result, started = [], None
    for record in records:
        msg = record.msg
        if msg.startswith("Job %r (%s) starting"):
            started = record.created
        elif msg.startswith("Job %r (%s) processed") and started is not None:
            done, remaining = record.args[2], record.args[3]
            result.append((record.created - started, done, remaining))
            started = None
    return result


def run_cron_as_runner(registry, cron_id, limit=1000):
    """Odoo's cron runner for one job (``ir.cron._process_jobs`` without the
    other ready jobs): acquire the job, ``_process_job`` it (up to 10 calls of
    the server action, each in its transaction, committed), again while the
    job is ready (partially done: rescheduled at once). Returns the number of
    runner calls."""
    db = odoo.sql_db.db_connect(registry.db_name)
    cron_model = registry["ir.cron"]
    calls = 0
    while calls < limit:
        with db.cursor() as cron_cr:
            job = cron_model._acquire_one_job(cron_cr, cron_id)
            if not job:
                return calls
            calls += 1
            cron_model._process_job(db, cron_cr, job)
    sys.exit(f"the tier cron was still ready after {limit} runner calls")


def measure_first_scoring(args, name):
    registry = odoo.modules.registry.Registry.new(name)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cron = env.ref(TIER_CRON)
        cr.execute("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s", [cron.id])
        triggers = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM res_partner WHERE customer_tier_id IS NOT NULL"
        )
        tiers_at_install = cr.fetchone()[0]
        # the copy's statistics start at zero: dead row versions of the
        # install only (each rewrite of every partner adds one per row)
        cr.execute(
            "SELECT (SELECT count(*) FROM res_partner), n_dead_tup"
            "  FROM pg_stat_user_tables WHERE relname = 'res_partner'"
        )
        rows, dead = cr.fetchone()
        cr.execute("SELECT COALESCE(max(id), 0) FROM ir_cron_progress")
        last_progress = cr.fetchone()[0]
        sys.stdout.write(
            f"after the install: {triggers} trigger(s) of the tier cron pending"
            f" (post_init_hook), {tiers_at_install} customers with a tier;"
            f" res_partner: {rows} rows, {dead} dead row versions left by the"
            " install\n"
        )
        base = median_time(lambda: baseline_sql(env), repeat=5)
        cr.rollback()
        cron_id = cron.id
    with cron_log() as (job_records, warnings):
        start = time.perf_counter()
        calls = run_cron_as_runner(registry, cron_id)
        took = time.perf_counter() - start
    batches = batches_of(job_records)
    figure(
        "full tier recompute, first run after the install (tier cron, Odoo's runner)",
        took,
        "s",
        base,
        TARGET_RECOMPUTE,
    )
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*), COALESCE(max(done), 0) FROM ir_cron_progress"
            " WHERE cron_id = %s AND id > %s",
            [cron_id, last_progress],
        )
        progress_rows, progress_max = cr.fetchone()
    if batches:
        longest = max(batches)
        largest = max(b[1] for b in batches)
        figure(
            "  first batch (stages every customer's figures, scores a batch)",
            batches[0][0],
            "s",
        )
        figure(f"  longest batch transaction ({longest[1]} customers)", longest[0], "s")
        sys.stdout.write(
            f"  {len(batches)} batches, each its own committed transaction, in"
            f" {calls} runner call(s); largest batch {largest} customers;"
            f" {progress_rows} progress records (largest 'done' {progress_max});"
            f" customers per batch: {', '.join(str(b[1]) for b in batches)};"
            f" seconds per batch: {', '.join(f'{b[0]:.2f}' for b in batches)}\n"
        )
        if len(batches) == 1:
            sys.stdout.write(
                f"  the whole base ({largest} customers) was scored in one"
                " transaction\n"
            )
    else:
        sys.stdout.write(
            f"  the runner logged no batch ({calls} runner calls,"
            f" {progress_rows} progress records)\n"
        )
    if warnings:
        sys.stdout.write(f"  {len(warnings)} warnings/errors logged during the run:\n")
        for record in warnings[:10]:
            text = record.getMessage()[:300]
            sys.stdout.write(f"    {record.levelname} {record.name}: {text}\n")
    ok = check_tiers(registry)
    # what the first batch spends in the set-based staging statement: the
    # same statement once more on the scored base (rolled back)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        figures = env["customer.tier.figure"].sudo()
        today = odoo.fields.Date.context_today(figures)
        staging, __ = timed(lambda: figures._stage(today))
        cr.rollback()
    figure("  staging statement alone (run again afterwards)", staging, "s", base)
    return ok


def check_tiers(registry):
    """Every customer with a confirmed order has a tier; True when so."""
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE cp.customer_tier_id IS NULL)
              FROM res_partner cp
             WHERE EXISTS (SELECT 1 FROM sale_order so
                             JOIN res_partner p ON p.id = so.partner_id
                            WHERE p.commercial_partner_id = cp.id
                              AND so.state = 'sale')
            """
        )
        buyers, untiered = cr.fetchone()
        cr.execute("SELECT count(*) FROM res_partner_tier_history")
        history = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM customer_tier_figure")
        left = cr.fetchone()[0]
    sys.stdout.write(
        f"customers with confirmed orders and no tier: {untiered}"
        f" (of {buyers} with confirmed orders); tier-history lines {history};"
        f" work list left {left}\n"
    )
    return untiered == 0 and left == 0


# ---------------------------------------------------------------------------
def run(args):
    empty, data, target = database_names(args.db)
    ensure_data(args, empty, data)

    # baseline: the same install into the database without data
    copy_db(empty, target)
    base_log = os.path.join(args.logdir, "bench_install_empty.log")
    base_took, base_lines = odoo_install(args, target, args.addons, base_log)
    drop(target)

    copy_db(data, target)
    data_log = os.path.join(args.logdir, "bench_install_data.log")
    took, lines = odoo_install(args, target, args.addons, data_log)
    figure(
        "install of the three addons into the data set (odoo -i, wall time)",
        took,
        "s",
        base_took,
    )
    base_modules = module_times(base_lines)
    for module, seconds in module_times(lines).items():
        figure(
            f"  install transaction of {module}", seconds, "s", base_modules.get(module)
        )
    found = problems(lines)
    sys.stdout.write(f"  install log: {len(found)} WARNING/ERROR lines ({data_log})\n")
    for line in found[:10]:
        sys.stdout.write(f"    {line[:300]}\n")

    ok = measure_first_scoring(args, target)
    if ok:
        drop(target)
    else:
        log(f"check failed: {target} kept for a look")
        sys.exit(1)
