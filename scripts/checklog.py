"""Read Odoo test-run logs: count tests, failures and skips.

Prints ``TESTS FAILURES SKIPPED`` on stdout (the numbers the test script sums
up) and explains every problem on stderr. A problem is: a failed or erroring
test, a logged ERROR/WARNING/CRITICAL that no pattern of the ignore file
matches, a skipped test, or an addon of ``--modules`` that ran no test at all.
"""

import argparse
import re
import sys
from collections import Counter

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>[\w.]+): (?P<msg>.*)$"
)
# odoo.tests.result logs "Starting Class.test_method ..." once per test,
# on the logger of the test's module
STARTED = re.compile(r"^Starting \w+\.test\w* \.\.\.")


def load_patterns(path):
    patterns = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if line and not line.startswith("#"):
                patterns.append(re.compile(line))
    return patterns


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ignore", required=True)
    parser.add_argument("--modules", required=True)
    parser.add_argument("logs", nargs="+")
    args = parser.parse_args()
    ignore = load_patterns(args.ignore)
    modules = [m for m in args.modules.split(",") if m]

    tests = Counter()
    failures = 0
    skipped = 0
    problems = []
    for path in args.logs:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        for i, line in enumerate(lines):
            m = LINE.match(line)
            if not m:
                continue
            level, logger, msg = m["level"], m["logger"], m["msg"]
            started = STARTED.match(msg)
            if level == "INFO" and started and logger.startswith("odoo.addons."):
                tests[logger.split(".")[2]] += 1
                continue
            if level == "INFO" and msg.startswith("skipped "):
                skipped += 1
                problems.append(f"{path}:{i + 1}: skipped test: {line}")
                continue
            if level not in ("WARNING", "ERROR", "CRITICAL"):
                continue
            if any(p.search(line) for p in ignore):
                continue
            # a failed test ("FAIL: ..."/"ERROR: ...") and any other unexpected
            # warning or error each count as one failure of the run
            failures += 1
            context = "\n".join(lines[i : i + 12])
            problems.append(f"{path}:{i + 1}: unexpected {level}:\n{context}\n")
    for module in modules:
        if not tests[module]:
            failures += 1
            problems.append(f"addon {module} ran no test")
    for module, count in sorted(tests.items()):
        print(f"  {module}: {count} tests", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    total = sum(tests[m] for m in modules) if modules else sum(tests.values())
    print(total, failures, skipped)


if __name__ == "__main__":
    main()
