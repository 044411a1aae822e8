"""Commit-to-console latency of the live feed, with many consoles connected.

Run from the repository root (takes about a minute, most of it setting up):

    .venv/bin/python bench/live_latency.py [--consoles 200] [--writes 50]
        [--db sqlite|postgres] [--json out.json]

Method, all on 127.0.0.1, in one run:

1. Set up a fresh database (a temporary SQLite file, or a throwaway PostgreSQL
   database on 127.0.0.1:5432), migrate, load the Tangerang data set and the demo
   accounts, issue a token for the call taker `telepon`, start `siaga serve`.
2. Baselines: the round-trip time of a raw TCP echo (an asyncio echo server in this
   process) and of `GET /healthz` on the server over one kept-alive connection.
3. Open the consoles: `GET /live/events` on raw sockets, one asyncio protocol each,
   all with the same token; wait until each has received the `retry:` line.
4. Writes: `POST /api/v1/incidents`, one at a time from a worker thread over a
   kept-alive connection, spaced --interval apart. For each we note the time just
   before sending and just after the answer was read ("returned").
5. Each console stamps every chunk it receives (perf_counter, first thing in
   `data_received`; parsing is left for after the run). A delivery is the
   `incident.opened` data line naming the write's incident number.
   latency = receive - returned (can be negative: the feed may beat the answer);
   upper bound = receive - sent. Ratios divide by the healthz and TCP echo p50.
6. Stop when every console has every write, or --drain seconds after the last
   write, or at --timeout (measurement phase); report, then clean up. The report
   also counts missing and duplicate deliveries, failed connects and writes, the
   server's threads and database connections (before and with the consoles open,
   from /proc and pg_stat_activity) and the distinct errors in the server's log.

The client shares the machine (and one event loop across all sockets) with the
server, so each latency includes some client-side scheduling. Exit status 1 when
any delivery is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import functools
import http.client
import json
import math
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PG_ADMIN = f"postgresql://postgres@{HOST}:5432/postgres"
OPENED = b'"incident.opened"'


@dataclass
class Write:
    sent: float
    returned: float
    status: int
    number: str | None


@dataclass
class Console(asyncio.Protocol):
    """One SSE connection; stamps raw chunks, counts `incident.opened` on the fly."""

    request: bytes
    ready: asyncio.Future[None]
    chunks: list[tuple[float, bytes]] = field(default_factory=list)
    opened: int = 0
    lost: bool = False
    transport: asyncio.BaseTransport | None = None

    def itself(self) -> Console:
        """The protocol factory for this connection."""
        return self

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.chunks.append((time.perf_counter(), data))
        self.opened += data.count(OPENED)
        if not self.ready.done():
            head = b"".join(chunk for _, chunk in self.chunks)
            if b"\r\n" in head and not head.startswith(b"HTTP/1.1 200"):
                self.ready.set_exception(RuntimeError(head.split(b"\r\n")[0]))
            elif b"\nretry:" in head:
                self.ready.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"closed early: {exc}"))

    def deliveries(self) -> list[tuple[float, dict[str, Any]]]:
        """(receive time, data) of each `data:` line, stamped with its last chunk."""
        found, buffer = [], b""
        for stamp, data in self.chunks:
            *lines, buffer = (buffer + data).split(b"\n")
            found += [(stamp, json.loads(x[6:])) for x in lines if x[:6] == b"data: "]
        return found


def percentile(values: list[float], p: float) -> float:
    """Nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {f"p{p}": percentile(ms, p) for p in (50, 90, 99)} | {
        "max": max(ms, default=float("nan")),
        "n": len(ms),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def siaga(env: dict[str, str], *args: str) -> str:
    return subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "-m", "siaga.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout


def pg_admin(statement: str, dbname: str) -> None:
    """CREATE or DROP the throwaway database (`{}` stands for its name)."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(dbname)))


async def echo_rtt(samples: int) -> list[float]:
    """Round trips of 16 bytes through an asyncio echo server on loopback."""

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(64):
            writer.write(data)
        writer.close()

    server = await asyncio.start_server(echo, HOST, 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.get_extra_info("socket").setsockopt(
        socket.IPPROTO_TCP, socket.TCP_NODELAY, 1
    )
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        writer.write(b"0123456789abcdef")
        await reader.readexactly(16)
        times.append(time.perf_counter() - start)
    writer.close()
    server.close()
    await server.wait_closed()
    return times


def healthz_rtt(port: int, samples: int) -> list[float]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        times.append(time.perf_counter() - start)
    conn.close()
    return times


def post_incident(conn: http.client.HTTPConnection, token: str) -> Write:
    body = json.dumps({"category": "lainnya", "description": "bench"})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    sent = time.perf_counter()
    try:
        conn.request("POST", "/api/v1/incidents", body, headers)
        response = conn.getresponse()
        payload = response.read()
    except (OSError, http.client.HTTPException):
        conn.close()  # the next request reconnects
        return Write(sent, time.perf_counter(), 0, None)
    returned = time.perf_counter()
    number = json.loads(payload)["number"] if response.status == 201 else None
    return Write(sent, returned, response.status, number)


def server_state(
    pid: int, admin: psycopg.Connection[Any] | None, dbname: str, sqlite: Path
) -> dict[str, int]:
    """The server's threads and database connections: PostgreSQL backends on the
    bench database (asked on `admin`, opened before the server can fill PostgreSQL
    up), or the server's open descriptors of the SQLite file (Linux /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"Threads:\s+(\d+)", status)
    threads = int(found[1]) if found else -1
    if admin is None:
        links = []
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):  # closed meanwhile
                links.append(os.readlink(fd))
        return {"threads": threads, "db_connections": links.count(str(sqlite))}
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
    row = admin.execute(query, [dbname]).fetchone()
    return {"threads": threads, "db_connections": row[0] if row else -1}


