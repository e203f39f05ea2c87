#!/usr/bin/env bash
# Runs the whole test suite against real Odoo 18 and real PostgreSQL.
#
#   scripts/test.sh                       everything (what CI runs)
#   scripts/test.sh --only ADDON[,ADDON]  install only these addons with their tests (dev loop)
#   scripts/test.sh --keep                keep the throwaway databases afterwards
#
# 1. A database with the addons' dependencies only (cached as a template, keyed on the
#    dependency list and the installed Odoo/OCA versions) is copied into a throwaway database.
# 2. The addons are installed with demo data and --test-enable (the OCA way): each addon's
#    at_install and post_install tests, HttpCase and browser tours included, run during install.
#    sale_customer_mgmt, key_account and after_sales are installed one after the other, and
#    after_sales also alone (without key_account) in a copy, so each addon is proven to install
#    with only its declared dependencies. Any ERROR/WARNING in the logs fails the run, except the
#    commented patterns of .ci/checklog-ignore.txt; so does any skipped test.
# 3. pytest-odoo (--odoo-http) runs the repository-level tests/ on the prepared database.
# Prints one summary line with the counts of both runners; exits non-zero on any failure, on
# zero tests, or on a skipped test.
source "$(dirname "$0")/common.sh"

ONLY=""; KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --only) ONLY="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n 2,20p "$0"; exit 0 ;;
        *) cm_die "unknown option $1 (see --help)" ;;
    esac
done

cm_init
RUN_ID="$(date +%Y%m%d%H%M%S)_$$"
# HTTP ports from a per-run offset: several runs at once (developers, CI) do not race for one port
PORT_BASE="${CM_TEST_PORT:-$(( 20000 + ($$ % 4000) * 2 ))}"
LOGDIR="$CM_LOGDIR/test_$RUN_ID"
mkdir -p "$LOGDIR"
DEPS="$(cm_dependencies)"
TMPL_KEY="$( { echo "$DEPS"; "$CM_PY" -c 'import odoo.release as r; print(r.serie, r.version)';
    "$CM_PY" -m pip list 2>/dev/null | grep -i '^odoo-addon' || true; } | md5sum | cut -c1-8)"
TMPL="cm_deps_$TMPL_KEY"
if [ -n "$ONLY" ]; then DB="cm_dev_$RUN_ID"; else DB="${CM_TEST_DB:-cm_test}"; fi
DBS_TO_DROP=()

cleanup() {
    if [ "$KEEP" = 0 ]; then
        for d in "${DBS_TO_DROP[@]}"; do cm_odoo_db drop "$d" >/dev/null 2>&1 || true; done
    fi
}
trap cleanup EXIT

