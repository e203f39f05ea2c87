"""Replica section of the benchmark: the report RPCs of the addons served by
a local streaming replica through Odoo 18's ``db_replica_host``.

    bash scripts/bench.sh --sections sales,replica [--customers N ...]

Only with the project-local PostgreSQL cluster (``scripts/pg.sh``) or another
cluster on this machine whose data directory this process (as root: the
cluster's owner) can read. Steps:

1. two bench users (a salesperson with all documents, a sales manager) are
   committed in the bench database, so that the replica has them;
2. ``pg_basebackup -R -X stream`` of the whole cluster into a temporary
   directory (``/tmp/cm_bench_replica_<port>``), run as the cluster's OS
   user (``initdb``/``postgres`` refuse root), then a second ``postgres`` on
   the next free port from 54400, hot standby, its socket in that directory;
3. Odoo's registry is reopened with ``db_replica_host`` / ``db_replica_port``
   pointing at it: ``registry.cursor(readonly=True)`` is then a replica
   cursor (checked: ``pg_is_in_recovery()`` and ``transaction_read_only``);
4. each RPC is timed on the primary and on the replica, in alternation
   (medians of 7): the customer list as a salesperson
   (``web_search_read``, 80 rows with the tier columns), the customer
   performance pivot (tier x year, 12 months) and the tier distribution
   pivot as a sales manager; and each is run once more on the replica
   cursor to show it succeeds there;
5. the replica is stopped and its directory removed.

On one machine the replica shares the primary's cores and disk: the figure
is a check that the RPCs work there and cost the same, not a throughput
gain (that needs a replica on another machine).
"""

import os
import pwd
import shutil
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, timedelta

from bench_common import bench_user, figure, list_specification, log, paired

import odoo
from odoo.tools import config
from odoo.tools.safe_eval import safe_eval


def _free_port(start):
    import socket

    port = start
    while True:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("", port))
                return port
            except OSError:
                port += 1


