"""The three addons upgrade and uninstall cleanly in a database that was used.

Installation alone and together is proven by scripts/test.sh, which installs
sale_customer_mgmt alone, then key_account, then after_sales, and after_sales alone
in a copy; ``test_existing_database.py`` proves install, upgrade and uninstall of
each addon in a database that had data before them. Here a copy of the test
database, used by the demo data and the addons' tests (tiers and their history,
key accounts in every stage, tickets in every loop state, evaluations), is first
upgraded with ``-u`` of the three addons, which must keep every record and
setting and log no error, and then has all three uninstalled by Odoo itself; the
copy must then hold none of their models, tables or columns, and Odoo must log
no error while doing it.
"""

import pytest

import odoo
from odoo.tools import config

from .lifecycle.runner import Lifecycle, odoo_run

ADDONS = ["after_sales", "key_account", "sale_customer_mgmt"]

UNINSTALL = """
mods = env["ir.module.module"].search([("name", "in", %r)])
mods.button_immediate_uninstall()
env.cr.commit()
"""


@pytest.fixture(scope="module")
def used_db():
    source = config["db_name"]
    target = f"{source}_uninstall"
    # CREATE DATABASE ... TEMPLATE needs the source without sessions: hand back the
    # idle connections of this process (the pool reopens them for later tests)
    odoo.sql_db.close_db(source)
    dup = odoo_run("db", "-c", config.rcfile, "duplicate", "-f", source, target)
    assert dup[0] == 0, dup[1][-3000:]
    life = Lifecycle(target, demo=True)
    try:
        life.shell(
            "used",
            "emit('counts', probe.record_counts(env))\n"
            "emit('settings', probe.settings(env))",
        )
        life.server("upgrade", "-u", ",".join(ADDONS))
        life.shell(
            "upgraded",
            "emit('counts', probe.record_counts(env))\n"
            "emit('settings', probe.settings(env))",
        )
        code, output = odoo_run(
            "shell",
            "-c",
            config.rcfile,
            "-d",
            target,
            "--no-http",
            "--log-level=warn",
            stdin=UNINSTALL % ADDONS,
        )
        yield target, life, code, output
    finally:
        odoo.sql_db.close_db(target)
        odoo_run("db", "-c", config.rcfile, "drop", target)


@pytest.fixture(scope="module")
def uninstalled_db(used_db):
    target, _life, code, output = used_db
    return target, (code, output)


def test_upgrade_of_a_used_database(used_db):
    """``-u`` on a database with tiers, history, key-account stages, tickets in
    every loop state and evaluations keeps every row of our tables and of the
    documents they hang on, and every setting, without a logged problem."""
    _target, life, _code, _output = used_db
    for step in ("used", "upgrade", "upgraded"):
        code, problems, tail = life.steps[step]
        assert code == 0, f"{step} exited {code}:\n{tail}"
        assert problems == [], f"{step} logged:\n" + "\n".join(problems[:20])
    assert life.read[("used", "counts")]["res_partner_tier_history"] > 0
    for probe in ("counts", "settings"):
        assert life.read[("upgraded", probe)] == life.read[("used", probe)], probe


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
    _dbname, (returncode, output) = uninstalled_db
    assert returncode == 0, output[-3000:]
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
