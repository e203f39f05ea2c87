"""The judge of Odoo's own suites (scripts/peer_check.py), on logs as Odoo writes them.

scripts/test.sh fails the run on its NEW count: these tests pin what counts as a new
failure (a failing test or subTest not in the known file, a class fixture, an ERROR
logged by a test that passed otherwise, a module without tests, a run that died) and
what does not (a known failure, a test that failed then passed when rerun alone, the
browser-console lines of a tour that failed anyway, Odoo's own skips).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "peer_check.py"
T = "2026-12-04 18:00:00,000 42"


def _log(path, *records, closed=True):
    lines = []
    for level, logger, msg in records:
        lines.append(f"{T} {level} db {logger}: {msg}")
    if closed:
        lines.append(
            f"{T} INFO db odoo.service.server: 3 post-tests in 1.0s, 9 queries"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _start(module, test):
    return ("INFO", f"odoo.addons.{module}.tests.test_x", f"Starting {test} ...")


def _fail(module, test, flavour="FAIL"):
    return ("ERROR", f"odoo.addons.{module}.tests.test_x", f"{flavour}: {test}")


def _judge(tmp_path, log, *extra, known=""):
    known_file = tmp_path / "known.txt"
    known_file.write_text(known, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--known", str(known_file)]
        + ["--modules", "crm,sale", *extra, str(log)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    tests, passed, new, known_seen, skipped, flaky = map(int, result.stdout.split())
    return {
        "tests": tests,
        "passed": passed,
        "new": new,
        "known": known_seen,
        "skipped": skipped,
        "flaky": flaky,
        "stderr": result.stderr,
    }


def test_known_subtest_failure_passes_new_one_fails(tmp_path):
    log = _log(
        tmp_path / "peer.log",
        _start("crm", "TestLead.test_phone"),
        _fail("crm", "Subtest TestLead.test_phone (login='a')"),
        _start("crm", "TestLead.test_mail"),
        _fail("crm", "Subtest TestLead.test_mail (login='b')"),
        _start("sale", "TestSale.test_ok"),
    )
    known = "/crm:TestLead.test_phone (login='a')  # no phonenumbers here\n"
    result = _judge(tmp_path, log, known=known)
    assert (result["tests"], result["passed"], result["new"], result["known"]) == (
        3,
        1,
        1,
        1,
    )
    assert "NEW FAILURE /crm:TestLead.test_mail (login='b')" in result["stderr"]
    assert "plain Odoo too: no phonenumbers here" in result["stderr"]


def test_known_entry_needs_a_reason(tmp_path):
    log = _log(tmp_path / "peer.log", _start("crm", "TestLead.test_a"))
    (tmp_path / "known.txt").write_text("/crm:TestLead.test_a\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--known", str(tmp_path / "known.txt")]
        + ["--modules", "crm", str(log)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "reason required" in result.stderr


def test_logged_error_fails_a_passing_test_not_a_failing_tour(tmp_path):
    log = _log(
        tmp_path / "peer.log",
        _start("crm", "TestUi.test_tour"),
        ("ERROR", "odoo.addons.crm.tests.test_x.TestUi.test_tour.browser", "FAILED"),
        _fail("crm", "TestUi.test_tour"),
        _start("sale", "TestSale.test_quiet"),
        ("ERROR", "odoo.sql_db", "bad query: SELECT 1"),
    )
    result = _judge(tmp_path, log)
    assert result["new"] == 2
    assert "NEW FAILURE /crm:TestUi.test_tour\n" in result["stderr"]
    assert "NEW FAILURE /sale:TestSale.test_quiet (logged ERROR)" in result["stderr"]
    assert "test_tour (logged" not in result["stderr"]


def test_class_fixture_module_without_tests_and_dead_run(tmp_path):
    log = _log(
        tmp_path / "peer.log",
        _start("crm", "TestLead.test_a"),
        (
            "ERROR",
            "odoo.tests.suite",
            "ERROR: setUpClass (odoo.addons.crm.tests.test_lead.TestLead)",
        ),
        closed=False,
    )
    result = _judge(tmp_path, log)
    assert result["new"] == 3
    for test_id in ("/crm:TestLead (setUpClass)", "/sale\n", "(run)"):
        assert f"NEW FAILURE {test_id}" in result["stderr"]


def test_rerun_turns_a_passing_failure_into_flaky(tmp_path):
    log = _log(
        tmp_path / "peer.log",
        _start("crm", "TestUi.test_tour"),
        _fail("crm", "TestUi.test_tour"),
        _start("sale", "TestSale.test_broken"),
        _fail("sale", "TestSale.test_broken", "ERROR"),
    )
    tags = subprocess.run(
        [sys.executable, str(SCRIPT), "--modules=crm,sale", "--rerun-tags", str(log)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    assert tags == "/crm:TestUi.test_tour,/sale:TestSale.test_broken"
    rerun = _log(
        tmp_path / "rerun.log",
        _start("crm", "TestUi.test_tour"),
        _start("sale", "TestSale.test_broken"),
        _fail("sale", "TestSale.test_broken", "ERROR"),
    )
    result = _judge(tmp_path, log, "--rerun", str(rerun))
    assert (result["passed"], result["new"], result["flaky"]) == (1, 1, 1)
    assert "flaky: /crm:TestUi.test_tour failed, then passed" in result["stderr"]
    assert "NEW FAILURE /sale:TestSale.test_broken" in result["stderr"]


def test_odoo_skips_are_counted_apart(tmp_path):
    log = _log(
        tmp_path / "peer.log",
        _start("crm", "TestLead.test_a"),
        _start("sale", "TestSale.test_b"),
        (
            "INFO",
            "odoo.addons.sale.tests.test_x",
            "skipped TestSale.test_b : needs account_accountant",
        ),
    )
    result = _judge(tmp_path, log)
    assert (result["tests"], result["passed"], result["new"], result["skipped"]) == (
        2,
        1,
        0,
        1,
    )
    assert (
        "skipped: /sale:TestSale.test_b: needs account_accountant" in (result["stderr"])
    )
