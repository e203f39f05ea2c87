"""Benchmarks at realistic volume (not a test: it prints figures).

    bash scripts/bench.sh [--customers N] [--orders N] [--lines N] [--invoices N]
                          [--leads N] [--tickets N] [--key-accounts N]
                          [--sections sales,crm,service,key_account]
                          [--sections sales,scaleout [--scaleout-servers 1,2]
                           [--scaleout-batch N]]
                          [--sections sales,replica]

The data set is made with bulk SQL from a fixed seed, section by section, in a
database kept between runs (a section's data is made once). Every figure is
printed next to its baseline, measured in the same run on the same rows, and
the ratio to the target. Everything measured is rolled back.

Sections (one module each, ``bench_<section>.py``, with ``generate(env, args)``
and ``measure(env, args)``):

- sales: customers, products in several categories, confirmed orders with
  lines and margins over two years, posted invoices and credit notes with
  payments reconciled on time, late, partially or not at all; the full tier
  recompute (first run and daily run) vs one plain SQL aggregation of the
  same rows, and its peak memory;
- further sections add leads, tickets and key accounts and their figures;
- scaleout (``bench_scaleout.py``, only when named): the nightly crons of the
  three addons run by one, then two Odoo servers on a copy of the database,
  their wall times, and checks that no batch ran twice and none was lost;
- replica (``bench_replica.py``, only when named): a local streaming replica
  of the cluster, the report RPCs through ``db_replica_host`` against the
  same RPCs on the primary.

Install mode (``--install-on-data``, ``bench_install.py``): the addons are
installed into a database that already holds the sales section's data set,
as on a customer's database, instead of the data being made after the
install:

    bash scripts/bench.sh --install-on-data [--customers N] [--orders N]
                          [--lines N] [--invoices N]

The database (``CM_BENCH_INSTALL_DB``, default ``cm_bench_install``) gets the
addons' dependencies without demo data (``<db>_empty``, kept) and then the
sales data set (``<db>``, kept: made once); each run copies them to
``<db>_run`` and installs ``--addons`` there with ``odoo -i
--without-demo=all --stop-after-init`` in a process of its own. Printed: the
install's wall time against the same install without data and each addon's
install transaction; the first full scoring (the tier cron the post_init_hook
triggered, run by Odoo's cron runner until nothing is left) against one SQL
aggregation of the same rows, with its batches (each a committed transaction)
and the largest; the customers with confirmed orders and no tier afterwards
(must be 0). ``<db>_run`` is dropped at the end unless a check failed.
"""

import argparse
import importlib
import os
import sys
import time
from contextlib import closing

import odoo
from odoo.tools import config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_common import log, machine_facts  # noqa: E402

SECTIONS = ["sales", "crm", "service", "key_account"]


def vacuum(db):
    """VACUUM ANALYZE after bulk loading, as autovacuum would do some time
    later: the measures then see the tables a live database has."""
    log("VACUUM ANALYZE")
    with odoo.sql_db.db_connect(db).cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE")
        cr._cnx.autocommit = False


# Tables whose rows the measurements rewrite and roll back (the tier
# engine's first runs and their replays rewrite every customer's row, which
# is never a HOT update). A rolled-back row version leaves its entry in every
# index of the table; over the runs of a kept database the indexes of
# res_partner grew to ten times their size (the customer list's partial
# index: 16 MB for 20 000 rows, 120 pages once rebuilt), and PostgreSQL then
# read the whole table instead of that index. A live database never had
# these rows: before each section they are vacuumed away and the indexes
# rebuilt, so that every measure sees the tables the data set had when built.
REWRITTEN_TABLES = ["res_partner", "res_partner_tier_history"]


def restore(db):
    """Remove what earlier rolled-back measurements left in the tables they
    rewrite (``REWRITTEN_TABLES``): dead rows, index entries, statistics."""
    log("VACUUM, REINDEX, ANALYZE " + ", ".join(REWRITTEN_TABLES))
    with odoo.sql_db.db_connect(db).cursor() as cr:
        cr._cnx.autocommit = True
        for table in REWRITTEN_TABLES:
            cr.execute(f"VACUUM {table}")  # fixed names, not input
            cr.execute(f"REINDEX TABLE {table}")
            # after the rebuild: the visibility map (index-only scans) and
            # the statistics of the rebuilt indexes
            cr.execute(f"VACUUM ANALYZE {table}")
        cr._cnx.autocommit = False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--customers", type=int, default=50000)
    parser.add_argument("--orders", type=int, default=200000)
    parser.add_argument("--lines", type=int, default=1000000)
    parser.add_argument("--invoices", type=int, default=200000)
    parser.add_argument("--leads", type=int, default=100000)
    parser.add_argument("--tickets", type=int, default=200000)
    parser.add_argument("--key-accounts", type=int, default=500)
    parser.add_argument("--sections", default=",".join(SECTIONS))
    install = parser.add_argument_group("install mode")
    install.add_argument("--install-on-data", action="store_true")
    install.add_argument(
        "--addons", default="sale_customer_mgmt,key_account,after_sales"
    )
    install.add_argument("--dependencies", default="", help="modules of <db>_empty")
    install.add_argument("--http-port", type=int, default=18069)
    install.add_argument("--logdir", default=".")
    importlib.import_module("bench_scaleout").add_arguments(parser)
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn"])
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        machine_facts(cr)
    if args.install_on_data:
        importlib.import_module("bench_install").run(args)
        return
    sections = []
    names = args.sections.split(",")
    for name in names:
        if name in ("scaleout", "replica"):
            continue  # after the others, with servers of their own
        path = os.path.join(os.path.dirname(__file__), f"bench_{name}.py")
        if os.path.exists(path):
            sections.append(importlib.import_module(f"bench_{name}"))
        else:
            log(f"section {name}: not available")
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        generated = False
        for section in sections:
            start = time.perf_counter()
            if section.generate(env, args):
                generated = True
                cr.commit()
                took = time.perf_counter() - start
                log(f"{section.__name__}: data built in {took:.1f} s")
        cr.commit()
        if generated:
            vacuum(args.db)
        for section in sections:
            restore(args.db)
            section.measure(env, args)
            cr.rollback()
            env.invalidate_all()
    failed = False
    for name in ("replica", "scaleout"):
        if name in names and not importlib.import_module(f"bench_{name}").run(args):
            failed = True
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
