"""Scale-out section of the benchmark: the nightly crons of the three addons
run by one Odoo server, then by two servers on the same database.

    bash scripts/bench.sh --sections sales,scaleout [--customers N ...]
                          [--scaleout-servers 1,2] [--scaleout-batch N]

Needs the sales section's data set (``--sections sales,scaleout``; crm and
service add leads and tickets for the other crons). The database of the
other sections is copied to ``<db>_scaleout`` (dropped at the end; kept when a
check failed) and, for each server count, prepared the same way:

- every customer's tier, score date and tier history are wiped, so that the
  run is a first scoring, in which every customer with a confirmed order gets
  exactly one tier-history line: a batch done twice shows as a customer with
  two lines, a lost batch as a customer without one;
- the tier cron's batch is lowered (``--scaleout-batch``, default 200) so
  that a small data set still makes many batches, as 50 000 customers do
  with the default 5 000; Odoo's runner runs at most 10 batches of a job per
  acquisition, then releases the job and triggers it again, so another
  server may take the next ones;
- Odoo's own crons are postponed by a day (they would blur the figures),
  ours are made due now.

Then N Odoo servers (``python -m odoo``, threaded, ``--max-cron-threads 1``
each, HTTP ports from ``--http-port``) are started on the copy; once every
one has loaded its registry, one ``NOTIFY cron_trigger`` wakes their cron
threads (as ``ir.cron._trigger`` does) and the wall time runs until none of
our crons is due, running or triggered. Printed per server count: the wall
time, the jobs and tier batches each server ran (from their logs, "Job ...
starting" and "processed N records"), and the checks: customers scored twice
(two history lines), customers lost (a confirmed order and no tier or no
score date of the run), activities made twice by the reminder crons (same
record, type and summary), the work list left (must be empty) and every
WARNING/ERROR of the servers' logs.

Odoo's runner never runs one job on two servers at once: it takes the job's
row ``FOR NO KEY UPDATE SKIP LOCKED``. Two servers run *different* jobs in
parallel, and batches of one job one after the other, whichever server takes
them. A last figure bypasses the runner: two processes call
``_cron_recompute_tiers`` in a loop at the same time (as two workers of a
job without that lock would, or *Recompute Tier* next to the cron), the
second starting once the first has staged the work list; the work list hands
out its rows ``FOR UPDATE SKIP LOCKED``. A call that fails with a
serialization failure or a unique violation is rolled back and retried (as
Odoo's request layer does) and counted; a call that stages a new run (its
companies' run stamp changes) is counted too, and any but the first caller's
first call fails the section (the customers of the run would be scored
again). The engine itself rolls a claim that meets the other's work back to a
savepoint and returns, so no call should fail. The same checks must hold.

Each server count runs twice: with the stock runner, and with
``ODOO_NOTIFY_CRON_CHANGES=1`` in the servers' environment, which makes Odoo
wake the cron threads when a job is given back with batches left (stock
Odoo 18 leaves it to the next poll, up to 60 s later).
"""

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import closing

from bench_common import copy_db, drop, figure, log

import odoo

OURS = ("sale_customer_mgmt", "key_account", "after_sales")
TIER_CRON = "sale_customer_mgmt.ir_cron_recompute_customer_tiers"
JOB_STARTING = re.compile(r"Job '(.+)' \((\d+)\) starting")
JOB_DONE = re.compile(r"Job '.+' \(\d+\) done in ([\d.]+)s")
JOB_BATCH = re.compile(r"Job '(.+)' \((\d+)\) processed (\d+) records")
LOG_PROBLEM = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ")


def add_arguments(parser):
    group = parser.add_argument_group("scaleout section")
    group.add_argument("--scaleout-servers", default="1,2")
    group.add_argument("--scaleout-batch", type=int, default=200)
    group.add_argument("--scaleout-timeout", type=int, default=900)


def connect(db):
    return closing(odoo.sql_db.db_connect(db).cursor())


def our_crons(cr):
    cr.execute(
        """
        SELECT c.id, COALESCE(a.name->>'en_US', a.name::text) FROM ir_cron c
          JOIN ir_act_server a ON a.id = c.ir_actions_server_id
          JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id
         WHERE d.module = ANY(%s) AND c.active
        """,
        [list(OURS)],
    )
    return dict(cr.fetchall())


