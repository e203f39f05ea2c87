"""Shared helpers of the benchmark sections (see bench.py)."""

import os
import shutil
import statistics
import sys
import time
from contextlib import closing

from lxml import etree

import odoo
from odoo.service import db as db_service
from odoo.tools import SQL, config

BENCH_PREFIX = "BENCH/"

# The targets of the figures, as ratios to their same-run baselines.
# A run of the tier engine (first or daily) vs one SQL aggregation of the rows
# it reads:
TARGET_RECOMPUTE = 2
# A part that is inherently slower than the aggregation (the first run's
# writes) vs the same statement run by plain SQL:
TARGET_FLOOR = 1.2
# A pivot, graph or report of ours vs the SQL returning the same grouped rows
# with their labels:
TARGET_REPORT = 2
# A list or kanban load (web_search_read, web_read_group) vs the stock call:
TARGET_RPC = 1.2


def log(msg):
    sys.stderr.write(f"[bench] {msg}\n")
    sys.stderr.flush()


def figure(name, value, unit, baseline=None, target=None):
    """Print one figure, with its baseline and the ratio to it."""
    line = f"{name}: {value:.3f} {unit}"
    if baseline is not None:
        ratio = value / baseline if baseline else float("inf")
        line += f" | baseline {baseline:.3f} {unit} | ratio {ratio:.2f}x"
        if target:
            line += f" (target <= {target}x: {'ok' if ratio <= target else 'MISSED'})"
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def machine_facts(cr):
    """Print what the figures depend on besides the code: the machine's cores
    and memory, PostgreSQL's version and the settings that shape its plans."""
    try:
        with open("/proc/meminfo") as meminfo:
            mem_kb = int(meminfo.readline().split()[1])
        memory = f"{mem_kb / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        memory = "unknown"
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    cr.execute("SHOW server_version")
    version = cr.fetchone()[0]
    settings = (
        "shared_buffers",
        "work_mem",
        "effective_cache_size",
        "maintenance_work_mem",
        "max_parallel_workers_per_gather",
        "jit",
        "fsync",
        "synchronous_commit",
        "random_page_cost",
    )
    cr.execute(
        "SELECT name, setting, unit FROM pg_settings WHERE name = ANY(%s)"
        " ORDER BY name",
        [list(settings)],
    )
    pg = ", ".join(f"{name}={value}{unit or ''}" for name, value, unit in cr.fetchall())
    sys.stdout.write(
        f"machine: {os.cpu_count()} cores, {memory} memory,"
        f" load average {load}; PostgreSQL {version}: {pg}\n"
    )
    sys.stdout.flush()


def timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def median_time(func, repeat=5, warmup=1):
    """Median wall time of ``func`` over ``repeat`` calls after ``warmup``
    calls (caches warm on both sides of a comparison)."""
    for __ in range(warmup):
        func()
    times = []
    for __ in range(repeat):
        times.append(timed(func)[0])
    return statistics.median(times)


def paired(base_func, func, repeat=7, warmup=1):
    """Medians of ``base_func`` and ``func`` run in alternation (the machine
    is shared: a burst of load then hits both sides, not one)."""
    for __ in range(warmup):
        base_func()
        func()
    base, took = [], []
    for __ in range(repeat):
        for side, f in ((base, base_func), (took, func)):
            start = time.perf_counter()
            f()
            side.append(time.perf_counter() - start)
    return statistics.median(base), statistics.median(took)


def bench_user(env, login, group_xmlids):
    """An internal user with these groups (created once), for measures that
    must go through record rules like a real user's request."""
    users = env["res.users"].with_context(active_test=False)
    user = users.search([("login", "=", login)])
    if not user:
        user = users.create(
            {
                "name": login,
                "login": login,
                "groups_id": [(6, 0, [env.ref(x).id for x in group_xmlids])],
            }
        )
    return user


def list_specification(records, view_xmlid):
    """The ``specification`` the web client sends for the columns of a list
    view (the combined arch as the user of ``records`` gets it)."""
    view = records.env.ref(view_xmlid)
    result = records.get_views([(view.id, "list")])
    arch = etree.fromstring(result["views"]["list"]["arch"])
    fields_info = result["models"][records._name]["fields"]
    spec = {}
    for node in arch.iterchildren("field"):
        name = node.get("name")
        field = fields_info[name]
        if field["type"] == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field["type"] in ("many2many", "one2many"):
            sub = {"display_name": {}}
            options = node.get("options") or ""
            if "color_field" in options:
                sub["color"] = {}
            spec[name] = {"fields": sub}
        else:
            spec[name] = {}
    return spec


def web_list(records, domain, spec):
    return lambda: records.web_search_read(
        domain, spec, offset=0, limit=80, order=None, count_limit=10001
    )


# ---------------------------------------------------------------------------
# data generators
# ---------------------------------------------------------------------------
class Generator:
    """Base of the sections' data generators: bulk SQL from a fixed seed in
    the environment's transaction. A subclass sets ``COUNT_SQL`` (and
    ``COUNT_PARAMS``), a count of the rows it makes (0: not made yet), and
    ``SEED``, and implements ``run()``."""

    COUNT_SQL = None
    COUNT_PARAMS = ()
    SEED = 0.5

    def __init__(self, env, args):
        self.env = env
        self.cr = env.cr
        self.args = args
        self.company = env.company
        self.currency = self.company.currency_id

    def exists(self):
        self.cr.execute(self.COUNT_SQL, list(self.COUNT_PARAMS))
        return self.cr.fetchone()[0]

    def seed(self):
        """The fixed seed of PostgreSQL's random() for this generator."""
        self.cr.execute("SELECT setseed(%s)", [self.SEED])

    def analyze(self, *tables):
        """ANALYZE the tables just filled (all of them when none given)."""
        if not tables:
            self.cr.execute("ANALYZE")
        for table in tables:
            self.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))

    def run(self):
        raise NotImplementedError


def generate_once(gen, label):
    """Run ``gen`` unless its data is present; True when made."""
    present = gen.exists()
    if present:
        log(f"{label} data present ({present} rows), reusing it")
        return False
    gen.run()
    return True


# ---------------------------------------------------------------------------
# databases (bench_install, bench_scaleout)
# ---------------------------------------------------------------------------
def db_exists(name):
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def release(name):
    """Close this process's registry and connections of database ``name``."""
    odoo.modules.registry.Registry.delete(name)
    odoo.sql_db.close_db(name)


def drop(name):
    if db_exists(name):
        log(f"dropping {name}")
        release(name)
        db_service.exp_drop(name)


def copy_db(source, target):
    """``target`` as a copy of ``source`` (PostgreSQL template copy, and the
    filestore): nothing else may be connected to ``source``."""
    drop(target)
    log(f"copying {source} to {target}")
    release(source)
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(
            SQL(
                "CREATE DATABASE %s TEMPLATE %s",
                SQL.identifier(target),
                SQL.identifier(source),
            )
        )
    from_fs, to_fs = config.filestore(source), config.filestore(target)
    if os.path.exists(from_fs):
        shutil.copytree(from_fs, to_fs, dirs_exist_ok=True)
