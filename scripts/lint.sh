#!/usr/bin/env bash
# Lint as CI does: ruff (check + format) and pylint-odoo's mandatory OCA checks fail the run;
# the full pylint-odoo set is printed for information.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${ODOO_PYTHON:-python3}"
rc=0
echo "== ruff check"; "$PY" -m ruff check addons tests scripts || rc=1
echo "== ruff format --check"; "$PY" -m ruff format --check addons tests scripts || rc=1
echo "== README.rst generated from readme/"; "$PY" scripts/gen_readme.py --check || rc=1
echo "== pylint-odoo (mandatory)"
"$PY" -m pylint --rcfile=.pylintrc-mandatory addons/* || rc=1
echo "== pylint-odoo (all checks, informative)"
"$PY" -m pylint --rcfile=.pylintrc --exit-zero addons/* | tail -n 40
if [ "$rc" = 0 ]; then echo "lint: ok"; else echo "lint: FAILED"; fi
exit "$rc"
