"""Duplicate suggestions with 100,000 open incidents: the time of `possible_duplicates`
as a call and through the console's HTTP fragment, against the same on an empty
database and against `GET /healthz`, measured in the same run.

    .venv/bin/python bench/duplicates_speed.py [--db sqlite|postgres]
        [--incidents 100000] [--hours 12] [--samples 200] [--write]

Method:

1. A throwaway database (a temporary SQLite file, or a throwaway PostgreSQL database
   on 127.0.0.1:5432): migrate, Tangerang, the demo accounts; `siaga serve` on a free
   loopback port with `DEBUG` off, and the call taker `telepon` signs in through the
   login form (the fragment is a console page: a session, not a token).
2. --samples suggestion requests, each a category drawn from the city's mix (the
   statistics benchmark's) and a point drawn uniformly in Tangerang's bounding box
   (-6.26..-6.09, 106.55..106.76), the same list in every phase. Each phase times
   them as the function call (in this process, on its own connection) and as
   `GET /konsol/ganda/?category=…&lat=…&lon=…` (an htmx request over one kept-alive
   connection), each HTTP request after a `GET /healthz` on the same connection.
3. **Baselines, same run**: the phase on the empty database (no incident at all) and
   the `/healthz` round trips interleaved with the requests.
4. bulk_create --incidents open incidents (and one phone contact each) in the box,
   opened over the last --hours (the suggestion window is six), statuses across the
   open ones; then the phase again, the plan of the incident query (EXPLAIN QUERY
   PLAN / EXPLAIN ANALYZE) and how many rows it returns.
5. Same data once the planner has statistics, as the worker's hourly housekeeping
   leaves them on SQLite (`refresh_planner_statistics`: an ANALYZE limited to 1 000
   rows an index) and autovacuum on PostgreSQL (ANALYZE): the call again, its plan.
6. Print a Markdown section; with --write, replace it in docs/benchmarks.md. Timings
   are reported, never asserted.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import http.cookies
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from live_latency import (  # noqa: E402
    HOST,
    PG_ADMIN,
    ROOT,
    free_port,
    percentile,
    pg_admin,
    wait_until_up,
)
from stats_speed import CATEGORIES  # noqa: E402

from siaga.benchmarking import machine, set_up_django, write_section  # noqa: E402

if TYPE_CHECKING:
    from siaga.incidents.models import Category

HEADINGS = {
    "sqlite": "## Duplicate suggestions with 100,000 open incidents (SQLite)",
    "postgresql": "## Duplicate suggestions with 100,000 open incidents (PostgreSQL)",
}
SOUTH, NORTH, WEST, EAST = -6.26, -6.09, 106.55, 106.76
OPEN_MIX = (  # thousandths, across the open statuses
    ("new", 300),
    ("dispatched", 200),
    ("acknowledged", 150),
    ("en_route", 100),
    ("on_scene", 200),
    ("referred", 50),
)
BATCH = 5_000


@dataclass
class Phase:
    """Seconds per sample: the call, the HTTP fragment, /healthz beside it."""

    call: list[float] = field(default_factory=list)
    http: list[float] = field(default_factory=list)
    healthz: list[float] = field(default_factory=list)
    found: list[int] = field(default_factory=list)  # suggestions shown per call
    sql: list[float] = field(default_factory=list)  # the incident query alone


@dataclass
class Result:
    db: str
    incidents: int
    contacts: int
    hours: float
    fill_seconds: float
    empty: Phase
    full: Phase
    indexed: Phase
    rows: list[int]  # rows the incident query returns, per sample
    window: int  # open incidents inside the six-hour window
    plan: list[str]
    plan_indexed: list[str]
    statuses: dict[int, int] = field(default_factory=dict)


def pick(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    """One of `choices` by their weights."""
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


@dataclass(frozen=True)
class Sample:
    category: str
    lat: float
    lon: float


def samples(count: int, seed: int) -> list[Sample]:
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    return [
        Sample(
            pick(rng, CATEGORIES),
            rng.uniform(SOUTH, NORTH),
            rng.uniform(WEST, EAST),
        )
        for _ in range(count)
    ]


# --- the server and a signed-in console ------------------------------------------


def server_env(folder: Path, port: int) -> dict[str, str]:
    """The server's environment: this process's database, DEBUG off, the port."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SIAGA_", "DATABASE_URL", "DEBUG"))
    }
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    else:
        env["SIAGA_SQLITE_PATH"] = os.environ["SIAGA_SQLITE_PATH"]
    return env | {"PORT": str(port), "DEBUG": "false", "ALLOWED_HOSTS": HOST}


