"""Every screen of the three addons opens in a read-only transaction.

Odoo 18 routes the RPCs decorated ``@api.readonly`` (``get_views``,
``web_search_read``, ``web_read``, ``web_read_group``, ``read_group``,
``read_progress_bar``, ``search_read``, ``/web/action/load``, the menus) to a
replica when ``db_replica_host`` is set. A view, report or compute that writes
while it is read (an ORM flush of a stored field computed on read, the
``init`` of a SQL-view report, a helper record created on the fly) raises
``ReadOnlySqlTransaction`` there: Odoo then retries on the primary, logs a
WARNING, and the replica relieves nothing.

For every window action reachable from the menus of our three addons (and the
actions of the smart buttons of the forms opened), as the users who open them
(a sales manager who is also KA manager, a salesperson limited to her own
documents, an accountant, a service manager, a service agent, the
administrator), the test makes the calls the web client makes to show the
action's views — ``/web/action/load``, ``get_views``, ``web_search_read`` with
the list / kanban field specification, ``web_read_group`` with the groupings
of the action context and of the search view defaults, ``read_progress_bar``
for the kanbans with a progress bar, ``read_group`` for pivots,
``web_read_group`` for graphs, ``search_read`` for calendars, ``web_read`` of
the first record with the form's specification — each in its own
transaction that PostgreSQL holds READ ONLY (``SET TRANSACTION READ ONLY``
in a savepoint of the test transaction, which is how Odoo's own test cursor
simulates a replica, ``odoo/sql_db.py`` ``TestCursor``), ending with the
flush that Odoo makes at the end of every request.

``test_harness_refuses_a_write`` proves that the same harness fails on a
write. ``KNOWN_WRITERS`` lists the cases that are known to write, each with
its reason: they make the test
xfail strictly — a known case that passes, or any new failing case, fails
the test.
"""

import json
import traceback
from datetime import date, timedelta

import psycopg2.errors
import pytest
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.osv import expression
from odoo.tests import new_test_user
from odoo.tools import mute_logger
from odoo.tools import safe_eval as safe_eval_module
from odoo.tools.safe_eval import safe_eval

from odoo.addons.web.controllers.utils import clean_action

from .common import CrossAddonCase

OUR_ADDONS = ("sale_customer_mgmt", "key_account", "after_sales")

# (action xml id or "model:button", rpc) -> why it writes; a key may also be
# the case alone (every RPC of that action). Empty when every screen reads
# without writing. A temporary list: an entry goes once its fix is in.
KNOWN_WRITERS = {}

# user key -> groups (new_test_user)
USERS = {
    "sales_manager": "base.group_user,sales_team.group_sale_manager,"
    "key_account.group_key_account_manager",
    "salesperson": "base.group_user,sales_team.group_sale_salesman,"
    "key_account.group_key_account_user",
    "accountant": "base.group_user,sale_customer_mgmt.group_customer_accountant,"
    "account.group_account_invoice",
    "service_manager": "base.group_user,after_sales.group_after_sales_manager",
    "service_agent": "base.group_user,after_sales.group_after_sales_agent",
}


def _eval_context(env):
    today = date.today()
    return {
        "uid": env.uid,
        "user": env.user,
        "context": dict(env.context),
        "allowed_company_ids": env.companies.ids,
        "active_id": False,
        "active_ids": [],
        "active_model": False,
        "time": safe_eval_module.time,
        "datetime": safe_eval_module.datetime,
        "dateutil": safe_eval_module.dateutil,
        "relativedelta": relativedelta,
        "context_today": lambda: safe_eval_module.datetime.date.today(),
        "current_date": today.isoformat(),
        "today": today.isoformat(),
        "now": safe_eval_module.datetime.datetime.now(),
    }


def _as_python(value, eval_ctx, default):
    if not value:
        return default
    if isinstance(value, str):
        return safe_eval(value, dict(eval_ctx))
    return value