def tier_cron_id(cr):
    module, name = TIER_CRON.split(".")
    cr.execute(
        "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s",
        [module, name],
    )
    return cr.fetchone()[0]


def prepare(db, batch):
    """A first scoring, our crons due now, Odoo's postponed (committed)."""
    with connect(db) as cr:
        cr.execute(
            "UPDATE res_partner SET customer_tier_id = NULL, tier_scored_date = NULL,"
            " tier_last_change_date = NULL"
            " WHERE tier_scored_date IS NOT NULL OR customer_tier_id IS NOT NULL"
        )
        cr.execute("DELETE FROM res_partner_tier_history")
        cr.execute("DELETE FROM customer_tier_figure")
        # no run today yet: the job runs once a day
        cr.execute("UPDATE res_company SET tier_run_start = NULL")
        cr.execute("DELETE FROM ir_cron_trigger")
        crons = our_crons(cr)
        tier = tier_cron_id(cr)
        cr.execute(
            """
            UPDATE ir_act_server a SET code = %s FROM ir_cron c
             WHERE c.ir_actions_server_id = a.id AND c.id = %s
            """,
            [f"model._cron_recompute_tiers(batch_size={batch})", tier],
        )
        cr.execute(
            "UPDATE ir_cron SET nextcall = now() + interval '1 day'"
            " WHERE NOT (id = ANY(%s))",
            [list(crons)],
        )
        # due only once the servers are up (see run_servers)
        cr.execute(
            "UPDATE ir_cron SET nextcall = now() + interval '1 day', lastcall = NULL,"
            " failure_count = 0, first_failure_date = NULL WHERE id = ANY(%s)",
            [list(crons)],
        )
        cr.execute("SELECT now()")
        cr.commit()
    return crons


def start_server(args, db, port, logfile, notify=False):
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        args.config,
        "-d",
        db,
        "--db-filter",
        f"^{re.escape(db)}$",
        "--http-port",
        str(port),
        "--gevent-port",
        str(port + 1),
        "--workers",
        "0",
        "--max-cron-threads",
        "1",
        "--logfile",
        logfile,
        "--log-level",
        "info",
    ]
    env = dict(os.environ)
    env.pop("ODOO_NOTIFY_CRON_CHANGES", None)
    if notify:
        env["ODOO_NOTIFY_CRON_CHANGES"] = "1"
    return subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env
    )


