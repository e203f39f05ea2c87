#!/usr/bin/env bash
# Benchmarks at realistic volume (not part of the test suite): prints one line per figure,
# each next to its baseline measured in the same run. See scripts/bench.py for the options.
#   scripts/bench.sh [--customers N] [--orders N] [--lines N] [--invoices N] [--leads N]
#                    [--tickets N] [--key-accounts N] [--sections sales,crm,service,key_account]
# Defaults: 50000 customers, 200000 orders with 1000000 lines, 200000 invoices with payments,
# 100000 leads, 200000 tickets, 500 key accounts with contacts.
# The database (CM_BENCH_DB, default cm_bench: the three addons without demo data, then the
# generated data) is kept between runs; drop it to regenerate:
#   python3 -m odoo db -c .local/odoo.conf drop cm_bench
#
# Install mode: the addons installed into a database that already holds the sales data set,
# then the first full scoring as the cron runs it after the install (scripts/bench_install.py):
#   scripts/bench.sh --install-on-data [--customers N] [--orders N] [--lines N] [--invoices N]
# Databases: CM_BENCH_INSTALL_DB (default cm_bench_install) with the data, <db>_empty with the
# dependencies only (both kept; drop <db> to regenerate the data), <db>_run (a copy the addons
# are installed into, dropped at the end unless a check failed).
# Scale-out (optional, not in the default sections): the addons' nightly crons run by one, then
# two Odoo servers (--max-cron-threads 1 each) on <db>_scaleout, a copy dropped at the end:
#   scripts/bench.sh --sections sales,scaleout [--scaleout-servers 1,2] [--scaleout-batch 200]
# Replica (optional): a local streaming replica of the project cluster (pg_basebackup into /tmp,
# a second postgres from port 54400, run as the cluster's OS user), the report RPCs through
# Odoo's db_replica_host against the primary; the replica is removed at the end:
#   scripts/bench.sh --sections sales,replica
# CM_BENCH_HTTP_PORT: first HTTP port tried for the Odoo processes (default 18069).
source "$(dirname "$0")/common.sh"
cm_init
ADDONS=sale_customer_mgmt,key_account,after_sales
PORT="$(cm_free_port "${CM_BENCH_HTTP_PORT:-18069}")"
for arg in "$@"; do
    if [ "$arg" = --install-on-data ]; then
        exec "$CM_PY" "$CM_ROOT/scripts/bench.py" --config "$CM_CONF" \
            --db "${CM_BENCH_INSTALL_DB:-cm_bench_install}" --addons "$ADDONS" \
            --dependencies "$(cm_dependencies)" --http-port "$PORT" --logdir "$CM_LOGDIR" "$@"
    fi
done
DB="${CM_BENCH_DB:-cm_bench}"
# shellcheck disable=SC2086
if ! cm_modules_installed "$DB" ${ADDONS//,/ } 2>/dev/null; then
    cm_log "installing $ADDONS into $DB (without demo data)"
    cm_odoo -d "$DB" -i "$ADDONS" --without-demo=all --stop-after-init \
        --http-port "$PORT" --logfile "$CM_LOGDIR/bench_install.log" \
        || cm_die "could not install into $DB, see $CM_LOGDIR/bench_install.log"
fi
exec "$CM_PY" "$CM_ROOT/scripts/bench.py" --config "$CM_CONF" --db "$DB" \
    --http-port "$PORT" --logdir "$CM_LOGDIR" "$@"