def _field_nodes(node):
    """The <field> nodes of an arch, not those of a nested x2many view."""
    for child in node.iterchildren(tag=etree.Element):
        if child.tag == "field":
            yield child
        else:
            yield from _field_nodes(child)


def _spec(node, model, models):
    """The specification the web client sends for the fields of a view."""
    fields_info = models.get(model, {}).get("fields", {})
    spec = {}
    for field_node in _field_nodes(node):
        name = field_node.get("name")
        info = fields_info.get(name)
        if not info:
            continue
        if info["type"] == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif info["type"] in ("one2many", "many2many"):
            sub = {}
            for subview in field_node.iterchildren("list", "kanban"):
                sub = _spec(subview, info["relation"], models)
                break
            sub.setdefault("display_name", {})
            spec[name] = {"fields": sub, "limit": 40}
        else:
            spec[name] = {}
    return spec


def _aggregates(spec, fields_info):
    return [
        f"{name}:{fields_info[name]['aggregator']}"
        for name in spec
        if fields_info.get(name, {}).get("aggregator")
        and fields_info[name]["type"] in ("integer", "float", "monetary")
    ]


def _search_defaults(search_arch, context, eval_ctx):
    """(domain, groupbys) of the search view's defaults (search_default_*)."""
    if search_arch is None:
        return [], []
    defaults = {
        key[len("search_default_") :]: value
        for key, value in context.items()
        if key.startswith("search_default_") and value
    }
    if not defaults:
        return [], []
    # filters in groups (separated by <separator/>): OR inside, AND across
    groups, current = [], []
    groupbys = []
    for node in search_arch.iter("filter", "separator", "group", "field"):
        if node.tag in ("separator", "group"):
            if current:
                groups.append(current)
            current = []
            continue
        name = node.get("name")
        if name not in defaults:
            continue
        value = defaults[name]
        if node.tag == "field":
            if node.get("filter_domain"):
                ctx = dict(eval_ctx, self=value, raw_value=value)
                groups.append([_as_python(node.get("filter_domain"), ctx, [])])
            else:
                groups.append([[(name, "=", value)]])
            continue
        ctx_value = _as_python(node.get("context"), eval_ctx, {})
        if ctx_value.get("group_by"):
            gb = ctx_value["group_by"]
            groupbys.extend(gb if isinstance(gb, list) else [gb])
            continue
        if node.get("date"):
            # the default period of a date filter: this month (the web
            # client's default), or the filter's default_period
            today = date.today()
            start = today.replace(day=1)
            end = start + relativedelta(months=1) - timedelta(days=1)
            if node.get("default_period", "").startswith("year"):
                start, end = (
                    today.replace(month=1, day=1),
                    today.replace(month=12, day=31),
                )
            current.append(
                [
                    (node.get("date"), ">=", start.isoformat()),
                    (node.get("date"), "<=", end.isoformat()),
                ]
            )
            continue
        current.append(_as_python(node.get("domain"), eval_ctx, []))
    if current:
        groups.append(current)
    domain = (
        expression.AND(
            [expression.OR([list(part) for part in group]) for group in groups if group]
        )
        if groups
        else []
    )
    return domain, groupbys


