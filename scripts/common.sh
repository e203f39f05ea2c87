# shellcheck shell=bash
# Shared helpers for the project's scripts: find (or install) Odoo 18, find (or start) PostgreSQL,
# write the Odoo configuration. Sourced by start.sh, test.sh, pg.sh and bench scripts.
#
# Environment variables (all optional):
#   ODOO_PYTHON   a python interpreter that can `import odoo` (version 18); default: python3,
#                 else the project virtualenv .venv (created and filled from the official source)
#   ODOO_RC       an existing Odoo configuration file: its database settings are used as they are
#   PGHOST PGPORT PGUSER PGPASSWORD   an existing PostgreSQL server to use instead of the
#                 project-local cluster
#   CM_DB         database served by start.sh (default: customer_mgmt)
#   CM_HTTP_PORT  HTTP port of start.sh (default: 8069)
set -euo pipefail

CM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CM_STATE="$CM_ROOT/.local"
CM_ADDONS="$CM_ROOT/addons"
CM_LOGDIR="$CM_STATE/log"
CM_CONF="$CM_STATE/odoo.conf"
CM_ODOO_BRANCH_URL="https://github.com/odoo/odoo/archive/refs/heads/18.0.tar.gz"
mkdir -p "$CM_STATE" "$CM_LOGDIR"

cm_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cm_die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# --------------------------------------------------------------------------------------------
# System packages (Debian, when run as root). Odoo needs libpq, the LDAP/SASL headers for
# python-ldap, a C toolchain for the few sdists, PostgreSQL server binaries for the embedded
# cluster, Chromium for the browser tours, wkhtmltopdf with CJK fonts to print PDF reports
# (Chinese text included) and poppler-utils (pdftotext) for the tests that read those PDFs.
CM_DEB_PACKAGES=(libpq-dev libldap2-dev libsasl2-dev libxml2-dev libxslt1-dev libjpeg-dev
                 zlib1g-dev build-essential postgresql postgresql-client chromium
                 wkhtmltopdf fonts-noto-cjk poppler-utils)

cm_system_packages() {
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local missing=() p
    for p in "${CM_DEB_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        cm_log "installing system packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        cm_log "WARNING: missing system packages (install them as root): ${missing[*]}"
    fi
}

# --------------------------------------------------------------------------------------------
# Python with Odoo 18
cm_is_odoo18() {
    "$1" - <<'PY' >/dev/null 2>&1
import odoo.release, sys
sys.exit(0 if odoo.release.version_info[0] == 18 else 1)
PY
}

cm_find_python() {
    local candidates=()
    [ -n "${ODOO_PYTHON:-}" ] && candidates+=("$ODOO_PYTHON")
    candidates+=(python3 "$CM_ROOT/.venv/bin/python")
    local c
    for c in "${candidates[@]}"; do
        if command -v "$c" >/dev/null 2>&1 && cm_is_odoo18 "$c"; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

cm_install_odoo() {
    # No Odoo 18 importable: install it into a project virtualenv from the official 18.0 archive.
    cm_system_packages
    local src="$CM_STATE/src/odoo-18.0" venv="$CM_ROOT/.venv"
    if [ ! -f "$src/setup.py" ]; then
        cm_log "downloading Odoo 18.0 from $CM_ODOO_BRANCH_URL"
        mkdir -p "$CM_STATE/src"
        curl -fsSL "$CM_ODOO_BRANCH_URL" | tar -xz -C "$CM_STATE/src"
    fi
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    printf 'setuptools<70\n' > "$CM_STATE/pip-constraints.txt"
    cm_log "installing Odoo 18.0 and its requirements into $venv"
    PIP_CONSTRAINT="$CM_STATE/pip-constraints.txt" "$venv/bin/pip" install -q -r "$src/requirements.txt" >&2
    PIP_CONSTRAINT="$CM_STATE/pip-constraints.txt" "$venv/bin/pip" install -q --no-deps \
        -e "$src" --config-settings editable_mode=compat >&2
    cm_is_odoo18 "$venv/bin/python" || cm_die "Odoo 18 still not importable from $venv"
}

cm_python_deps() {
    # The project's own Python dependencies, pinned: requirements.txt (runtime) and
    # test-requirements.txt (test and lint tools). Nothing is downloaded when they are all
    # present already.
    local py="$1"
    if ! "$py" - "$CM_ROOT/requirements.txt" "$CM_ROOT/test-requirements.txt" <<'PY' >/dev/null 2>&1
import sys
from importlib.metadata import version
from packaging.requirements import Requirement
for path in sys.argv[1:]:
    for line in open(path):
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            assert req.specifier.contains(version(req.name), prereleases=True), req
PY
    then
        cm_log "installing the project's Python dependencies (requirements.txt, test-requirements.txt)"
        printf 'setuptools<70\n' > "$CM_STATE/pip-constraints.txt"
        PIP_CONSTRAINT="$CM_STATE/pip-constraints.txt" "$py" -m pip install -q \
            -r "$CM_ROOT/requirements.txt" -r "$CM_ROOT/test-requirements.txt" >&2
    fi
}

cm_python() {
    # Prints the interpreter to use, installing Odoo and the project's dependencies if needed.
    local py
    if ! py="$(cm_find_python)"; then
        cm_install_odoo
        py="$CM_ROOT/.venv/bin/python"
    fi
    cm_python_deps "$py"
    echo "$py"
}

# --------------------------------------------------------------------------------------------
# PostgreSQL: an existing server (PG* variables or ODOO_RC) or the project-local cluster.
CM_PG_BIN=""
cm_pg_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && CM_PG_BIN="$d"
    done
    [ -n "$CM_PG_BIN" ] || CM_PG_BIN="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
    [ -x "$CM_PG_BIN/initdb" ] || cm_die "PostgreSQL server binaries (initdb) not found: install PostgreSQL 15 (Debian: apt-get install postgresql)"
}