def _as_owner(owner, cmd, **kwargs):
    if os.getuid() == 0:
        cmd = ["runuser", "-u", owner, "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


def _pg_bin(cr):
    cr.execute("SHOW server_version_num")
    major = int(cr.fetchone()[0]) // 10000
    for candidate in (
        f"/usr/lib/postgresql/{major}/bin",
        os.path.dirname(shutil.which("pg_ctl") or ""),
    ):
        if candidate and os.path.exists(os.path.join(candidate, "pg_ctl")):
            return candidate
    raise RuntimeError("pg_ctl / pg_basebackup not found")


def start_replica():
    """(directory, socket dir, port, owner, pg bin) of a fresh replica."""
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr.execute("SHOW data_directory")
        data = cr.fetchone()[0]
        pg_bin = _pg_bin(cr)
        cr.execute("SHOW port")
        primary_port = cr.fetchone()[0]
        # a hot standby refuses to start with less than the primary has
        cr.execute(
            "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
            [
                [
                    "max_connections",
                    "max_worker_processes",
                    "max_wal_senders",
                    "max_prepared_transactions",
                    "max_locks_per_transaction",
                ]
            ],
        )
        settings = " ".join(f"-c {name}={value}" for name, value in cr.fetchall())
    owner = pwd.getpwuid(os.stat(data).st_uid).pw_name
    host = config["db_host"] or "/var/run/postgresql"
    root = f"/tmp/cm_bench_replica_{primary_port}"
    if os.path.exists(root):
        stop_replica(root, owner, pg_bin)
    os.makedirs(root)
    shutil.chown(root, owner)
    try:
        return _start(root, data, pg_bin, primary_port, owner, host, settings)
    except Exception:
        stop_replica(root, owner, pg_bin)
        raise


def _start(root, data, pg_bin, primary_port, owner, host, settings):
    replica_data, sock = os.path.join(root, "data"), os.path.join(root, "run")
    os.makedirs(sock)
    shutil.chown(sock, owner)
    log(f"pg_basebackup of the cluster ({data}) into {replica_data}")
    _as_owner(
        owner,
        [
            f"{pg_bin}/pg_basebackup",
            "-D",
            replica_data,
            "-R",
            "-X",
            "stream",
            "-h",
            host,
            "-p",
            str(primary_port),
            "-U",
            config["db_user"] or owner,
        ],
    )
    port = _free_port(54400)
    log(f"starting the replica on port {port}")
    _as_owner(
        owner,
        [
            f"{pg_bin}/pg_ctl",
            "-D",
            replica_data,
            "-l",
            os.path.join(root, "postgresql.log"),
            "-w",
            "-t",
            "120",
            "-o",
            f"-p {port} -k {sock} -c listen_addresses='' -c hot_standby=on"
            f" -c fsync=off {settings}",
            "start",
        ],
    )
    return root, sock, port, owner, pg_bin


def stop_replica(root, owner, pg_bin):
    data = os.path.join(root, "data")
    if os.path.exists(os.path.join(data, "postmaster.pid")):
        try:
            _as_owner(
                owner, [f"{pg_bin}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]
            )
        except subprocess.CalledProcessError as exc:
            log(f"could not stop the replica: {exc.stderr}")
    shutil.rmtree(root, ignore_errors=True)


def wait_replayed(db, sock, port, timeout=120):
    """Until the replica has replayed what the primary has written now."""
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr.execute("SELECT pg_current_wal_lsn()")
        lsn = cr.fetchone()[0]
    import psycopg2

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with closing(
                psycopg2.connect(
                    dbname=db, host=sock, port=port, user=config["db_user"]
                )
            ) as cnx:
                with cnx.cursor() as cur:
                    cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
                    if cur.fetchone()[0]:
                        return
        except psycopg2.OperationalError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the replica did not catch up")


def measures(env):
    """name -> func(env) of the RPCs measured."""
    d12 = date.today() - timedelta(days=365)

    def customer_list(e):
        user = e["res.users"].search([("login", "=", "bench_salesman")])
        partners = e["res.partner"].with_user(user)
        spec = list_specification(partners, "base.view_partner_tree")
        action = e.ref("sale_customer_mgmt.res_partner_action_customer_tier")
        return partners.web_search_read(
            safe_eval(action.domain or "[]"), spec, limit=80, count_limit=10001
        )

    def manager(e):
        return e["res.users"].search([("login", "=", "bench_manager")])

    def performance(e):
        report = e["sale.customer.performance.report"].with_user(manager(e))
        return report.read_group(
            [("date", ">", d12)],
            ["order_count:sum", "sales_amount:sum", "margin:sum"],
            ["tier_id", "date:year"],
            lazy=False,
        )

    def composition(e):
        report = e["sale.customer.composition.report"].with_user(manager(e))
        return report.read_group([], ["__count"], ["tier_id"], lazy=False)

    return {
        "customer list, 80 rows (salesperson, get_views + web_search_read)": (
            customer_list
        ),
        "customer performance pivot, tier x year, 12 months (manager, read_group)": (
            performance
        ),
        "customer composition pivot by tier (manager, read_group)": composition,
    }


def run(args):
    """The section (bench.py calls it after the others, outside their
    cursor). True when every RPC ran on the replica."""
    db = args.db
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        bench_user(env, "bench_salesman", ["sales_team.group_sale_salesman_all_leads"])
        bench_user(env, "bench_manager", ["sales_team.group_sale_manager"])
        cr.commit()
    try:
        root, sock, port, owner, pg_bin = start_replica()
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        log(
            "replica: cannot set up a local replica: "
            f"{getattr(exc, 'stderr', '') or exc}"
        )
        return False
    ok = True
    try:
        wait_replayed(db, sock, port)
        odoo.modules.registry.Registry.delete(db)
        odoo.sql_db.close_db(db)
        config["db_replica_host"] = sock
        config["db_replica_port"] = port
        registry = odoo.modules.registry.Registry(db)
        assert registry._db_readonly is not None, "db_replica_host not taken"
        with (
            closing(registry.cursor(readonly=True)) as ro_cr,
            closing(registry.cursor()) as rw_cr,
        ):
            ro_cr.execute(
                "SELECT pg_is_in_recovery(),"
                " current_setting('transaction_read_only'), current_setting('port')"
            )
            recovery, read_only, ro_port = ro_cr.fetchone()
            sys.stdout.write(
                f"replica: port {ro_port}, in recovery {recovery},"
                f" transaction_read_only {read_only}\n"
            )
            if not recovery:
                log("the read-only cursor is not on the replica")
                ok = False
            ro_env = odoo.api.Environment(ro_cr, odoo.SUPERUSER_ID, {})
            rw_env = odoo.api.Environment(rw_cr, odoo.SUPERUSER_ID, {})
            for name, func in measures(ro_env).items():
                try:
                    func(ro_env)
                    ro_env.flush_all()
                except Exception as exc:  # noqa: BLE001 - reported
                    sys.stdout.write(f"replica: {name} FAILED on the replica: {exc}\n")
                    ro_cr.rollback()
                    ok = False
                    continue
                base, took = paired(
                    lambda f=func: (f(rw_env), rw_env.invalidate_all()),
                    lambda f=func: (f(ro_env), ro_env.invalidate_all()),
                )
                figure(f"{name}, on the replica", took, "s", base)
    finally:
        config["db_replica_host"] = False
        config["db_replica_port"] = False
        odoo.modules.registry.Registry.delete(db)
        odoo.sql_db.close_all()
        stop_replica(root, owner, pg_bin)
    return ok
