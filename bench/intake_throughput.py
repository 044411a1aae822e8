"""Intake throughput: contacts a second through HTTP with a durable commit, against the
raw commit rate of the same database file settings, measured in the same run.

    .venv/bin/python bench/intake_throughput.py [--contacts N] [--writers N] [--write]

1. A throwaway SQLite database (migrate, Tangerang, the demo accounts), a token for the
   integration `aplikasi` scoped to submit reports, `siaga serve` on a free loopback
   port with production's SQLite settings (WAL, synchronous=FULL: a 201 means the
   contact is on disk).
2. **Baseline, same run**: single-row INSERT + COMMIT transactions through Python's
   sqlite3 on a file with the same pragmas, one writer, for as many rows.
3. `--writers` threads, each over one kept-alive HTTP connection, POST
   `/hooks/sms` (the SMS gateway's door) with a unique message id until `--contacts`
   are accepted; then every one is counted in the database (stored exactly once).
4. Print a Markdown section; with --write, replace it in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from live_latency import HOST, wait_until_up  # noqa: E402
from serving import prepared, serve  # noqa: E402

from siaga.benchmarking import machine, write_section  # noqa: E402

HEADING = "## Intake throughput"


def raw_commit_rate(folder: Path, rows: int) -> float:
    """Single-row transactions a second, the way the app's SQLite file is set up."""
    db = sqlite3.connect(folder / "raw.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE contact (id INTEGER PRIMARY KEY, sender TEXT, text TEXT)")
    started = time.perf_counter()
    for n in range(rows):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO contact (sender, text) VALUES (?, ?)", ("0812", f"{n}"))
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return rows / elapsed


class Writers:
    """Threads posting SMS until `total` are accepted; counts refusals."""

    def __init__(self, port: int, token: str, total: int) -> None:
        self.port, self.token, self.total = port, token, total
        self.next = 0
        self.accepted = 0
        self.refused: dict[int, int] = {}
        self.lock = threading.Lock()

    def take(self) -> int | None:
        with self.lock:
            if self.next >= self.total:
                return None
            self.next += 1
            return self.next

    def run(self) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
        }
        while (n := self.take()) is not None:
            body = {"from": "081234567890", "text": f"tolong {n}", "id": f"bench-{n}"}
            conn.request("POST", "/hooks/sms", json.dumps(body), headers)
            response = conn.getresponse()
            response.read()
            with self.lock:
                if response.status == 201:
                    self.accepted += 1
                else:
                    self.refused[response.status] = (
                        self.refused.get(response.status, 0) + 1
                    )
        conn.close()


def measure(folder: Path, contacts: int, writers: int) -> dict[str, float | int]:
    env, port, token = prepared(folder)
    db_path = folder / "siaga.sqlite3"
    raw = raw_commit_rate(folder, contacts)
    server = serve(env, folder)
    try:
        wait_until_up(port)
        pool = Writers(port, token, contacts)
        threads = [threading.Thread(target=pool.run) for _ in range(writers)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    with sqlite3.connect(db_path) as db:
        stored = db.execute(
            "SELECT count(*), count(DISTINCT provider_id) FROM intake_contact "
            "WHERE channel = 'sms' AND provider_id LIKE 'bench-%'"
        ).fetchone()
    return {
        "contacts": contacts,
        "writers": writers,
        "accepted": pool.accepted,
        "refused": sum(pool.refused.values()),
        "stored": stored[0],
        "distinct": stored[1],
        "seconds": elapsed,
        "http_rate": pool.accepted / elapsed,
        "raw_rate": raw,
    }


def report(r: dict[str, float | int]) -> str:
    ratio = float(r["http_rate"]) / float(r["raw_rate"])
    return f"""{HEADING}

`bench/intake_throughput.py` (run by `make bench`): contacts a second through the SMS
gateway's door with a durable commit (SQLite WAL, `synchronous=FULL`: a 201 means the
contact is on disk), against the raw single-row commit rate of a file with the same
pragmas, measured in the same run. {machine()}.

| figure | value |
|---|---|
| contacts sent, writers | {r["contacts"]}, {r["writers"]} |
| accepted (201), refused | {r["accepted"]}, {r["refused"]} |
| stored in the database (distinct) | {r["stored"]} ({r["distinct"]}) |
| intake through HTTP | {float(r["http_rate"]):.0f} contacts/s |
| baseline: raw sqlite3 commits | {float(r["raw_rate"]):.0f} rows/s |
| **ratio** intake ÷ raw commit | **{ratio:.4f}** (1 : {1 / ratio:.0f}) |

Each contact is one HTTP request, token check, validation, caller lookup, the contact
row, its hash-chained event and the commit. A profile (cProfile over 100 contacts
in-process) shows the time is Python's: about 20 queries a contact built by the ORM,
`full_clean`'s constraint checks a third of it, SQL execution under 1 ms. Tangerang's
real rate is about 5 contacts an hour; a flood day a few hundred an hour.
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--write", action="store_true", help="update the docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = measure(Path(folder), args.contacts, args.writers)
    section = report(result)
    print(section)
    if args.write:
        write_section(section, HEADING)
    lost = (
        result["accepted"] != result["stored"] or result["stored"] != result["distinct"]
    )
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