cm_pg_external() {
    # True when the user configured a server of their own.
    [ -n "${ODOO_RC:-}" ] || [ -n "${PGHOST:-}" ] || [ -n "${PGPORT:-}" ] || [ -n "${PGUSER:-}" ]
}

# The cluster runs as a non-root OS user when we are root (initdb refuses root).
cm_pg_osuser() {
    if [ "$(id -u)" != 0 ]; then id -un; return; fi
    if id postgres >/dev/null 2>&1; then echo postgres; return; fi
    id cm-postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin cm-postgres
    echo cm-postgres
}

cm_as_pg() {
    local u; u="$(cm_pg_osuser)"
    if [ "$(id -u)" = 0 ]; then runuser -u "$u" -- "$@"; else "$@"; fi
}

cm_pg_dir() {
    # Data and socket live in the project (.local/pg); if the cluster's OS user cannot reach the
    # project directory (e.g. a checkout under /root), they live in /var/tmp under a name derived
    # from the project path instead.
    local d="$CM_STATE/pg"
    if [ "$(id -u)" = 0 ] && ! runuser -u "$(cm_pg_osuser)" -- test -x "$CM_STATE" 2>/dev/null; then
        d="/var/tmp/cm-pg-$(printf '%s' "$CM_ROOT" | md5sum | cut -c1-10)"
    fi
    echo "$d"
}

# --------------------------------------------------------------------------------------------
# TCP ports. Odoo (werkzeug) and PostgreSQL bind their listening sockets with SO_REUSEADDR: a
# port whose server has just stopped, with its last connections still in TIME_WAIT for a
# minute, is free for them; only a live listener takes it. The checks bind the same way, on all
# IPv4 addresses (Odoo listens on 0.0.0.0), so they agree with the servers.
_cm_port_py() {
    # _cm_port_py state PORT | _cm_port_py free FIRST_PORT
    python3 - "$@" <<'PY'
import socket, sys

def bindable(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("", port))
        except OSError:
            return False
    return True

def listening(port):
    # a socket in state LISTEN (0A) on the port, any address (Linux /proc); None: cannot tell
    try:
        for path in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(path) as f:
                for line in f.readlines()[1:]:
                    fields = line.split()
                    local, state = fields[1], fields[3]
                    if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                        return True
    except OSError:
        return None
    return False

def state(port):
    if bindable(port):
        return "free"
    return "closing" if listening(port) is False else "listen"

mode, port = sys.argv[1], int(sys.argv[2])
if mode == "state":
    print(state(port))
else:
    while state(port) != "free":
        port += 1
        if port > 65535:
            sys.exit("no free TCP port from %s up" % sys.argv[2])
    print(port)
PY
}

cm_port_state() {
    # Prints the state of TCP port $1:
    #   free     a server (binding with SO_REUSEADDR, as Odoo and PostgreSQL do) can take it now
    #   listen   a program listens on it
    #   closing  nothing listens, but connections of an earlier program that did not set
    #            SO_REUSEADDR still hold it (for up to a minute)
    _cm_port_py state "$1"
}