def read_log(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def wait_loaded(logfiles, procs, timeout=300):
    """Until every server has loaded its registry (log "Registry loaded")."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"an Odoo server stopped (rc {proc.returncode})")
        if all(
            any("Registry loaded in" in line for line in read_log(f)) for f in logfiles
        ):
            return
        time.sleep(0.5)
    raise RuntimeError("the Odoo servers did not load their registry in time")


def busy(db, crons):
    """True while one of our crons is due, triggered or running."""
    with connect(db) as cr:
        cr.execute(
            """
            SELECT (SELECT count(*) FROM ir_cron
                     WHERE id = ANY(%(ids)s) AND nextcall <= now() AND active)
                 + (SELECT count(*) FROM ir_cron_trigger
                     WHERE cron_id = ANY(%(ids)s) AND call_at <= now())
            """,
            {"ids": list(crons)},
        )
        pending = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM (SELECT id FROM ir_cron WHERE id = ANY(%s)"
            " FOR NO KEY UPDATE SKIP LOCKED) free",
            [list(crons)],
        )
        running = len(crons) - cr.fetchone()[0]
        cr.rollback()
    return pending + running


def trigger(db, crons):
    with connect(db) as cr:
        cr.execute(
            "UPDATE ir_cron SET nextcall = now() WHERE id = ANY(%s)", [list(crons)]
        )
        cr.commit()
    # the cron threads LISTEN on the "postgres" database (ir.cron._notifydb)
    with connect("postgres") as cr:
        cr.execute("SELECT pg_notify('cron_trigger', %s)", [db])
        cr.commit()


def checks(db, since):
    """(customers scored twice, customers lost, activities made twice, work
    list left) of the run that started at ``since`` (database time)."""
    with connect(db) as cr:
        cr.execute(
            "SELECT count(*) FROM (SELECT partner_id FROM res_partner_tier_history"
            " GROUP BY partner_id HAVING count(*) > 1) twice"
        )
        twice = cr.fetchone()[0]
        cr.execute(
            """
            SELECT count(*) FROM res_partner p
             WHERE p.parent_id IS NULL
               AND EXISTS (SELECT 1 FROM sale_order so
                             JOIN res_partner c ON c.id = so.partner_id
                            WHERE so.state = 'sale'
                              AND c.commercial_partner_id = p.id)
               AND p.id NOT IN (SELECT partner_id FROM res_company)
               AND (p.customer_tier_id IS NULL OR p.tier_scored_date IS NULL
                    OR NOT EXISTS (SELECT 1 FROM res_partner_tier_history h
                                    WHERE h.partner_id = p.id))
            """
        )
        lost = cr.fetchone()[0]
        cr.execute(
            """
            SELECT count(*) FROM (
                SELECT res_model, res_id, activity_type_id, summary
                  FROM mail_activity WHERE create_date >= %s
              GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) twice
            """,
            [since],
        )
        activities_twice = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM mail_activity WHERE create_date >= %s", [since]
        )
        activities = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM customer_tier_figure")
        left = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM res_partner_tier_history")
        history = cr.fetchone()[0]
    return {
        "scored twice": twice,
        "lost": lost,
        "activities made twice": activities_twice,
        "work list left": left,
        "history lines": history,
        "activities made": activities,
    }


def run_servers(args, db, count, notify):
    copy_db(args.db, db)
    crons = prepare(db, args.scaleout_batch)
    tier = next(i for i, name in crons.items() if "Tier" in name)
    logdir = args.logdir
    logfiles = [
        os.path.join(logdir, f"bench_scaleout_{count}_{int(notify)}_{i}.log")
        for i in range(count)
    ]
    for f in logfiles:
        if os.path.exists(f):
            os.unlink(f)
    procs = [
        start_server(args, db, args.http_port + 10 + 2 * i, f, notify)
        for i, f in enumerate(logfiles)
    ]
    try:
        wait_loaded(logfiles, procs)
        with connect(db) as cr:
            cr.execute("SELECT now() AT TIME ZONE 'UTC'")
            since = cr.fetchone()[0]
        start = time.monotonic()
        trigger(db, crons)
        time.sleep(1.0)
        deadline = start + args.scaleout_timeout
        while busy(db, crons):
            if time.monotonic() > deadline:
                raise RuntimeError("the crons did not finish in time")
            time.sleep(0.2)
        wall = time.monotonic() - start
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    per_server, problems = [], []
    for i, f in enumerate(logfiles):
        lines = read_log(f)
        jobs = [JOB_STARTING.search(line) for line in lines]
        jobs = [m.group(1) for m in jobs if m]
        batches = [m for m in map(JOB_BATCH.search, lines) if m]
        tier_batches = [m for m in batches if int(m.group(2)) == tier]
        busy_s = sum(float(m.group(1)) for m in map(JOB_DONE.search, lines) if m)
        per_server.append((i, busy_s, len(set(jobs)), len(batches), len(tier_batches)))
        problems += [line for line in lines if LOG_PROBLEM.match(line)]
    return wall, per_server, checks(db, since), problems


def run_direct(args, db):
    """Two processes calling the tier engine at once, without the runner."""
    copy_db(args.db, db)
    prepare(db, args.scaleout_batch)
    code = f"""
import sys, time, odoo, psycopg2, psycopg2.errors
from odoo.tools import config
config.parse_config(["-c", {args.config!r}, "--log-level=critical"])
registry = odoo.modules.registry.Registry({db!r})
calls = conflicts = restarts = 0
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{}})
    partner = env["res.partner"]
    if sys.argv[1] == "second":
        # starts once the first has staged and committed its first batch
        while True:
            cr.execute("SELECT count(*) FROM res_partner_tier_history")
            if cr.fetchone()[0]:
                break
            cr.rollback()
            time.sleep(0.05)
    figures = env["customer.tier.figure"]
    while True:
        try:
            # a run staged by this call changes the run stamp of the companies
            started = figures._run_started()
            left = partner._cron_recompute_tiers(batch_size={args.scaleout_batch})
            # read in the call's own transaction: its own stamp, not the other's
            if figures._run_started() != started:
                restarts += 1
            cr.commit()
        except (psycopg2.errors.SerializationFailure, psycopg2.IntegrityError):
            # Odoo runs REPEATABLE READ: a row the other caller deleted since
            # this transaction's snapshot cannot be locked, SKIP LOCKED or
            # not; two callers staging at once collide on the unique index.
            # Rolled back and tried again, as Odoo's request layer does
            cr.rollback()
            conflicts += 1
            left = True
        calls += 1
        env.invalidate_all()
        if not left or calls > 1000:
            break