class TestReadOnlyScreens(CrossAddonCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            key: new_test_user(cls.env, login=f"h6ro_{key}", groups=groups)
            for key, groups in USERS.items()
        }
        cls.users["admin"] = cls.env.ref("base.user_admin")

    # ------------------------------------------------------------------
    # the read-only transaction
    # ------------------------------------------------------------------
    def _read_only(self, env, func):
        """Run ``func()`` as one RPC on a replica: its own transaction, held
        READ ONLY by PostgreSQL, a cold ORM cache, the end-of-request flush.
        Returns its result; raises what it raised."""
        cr = self.env.cr
        self.env.flush_all()
        env.invalidate_all(flush=False)
        cr.execute("SAVEPOINT h6_read_only")
        try:
            # the test reports a failing query itself: Odoo's "bad query"
            # ERROR would only repeat it in the log
            with mute_logger("odoo.sql_db"):
                cr.execute("SET TRANSACTION READ ONLY")
                cr.execute("SHOW transaction_read_only")
                assert cr.fetchone()[0] == "on"
                result = func()
                env.flush_all()
            return result
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT h6_read_only")
            cr.execute("RELEASE SAVEPOINT h6_read_only")
            env.transaction.clear()

    def _rpc(self, case, rpc, env, func, report):
        try:
            return self._read_only(env, func)
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            kind = (
                "WRITES"
                if isinstance(exc, psycopg2.errors.ReadOnlySqlTransaction)
                else type(exc).__name__
            )
            # the frame of our code nearest to the failure (the line that
            # writes), and the last frames
            frames = traceback.extract_tb(exc.__traceback__)
            ours = [
                f
                for f in frames
                if any(f"/{addon}/" in f.filename for addon in OUR_ADDONS)
            ]
            head = "".join(traceback.format_list(ours[-1:] + frames[-3:]))
            head += "".join(traceback.format_exception_only(exc)).strip()
            report["failures"][(case, rpc)] = f"{kind}: {head}"
            return None

    # ------------------------------------------------------------------
    # the web client's calls for one action
    # ------------------------------------------------------------------
    def _open_action(self, env, case, action, report, depth=0):
        model_name = action.get("res_model")
        if not model_name or model_name not in env:
            return
        eval_ctx = _eval_context(env)
        context = dict(env.context)
        context.update(_as_python(action.get("context"), eval_ctx, {}))
        domain = _as_python(action.get("domain"), eval_ctx, [])
        model = env[model_name].with_context(context)
        views = [list(v) for v in action.get("views") or []]
        if not views:
            modes = (action.get("view_mode") or "list,form").split(",")
            views = [[False, mode] for mode in modes]
        search_view = action.get("search_view_id")
        views.append([search_view[0] if search_view else False, "search"])
        options = {"action_id": action.get("id"), "load_filters": True, "toolbar": True}
        result = self._rpc(
            case, "get_views", env, lambda: model.get_views(views, options), report
        )
        if not result:
            return
        report["actions"] += 1
        archs = {
            vtype: etree.fromstring(view["arch"])
            for vtype, view in result["views"].items()
        }
        default_domain, default_groupbys = _search_defaults(
            archs.get("search"), context, eval_ctx
        )
        ctx_groupby = context.get("group_by") or []
        if isinstance(ctx_groupby, str):
            ctx_groupby = [ctx_groupby]
        screen = {
            "case": case,
            "env": env,
            "report": report,
            "model": model,
            "models": result["models"],
            "fields": result["models"][model_name]["fields"],
            "context": context,
            "domain": expression.AND([domain, default_domain]),
            "groupbys": list(ctx_groupby) or default_groupbys,
            "first_id": None,
        }
        for vtype in ("list", "kanban"):
            if vtype in archs:
                self._records(screen, vtype, archs[vtype])
        for vtype in ("pivot", "graph", "calendar"):
            if vtype in archs:
                getattr(self, f"_{vtype}")(screen, archs[vtype])
        if "form" in archs:
            self._form(screen, domain, archs["form"], depth)

    def _call(self, screen, rpc, func):
        return self._rpc(screen["case"], rpc, screen["env"], func, screen["report"])

    def _records(self, screen, vtype, arch):
        """List or kanban: grouped (web_read_group, the records of the first
        groups, the progress bar) or flat (web_search_read)."""
        model, domain = screen["model"], screen["domain"]
        spec = _spec(arch, model._name, screen["models"])
        order = arch.get("default_order") or None
        limit = 40 if vtype == "kanban" else 80
        gbs = screen["groupbys"]
        if vtype == "kanban" and not gbs and arch.get("default_group_by"):
            gbs = [arch.get("default_group_by")]
        if not gbs:
            found = self._call(
                screen,
                f"web_search_read {vtype}",
                lambda: model.web_search_read(
                    domain, spec, limit=80, order=order, count_limit=10001
                ),
            )
            self._remember_first(screen, found)
            return
        aggregates = _aggregates(spec, screen["fields"])
        groups = self._call(
            screen,
            f"web_read_group {vtype} {gbs[:1]}",
            lambda: model.web_read_group(
                domain, aggregates, gbs[:1], limit=limit, lazy=True
            ),
        )
        for group in (groups or {}).get("groups", [])[:3]:
            found = self._call(
                screen,
                f"web_search_read {vtype} group",
                lambda d=group["__domain"]: model.web_search_read(
                    d, spec, limit=limit, order=order
                ),
            )
            self._remember_first(screen, found)
        progressbar = arch.find(".//progressbar")
        if vtype == "kanban" and progressbar is not None:
            bar = {
                "field": progressbar.get("field"),
                "colors": json.loads(progressbar.get("colors") or "{}"),
            }
            if progressbar.get("sum_field"):
                bar["sum_field"] = progressbar.get("sum_field")
            self._call(
                screen,
                "read_progress_bar",
                lambda: model.read_progress_bar(domain, gbs[0], bar),
            )

    @staticmethod
    def _remember_first(screen, found):
        if found and found["records"] and screen["first_id"] is None:
            screen["first_id"] = found["records"][0]["id"]

    def _measure_spec(self, screen, name):
        if name == "__count":
            return name
        aggregator = screen["fields"].get(name, {}).get("aggregator") or "sum"
        return f"{name}:{aggregator}"

    def _pivot(self, screen, arch):
        """The pivot's read_group calls: total, rows, columns, both."""
        context, model, domain = screen["context"], screen["model"], screen["domain"]

        def of_type(kind):
            return [
                self._groupby_name(n)
                for n in arch.iter("field")
                if n.get("type") == kind
            ]

        rows = context.get("pivot_row_groupby") or of_type("row")
        cols = context.get("pivot_column_groupby") or of_type("col")
        measures = context.get("pivot_measures") or [
            n.get("name") for n in arch.iter("field") if n.get("type") == "measure"
        ]
        specs = ["__count"] + [
            self._measure_spec(screen, m) for m in measures if m != "__count"
        ]
        for gb in ([], rows[:1], cols[:1], rows[:1] + cols[:1]):
            self._call(
                screen,
                f"read_group pivot {gb}",
                lambda g=gb: model.read_group(domain, specs, g, lazy=False),
            )

    def _graph(self, screen, arch):
        context, model, domain = screen["context"], screen["model"], screen["domain"]
        gbs = context.get("graph_groupbys") or [
            self._groupby_name(n)
            for n in arch.iter("field")
            if n.get("type") != "measure"
        ]
        measure = context.get("graph_measure") or next(
            (n.get("name") for n in arch.iter("field") if n.get("type") == "measure"),
            "__count",
        )
        measure_spec = self._measure_spec(screen, measure)
        self._call(
            screen,
            f"web_read_group graph {gbs[:2]}",
            lambda: model.web_read_group(domain, [measure_spec], gbs[:2], lazy=False),
        )

    def _calendar(self, screen, arch):
        """The calendar's search_read of the records around this month."""
        start = arch.get("date_start")
        stop = arch.get("date_stop") or start
        today = date.today()
        domain = expression.AND(
            [
                screen["domain"],
                [(start, "<=", (today + relativedelta(months=1)).isoformat())],
                [(stop, ">=", (today - relativedelta(months=1)).isoformat())],
            ]
        )
        names = [n.get("name") for n in _field_nodes(arch)] + [start, stop]
        names = list(dict.fromkeys(names))
        self._call(
            screen,
            "search_read calendar",
            lambda: screen["model"].search_read(domain, names),
        )

    def _form(self, screen, domain, arch, depth):
        """web_read of the first record with the form's specification, then
        the form's smart buttons."""
        model = screen["model"]
        if screen["first_id"] is None:
            found = self._call(
                screen, "search form record", lambda: model.search(domain, limit=1).ids
            )
            screen["first_id"] = found[0] if found else None
        record_id = screen["first_id"]
        if not record_id:
            return
        spec = _spec(arch, model._name, screen["models"])
        spec["display_name"] = {}
        read = self._call(
            screen, "web_read form", lambda: model.browse(record_id).web_read(spec)
        )
        if read is not None:
            screen["report"]["forms"] += 1
        if depth == 0:
            self._smart_buttons(
                screen["env"], screen["case"], model, record_id, arch, screen["report"]
            )

    @staticmethod
    def _groupby_name(node):
        interval = node.get("interval")
        return f"{node.get('name')}:{interval}" if interval else node.get("name")

    def _smart_buttons(self, env, case, model, record_id, form_arch, report):
        """The smart buttons of a form: type="action" buttons load their
        action; type="object" ones are called (``call_button`` is not
        read-only routed) in a savepoint; the window action they return is
        then opened like a menu's."""
        box = form_arch.find(".//div[@name='button_box']")
        if box is None:
            return
        record = model.browse(record_id)
        for button in box.iter("button"):
            name, btype = button.get("name"), button.get("type")
            label = f"{model._name}:{name}"
            if label in report["buttons_seen"]:
                continue
            report["buttons_seen"].add(label)
            action = None
            try:
                with self.env.cr.savepoint():
                    if btype == "object" and name.startswith("action_"):
                        action = getattr(record, name)()
                    elif btype == "action":
                        action_id = (
                            int(name) if name.isdigit() else self.env.ref(name).id
                        )
                        act = self.env["ir.actions.actions"].browse(action_id).sudo()
                        act = self.env[act.read(["type"])[0]["type"]].browse(action_id)
                        if act._name == "ir.actions.act_window":
                            action = act.sudo()._get_action_dict()
                            ctx = dict(
                                env.context,
                                active_id=record_id,
                                active_ids=[record_id],
                                active_model=model._name,
                            )
                            action["context"] = _as_python(
                                action.get("context"),
                                dict(_eval_context(env), **ctx),
                                {},
                            )
                            action["domain"] = _as_python(
                                action.get("domain"),
                                dict(_eval_context(env), **ctx),
                                [],
                            )
                    else:
                        continue
                    if (
                        isinstance(action, dict)
                        and action.get("type") == "ir.actions.act_window"
                    ):
                        action = clean_action(dict(action), env)
            except Exception:  # noqa: BLE001 - a button that needs more than a click
                action = None
            env.transaction.clear()
            if isinstance(action, dict) and action.get("res_model"):
                report["buttons"] += 1
                self._open_action(env, label, action, report, depth=1)

    # ------------------------------------------------------------------
    # the actions of our menus, for one user
    # ------------------------------------------------------------------
    def _our_menus(self, env):
        data = self.env["ir.model.data"].search(
            [("model", "=", "ir.ui.menu"), ("module", "in", OUR_ADDONS)]
        )
        ours = {d.res_id: f"{d.module}.{d.name}" for d in data}
        visible = env["ir.ui.menu"]._visible_menu_ids()
        return [
            (xmlid, menu)
            for menu_id, xmlid in sorted(ours.items())
            if menu_id in visible
            for menu in [self.env["ir.ui.menu"].browse(menu_id)]
            if menu.action
        ]

    def _check_user(self, key):
        user = self.users[key]
        env = self.env(user=user, context=dict(self.env.context, uid=user.id))
        env = env(
            context=dict(
                env.context,
                allowed_company_ids=user.company_ids.ids[:1] or [user.company_id.id],
            )
        )
        report = {
            "failures": {},
            "actions": 0,
            "forms": 0,
            "buttons": 0,
            "buttons_seen": set(),
        }
        self._rpc(
            key,
            "load_web_menus",
            env,
            lambda: env["ir.ui.menu"].load_web_menus(False),
            report,
        )
        menus = self._our_menus(env)
        self.assertTrue(menus, f"{key} sees no menu of ours")
        for xmlid, menu in menus:
            action = menu.action
            if action._name == "ir.actions.act_window":
                loaded = self._rpc(
                    xmlid,
                    "/web/action/load",
                    env,
                    lambda a=action: clean_action(a.sudo()._get_action_dict(), env),
                    report,
                )
                if loaded:
                    self._open_action(
                        env,
                        action.get_external_id().get(action.id) or xmlid,
                        loaded,
                        report,
                    )
            elif action._name == "ir.actions.server":
                # /web/action/run is read/write; the window it opens is not
                try:
                    with self.env.cr.savepoint():
                        loaded = action.with_env(env).run()
                except Exception as exc:  # noqa: BLE001
                    report["failures"][(xmlid, "/web/action/run")] = repr(exc)
                    continue
                if (
                    isinstance(loaded, dict)
                    and loaded.get("type") == "ir.actions.act_window"
                ):
                    self._open_action(env, xmlid, clean_action(loaded, env), report)
        return report

    def _judge(self, reports):
        failures = {}
        for key, report in reports.items():
            for (case, rpc), text in report["failures"].items():
                failures.setdefault((case, rpc), f"[{key}] {text}")

        def known(key):
            return key in KNOWN_WRITERS or key[0] in KNOWN_WRITERS

        unexpected = {k: v for k, v in failures.items() if not known(k)}
        fixed = [
            k for k in KNOWN_WRITERS if not any(f == k or f[0] == k for f in failures)
        ]
        summary = ", ".join(
            f"{key}: {r['actions']} actions, {r['forms']} forms, "
            f"{r['buttons']} smart buttons"
            for key, r in reports.items()
        )
        self.assertFalse(
            unexpected,
            "RPCs of the web client that fail in a read-only transaction "
            f"({summary}):\n"
            + "\n".join(
                f"- {case} / {rpc}:\n{text}" for (case, rpc), text in unexpected.items()
            ),
        )
        self.assertFalse(
            fixed,
            "known writers that no longer fail, remove them from "
            f"KNOWN_WRITERS: {fixed}",
        )
        if KNOWN_WRITERS and any(known(k) for k in failures):
            pytest.xfail(
                "known to write during a read: "
                + "; ".join(f"{key}: {why}" for key, why in KNOWN_WRITERS.items())
            )

    def _check(self, *keys, min_actions=1, min_forms=1):
        reports = {key: self._check_user(key) for key in keys}
        for key, report in reports.items():
            self.assertGreaterEqual(
                report["actions"], min_actions, f"{key}: too few actions opened"
            )
            self.assertGreaterEqual(
                report["forms"], min_forms, f"{key}: too few forms read"
            )
        self._judge(reports)
        return reports

    # ------------------------------------------------------------------
    def test_harness_refuses_a_write(self):
        """The harness is worth something: a write in it fails, and the
        failure is reported as a write."""
        partner = self.env["res.partner"].create({"name": "H6 read-only probe"})
        report = {"failures": {}}
        self._rpc(
            "probe", "write", self.env, lambda: partner.write({"comment": "x"}), report
        )
        self.assertIn(("probe", "write"), report["failures"])
        self.assertTrue(report["failures"][("probe", "write")].startswith("WRITES"))
        # ... and nothing of it stays, the transaction goes on
        self.assertFalse(partner.comment)
        partner.write({"comment": "after"})
        self.env.flush_all()
        # reading passes
        report = {"failures": {}}
        self._rpc("probe", "read", self.env, lambda: partner.read(["name"]), report)
        self.assertEqual(report["failures"], {})

    def test_sales_screens(self):
        """Sales manager (and KA manager), salesperson, accountant, admin."""
        self._check(
            "sales_manager", "salesperson", "accountant", "admin", min_actions=3
        )

    def test_service_screens(self):
        """Service manager and service agent."""
        self._check("service_manager", "service_agent", min_actions=2)
