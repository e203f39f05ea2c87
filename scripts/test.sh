#!/usr/bin/env bash
# Runs the whole test suite against real Odoo 18 and real PostgreSQL.
#
#   scripts/test.sh                       everything (what CI runs)
#   scripts/test.sh --only ADDON[,ADDON]  install only these addons with their tests (dev loop)
#   scripts/test.sh --keep                keep the throwaway databases afterwards
#   scripts/test.sh --no-peers            everything but Odoo's own suites (step 4)
#   scripts/test.sh --peer-baseline       only step 4, on plain Odoo (the dependency template):
#                                         prints its failures as .ci/peer-known-failures.txt lines
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
# 4. Meanwhile, in parallel with 2 and 3: in another copy of the template, our three addons are
#    installed with demo data (without their tests), then Odoo's own test suites of the modules
#    we extend (PEER_MODULES) run there with Odoo's runner, every test after loading, at_install
#    ones included, so they meet our overrides (scripts/peer_odoo.py says why and how).
#    scripts/peer_check.py judges the log: a failure fails the run unless
#    .ci/peer-known-failures.txt lists it, i.e. plain Odoo 18 with our dependencies fails it on
#    this machine too (measure with --peer-baseline). A new failure is rerun alone once; if it
#    passes then it is reported as flaky. Their own skipped tests are printed and counted on
#    their line, not in the summary's skipped count.
# Prints the counts of each runner, then one summary line; exits non-zero on any failure, on
# zero tests, or on a skipped test of ours.
source "$(dirname "$0")/common.sh"

ONLY=""; KEEP=0; PEERS=1; PEER_BASELINE=0
while [ $# -gt 0 ]; do
    case "$1" in
        --only) ONLY="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --no-peers) PEERS=0; shift ;;
        --peer-baseline) PEER_BASELINE=1; shift ;;
        -h|--help) sed -n 2,30p "$0"; exit 0 ;;
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
    # Odoo's own suites still running (this script stopped early): end that one process
    if [ -n "${PEER_PID:-}" ] && kill -0 "$PEER_PID" 2>/dev/null; then
        kill "$PEER_PID" 2>/dev/null || true; wait "$PEER_PID" 2>/dev/null || true
    fi
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

# -- 4. (started in the background now, judged at the end) Odoo's own suites of the modules we
# extend: crm and sale_crm (crm.lead), sale, sale_management and sale_margin (sale.order, the
# partner's sales figures), helpdesk_mgmt (helpdesk.ticket, teams)
PEER_MODULES="crm,sale_crm,sale,sale_management,sale_margin,helpdesk_mgmt,helpdesk_mgmt_sla,helpdesk_mgmt_rating"
PEER_KNOWN="$CM_ROOT/.ci/peer-known-failures.txt"
PEER_PID=""
run_peer_odoo() {
    # run_peer_odoo DB TAGS LOGNAME: Odoo's runner, every selected test after loading
    "$CM_PY" "$CM_ROOT/scripts/peer_odoo.py" -c "$CM_CONF" -d "$1" --test-enable \
        --stop-after-init --test-tags "$2" --http-port "$(cm_free_port $(( PORT_BASE + 20 )))" \
        --logfile "$LOGDIR/$3.log" --log-level=info >"$LOGDIR/$3.stderr" 2>&1
}
start_peer_suites() {
    # start_peer_suites DB [ADDONS]: in the background, installs ADDONS (demo data, no tests)
    # into DB, then runs the suites there; logs peer_install.log and peer.log
    local db="$1" addons="${2:-}"
    cm_log "Odoo's own suites of $PEER_MODULES${addons:+ with $addons} on $db (in the background, log: $LOGDIR/peer.log)"
    PEER_T0=$SECONDS
    (
        if [ -n "$addons" ] && ! cm_odoo -d "$db" -i "$addons" --stop-after-init \
                --http-port "$(cm_free_port $(( PORT_BASE + 20 )))" \
                --logfile "$LOGDIR/peer_install.log" --log-level=info >/dev/null 2>&1; then
            cm_log "FAILED: $addons did not install into $db (see $LOGDIR/peer_install.log)"
            exit 1
        fi
        run_peer_odoo "$db" "$(sed -E 's#(^|,)#\1/#g' <<<"$PEER_MODULES")" peer
    ) &
    PEER_PID=$!
}
judge_peer_suites() {
    # judge_peer_suites DB: reruns the new failures alone once (a tour step can miss its 10 s
    # on a loaded machine; one that passes then is reported as flaky), then prints
    # TESTS PASSED NEW KNOWN SKIPPED FLAKY (scripts/peer_check.py)
    local check=("$CM_PY" "$CM_ROOT/scripts/peer_check.py" --known "$PEER_KNOWN"
                 --modules "$PEER_MODULES") rerun=()
    local tags; tags="$("${check[@]}" --rerun-tags "$LOGDIR/peer.log" 2>/dev/null)" || true
    if [ -n "$tags" ]; then
        cm_log "rerunning alone the new failures of Odoo's own suites: $tags"
        run_peer_odoo "$1" "$tags" peer_rerun || true
        rerun=(--rerun "$LOGDIR/peer_rerun.log")
    fi
    "${check[@]}" "${rerun[@]}" "$LOGDIR/peer.log"
}