print(calls, conflicts, restarts - (sys.argv[1] == "first"))
"""
    with connect(db) as cr:
        cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        since = cr.fetchone()[0]
    start = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, which],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for which in ("first", "second")
    ]
    outputs = [proc.communicate(timeout=args.scaleout_timeout) for proc in procs]
    wall = time.monotonic() - start
    calls, result_restarts = [], []
    for proc, (out, err) in zip(procs, outputs, strict=True):
        if proc.returncode:
            log(f"direct caller failed:\n{err[-2000:]}")
        if out.strip():
            n, conflicts, restarts = (int(x) for x in out.split())
            calls.append(f"{n} calls, {conflicts} conflicts, {restarts} restarts")
            result_restarts.append(restarts)
        else:
            calls.append("failed")
    result = checks(db, since)
    result["calls that staged (or tried to stage) a new run"] = sum(result_restarts)
    return wall, calls, result


def run(args):
    """The section (bench.py calls it after the others, outside their
    cursor)."""
    db = f"{args.db}_scaleout"
    ok = True
    with connect(args.db) as cr:
        cr.execute(
            "SELECT count(*) FROM res_partner WHERE parent_id IS NULL AND EXISTS"
            " (SELECT 1 FROM sale_order so WHERE so.partner_id = res_partner.id"
            " AND so.state = 'sale')"
        )
        buyers = cr.fetchone()[0]
        names = our_crons(cr)
    sys.stdout.write(
        f"scaleout: {buyers} customers with confirmed orders, tier batches of "
        f"{args.scaleout_batch}, crons: {', '.join(sorted(names.values()))}\n"
    )
    walls = {}
    counts = [int(n) for n in args.scaleout_servers.split(",") if n]
    for notify, count in [(n, c) for n in (False, True) for c in counts]:
        wall, per_server, result, problems = run_servers(args, db, count, notify)
        walls[count, notify] = wall
        base = walls.get((1, notify))
        how = "ODOO_NOTIFY_CRON_CHANGES=1" if notify else "stock Odoo runner"
        figure(
            f"nightly crons of the three addons, {count} server(s) x 1 cron"
            f" thread, {how}",
            wall,
            "s",
            base if count != 1 else None,
        )
        for i, busy_s, distinct, batches, tier_batches in per_server:
            sys.stdout.write(
                f"  server {i + 1}: {batches} batches of {distinct} crons"
                f" ({tier_batches} of the tier recompute), {busy_s:.1f} s in jobs\n"
            )
        sys.stdout.write(f"  checks: {result}\n")
        for line in problems[:10]:
            sys.stdout.write(f"  log: {line}\n")
        if result["scored twice"] or result["lost"] or result["work list left"]:
            ok = False
        if result["activities made twice"] or problems:
            ok = False
    wall, calls, result = run_direct(args, db)
    figure(
        "tier engine called by two processes at once (no runner lock)",
        wall,
        "s",
    )
    sys.stdout.write(
        "  per process: calls, conflicts (serialization failure or unique"
        " violation, rolled back and retried), new runs staged by a call that"
        f" found the work list empty: {calls}; checks: {result}\n"
    )
    if result["scored twice"] or result["lost"] or result["work list left"]:
        ok = False
    if result["calls that staged (or tried to stage) a new run"]:
        ok = False
    if "failed" in calls:
        ok = False
    if ok:
        drop(db)
    else:
        sys.stdout.write(f"scaleout: a check FAILED; {db} kept for a look\n")
    return ok