def cookies_of(response: http.client.HTTPResponse) -> dict[str, str]:
    jar: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(conn: http.client.HTTPConnection, username: str, password: str) -> str:
    """The Cookie header of a session signed in through the login form."""
    conn.request("GET", "/akun/masuk/")
    response = conn.getresponse()
    page = response.read().decode()
    cookies = cookies_of(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("no CSRF token on the login page")
    form = {"csrfmiddlewaretoken": token.group(1)}
    form |= {"username": username, "password": password}
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
    }
    conn.request("POST", "/akun/masuk/", urllib.parse.urlencode(form), headers)
    response = conn.getresponse()
    response.read()
    cookies |= cookies_of(response)
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"sign-in failed: {response.status}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def timed_get(
    conn: http.client.HTTPConnection, path: str, headers: dict[str, str]
) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    return time.perf_counter() - started, response.status, body


# --- the phases --------------------------------------------------------------------


def categories() -> dict[str, Category]:
    from siaga.incidents.models import Category

    return {c.code: c for c in Category.objects.all()}


def run_calls(phase: Phase, points: list[Sample]) -> None:
    from siaga.incidents.duplicates import possible_duplicates

    by_code = categories()
    for point in points[:10]:  # warm-up
        possible_duplicates(
            category=by_code[point.category], lat=point.lat, lon=point.lon
        )
    for point in points:
        started = time.perf_counter()
        found = possible_duplicates(
            category=by_code[point.category], lat=point.lat, lon=point.lon
        )
        phase.call.append(time.perf_counter() - started)
        phase.found.append(len(found))


def incident_query(point: Sample) -> str:
    """The SQL of the incident query of one call, as executed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from siaga.incidents.duplicates import possible_duplicates

    with CaptureQueriesContext(connection) as captured:
        possible_duplicates(
            category=categories()[point.category], lat=point.lat, lon=point.lon
        )
    return next(
        q["sql"]
        for q in captured.captured_queries
        if '"incidents_incident"."lat" BETWEEN' in q["sql"]
    )


def run_sql(phase: Phase, points: list[Sample]) -> None:
    """The incident query alone through a raw cursor: the database's share."""
    from django.db import connection

    statements = [incident_query(point) for point in points]
    with connection.cursor() as cursor:
        for statement in statements:
            started = time.perf_counter()
            cursor.execute(statement)
            cursor.fetchall()
            phase.sql.append(time.perf_counter() - started)


def run_http(
    phase: Phase, points: list[Sample], conn: http.client.HTTPConnection, cookie: str
) -> dict[int, int]:
    headers = {"Cookie": cookie, "HX-Request": "true"}
    statuses: dict[int, int] = {}

    def fragment(point: Sample) -> str:
        query = {"category": point.category, "lat": point.lat, "lon": point.lon}
        return f"/konsol/ganda/?{urllib.parse.urlencode(query)}"

    for point in points[:10]:  # warm-up
        timed_get(conn, "/healthz", {})
        timed_get(conn, fragment(point), headers)
    for point in points:
        phase.healthz.append(timed_get(conn, "/healthz", {})[0])
        seconds, status, _ = timed_get(conn, fragment(point), headers)
        phase.http.append(seconds)
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


def measure_phase(
    points: list[Sample], conn: http.client.HTTPConnection, cookie: str
) -> tuple[Phase, dict[int, int]]:
    phase = Phase()
    run_calls(phase, points)
    run_sql(phase, points)
    statuses = run_http(phase, points, conn, cookie)
    return phase, statuses


# --- the data ----------------------------------------------------------------------


def fill(count: int, hours: float, seed: int) -> tuple[int, int]:
    """`count` open incidents in the box over the last `hours`, a contact each."""
    from django.db import transaction
    from django.utils import timezone

    from siaga.incidents.models import Incident
    from siaga.intake.models import Contact

    rng = random.Random(seed + 1)  # noqa: S311 (test data, not secrets)
    by_code = categories()
    now = timezone.now()
    made = contacts = 0
    while made < count:
        incidents = []
        for n in range(made, min(count, made + BATCH)):
            category = by_code[pick(rng, CATEGORIES)]
            at = now - datetime.timedelta(seconds=rng.uniform(0, hours * 3600))
            incidents.append(
                Incident(
                    number=f"BENCH-{n:07d}",
                    category=category,
                    priority=category.default_priority,
                    status=pick(rng, OPEN_MIX),
                    lat=rng.uniform(SOUTH, NORTH),
                    lon=rng.uniform(WEST, EAST),
                    uncertainty_m=rng.choice((10, 50, 200, 1000)),
                    opened_at=at,
                    updated_at=at,
                )
            )
        with transaction.atomic():
            Incident.objects.bulk_create(incidents)
            saved = Incident.objects.filter(
                number__in=[i.number for i in incidents]
            ).values_list("pk", "number")
            pks = dict((number, pk) for pk, number in saved)
            Contact.objects.bulk_create(
                Contact(
                    channel="call",
                    provider_id=f"bench-{i.number}",
                    incident_id=pks[i.number],
                    lat=i.lat,
                    lon=i.lon,
                    received_at=i.opened_at,
                    classification="emergency",
                )
                for i in incidents
            )
        made += len(incidents)
        contacts += len(incidents)
    return made, contacts


