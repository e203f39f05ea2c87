#!/usr/bin/env bash
# Benchmarks at realistic volume (not part of the test suite): prints one line per figure,
# each next to its baseline measured in the same run.
#   scripts/bench.sh [--customers N] [--orders N] [--lines N] [--invoices N]
# Defaults: 20000 customers, 100000 orders with 500000 lines, 100000 invoices with payments.
# The database cm_bench (addons installed without demo data, then the generated data set) is
# kept between runs; drop it to regenerate: python3 -m odoo db -c .local/odoo.conf drop cm_bench
source "$(dirname "$0")/common.sh"
cm_init
DB="${CM_BENCH_DB:-cm_bench}"
if ! cm_modules_installed "$DB" sale_customer_mgmt 2>/dev/null; then
    cm_log "creating $DB (addons without demo data)"
    cm_odoo -d "$DB" -i sale_customer_mgmt --without-demo=all --stop-after-init \
        --http-port "$(cm_free_port 18069)" --logfile "$CM_LOGDIR/bench_install.log" \
        || cm_die "could not create $DB, see $CM_LOGDIR/bench_install.log"
fi
exec "$CM_PY" "$CM_ROOT/scripts/bench.py" --config "$CM_CONF" --db "$DB" "$@"