cm_free_port() {
    # Prints the first free port (see cm_port_state) from $1 up.
    _cm_port_py free "$1"
}

cm_port_user() {
    # The program listening on port $1, as `ss` shows it (empty when unknown).
    command -v ss >/dev/null 2>&1 || return 0
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(.*)' | head -1 || true
}

cm_wait_port() {
    # Returns once port $1 is free; fails at once when a program listens on it, or after 70 s of
    # closing connections (TIME_WAIT lasts 60 s).
    local i
    for i in $(seq 1 70); do
        case "$(cm_port_state "$1")" in
            free) return 0 ;;
            listen) return 1 ;;
        esac
        [ "$i" != 1 ] || cm_log "port $1: connections of an earlier server are still closing; waiting (up to 70 s)"
        sleep 1
    done
    return 1
}

cm_pg_start() {
    # Creates (once) and starts the project-local cluster; sets PG* variables for the caller.
    cm_pg_bin
    local dir data sock portfile port
    dir="$(cm_pg_dir)"; data="$dir/data"; sock="$dir/run"; portfile="$dir/port"
    mkdir -p "$dir" "$sock"
    if [ "$(id -u)" = 0 ]; then chown "$(cm_pg_osuser)" "$dir" "$sock"; fi
    if [ ! -f "$data/PG_VERSION" ]; then
        cm_log "creating the project-local PostgreSQL cluster in $data"
        cm_as_pg "$CM_PG_BIN/initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; cm_die "initdb failed"; }
    fi
    if [ -f "$portfile" ]; then port="$(cat "$portfile")"; else port="$(cm_free_port 54320)"; echo "$port" > "$portfile"; fi
    if ! cm_as_pg "$CM_PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        # the remembered port may have been taken by something else meanwhile
        if [ "$(cm_free_port "$port")" != "$port" ]; then port="$(cm_free_port 54320)"; echo "$port" > "$portfile"; fi
        cm_log "starting PostgreSQL (port $port, socket $sock)"
        cm_as_pg "$CM_PG_BIN/pg_ctl" -D "$data" -l "$dir/postgresql.log" -w -t 60 \
            -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null || { tail -20 "$dir/postgresql.log" >&2; cm_die "PostgreSQL did not start"; }
    fi
    export PGHOST="$sock" PGPORT="$port" PGUSER=odoo
    unset PGPASSWORD
}

cm_pg_stop() {
    cm_pg_bin
    local data; data="$(cm_pg_dir)/data"
    if [ -f "$data/PG_VERSION" ] && cm_as_pg "$CM_PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        cm_as_pg "$CM_PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
        cm_log "PostgreSQL stopped"
    else
        cm_log "PostgreSQL (project-local) is not running"
    fi
}

cm_pg_ensure() {
    if cm_pg_external; then
        cm_log "using the configured PostgreSQL server${PGHOST:+ on $PGHOST}${PGPORT:+:$PGPORT}${ODOO_RC:+ (from $ODOO_RC)}"
    else
        cm_pg_start
    fi
}

# --------------------------------------------------------------------------------------------
# The Odoo server of start.sh, and what it needs to print
cm_odoo_pid() {
    # Prints the pid of the Odoo server start.sh started (.local/odoo.pid) while it runs.
    local pid args
    pid="$(cat "$CM_STATE/odoo.pid" 2>/dev/null)" || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    # the pid may belong to another program by now (a stale file, e.g. after a reboot)
    args="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || ps -o args= -p "$pid" 2>/dev/null)" || return 1
    [[ "$args" == *"-c $CM_CONF "* ]] || return 1
    echo "$pid"
}

cm_check_printing() {
    # Says at start what is missing to print PDF reports (Odoo then prints HTML).
    if ! command -v wkhtmltopdf >/dev/null 2>&1; then
        cm_log "WARNING: wkhtmltopdf is not installed: reports print as HTML, not PDF (Debian, as root: apt-get install wkhtmltopdf fonts-noto-cjk)"
        return 0
    fi
    if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh family 2>/dev/null | head -1)" ]; then
        cm_log "WARNING: no Chinese font: Chinese text prints as empty boxes in PDF reports (Debian, as root: apt-get install fonts-noto-cjk)"
    fi
    case "$(wkhtmltopdf --version 2>/dev/null)" in
        *"patched qt"*) ;;
        *) cm_log "note: this wkhtmltopdf is built without patched Qt (the Debian package): PDF reports print without their header and footer (letterhead, page numbers); the build from wkhtmltopdf.org has them" ;;
    esac
}