def box_rows(points: list[Sample]) -> list[int]:
    """Rows the incident query of `possible_duplicates` returns for each sample."""
    from django.utils import timezone

    from siaga.incidents.duplicates import RADIUS_M, WINDOW, related_categories
    from siaga.incidents.models import Incident
    from siaga.lib.geo import degrees_around

    by_code = categories()
    since = timezone.now() - WINDOW
    rows = []
    for point in points:
        dlat, dlon = degrees_around(point.lat, RADIUS_M)
        rows.append(
            Incident.objects.open()
            .filter(
                opened_at__gte=since,
                category_id__in=related_categories(by_code[point.category]),
                lat__range=(point.lat - dlat, point.lat + dlat),
                lon__range=(point.lon - dlon, point.lon + dlon),
            )
            .count()
        )
    return rows


def in_window() -> int:
    from django.utils import timezone

    from siaga.incidents.duplicates import WINDOW
    from siaga.incidents.models import Incident

    return (
        Incident.objects.open().filter(opened_at__gte=timezone.now() - WINDOW).count()
    )


def plan(point: Sample) -> list[str]:
    """The plan of the incident query of one call, as the database prints it."""
    from django.db import connection

    statement = incident_query(point)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}")
            return [str(row[-1]) for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) {statement}")
        return [str(row[0]) for row in cursor.fetchall()]


def analysed(points: list[Sample]) -> tuple[Phase, list[str]]:
    """The call again once the planner has statistics about the new rows."""
    from django.db import connection

    from siaga.ops.worker import refresh_planner_statistics

    if connection.vendor == "sqlite":
        refresh_planner_statistics()
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    phase = Phase()
    run_calls(phase, points)
    run_sql(phase, points)
    return phase, plan(points[0])


# --- the run -----------------------------------------------------------------------


def measure(args: argparse.Namespace, folder: Path, database_url: str) -> Result:
    set_up_django(folder, database_url)
    from django.db import connection

    from siaga.datasets.demo import DEMO_PASSWORD, load_demo_accounts

    load_demo_accounts()
    points = samples(args.samples, args.seed)
    port = free_port()
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "siaga.cli", "serve"],
        cwd=ROOT,
        env=server_env(folder, port),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(port)
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        cookie = sign_in(conn, "telepon", DEMO_PASSWORD)
        print("empty database…", flush=True)
        empty, statuses = measure_phase(points, conn, cookie)
        conn.close()
        print(f"filling {args.incidents} incidents…", flush=True)
        started = time.perf_counter()
        incidents, contacts = fill(args.incidents, args.hours, args.seed)
        fill_seconds = time.perf_counter() - started
        print("full database…", flush=True)
        # A new connection: the server closes one idle for five seconds.
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        full, more = measure_phase(points, conn, cookie)
        for status, n in more.items():
            statuses[status] = statuses.get(status, 0) + n
        conn.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    shown = plan(points[0])
    rows = box_rows(points)
    window = in_window()
    indexed, shown_indexed = analysed(points)
    connection.close()
    return Result(
        db=connection.vendor,
        incidents=incidents,
        contacts=contacts,
        hours=args.hours,
        fill_seconds=fill_seconds,
        empty=empty,
        full=full,
        indexed=indexed,
        rows=rows,
        window=window,
        plan=shown,
        plan_indexed=shown_indexed,
        statuses=statuses,
    )


def ms(values: list[float], p: float) -> float:
    return percentile([v * 1000 for v in values], p)


def figure(label: str, values: list[float], base: float) -> str:
    p50, p99 = ms(values, 50), ms(values, 99)
    return (
        f"| {label} | {p50:.2f} ms | {p99:.2f} ms | "
        f"{p50 / base:.1f}× / {p99 / base:.1f}× |"
    )


