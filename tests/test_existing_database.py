"""The addons' whole lifecycle in a database that had data before them.

An administrator adds the addons to an Odoo that has run for years. This test
makes such a database (its own, next to the test database): the addons'
dependencies without demo data, then customers with two years of orders,
invoices and payments, leads in every stage and helpdesk tickets, all through
the ORM (``lifecycle/existing_data.py``). Then, each step in its own Odoo
process as an administrator would run it:

1. install sale_customer_mgmt, key_account and after_sales one after the other;
2. the first scheduled tier run (the cron's batches, each committed) and one
   run of every cron of ours;
3. ``-u`` of the three addons on the used database;
4. uninstall after_sales, then key_account, then sale_customer_mgmt.

The schema catalog (tables, views, sequences, columns, indexes, constraints,
triggers) and Odoo's registry of crons, menus, actions, rules, fields and
models are read before each install; each uninstall must give back exactly the
catalog read before that addon came. The logs of every step must hold no
ERROR or WARNING but those of ``.ci/checklog-ignore.txt``.
"""

import pytest

import odoo
from odoo.tools import config

from .lifecycle.runner import DATA, Lifecycle, odoo_run

# the customer runs OCA's helpdesk with its SLA and rating modules already
DEPENDENCIES = (
    "account,helpdesk_mgmt,helpdesk_mgmt_sla,helpdesk_mgmt_rating,sale_crm,"
    "sale_management,sale_margin"
)
ADDONS = ["sale_customer_mgmt", "key_account", "after_sales"]


@pytest.fixture(scope="module")
def lifecycle():
    source = config["db_name"]
    db = f"{source}_existing"
    odoo.sql_db.close_db(source)
    odoo_run("db", "-c", config.rcfile, "drop", db)
    life = Lifecycle(db)
    try:
        assert life.server("dependencies", "-i", DEPENDENCIES) == 0, life.steps
        life.shell(
            "data",
            f"emit('data', runpy.run_path({DATA!r})['generate'](env))",
        )
        data = life.read[("data", "data")]
        ids = (data["buyers"], data["never_bought"], data["leads"], data["tickets"])
        life.shell("before", f"emit('tickets', probe.tickets(env, {ids[3]!r}))")
        life.snapshot("before:sale_customer_mgmt")
        for previous, addon in zip([None, *ADDONS], ADDONS, strict=False):
            if previous:
                life.snapshot(f"before:{addon}")
            life.server(f"install:{addon}", "-i", addon)
        life.shell(
            "first_run",
            "emit('calls', probe.first_scoring(env))\n"
            "emit('crons', probe.run_our_crons(env))\n"
            f"emit('scoring', probe.scoring(env, {ids[0]!r}, {ids[1]!r}, "
            f"{ids[2]!r}))\n"
            f"emit('tickets', probe.tickets(env, {ids[3]!r}))\n"
            "emit('counts', probe.record_counts(env))\n"
            "emit('settings', probe.settings(env))",
        )
        life.server("upgrade", "-u", ",".join(ADDONS))
        life.shell(
            "after_upgrade",
            "emit('counts', probe.record_counts(env))\n"
            "emit('settings', probe.settings(env))",
        )
        for addon in reversed(ADDONS):
            life.shell(
                f"uninstall:{addon}",
                "env['ir.module.module'].search("
                f"[('name', '=', {addon!r})]).button_immediate_uninstall()",
            )
            life.snapshot(f"after:{addon}")
        yield life
    finally:
        odoo.sql_db.close_db(db)
        odoo_run("db", "-c", config.rcfile, "drop", db)


def _assert_clean(life, step):
    code, problems, tail = life.steps[step]
    assert code == 0, f"{step} exited {code}:\n{tail}"
    assert problems == [], f"{step} logged:\n" + "\n".join(problems[:20])


def test_every_step_runs_without_error(lifecycle):
    for step in lifecycle.steps:
        with_step = step
        _assert_clean(lifecycle, with_step)


def test_existing_customers_are_scored_by_the_first_run(lifecycle):
    """Buyers get a tier, a score and its breakdown in batches (each batch
    its own transaction); partners who never bought are prospects."""
    data = lifecycle.read[("data", "data")]
    scoring = lifecycle.read[("first_run", "scoring")]["partners"]
    assert lifecycle.read[("first_run", "calls")] > 1, "one transaction for all"
    for partner_id in data["buyers"]:
        row = scoring[str(partner_id)]
        assert row["scored"] and row["tier"] and row["breakdown"], row
        assert not row["prospect"], row
        assert 0 <= row["score"] <= 100 and row["history"] == 1, row
    for partner_id in data["never_bought"]:
        row = scoring[str(partner_id)]
        assert row["prospect"] and not row["tier"], row
    tiers = {scoring[str(pid)]["tier"] for pid in data["buyers"]}
    assert len(tiers) > 1, f"every buyer in one tier: {tiers}"


def test_existing_leads_are_not_assessed(lifecycle):
    assert lifecycle.read[("first_run", "scoring")]["man_classes"] == [0]


def test_existing_tickets_are_untouched(lifecycle):
    """The team existed before after_sales: it does not use the service loop,
    and its tickets keep stage, assignee, priority and dates."""
    before = lifecycle.read[("before", "tickets")]
    assert before and lifecycle.read[("first_run", "tickets")] == before


def test_crons_run_on_existing_data(lifecycle):
    crons = lifecycle.read[("first_run", "crons")]
    assert crons["crons"] >= 5 and crons["failures"] == [], crons


def test_upgrade_keeps_records_and_settings(lifecycle):
    for probe in ("counts", "settings"):
        assert (
            lifecycle.read[("after_upgrade", probe)]
            == lifecycle.read[("first_run", probe)]
        ), probe


@pytest.mark.parametrize("addon", list(reversed(ADDONS)))
def test_uninstall_gives_back_the_catalog(lifecycle, addon):
    """Each uninstall, in turn, leaves the schema and Odoo's registry as they
    were before that addon was installed: no table, column, index (those made
    in ``init()`` on other modules' tables included), constraint, cron, menu,
    action, rule, field, model or external id of it remains."""
    for probe in ("catalog", "metadata"):
        before = lifecycle.read[(f"before:{addon}", probe)]
        after = lifecycle.read[(f"after:{addon}", probe)]
        for kind in sorted(set(before) | set(after)):
            left = sorted(
                set(map(str, after.get(kind, []))) - set(map(str, before.get(kind, [])))
            )
            gone = sorted(
                set(map(str, before.get(kind, []))) - set(map(str, after.get(kind, [])))
            )
            assert left == [] and gone == [], (
                f"after uninstalling {addon}, {kind}: left {left[:15]}, "
                f"missing {gone[:15]}"
            )
