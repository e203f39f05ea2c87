"""The three addons uninstall cleanly from a database where they were installed.

Installation alone and together is proven by scripts/test.sh, which installs
sale_customer_mgmt alone, then key_account, then after_sales, and after_sales alone
in a copy. Here a copy of the test database has all three uninstalled by Odoo itself
in a separate process; the copy must then hold none of their models, tables or
columns, and Odoo must log no error while doing it.
"""

import subprocess
import sys

import pytest

import odoo
from odoo.tools import config

ADDONS = ["after_sales", "key_account", "sale_customer_mgmt"]

UNINSTALL = """
mods = env["ir.module.module"].search([("name", "in", %r)])
mods.button_immediate_uninstall()
env.cr.commit()
"""


def _odoo(*args, stdin=None):
    cmd = [sys.executable, "-m", "odoo", *args]
    return subprocess.run(
        cmd, input=stdin, capture_output=True, text=True, timeout=1200, check=False
    )


@pytest.fixture(scope="module")
def uninstalled_db():
    source = config["db_name"]
    target = f"{source}_uninstall"
    rc = config.rcfile
    # CREATE DATABASE ... TEMPLATE needs the source without sessions: hand back the
    # idle connections of this process (the pool reopens them for later tests)
    odoo.sql_db.close_db(source)
    dup = _odoo("db", "-c", rc, "duplicate", "-f", source, target)
    assert dup.returncode == 0, dup.stderr[-3000:]
    try:
        run = _odoo(
            "shell",
            "-c",
            rc,
            "-d",
            target,
            "--no-http",
            "--log-level=warn",
            stdin=UNINSTALL % ADDONS,
        )
        yield target, run
    finally:
        odoo.sql_db.close_db(target)
        _odoo("db", "-c", rc, "drop", target)


def _query(dbname, sql, params=()):
    with odoo.sql_db.db_connect(dbname).cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def test_uninstall_completes_without_error(uninstalled_db):
    """Odoo tries to delete every record the addons created, demo data included.
    Demo customers, products and users that business documents still reference
    cannot go: each refused DELETE (or the re-check after the table is dropped) is
    logged by ``odoo.sql_db`` as a "bad query", caught, and the record is kept —
    Odoo's normal way of keeping referenced data. Any other error, or a traceback,
    fails the uninstall."""
    _dbname, run = uninstalled_db
    assert run.returncode == 0, run.stderr[-3000:]
    output = run.stdout + run.stderr
    assert "Traceback" not in output and " CRITICAL " not in output, output[-3000:]
    errors = [
        line
        for line in output.splitlines()
        if " ERROR " in line and " odoo.sql_db: bad query: " not in line
    ]
    assert errors == [], "\n".join(errors[:20])


def test_uninstall_leaves_no_trace(uninstalled_db):
    dbname, _run = uninstalled_db
    states = dict(
        _query(
            dbname,
            "SELECT name, state FROM ir_module_module WHERE name = ANY(%s)",
            [ADDONS],
        )
    )
    assert states == {name: "uninstalled" for name in ADDONS}
    # no model, table or column of ours is left behind
    models = _query(
        dbname,
        "SELECT model FROM ir_model WHERE model LIKE ANY(%s)",
        [
            [
                "res.partner.tier%",
                "sale.customer.%",
                "sale.target%",
                "key.account.%",
                "after.sales.%",
            ]
        ],
    )
    assert models == []
    tables = _query(
        dbname,
        "SELECT tablename FROM pg_tables WHERE tablename LIKE ANY(%s)",
        [
            [
                "res_partner_tier%",
                "sale_customer_visit%",
                "sale_target%",
                "key_account_%",
                "after_sales_%",
            ]
        ],
    )
    assert tables == []
    columns = _query(
        dbname,
        """SELECT table_name, column_name FROM information_schema.columns
            WHERE (table_name = 'res_partner' AND column_name = ANY(%s))
               OR (table_name = 'crm_lead' AND column_name LIKE 'man\\_%%')
               OR (table_name = 'helpdesk_ticket' AND column_name = 'loop_state')""",
        [
            [
                "customer_tier_id",
                "customer_score",
                "tier_locked",
                "is_key_account",
                "ka_stage_id",
                "ka_quadrant",
            ]
        ],
    )
    assert columns == []
    # Odoo's own data survives: customers and tickets are still there
    assert _query(dbname, "SELECT count(*) FROM res_partner")[0][0] > 0
