"""Run Odoo steps on a database in their own processes, as an administrator
would, and read the database between them (``probe.py`` in ``odoo shell``)."""

import json
import os
import re
import subprocess
import sys

from odoo.tools import config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROBE = os.path.join(ROOT, "tests", "lifecycle", "probe.py")
DATA = os.path.join(ROOT, "tests", "lifecycle", "existing_data.py")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ \d+ (ERROR|WARNING|CRITICAL) ")


def _ignored_patterns():
    path = os.path.join(ROOT, ".ci", "checklog-ignore.txt")
    with open(path, encoding="utf-8") as f:
        return [
            re.compile(line.strip())
            for line in f
            if line.strip() and not line.startswith("#")
        ]


IGNORED = _ignored_patterns()


def _problems(output):
    lines = output.splitlines()
    bad = [
        line
        for line in lines
        if (LOG_LINE.match(line) or line.startswith("Traceback"))
        and not any(p.search(line) for p in IGNORED)
    ]
    return bad


def odoo_run(*args, stdin=None, timeout=900):
    run = subprocess.run(
        [sys.executable, "-m", "odoo", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return run.returncode, run.stdout + run.stderr


class Lifecycle:
    """Runs the steps on its database and keeps what each step read."""

    def __init__(self, dbname, demo=False):
        self.db = dbname
        self.demo = demo
        self.rc = config.rcfile
        self.steps = {}  # step -> (returncode, problems)
        self.read = {}  # (step, probe) -> data

    def server(self, step, *args):
        code, output = odoo_run(
            "-c",
            self.rc,
            "-d",
            self.db,
            "--no-http",
            "--stop-after-init",
            "--log-level=warn",
            *([] if self.demo else ["--without-demo=all"]),
            *args,
        )
        self.steps[step] = (code, _problems(output), output[-3000:])
        return code

    def shell(self, step, code):
        """Run ``code`` in ``odoo shell``; ``probe`` is the probe module and
        ``emit(name, data)`` hands data back to the test."""
        script = (
            "import json, runpy, types\n"
            f"probe = types.SimpleNamespace(**runpy.run_path({PROBE!r}))\n"
            "def emit(name, data):\n"
            "    print('PROBE ' + name + ' ' + json.dumps(data, default=str))\n"
            f"{code}\n"
            "env.cr.commit()\n"
        )
        rc, output = odoo_run(
            "shell",
            "-c",
            self.rc,
            "-d",
            self.db,
            "--no-http",
            "--log-level=warn",
            stdin=script,
        )
        self.steps[step] = (rc, _problems(output), output[-3000:])
        for line in output.splitlines():
            if line.startswith("PROBE "):
                __, name, payload = line.split(" ", 2)
                self.read[(step, name)] = json.loads(payload)
        return rc

    def snapshot(self, step):
        self.shell(
            step,
            "emit('catalog', probe.catalog(env))\n"
            "emit('metadata', probe.metadata(env))",
        )
