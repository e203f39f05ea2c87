#!/usr/bin/env bash
# Stops the Odoo server started by scripts/start.sh and the project-local PostgreSQL cluster.
#   scripts/stop.sh          both
#   scripts/stop.sh --odoo   only Odoo
source "$(dirname "$0")/common.sh"
PIDFILE="$CM_STATE/odoo.pid"
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    kill "$(cat "$PIDFILE")"
    for _ in $(seq 1 30); do kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break; sleep 1; done
    cm_log "Odoo stopped"
fi
rm -f "$PIDFILE"
[ "${1:-}" = "--odoo" ] || cm_pg_external || cm_pg_stop