def report(r: Result) -> str:
    healthz = r.empty.healthz + r.full.healthz
    call0, rtt = ms(r.empty.call, 50), ms(healthz, 50)
    lines = [
        figure("call, empty database (**baseline A**)", r.empty.call, call0),
        figure("call, 100k open incidents", r.full.call, call0),
        figure("call, same, with planner statistics", r.indexed.call, call0),
        figure("its incident query alone, empty database", r.empty.sql, call0),
        figure("its incident query alone, 100k open", r.full.sql, call0),
        figure("its incident query alone, with statistics", r.indexed.sql, call0),
    ]
    http_lines = [
        figure("`GET /healthz` (**baseline B**, RTT)", healthz, rtt),
        figure("fragment, empty database", r.empty.http, rtt),
        figure("fragment, 100k open incidents", r.full.http, rtt),
    ]
    plan_text = "\n".join(r.plan)
    plan_indexed = "\n".join(r.plan_indexed)
    uses = "uses" if "INDEX" in plan_text.upper() else "does not use"
    shown = statistics.mean(r.full.found)
    return f"""{HEADINGS[r.db]}

`bench/duplicates_speed.py` (run by `make bench`): the console's possible-duplicate
suggestions (`siaga/incidents/duplicates.py`, served at `GET /konsol/ganda/` as an htmx
fragment) with {r.incidents:,} open incidents on {r.db}, against the same on an empty
database and against `GET /healthz` on the same kept-alive connection, in one run.
{machine()}.

Data: {r.incidents:,} open incidents (and {r.contacts:,} phone contacts) at points drawn
uniformly in Tangerang's box (-6.26..-6.09, 106.55..106.76), opened over the last
{r.hours:g} hours (bulk_create, {r.fill_seconds:.0f} s); {r.window:,} of them inside the
six-hour window. {len(r.full.call)} requests: a category from the city's mix and a
point in the box, the same list in every phase; the call taker `telepon` signed in
through the login form, `DEBUG` off. HTTP answers: {r.statuses}.

| as a function call | p50 | p99 | ÷ baseline A p50 |
|---|---|---|---|
{chr(10).join(lines)}

| through HTTP | p50 | p99 | ÷ RTT p50 |
|---|---|---|---|
{chr(10).join(http_lines)}

The incident query returns {statistics.mean(r.rows):.0f} rows a call on average (max
{max(r.rows)}): every open incident of a related category in the ±1 km box of the
last six hours; {shown:.1f} suggestions are shown on average (at most 5). Its plan
{uses} an index:

```
{plan_text}
```

With planner statistics (on SQLite the worker's hourly approximate ANALYZE, on
PostgreSQL what autovacuum's ANALYZE leaves):

```
{plan_indexed}
```

{analysis(r)}
"""


def analysis(r: Result) -> str:
    full, indexed = ms(r.full.call, 50), ms(r.indexed.call, 50)
    sql, sql_indexed = ms(r.full.sql, 50), ms(r.indexed.sql, 50)
    rows = statistics.mean(r.rows)
    guess = (
        " (without statistics SQLite guesses, and walks the (status, `opened_at`) "
        "index instead)"
        if r.db == "sqlite"
        else ""
    )
    return f"""What it costs: the query reads the ±1 km box through the (lat, lon) index
(`incident_lat_lon`, added after the first run of this benchmark showed every open
incident of the window being read) and keeps the ~{rows:.0f} open ones of the last six
hours, once the planner has statistics. Right after the bulk load, before any, the
query alone takes {sql:.2f} ms at p50 of the call's {full:.2f} ms{guess}; with them
{sql_indexed:.2f} ms of {indexed:.2f} ms. The rest is Python: every row in the box
becomes an `Incident` with its category, its distance is computed, and all but five
are thrown away (the nearest are picked after the fetch, so the query has no LIMIT),
plus one or two queries for the related categories on each call.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--hours", type=float, default=12)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=112)
    parser.add_argument("--write", action="store_true", help="update the docs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="siaga-duplicates-"))
    dbname = f"siaga_bench_dup_{secrets.token_hex(4)}"
    database_url = ""
    try:
        if args.db == "postgres":
            pg_admin("CREATE DATABASE {}", dbname)
            database_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{dbname}"
        result = measure(args, folder, database_url)
    finally:
        if args.db == "postgres":
            pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", dbname)
        shutil.rmtree(folder, ignore_errors=True)
    section = report(result)
    print(section)
    if args.write:
        write_section(section, HEADINGS[result.db])
    return 0


if __name__ == "__main__":
    sys.exit(main())
