"""Judge the log of Odoo's own test suites (run by scripts/peer_odoo.py).

    peer_check.py --known .ci/peer-known-failures.txt --modules crm,sale LOG
    peer_check.py --known FILE --modules crm,sale --rerun-tags LOG   # see below
    peer_check.py --known FILE --modules crm,sale --rerun RERUN_LOG LOG
    peer_check.py --list --modules crm,sale LOG   # the failures, as file entries

Prints ``TESTS PASSED NEW KNOWN SKIPPED FLAKY`` on stdout and explains them on stderr:
TESTS run (Odoo's "Starting" lines), PASSED (neither failed, nor skipped, nor logged
an ERROR; or flaky), NEW failures (not in the known file: they fail the run), KNOWN
failures seen again, SKIPPED tests, FLAKY failures (see below).

A failure is named by its test id, ``/module:Class.method``, the form ``--test-tags``
takes (so it can be rerun as it is); a failing subTest adds its parameters as Odoo
prints them: ``/crm:TestCRMLead.test_phone_mobile_update (login='user_sales_manager')``.
A failure is:
- a ``FAIL:`` or ``ERROR:`` that Odoo's runner logs for a test, a subTest, or a class
  fixture (id ``/module:Class (setUpClass)``);
- an ERROR or CRITICAL line logged while a test ran that did not fail otherwise (id
  ``<test id> (logged ERROR)``): Odoo's own CI fails a build on such lines too;
- an ERROR or CRITICAL line outside any test;
- a selected module that ran no test, or a log without Odoo's closing test count
  (the run died): these two are never "known".
WARNING lines are counted, not judged: plain Odoo's suites log some, and the strict
rule of .ci/checklog-ignore.txt is for our own addons (scripts/checklog.py).
A known failure that did not occur is reported as stale (its line should go), without
failing the run.

Tours wait at most 10 s for each step; on a loaded machine a step can miss that. So the
new failures are run once more, alone: ``--rerun-tags`` prints them as a --test-tags
spec, and ``--rerun`` reads that second log. A new failure whose test (or class) passes
there is reported as flaky and counted as passed; one that fails again, or that cannot
be rerun (outside tests, a module without tests, a dead run), stays a failure.
"""

import argparse
import re
import sys
from collections import Counter

RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>[\w.]+): (?P<msg>.*)$"
)
TEST_LOGGER = re.compile(r"^odoo\.addons\.(?P<module>\w+)\.tests\b")
STARTED = re.compile(r"^Starting (?P<test>\w+\.\w+) \.\.\.")
SKIPPED = re.compile(r"^skipped (?:Subtest )?(?P<test>\w+\.\w+).*? : (?P<reason>.*)$")
FAILED = re.compile(
    r"^(?:FAIL|ERROR): (?:Subtest )?(?P<test>\w+\.\w+)(?P<sub> \(.*\))?\s*$"
)
# unittest's _ErrorHolder: "setUpClass (odoo.addons.crm.tests.test_x.TestX)"
FIXTURE = re.compile(
    r"^(?:FAIL|ERROR): (?P<fixture>\w+) "
    r"\(odoo\.addons\.(?P<module>\w+)\.tests[\w.]*?(?:\.(?P<cls>\w+))?\)"
)
CLOSING = re.compile(r"^(?:\d+ failed, \d+ error\(s\) of )?\d+ tests when loading")
POST_TESTS = re.compile(r"^\d+ post-tests in ")


def load_known(path):
    known = {}
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            test_id, sep, reason = line.partition("  # ")
            if not sep or not reason.strip():
                sys.exit(f"{path}:{n}: write '<test id>  # <reason>' (reason required)")
            known[test_id.strip()] = reason.strip()
    return known


def base_id(test_id):
    """The test's own id, without subTest parameters or a '(logged ...)' suffix."""
    return test_id.split(" (")[0]


def rerun_key(test_id):
    """What reruns a failure: '/module:Class.method', '/module:Class', or None."""
    if not test_id.startswith("/") or ":" not in test_id:
        return None
    return base_id(test_id)


def matches(test_id, key):
    return test_id == key or test_id.startswith(key + ".")


def split_flaky(new, rerun_logs, modules):
    """(still failing, flaky): flaky when its test or class passed when rerun"""
    r_started, _skipped, r_failures, _warnings, r_closed = parse(rerun_logs, modules)
    r_failed = [base_id(t) for t in r_failures]
    still, flaky = [], []
    for test_id, where in new:
        key = rerun_key(test_id)
        passed = (
            key
            and r_closed
            and any(matches(t, key) for t in r_started)
            and not any(matches(t, key) or matches(key, t) for t in r_failed)
        )
        (flaky if passed else still).append((test_id, where))
    return still, flaky