# -- 1. template with the dependencies ---------------------------------------------------------
(
    flock 9
    if ! cm_modules_installed "$TMPL" ${DEPS//,/ } 2>/dev/null; then
        cm_log "building template database $TMPL with: $DEPS"
        cm_odoo_db drop "$TMPL" >/dev/null 2>&1 || true
        if ! cm_odoo -d "$TMPL" -i "$DEPS" --stop-after-init --http-port "$(cm_free_port "$PORT_BASE")" \
                --logfile "$LOGDIR/template.log" --log-level=info; then
            tail -30 "$LOGDIR/template.log" >&2; cm_die "could not build $TMPL"
        fi
    fi
) 9>"$CM_STATE/template.lock"

cm_log "test database $DB (logs in $LOGDIR)"
cm_odoo_db duplicate -f "$TMPL" "$DB" >>"$LOGDIR/db.log" 2>&1
DBS_TO_DROP+=("$DB")

FAILED=0
install_with_tests() {
    # install_with_tests DB MODULES LOGNAME
    local db="$1" mods="$2" log="$LOGDIR/$3.log"
    cm_log "installing $mods into $db with --test-enable"
    if ! cm_odoo -d "$db" -i "$mods" --test-enable --stop-after-init --http-port "$(cm_free_port "$PORT_BASE")" \
            --logfile "$log" --log-level=info; then
        cm_log "FAILED: odoo exited non-zero for $mods (see $log)"
        FAILED=1
    fi
}

if [ -n "$ONLY" ]; then
    # our addons that the requested ones need are installed first, without their tests
    PRE="$(cm_our_prerequisites "$ONLY")"
    if [ -n "$PRE" ]; then
        cm_log "installing prerequisites $PRE into $DB (no tests)"
        cm_odoo -d "$DB" -i "$PRE" --stop-after-init --http-port "$(cm_free_port "$PORT_BASE")" \
            --logfile "$LOGDIR/prerequisites.log" --log-level=info \
            || { tail -40 "$LOGDIR/prerequisites.log" >&2; cm_die "prerequisites failed to install"; }
    fi
    install_with_tests "$DB" "$ONLY" "install_${ONLY//,/_}"
else
    install_with_tests "$DB" sale_customer_mgmt install_sale_customer_mgmt
    cm_odoo_db duplicate -f "$DB" "${DB}_as" >>"$LOGDIR/db.log" 2>&1
    DBS_TO_DROP+=("${DB}_as")
    install_with_tests "${DB}_as" after_sales install_after_sales_alone
    install_with_tests "$DB" key_account install_key_account
    install_with_tests "$DB" after_sales install_after_sales
fi

# -- 2. read the logs ---------------------------------------------------------------------------
read -r ODOO_TESTS ODOO_FAIL ODOO_SKIP <<<"$("$CM_PY" "$CM_ROOT/scripts/checklog.py" \
    --ignore "$CM_ROOT/.ci/checklog-ignore.txt" --modules "${ONLY:-$(cm_our_addons | tr ' ' ',')}" \
    "$LOGDIR"/install_*.log)" || true
ODOO_TESTS="${ODOO_TESTS:-0}"; ODOO_FAIL="${ODOO_FAIL:-1}"; ODOO_SKIP="${ODOO_SKIP:-0}"
[ "$ODOO_FAIL" = 0 ] && [ "$ODOO_SKIP" = 0 ] || FAILED=1

# -- 3. pytest-odoo on the prepared database ----------------------------------------------------
PY_PASSED=0; PY_FAILED=0; PY_SKIPPED=0
if [ -z "$ONLY" ]; then
    cm_log "pytest-odoo on $DB: tests/"
    set +e
    # odoo.tests.common logs an ERROR when imported outside Odoo's own test mode; pytest-odoo
    # cannot enable that mode (it would rerun every module's tests at registry load), so that
    # one logger is raised to CRITICAL. Test failures still surface as pytest failures.
    (cd "$CM_ROOT" && "$CM_PY" -m pytest --odoo-config="$CM_CONF" --odoo-database="$DB" --odoo-http \
        --odoo-log-level=warn --odoo-extra=log-handler=odoo.tests.common:CRITICAL \
        -p no:cacheprovider -rs tests/) 2>&1 | tee "$LOGDIR/pytest.log"
    PY_RC=${PIPESTATUS[0]}
    set -e
    last="$(grep -E '^=+ .* in [0-9.]+s' "$LOGDIR/pytest.log" | tail -1)"
    PY_PASSED="$(grep -oE '[0-9]+ passed' <<<"$last" | grep -oE '[0-9]+' || echo 0)"
    PY_FAILED=0
    for n in $(grep -oE '[0-9]+ (failed|errors?)' <<<"$last" | grep -oE '^[0-9]+' || true); do
        PY_FAILED=$(( PY_FAILED + n ))
    done
    PY_SKIPPED="$(grep -oE '[0-9]+ skipped' <<<"$last" | grep -oE '[0-9]+' || echo 0)"
    if [ "$PY_RC" != 0 ] || [ "$PY_PASSED" = 0 ] || [ "$PY_SKIPPED" != 0 ]; then
        cm_log "FAILED: pytest rc=$PY_RC passed=$PY_PASSED skipped=$PY_SKIPPED"
        [ "$PY_FAILED" != 0 ] || PY_FAILED=1
        FAILED=1
    fi
fi

PASSED=$(( ODOO_TESTS - ODOO_FAIL + PY_PASSED ))
[ "$PASSED" -ge 0 ] || PASSED=0
echo "odoo runner: $ODOO_TESTS tests, $ODOO_FAIL failed, $ODOO_SKIP skipped; pytest-odoo: $PY_PASSED passed, $PY_FAILED failed, $PY_SKIPPED skipped"
if [ "$FAILED" != 0 ] || [ "$ODOO_TESTS" = 0 ]; then
    echo "summary: $PASSED passed, $(( ODOO_FAIL + PY_FAILED > 0 ? ODOO_FAIL + PY_FAILED : 1 )) failed, $(( ODOO_SKIP + PY_SKIPPED )) skipped"
    exit 1
fi
echo "summary: $PASSED passed, 0 failed, $(( ODOO_SKIP + PY_SKIPPED )) skipped"