if [ "$PEER_BASELINE" = 1 ]; then
    cm_odoo_db duplicate -f "$TMPL" "${DB}_peerbase" >>"$LOGDIR/db.log" 2>&1
    DBS_TO_DROP+=("${DB}_peerbase")
    start_peer_suites "${DB}_peerbase"
    wait "$PEER_PID" || true
    cm_log "plain Odoo: Odoo's own suites took $(( SECONDS - PEER_T0 ))s"
    judge_peer_suites "${DB}_peerbase" >/dev/null || true
    cm_log "their failures, as lines of .ci/peer-known-failures.txt (a flaky one is not):"
    if [ -f "$LOGDIR/peer_rerun.log" ]; then rerun=(--rerun "$LOGDIR/peer_rerun.log"); else rerun=(); fi
    "$CM_PY" "$CM_ROOT/scripts/peer_check.py" --modules "$PEER_MODULES" --list "${rerun[@]}" "$LOGDIR/peer.log"
    exit 0
fi

cm_log "test database $DB (logs in $LOGDIR)"
cm_odoo_db duplicate -f "$TMPL" "$DB" >>"$LOGDIR/db.log" 2>&1
DBS_TO_DROP+=("$DB")

# -- 4. starts now, in parallel with 2 and 3: our three addons with demo data (as in $DB, without
# their tests) installed into another copy of the template, then Odoo's suites there
if [ -z "$ONLY" ] && [ "$PEERS" = 1 ]; then
    cm_odoo_db duplicate -f "$TMPL" "${DB}_peer" >>"$LOGDIR/db.log" 2>&1
    DBS_TO_DROP+=("${DB}_peer")
    start_peer_suites "${DB}_peer" "$(cm_our_addons | tr ' ' ',')"
fi

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

# -- 4. judge Odoo's own suites ---------------------------------------------------------------
PEER_TESTS=0; PEER_PASSED=0; PEER_NEW=0; PEER_KNOWN_SEEN=0; PEER_SKIP=0; PEER_FLAKY=0; PEER_LINE=""
if [ -n "$PEER_PID" ]; then
    wait "$PEER_PID" || true   # non-zero whenever a test failed, known ones included
    PEER_SECONDS=$(( SECONDS - PEER_T0 ))
    cm_log "Odoo's own suites took ${PEER_SECONDS}s:"
    read -r PEER_TESTS PEER_PASSED PEER_NEW PEER_KNOWN_SEEN PEER_SKIP PEER_FLAKY \
        <<<"$(judge_peer_suites "${DB}_peer")" || true
    PEER_TESTS="${PEER_TESTS:-0}"; PEER_PASSED="${PEER_PASSED:-0}"; PEER_NEW="${PEER_NEW:-1}"
    PEER_KNOWN_SEEN="${PEER_KNOWN_SEEN:-0}"; PEER_SKIP="${PEER_SKIP:-0}"; PEER_FLAKY="${PEER_FLAKY:-0}"
    [ "$PEER_NEW" = 0 ] || FAILED=1
    PEER_LINE="Odoo's own suites ($PEER_MODULES, with our addons, ${PEER_SECONDS}s): $PEER_TESTS tests, $PEER_PASSED passed ($PEER_FLAKY of them flaky: failed, then passed alone), $PEER_NEW failed, $PEER_KNOWN_SEEN known failures (plain Odoo fails them here too, see .ci/peer-known-failures.txt; not in the summary), $PEER_SKIP skipped (Odoo's own skips, listed above; not in the summary)"
fi

PASSED=$(( ODOO_TESTS - ODOO_FAIL + PY_PASSED + PEER_PASSED ))
[ "$PASSED" -ge 0 ] || PASSED=0
echo "odoo runner: $ODOO_TESTS tests, $ODOO_FAIL failed, $ODOO_SKIP skipped; pytest-odoo: $PY_PASSED passed, $PY_FAILED failed, $PY_SKIPPED skipped"
[ -z "$PEER_LINE" ] || echo "$PEER_LINE"
ALL_FAILED=$(( ODOO_FAIL + PY_FAILED + PEER_NEW ))
if [ "$FAILED" != 0 ] || [ "$ODOO_TESTS" = 0 ]; then
    echo "summary: $PASSED passed, $(( ALL_FAILED > 0 ? ALL_FAILED : 1 )) failed, $(( ODOO_SKIP + PY_SKIPPED )) skipped"
    exit 1
fi
echo "summary: $PASSED passed, 0 failed, $(( ODOO_SKIP + PY_SKIPPED )) skipped"