async def measure(
    port: int, token: str, args: argparse.Namespace, state: Callable[[], Any]
) -> dict[str, Any]:
    deadline = time.perf_counter() + args.timeout
    loop = asyncio.get_running_loop()
    result: dict[str, Any] = {"echo": summary(await echo_rtt(args.rtt_samples))}
    result["server_idle"] = await asyncio.to_thread(state)
    result["healthz"] = summary(
        await asyncio.to_thread(healthz_rtt, port, args.rtt_samples)
    )
    request = (
        f"GET /live/events HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()
    consoles = [Console(request, loop.create_future()) for _ in range(args.consoles)]
    started = time.perf_counter()
    opened = await asyncio.gather(
        *(loop.create_connection(c.itself, HOST, port) for c in consoles),
        return_exceptions=True,
    )
    await asyncio.wait([c.ready for c in consoles], timeout=args.timeout / 2)
    failed = [repr(e) for e in opened if isinstance(e, BaseException)]
    for console in consoles:
        if not console.ready.done():
            console.ready.cancel()
            failed.append("no retry: line in time")
        elif console.ready.exception() is not None:
            failed.append(repr(console.ready.exception()))
    result["connect_seconds"] = time.perf_counter() - started
    result["connect_errors"] = dict(collections.Counter(failed))
    result["server_with_consoles"] = await asyncio.to_thread(state)

    writes: list[Write] = []
    conn = http.client.HTTPConnection(HOST, port, timeout=15)
    for _ in range(args.writes):
        if time.perf_counter() > deadline:
            break
        writes.append(await asyncio.to_thread(post_incident, conn, token))
        await asyncio.sleep(
            max(0.0, writes[-1].sent + args.interval - time.perf_counter())
        )
    conn.close()
    wanted = sum(w.number is not None for w in writes) * len(consoles)
    stop = min(deadline, time.perf_counter() + args.drain)
    while sum(c.opened for c in consoles) < wanted and time.perf_counter() < stop:
        await asyncio.sleep(0.05)
    result["consoles_closed_by_server"] = sum(c.lost for c in consoles)
    for console in consoles:
        if console.transport is not None:
            console.transport.close()
    return result | analyse(consoles, writes, args.writes)


def analyse(
    consoles: list[Console], writes: list[Write], planned: int
) -> dict[str, Any]:
    by_number = {w.number: w for w in writes if w.number is not None}
    after_returned, after_sent, other, duplicates = [], [], 0, 0
    first_last: dict[str, list[float]] = {}
    missing: list[tuple[int, str]] = []
    for index, console in enumerate(consoles):
        seen: set[str] = set()
        for stamp, data in console.deliveries():
            write = by_number.get(str(data.get("incident")))
            if data.get("type") != "incident.opened" or write is None:
                other += 1
                continue
            if write.number in seen:
                duplicates += 1
                continue
            seen.add(str(write.number))
            after_returned.append(stamp - write.returned)
            after_sent.append(stamp - write.sent)
            first_last.setdefault(str(write.number), []).append(stamp)
        missing += [(index, n) for n in by_number if n not in seen]
    spreads = [max(s) - min(s) for s in first_last.values()]
    return {
        "consoles": len(consoles),
        "writes_planned": planned,
        "writes_ok": len(by_number),
        "write_errors": [w.status for w in writes if w.number is None],
        "post_rtt": summary([w.returned - w.sent for w in writes]),
        "expected": planned * len(consoles),
        "received": len(after_returned),
        "missing": planned * len(consoles) - len(after_returned),
        "missing_sample": missing[:10],
        "duplicates": duplicates,
        "other_events": other,
        "latency_after_returned": summary(after_returned),
        "latency_after_sent": summary(after_sent),
        "fanout_spread": summary(spreads),
    }


def report(r: dict[str, Any]) -> None:
    rtt, tcp = r["healthz"]["p50"], r["echo"]["p50"]
    print(
        f"\ndatabase {r['db']}: {r['consoles']} consoles, {r['writes_ok']} of "
        f"{r['writes_planned']} writes ok (errors: {r['write_errors']}), "
        f"{sum(r['connect_errors'].values())} console connect errors, "
        f"{r['connect_seconds']:.2f} s to connect them all\n"
        f"server threads / database connections: {r['server_idle']['threads']} / "
        f"{r['server_idle']['db_connections']} idle, "
        f"{r['server_with_consoles']['threads']} / "
        f"{r['server_with_consoles']['db_connections']} with the consoles open\n"
        f"deliveries: {r['received']} of {r['expected']} expected, "
        f"{r['missing']} missing, {r['duplicates']} duplicate, "
        f"{r['other_events']} other events, "
        f"{r['consoles_closed_by_server']} consoles closed by the server\n"
    )
    head = ("p50", "p90", "p99", "max", "p50/RTT", "p99/RTT", "p50/TCP", "p99/TCP")
    print(f"{'milliseconds':<30}" + "".join(f"{h:>9}" for h in head))
    rows = [
        ("TCP echo (baseline TCP)", r["echo"]),
        ("GET /healthz (baseline RTT)", r["healthz"]),
        ("POST /incidents sent->answer", r["post_rtt"]),
        ("console recv - POST answered", r["latency_after_returned"]),
        ("console recv - POST sent", r["latency_after_sent"]),
        ("fan-out first->last console", r["fanout_spread"]),
    ]
    for name, s in rows:
        cells = [s["p50"], s["p90"], s["p99"], s["max"]]
        ratios = [s["p50"] / rtt, s["p99"] / rtt, s["p50"] / tcp, s["p99"] / tcp]
        print(
            f"{name:<30}"
            + "".join(f"{v:9.2f}" for v in cells)
            + "".join(f"{v:9.1f}" for v in ratios[:2])
            + "".join(f"{v:9.0f}" for v in ratios[2:])
        )
    print("RTT = GET /healthz p50, TCP = TCP echo p50, both measured in this run")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--consoles", type=int, default=200)
    parser.add_argument("--writes", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rtt-samples", type=int, default=500)
    parser.add_argument("--drain", type=float, default=10.0, help="seconds")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="siaga-bench-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SIAGA_", "DATABASE_URL", "DEBUG"))
    }
    env["SIAGA_SQLITE_PATH"] = str(folder / "siaga.sqlite3")
    dbname = f"siaga_bench_{secrets.token_hex(4)}"
    server: subprocess.Popen[bytes] | None = None
    admin: psycopg.Connection[Any] | None = None
    try:
        if args.db == "postgres":
            admin = psycopg.connect(PG_ADMIN, autocommit=True)
            pg_admin("CREATE DATABASE {}", dbname)
            env["DATABASE_URL"] = f"postgresql://postgres@{HOST}:5432/{dbname}"
        for step in (
            "migrate --noinput",
            "load-dataset tangerang",
            "load-demo-accounts",
        ):
            siaga(env, *step.split())
        token = siaga(env, "create-token", "--user", "telepon").strip()
        port = free_port()
        with (folder / "server.log").open("wb") as log:
            server = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
                [sys.executable, "-m", "siaga.cli", "serve", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(port)
        sqlite = folder / "siaga.sqlite3"
        state = functools.partial(server_state, server.pid, admin, dbname, sqlite)
        result = asyncio.run(measure(port, token, args, state)) | {"db": args.db}
        result["server_errors"] = server_errors(folder / "server.log")
        report(result)
        for line, count in result["connect_errors"].items():
            print(f"console connect error, {count}x: {line}")
        for line, count in result["server_errors"].items():
            print(f"server log, {count}x: {line}")
        if args.json:
            args.json.write_text(json.dumps(no_nan(result), indent=2) + "\n")
        return 0 if result["missing"] == 0 else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if admin is not None:
            admin.close()
            with contextlib.suppress(Exception):
                pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", dbname)
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def no_nan(value: Any) -> Any:
    """JSON has no NaN: empty summaries become null."""
    if isinstance(value, dict):
        return {key: no_nan(item) for key, item in value.items()}
    if isinstance(value, list):
        return [no_nan(item) for item in value]
    return None if isinstance(value, float) and math.isnan(value) else value


def server_errors(log: Path) -> dict[str, int]:
    """Distinct error lines of the server log (a traceback's last line), counted."""
    lines = log.read_text(errors="replace").splitlines()
    found = [x[:300] for x in lines if re.match(r"[\w.]+(Error|Exception)\b", x)]
    found += [x[:300] for x in lines if "ERROR" in x]
    return dict(collections.Counter(found).most_common(20))


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            healthz_rtt(port, 1)
            return
        time.sleep(0.3)
    raise RuntimeError("siaga serve did not come up")


if __name__ == "__main__":
    sys.exit(main())