def run_problems(per_module, modules, closed):
    """Failures of the run itself, never known: a module without tests, a dead run."""
    problems = [
        (f"/{module}", f"module {module} ran no test")
        for module in modules
        if not per_module[module]
    ]
    if not closed:
        problems.append(("(run)", "no closing test count in the log: the run died"))
    return problems


def read_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []  # the suites never started: no closing line, so a failure


def parse(paths, modules):
    """(started ids, skipped [(id, reason)], failures {id: where}, warnings, closed)"""
    started = []
    skipped = []
    failures = {}
    logged = {}  # test id -> first ERROR/CRITICAL line logged while it ran
    warnings = []
    closed = False
    for path in paths:
        lines = read_lines(path)
        current = None  # id of the running test
        for i, line in enumerate(lines):
            m = RECORD.match(line)
            if not m:
                continue
            level, logger, msg = m["level"], m["logger"], m["msg"]
            tm = TEST_LOGGER.match(logger)
            module = tm["module"] if tm else None
            where = f"{path}:{i + 1}: {line[:300]}"
            if POST_TESTS.match(msg) or CLOSING.match(msg):
                closed = True
                current = None
                continue
            if level == "INFO" and module:
                if start := STARTED.match(msg):
                    current = f"/{module}:{start['test']}"
                    started.append(current)
                elif skip := SKIPPED.match(msg):
                    skipped.append((f"/{module}:{skip['test']}", skip["reason"]))
                continue
            if level == "WARNING":
                warnings.append(where)
            if level not in ("ERROR", "CRITICAL"):
                continue
            failed = FAILED.match(msg) if module else None
            fixture = FIXTURE.match(msg)
            if failed:
                test_id = f"/{module}:{failed['test']}{failed['sub'] or ''}"
                failures.setdefault(test_id, where)
            elif fixture:
                if fixture["module"] in modules:
                    cls = f":{fixture['cls']}" if fixture["cls"] else ""
                    test_id = f"/{fixture['module']}{cls} ({fixture['fixture']})"
                    failures.setdefault(test_id, where)
            elif current:
                logged.setdefault(current, (level, where))
            else:
                failures.setdefault(f"(outside tests) {logger}: {msg[:120]}", where)
    # an ERROR logged by a test that fails anyway (a tour's browser console, say) is
    # part of that failure; logged by a test that passed, it is a failure of its own
    failed_tests = {base_id(test_id) for test_id in failures}
    for test_id, (level, where) in logged.items():
        if test_id not in failed_tests:
            failures[f"{test_id} (logged {level})"] = where
    return started, skipped, failures, warnings, closed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--known", help="failures that plain Odoo shows here too")
    parser.add_argument("--modules", required=True, help="the selected modules")
    parser.add_argument("--list", action="store_true", help="print file entries")
    parser.add_argument("--rerun-tags", action="store_true", help="print new failures")
    parser.add_argument("--rerun", action="append", default=[], help="log of the rerun")
    parser.add_argument("logs", nargs="+")
    args = parser.parse_args()
    modules = [m for m in args.modules.split(",") if m]
    started, skipped, failures, warnings, closed = parse(args.logs, modules)

    known = load_known(args.known) if args.known else {}
    new, seen_known, flaky = [], [], []
    for test_id, where in sorted(failures.items()):
        (seen_known if test_id in known else new).append((test_id, where))
    if args.rerun_tags:
        print(",".join(sorted({k for t, _ in new if (k := rerun_key(t))})))
        return
    if args.rerun:
        new, flaky = split_flaky(new, args.rerun, modules)
    if args.list:
        for test_id, _where in new:
            print(f"{test_id}  # TODO reason")
        return
    per_module = Counter(test_id[1:].split(":")[0] for test_id in started)
    new += run_problems(per_module, modules, closed)
    not_passed = {base_id(t) for t, _ in new + seen_known} | {t for t, _ in skipped}
    passed = len(set(started) - not_passed)

    def say(text):
        print(text, file=sys.stderr)

    say("  " + ", ".join(f"{m}: {per_module[m]} tests" for m in modules))
    for test_id, _where in seen_known:
        say(f"  known failure: {test_id}\n    plain Odoo too: {known[test_id]}")
    for test_id in sorted(set(known) - set(failures)):
        say(f"  stale entry, did not fail: {test_id} (remove it from {args.known})")
    for test_id, where in flaky:
        say(f"  flaky: {test_id} failed, then passed when rerun alone\n    {where}")
    for test_id, reason in skipped:
        say(f"  skipped: {test_id}: {reason}")
    if warnings:
        say(f"  {len(warnings)} WARNING lines (not judged), the first ones:")
        for where in warnings[:10]:
            say(f"    {where}")
    for test_id, where in new:
        say(f"  NEW FAILURE {test_id}\n    {where}")
    print(len(started), passed, len(new), len(seen_known), len(skipped), len(flaky))


if __name__ == "__main__":
    main()
