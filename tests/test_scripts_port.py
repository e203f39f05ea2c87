"""The port check of the scripts (scripts/common.sh), run as the scripts run it.

Odoo and PostgreSQL bind their listening sockets with SO_REUSEADDR, so the
connections of a server that has just stopped (TIME_WAIT, one minute) do not
keep the next server off the port; only a live listener does. ``start.sh``
right after ``stop.sh`` must therefore start, and a port that really is taken
must stop ``start.sh`` before it starts anything.
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_WAIT, LISTEN = "06", "0A"


def _shell(function, *args):
    result = subprocess.run(
        ["bash", "-c", 'source "$0/scripts/common.sh"; "$@"', str(ROOT), function]
        + [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def _tcp_states(port):
    states = set()
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(path, encoding="ascii") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    states.add(fields[3])
    return states


def _plain_bind_fails(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _server_closed_connection(reuse):
    """A port whose server has stopped, one of its connections in TIME_WAIT.

    The server closes first (as Odoo does when it stops), so the TIME_WAIT
    socket is on the server's port. ``reuse``: the server set SO_REUSEADDR,
    as werkzeug and PostgreSQL do.
    """
    listener = socket.socket()
    if reuse:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    served, _addr = listener.accept()
    served.close()
    client.recv(1)  # the server's FIN
    client.close()
    listener.close()
    for _ in range(50):
        if TIME_WAIT in _tcp_states(port):
            break
        time.sleep(0.05)
    assert _tcp_states(port) == {TIME_WAIT}, _tcp_states(port)
    return port


def test_time_wait_of_a_stopped_server_is_free():
    port = _server_closed_connection(reuse=True)
    # what the check did before: a bind without SO_REUSEADDR says "in use"
    assert _plain_bind_fails(port)
    assert _shell("cm_port_state", port) == "free"
    assert _shell("cm_free_port", port) == str(port)


def test_live_listener_is_in_use():
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert _shell("cm_port_state", port) == "listen"
        assert int(_shell("cm_free_port", port)) > port
    assert _shell("cm_port_state", port) == "free"


def test_closing_socket_without_reuse_is_not_a_listener():
    # a server that did not set SO_REUSEADDR leaves TIME_WAIT sockets that no
    # server can bind over; they are "closing" (start.sh waits), not "listen"
    port = _server_closed_connection(reuse=False)
    assert _shell("cm_port_state", port) == "closing"
    assert int(_shell("cm_free_port", port)) > port


def test_start_checks_the_port_before_anything_else(tmp_path):
    # a copy of the scripts: its own .local, no pid file, no database server
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    env = dict(
        os.environ,
        # if the check let start.sh go on, it would use this (absent) server
        # rather than create and start a PostgreSQL cluster
        PGHOST=str(tmp_path / "no-server"),
        PGPORT="1",
    )
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        env["CM_HTTP_PORT"] = str(port)
        result = subprocess.run(
            ["bash", str(tmp_path / "scripts" / "start.sh"), "--background"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode != 0
    assert f"port {port} is in use" in result.stderr
    # it stopped before it looked for Odoo, the database server or anything
    assert "PostgreSQL" not in result.stderr
    assert not (tmp_path / ".local" / "pg").exists()
    assert not (tmp_path / ".local" / "odoo.conf").exists()