# --------------------------------------------------------------------------------------------
# Odoo configuration
cm_addons_path() {
    local py="$1"
    "$py" - "$CM_ADDONS" <<'PY'
import os, sys
import odoo
root = os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__)))
paths = [sys.argv[1]]
for p in (os.path.join(root, "addons"), os.path.join(root, "odoo", "addons")):
    if os.path.isdir(os.path.join(p, "base")) or os.path.isdir(os.path.join(p, "web")):
        paths.append(p)
print(",".join(paths))
PY
}

cm_write_conf() {
    # Writes .local/odoo.conf, used by every script. With ODOO_RC, the user's file is the base.
    local py="$1"
    local addons; addons="$(cm_addons_path "$py")"
    {
        if [ -n "${ODOO_RC:-}" ]; then
            grep -v -E '^\s*(addons_path|data_dir)\s*=' "$ODOO_RC"
        else
            echo "[options]"
            echo "db_host = ${PGHOST:-False}"
            echo "db_port = ${PGPORT:-False}"
            echo "db_user = ${PGUSER:-odoo}"
            echo "db_password = ${PGPASSWORD:-False}"
            echo "admin_passwd = admin"
        fi
        echo "addons_path = $addons"
        echo "data_dir = $CM_STATE/filestore"
    } > "$CM_CONF"
}

cm_odoo() {
    # Runs Odoo with the project configuration.
    "$CM_PY" -m odoo -c "$CM_CONF" "$@"
}

cm_odoo_db() {
    # Odoo's database tool (duplicate, drop, ...) with the project configuration.
    "$CM_PY" -m odoo db -c "$CM_CONF" "$@"
}

cm_db_exists() {
    "$CM_PY" - "$CM_CONF" "$1" <<'PY'
import sys
import odoo
from odoo.tools import config
config.parse_config(["-c", sys.argv[1]])
import odoo.sql_db
with odoo.sql_db.db_connect("postgres").cursor() as cr:
    cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sys.argv[2]])
    sys.exit(0 if cr.fetchone() else 1)
PY
}

cm_modules_installed() {
    # exit 0 when every module given is installed in database $1
    local db="$1"; shift
    "$CM_PY" - "$CM_CONF" "$db" "$@" <<'PY'
import sys
import odoo
from odoo.tools import config
config.parse_config(["-c", sys.argv[1]])
import odoo.sql_db
with odoo.sql_db.db_connect(sys.argv[2]).cursor() as cr:
    cr.execute("SELECT to_regclass('ir_module_module')")
    if not cr.fetchone()[0]:
        sys.exit(1)
    cr.execute("SELECT count(*) FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
               [sys.argv[3:]])
    sys.exit(0 if cr.fetchone()[0] == len(sys.argv[3:]) else 1)
PY
}

cm_our_addons() { echo "sale_customer_mgmt key_account after_sales"; }

cm_dependencies() {
    # Modules our addons depend on (recursively through our own addons), minus our own.
    "$CM_PY" - "$CM_ADDONS" <<'PY'
import ast, os, sys
root = sys.argv[1]
ours = {d for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "__manifest__.py"))}
deps = set()
for name in ours:
    with open(os.path.join(root, name, "__manifest__.py")) as f:
        deps |= set(ast.literal_eval(f.read()).get("depends", []))
print(",".join(sorted(deps - ours)))
PY
}

cm_our_prerequisites() {
    # Our own addons that the given ones (comma-separated) depend on, transitively, minus them.
    "$CM_PY" - "$CM_ADDONS" "$1" <<'PY'
import ast, os, sys
root, wanted = sys.argv[1], set(sys.argv[2].split(","))
ours = {d for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "__manifest__.py"))}
def deps(name):
    with open(os.path.join(root, name, "__manifest__.py")) as f:
        return set(ast.literal_eval(f.read()).get("depends", [])) & ours
todo, seen = list(wanted & ours), set()
while todo:
    for d in deps(todo.pop()):
        if d not in seen:
            seen.add(d)
            todo.append(d)
print(",".join(sorted(seen - wanted)))
PY
}

cm_init() {
    # Everything the scripts need: interpreter, dependencies, database server, configuration.
    cm_system_packages
    CM_PY="$(cm_python)"
    export CM_PY
    cm_pg_ensure
    cm_write_conf "$CM_PY"
}
