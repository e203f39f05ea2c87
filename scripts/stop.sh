#!/usr/bin/env bash
# Stops the Odoo server started by scripts/start.sh and the project-local PostgreSQL cluster.
#   scripts/stop.sh          both
#   scripts/stop.sh --odoo   only Odoo
# A server of your own (PGHOST/PGPORT/PGUSER or ODOO_RC) is never stopped. scripts/start.sh may
# run again at once: the port's connections still closing do not block it.
source "$(dirname "$0")/common.sh"

ODOO_ONLY=0
for arg in "$@"; do
    case "$arg" in
        --odoo) ODOO_ONLY=1 ;;
        -h|--help) sed -n 2,6p "$0"; exit 0 ;;
        *) cm_die "unknown option $arg (see --help)" ;;
    esac
done

PIDFILE="$CM_STATE/odoo.pid"
if PID="$(cm_odoo_pid)"; then
    kill "$PID"
    for _ in $(seq 1 30); do kill -0 "$PID" 2>/dev/null || break; sleep 1; done
    if kill -0 "$PID" 2>/dev/null; then
        # Odoo shuts down at once on a second signal
        kill "$PID" 2>/dev/null || true
        for _ in $(seq 1 10); do kill -0 "$PID" 2>/dev/null || break; sleep 1; done
    fi
    kill -0 "$PID" 2>/dev/null && cm_die "Odoo (pid $PID) did not stop"
    cm_log "Odoo stopped"
else
    cm_log "Odoo (started by scripts/start.sh) is not running"
fi
rm -f "$PIDFILE" "$CM_STATE/odoo.port"
[ "$ODOO_ONLY" = 1 ] || cm_pg_external || cm_pg_stop
