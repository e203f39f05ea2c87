"""Shared helpers of the benchmark sections (see bench.py)."""

import statistics
import sys
import time

from lxml import etree

BENCH_PREFIX = "BENCH/"


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
