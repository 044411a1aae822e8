"""A PostgreSQL server on this machine, driven through Debian's own binaries.

`siaga fence` and `siaga standby rebuild` act on the local data directory; the
automated failover test starts its primary and standby with the same code. Every tool
runs as the data directory's owner: when called as root (systemd's ExecStartPre, CI),
through `runuser`, because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from siaga.lib.errors import InvalidInput

# Written into a data directory, this file makes PostgreSQL start in recovery: it
# serves reads and refuses every write. It is how a fenced primary stays fenced.
STANDBY_SIGNAL = "standby.signal"


def bindir() -> Path:
    """PostgreSQL's binaries: $SIAGA_PG_BIN, else Debian's newest version."""
    configured = os.environ.get("SIAGA_PG_BIN", "")
    if configured:
        return Path(configured)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda found: int(found.parent.parent.name),
    )
    if not versions:
        raise InvalidInput(
            "PostgreSQL's binaries are not installed (apt-get install postgresql)"
        )
    return versions[-1].parent


@dataclass(frozen=True)
class LocalServer:
    """One PostgreSQL server: its data directory and where it listens."""

    data: Path
    port: int
    host: str = "127.0.0.1"

    @property
    def owner(self) -> str:
        return pwd.getpwuid(self.data.stat().st_uid).pw_name

    def tool(
        self, name: str, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run one of PostgreSQL's tools as the data directory's owner."""
        command = [str(bindir() / name), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.owner, "--", *command]
        return subprocess.run(  # noqa: S603 (PostgreSQL's own program)
            command, capture_output=True, text=True, check=check, timeout=600
        )

    def conninfo(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return (
            f"host={self.host} port={self.port} dbname={dbname} user={user}"
            " connect_timeout=3"
        )

    def start(self, log: Path | None = None) -> None:
        logfile = log or self.data.with_name(f"{self.data.name}.log")
        self.tool(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(logfile),
            "-o",
            f"-p {self.port}",
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        if self.is_running():
            self.tool(
                "pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"
            )

    def postmaster_pid(self) -> int | None:
        pidfile = self.data / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid  # alive, owned by another user
        return pid

    def is_running(self) -> bool:
        return self.postmaster_pid() is not None

    def kill(self) -> None:
        """SIGKILL the postmaster: the server dies as in a power cut of the process."""
        pid = self.postmaster_pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)

    def fence(self) -> None:
        """Leave the data directory so that the server, whenever it starts again,
        starts in recovery and refuses writes, until it is rebuilt as a standby."""
        signal_file = self.data / STANDBY_SIGNAL
        signal_file.touch()
        shutil.chown(signal_file, user=self.owner)

    def is_fenced(self) -> bool:
        return (self.data / STANDBY_SIGNAL).exists()
