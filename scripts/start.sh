#!/usr/bin/env bash
# Sets everything up and starts Odoo 18 with sale_customer_mgmt, key_account and after_sales
# installed with demo data.
#
#   scripts/start.sh               set up (first time) and serve in the foreground (Ctrl-C stops)
#   scripts/start.sh --background  serve in the background (stop with scripts/stop.sh)
#   scripts/start.sh --update      also update the three addons (after pulling new code)
#   scripts/start.sh --lang en_US  when the database is created: the demo's language (default
#                                  zh_CN, CM_LANG: loaded first, so that the demo is told in
#                                  it: Chinese customers and users, chatter, SLA names); en_US
#                                  loads no other language
#
# Idempotent: a second run reuses the virtualenv/Odoo, the PostgreSQL cluster and the database.
# Environment: CM_DB (database, default customer_mgmt), CM_HTTP_PORT (default 8069),
# ODOO_PYTHON, ODOO_RC, PGHOST/PGPORT/PGUSER/PGPASSWORD (see README, "Configuration").
source "$(dirname "$0")/common.sh"

BACKGROUND=0; UPDATE=0; LOAD_LANG="${CM_LANG:-zh_CN}"; LANG_GIVEN=0
while [ $# -gt 0 ]; do
    case "$1" in
        --background) BACKGROUND=1 ;;
        --update) UPDATE=1 ;;
        --lang) [ -n "${2:-}" ] || cm_die "--lang needs a language code, e.g. zh_CN"
                LOAD_LANG="$2"; LANG_GIVEN=1; shift ;;
        --lang=*) LOAD_LANG="${1#--lang=}"; LANG_GIVEN=1 ;;
        -h|--help) sed -n 2,15p "$0"; exit 0 ;;
        *) cm_die "unknown option $1 (see --help)" ;;
    esac
    shift
done

DB="${CM_DB:-customer_mgmt}"
PORT="${CM_HTTP_PORT:-8069}"
ADDONS="sale_customer_mgmt,key_account,after_sales"
LOG="$CM_LOGDIR/odoo.log"
PIDFILE="$CM_STATE/odoo.pid"

if PID="$(cm_odoo_pid)"; then
    echo "Odoo is already running (pid $PID): http://localhost:$(cat "$CM_STATE/odoo.port" 2>/dev/null || echo "$PORT")  log: $LOG"
    exit 0
fi
# the HTTP port first, before anything is started: only a listener makes it unusable; the
# closing connections of a server that has just stopped do not
if ! cm_wait_port "$PORT"; then
    USER_OF_PORT="$(cm_port_user "$PORT")"
    cm_die "port $PORT is in use${USER_OF_PORT:+ by $USER_OF_PORT}; stop that server (this project's Odoo: scripts/stop.sh --odoo) or set CM_HTTP_PORT to another port"
fi

cm_init
cm_check_printing

if cm_modules_installed "$DB" sale_customer_mgmt key_account after_sales 2>/dev/null; then
    if [ "$UPDATE" = 1 ]; then
        cm_log "updating $ADDONS in $DB"
        cm_odoo -d "$DB" -u "$ADDONS" --stop-after-init --http-port "$PORT" --logfile "$LOG" \
            || cm_die "update failed, see $LOG"
    else
        cm_log "database $DB is ready (addons installed); reusing it"
    fi
    [ "$LANG_GIVEN" = 0 ] || cm_log "--lang $LOAD_LANG ignored: it applies when the database is created (another CM_DB, or drop $DB first)"
else
    cm_log "installing $ADDONS with demo data into $DB${LOAD_LANG:+ in $LOAD_LANG} (first run: a few minutes; log: $LOG)"
    # the language is loaded before the addons install, so their demo stories find it active
    [ "$LOAD_LANG" != en_US ] || LOAD_LANG=""
    cm_odoo -d "$DB" -i "$ADDONS" ${LOAD_LANG:+--load-language "$LOAD_LANG"} --stop-after-init \
        --http-port "$PORT" --logfile "$LOG" \
        || { tail -30 "$LOG" >&2; cm_die "installation failed, see $LOG"; }
fi

cat <<INFO

  Odoo 18 with Customer Management is starting
    URL:       http://localhost:$PORT   (login admin / password admin)
    database:  $DB
    logs:      $LOG
    stop:      scripts/stop.sh   (Odoo and the project-local PostgreSQL)

INFO
SERVE=(-d "$DB" --db-filter "^$DB\$" --http-port "$PORT" --logfile "$LOG")
if [ "$BACKGROUND" = 1 ]; then
    nohup "$CM_PY" -m odoo -c "$CM_CONF" "${SERVE[@]}" >>"$LOG" 2>&1 &
    echo $! > "$PIDFILE"; echo "$PORT" > "$CM_STATE/odoo.port"
    for _ in $(seq 1 60); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/web/login" 2>/dev/null; then
            echo "  serving in the background (pid $(cat "$PIDFILE"))"
            exit 0
        fi
        kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { tail -20 "$LOG" >&2; cm_die "Odoo stopped, see $LOG"; }
        sleep 1
    done
    cm_die "Odoo did not answer on port $PORT within 60 s, see $LOG"
fi
echo $$ > "$PIDFILE"; echo "$PORT" > "$CM_STATE/odoo.port"
exec "$CM_PY" -m odoo -c "$CM_CONF" "${SERVE[@]}"
