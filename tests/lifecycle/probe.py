"""What the lifecycle test reads from a database, run inside ``odoo shell``.

Each function takes ``env`` and returns JSON-able data; the test prints it as
one line ``PROBE <name> {...}`` and compares the lines of its stages.
"""

from odoo.tools import SQL

OUR_ADDONS = ("sale_customer_mgmt", "key_account", "after_sales")


def catalog(env):
    """Every schema object of the public schema, by kind, as sorted lists:
    relations (tables, views, sequences), columns, indexes with their
    definition, constraints and triggers."""

    def rows(query):
        return sorted(" ".join(map(str, row)) for row in env.execute_query(SQL(query)))

    return {
        "relations": rows(
            """SELECT c.relkind, c.relname FROM pg_class c
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'S')"""
        ),
        "columns": rows(
            """SELECT table_name, column_name, data_type
                 FROM information_schema.columns WHERE table_schema = 'public'"""
        ),
        "indexes": rows(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = 'public'"
        ),
        "constraints": rows(
            """SELECT t.relname, c.conname, c.contype FROM pg_constraint c
                 JOIN pg_class t ON t.oid = c.conrelid
                 JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public'"""
        ),
        "triggers": rows(
            """SELECT event_object_table, trigger_name
                 FROM information_schema.triggers
                WHERE trigger_schema = 'public'"""
        ),
    }


def metadata(env):
    """What Odoo registers for our addons: external ids per module, and the
    crons, menus, actions, rules and fields whatever their external id."""
    data = {}
    for module in OUR_ADDONS:
        [(count,)] = env.execute_query(
            SQL("SELECT count(*) FROM ir_model_data WHERE module = %s", module)
        )
        data[f"xmlids:{module}"] = [count]
    data["crons"] = sorted(
        env["ir.cron"].with_context(active_test=False).search([]).mapped("cron_name")
    )
    data["menus"] = sorted(
        env["ir.ui.menu"]
        .with_context(active_test=False)
        .search([])
        .mapped(lambda m: m.complete_name or "")
    )
    data["actions"] = sorted(
        env.execute_query(SQL("SELECT type || ':' || id FROM ir_actions"))
    )
    data["rules"] = sorted(
        f"{rule.model_id.model}:{rule.name or ''}"
        for rule in env["ir.rule"].with_context(active_test=False).search([])
    )
    data["fields"] = sorted(
        f"{model}.{name}"
        for model, name in env.execute_query(
            SQL("SELECT model, name FROM ir_model_fields")
        )
    )
    data["models"] = sorted(env["ir.model"].search([]).mapped("model"))
    data["views"] = sorted(
        env.execute_query(SQL("SELECT id FROM ir_ui_view")), key=lambda r: r[0]
    )
    data["views"] = [row[0] for row in data["views"]]
    data["actions"] = [row[0] for row in data["actions"]]
    return data


def tickets(env, ticket_ids):
    """The columns helpdesk_mgmt owns, for the tickets that existed before."""
    return {
        str(row[0]): [str(value) for value in row[1:]]
        for row in env.execute_query(
            SQL(
                """SELECT id, stage_id, user_id, team_id, priority, write_date,
                          closed_date, last_stage_update
                     FROM helpdesk_ticket WHERE id = ANY(%s) ORDER BY id""",
                list(ticket_ids),
            )
        )
    }


def record_counts(env):
    """Rows of every table of ours and of the documents they hang on."""
    counts = {}
    for (table,) in env.execute_query(
        SQL(
            """SELECT c.relname FROM pg_class c
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r'
                  AND (c.relname LIKE ANY(%s))""",
            [
                "res_partner%",
                "sale_customer%",
                "sale_collection%",
                "sale_target%",
                "sale_visit%",
                "sale_order%",
                "crm_lead%",
                "crm_development%",
                "key_account%",
                "after_sales%",
                "helpdesk_ticket%",
                "mail_activity",
                "ir_config_parameter",
            ],
        )
    ):
        if table == "customer_tier_figure":
            continue  # the recompute's work list, emptied by every run
        [(count,)] = env.execute_query(
            SQL("SELECT count(*) FROM %s", SQL.identifier(table))
        )
        counts[table] = count
    return counts


def settings(env):
    """System parameters and the company columns our addons add."""
    params = dict(env.execute_query(SQL("SELECT key, value FROM ir_config_parameter")))
    params.pop("database.uuid", None)
    company_fields = sorted(
        name
        for name, field in env["res.company"]._fields.items()
        if field.store
        and field.column_type
        and field._module in OUR_ADDONS
        and name not in ("write_date", "write_uid")
    )
    company = env["res.company"].search([], limit=1, order="id")
    return {
        "params": params,
        "company": {
            name: str(
                company[name].ids if hasattr(company[name], "ids") else company[name]
            )
            for name in company_fields
        },
    }


def first_scoring(env, batch_size=7):
    """Run the nightly tier job as the cron runner does: one batch per call,
    committed, until nothing is left. Returns the number of calls."""
    calls = 0
    while True:
        calls += 1
        left = env["res.partner"]._cron_recompute_tiers(batch_size=batch_size)
        env.cr.commit()
        if not left or calls > 100:
            return calls


def run_our_crons(env):
    """Every scheduled action of our addons, once, as the scheduler would;
    returns the failures as text (empty when none failed)."""
    failures = []
    crons = env["ir.cron"].search(
        [
            (
                "id",
                "in",
                [
                    res_id
                    for (res_id,) in env.execute_query(
                        SQL(
                            "SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' "
                            "AND module = ANY(%s)",
                            list(OUR_ADDONS),
                        )
                    )
                ],
            )
        ]
    )
    for cron in crons:
        try:
            with env.cr.savepoint():
                cron.method_direct_trigger()
        except Exception as error:  # noqa: BLE001 - reported to the test
            failures.append(f"{cron.cron_name}: {error!r}")
    env.cr.commit()
    return {"crons": len(crons), "failures": failures}


def scoring(env, buyer_ids, never_bought_ids, lead_ids):
    """The customers' tiers and the leads' MAN classes after installation."""
    partners = env["res.partner"].browse(buyer_ids + never_bought_ids)
    return {
        "partners": {
            str(p.id): {
                "tier": p.customer_tier_id.code or "",
                "score": p.customer_score,
                "scored": bool(p.tier_scored_date),
                "prospect": p.is_prospect,
                "breakdown": bool(p.tier_breakdown_html),
                "history": len(p.tier_history_ids),
            }
            for p in partners
        },
        "man_classes": sorted(
            set(
                env["crm.lead"]
                .with_context(active_test=False)
                .browse(lead_ids)
                .mapped("man_class")
            )
        ),
    }
