#!/usr/bin/env bash
# Project-local PostgreSQL cluster: start | stop | status | env
#   scripts/pg.sh start    create (once) and start it
#   scripts/pg.sh stop     stop it (data is kept in .local/pg)
#   scripts/pg.sh env      print the PG* variables to reach it (eval "$(scripts/pg.sh env)")
source "$(dirname "$0")/common.sh"
case "${1:-status}" in
    start) cm_pg_start; cm_log "PostgreSQL ready: PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER" ;;
    stop) cm_pg_stop ;;
    env) cm_pg_start; printf 'export PGHOST=%q PGPORT=%q PGUSER=%q\n' "$PGHOST" "$PGPORT" "$PGUSER" ;;
    status)
        cm_pg_bin
        cm_as_pg "$CM_PG_BIN/pg_ctl" -D "$(cm_pg_dir)/data" status || true ;;
    *) cm_die "usage: $0 start|stop|status|env" ;;
esac
