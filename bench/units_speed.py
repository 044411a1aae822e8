"""Units in the field: unit recommendations with thousands of candidates (the
vectorised `recommend` against the plain loop over model instances) and vehicle
positions recorded per second (`record_positions` against raw SQLite inserts), in
one run.

    .venv/bin/python bench/units_speed.py [--write] [--units 5000] [--queries 300]
                                          [--fixes 2000]

Method:

1. A throwaway SQLite database (`set_up_django`: migrate, load Tangerang), then
   --units extra active, available units made with `bulk_create` (a fixed seed):
   80 % ambulances of DINKES, the rest the usual kinds of the other agencies, at
   random points over the city (lat -6.30..-6.10, lon 106.55..106.75).
2. One `medis` incident opened and dispatched to DINKES through `open_incident`
   (the system as actor). For --queries random incident positions (moved in
   memory), `recommend(incident)` against the baseline: every candidate loaded as
   a model instance (`candidates_for(...).select_related("agency", "station")`)
   and ranked by `rank`; both must offer the same call signs in the same order.
   The two alternate which runs first. Then the ranking step alone on rows and
   instances fetched once: `rank_rows` against `rank`.
3. Positions through `record_positions(unit, fixes, source="bench")`, one
   transaction a call: --fixes single-fix calls (as trackers send), then the same
   number of fixes in batches of 50, over 200 of the new units. Baseline: raw
   inserts through a plain `sqlite3` connection to the same file into a scratch
   copy of the positions table (same DDL and index), with the journal mode,
   synchronous level and foreign-key setting read from Django's connection,
   `BEGIN IMMEDIATE` … `COMMIT` per row and per 50 rows (`executemany`).
4. Print a Markdown section; with --write, replace the section of
   docs/benchmarks.md. Timings are reported, never asserted; the exit status is 1
   only when the two recommendation methods disagree.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siaga.benchmarking import machine, set_up_django, write_section

if TYPE_CHECKING:
    from siaga.incidents.models import Incident
    from siaga.units.actions import Fix
    from siaga.units.models import Unit

HEADING = "## Units: recommendation and vehicle-position ingest"
LAT, LON = (-6.30, -6.10), (106.55, 106.75)
BATCH = 50
TRACKED = 200  # units the positions go to, in turn

# The kinds each agency's extra units are drawn from (DINKES gets the share asked).
KINDS: dict[str, tuple[str, ...]] = {
    "DAMKAR": ("fire_engine", "fire_engine", "water_tanker", "rescue"),
    "POLRES": ("patrol",),
    "BPBD": ("water_rescue", "rescue"),
    "DISHUB": ("tow_truck", "patrol"),
    "DKP": ("tree_crew",),
    "BINAMARGA": ("road_crew",),
    "SATPOLPP": ("patrol",),
}
DINKES_SHARE = 0.8


def add_units(count: int, seed: int = 6) -> list[Unit]:
    """`count` active, available units: mostly DINKES ambulances, at random points."""
    from siaga.agencies.models import Agency
    from siaga.units.models import Station, Unit, UnitStatus

    rng = random.Random(seed)  # noqa: S311 - a benchmark, not a secret
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[*KINDS, "DINKES"])}
    stations: dict[int, list[Station]] = {}
    for station in Station.objects.all():
        stations.setdefault(station.agency_id, []).append(station)
    others = sorted(KINDS)
    units = []
    for number in range(count):
        if rng.random() < DINKES_SHARE:
            code, kind = "DINKES", "ambulance"
        else:
            code = rng.choice(others)
            kind = rng.choice(KINDS[code])
        agency = agencies[code]
        posts = stations.get(agency.pk, [])
        units.append(
            Unit(
                agency=agency,
                station=rng.choice(posts) if posts else None,
                call_sign=f"BENCH-{number:05d}",
                kind=kind,
                status=UnitStatus.AVAILABLE,
                is_active=True,
                lat=rng.uniform(*LAT),
                lon=rng.uniform(*LON),
            )
        )
    Unit.objects.bulk_create(units, batch_size=500)
    return list(Unit.objects.filter(call_sign__startswith="BENCH-").order_by("pk"))


def open_medical_incident() -> Incident:
    from siaga.agencies.models import Agency
    from siaga.incidents.actions import Place, open_incident
    from siaga.incidents.models import Category

    return open_incident(
        category=Category.objects.get(code="medis"),
        description="benchmark: units_speed",
        place=Place(lat=-6.1746, lon=106.6339),
        agencies=[Agency.objects.get(code="DINKES")],
        actor=None,
    )


def positions(count: int, seed: int = 119) -> list[tuple[float, float]]:
    rng = random.Random(seed)  # noqa: S311 - a benchmark, not a secret
    return [(rng.uniform(*LAT), rng.uniform(*LON)) for _ in range(count)]


def ms(seconds: Sequence[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return statistics.median(seconds) * 1000, cuts[98] * 1000


@dataclass(frozen=True)
class Recommending:
    candidates: int
    queries: int
    disagreements: int
    fast: tuple[float, float]  # recommend(): p50, p99 ms
    loop: tuple[float, float]  # instances + rank(): p50, p99 ms
    rank_rows_ms: float
    rank_ms: float
    fetch_rows_ms: float  # the candidate query of recommend(), p50
    fetch_rows_unordered_ms: float  # the same without the model's ORDER BY
    fetch_units_ms: float  # the baseline's instance query, p50


def timed(call: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    """Seconds spent in `call`, after a full collection: neither method pays for the
    garbage the other left."""
    gc.collect()
    started = time.perf_counter()
    result = call(*args)
    return time.perf_counter() - started, result


def measure_recommend(incident: Incident, queries: int) -> Recommending:
    from siaga.units.recommend import (
        Recommendation,
        candidates_for,
        rank,
        rank_rows,
        recommend,
    )

    columns = ("pk", "call_sign", "kind", "lat", "lon")

    def baseline() -> list[Recommendation]:
        assert incident.lat is not None and incident.lon is not None
        units = list(candidates_for(incident).select_related("agency", "station"))
        return rank(units, incident.lat, incident.lon)

    def vectorised() -> list[Recommendation]:
        return recommend(incident)

    # What exists now lives on; frozen, it is not traversed by each collection.
    gc.collect()
    gc.freeze()
    fast: list[float] = []
    loop: list[float] = []
    disagreements = 0
    points = positions(queries)
    for lat, lon in points[:5]:  # warm up: imports, statement caches
        incident.lat, incident.lon = lat, lon
        vectorised(), baseline()
    for number, (lat, lon) in enumerate(points):
        incident.lat, incident.lon = lat, lon
        if number % 2:
            spent_fast, offered = timed(vectorised)
            spent_loop, reference = timed(baseline)
        else:
            spent_loop, reference = timed(baseline)
            spent_fast, offered = timed(vectorised)
        fast.append(spent_fast)
        loop.append(spent_loop)
        if [r.unit.call_sign for r in offered] != [r.unit.call_sign for r in reference]:
            disagreements += 1
            print(f"disagree at {lat:.5f}, {lon:.5f}:")
            print("  recommend:", [r.unit.call_sign for r in offered])
            print("  baseline: ", [r.unit.call_sign for r in reference])

    # The ranking step alone, and the candidate queries alone.
    fetch_rows, fetch_unordered, fetch_units = [], [], []
    for _ in range(max(queries // 10, 20)):
        ordered = candidates_for(incident).values_list(*columns)  # the model's order
        fetch_rows.append(timed(list, ordered)[0])
        unordered = candidates_for(incident).order_by().values_list(*columns)
        fetch_unordered.append(timed(list, unordered)[0])
        instances = candidates_for(incident).select_related("agency", "station")
        fetch_units.append(timed(list, instances)[0])
    rows = list(candidates_for(incident).values_list(*columns))
    units = list(candidates_for(incident).select_related("agency", "station"))
    by_pk = {unit.pk: unit.call_sign for unit in units}
    gc.collect()
    gc.freeze()
    on_rows, on_units = [], []
    for lat, lon in points:
        spent, ranked = timed(rank_rows, rows, lat, lon)
        on_rows.append(spent)
        spent, reference = timed(rank, units, lat, lon)
        on_units.append(spent)
        if [by_pk[pk] for pk, _, _ in ranked] != [r.unit.call_sign for r in reference]:
            disagreements += 1
            print(f"rank_rows and rank disagree at {lat:.5f}, {lon:.5f}")
    return Recommending(
        candidates=len(rows),
        queries=queries,
        disagreements=disagreements,
        fast=ms(fast),
        loop=ms(loop),
        rank_rows_ms=statistics.median(on_rows) * 1000,
        rank_ms=statistics.median(on_units) * 1000,
        fetch_rows_ms=statistics.median(fetch_rows) * 1000,
        fetch_rows_unordered_ms=statistics.median(fetch_unordered) * 1000,
        fetch_units_ms=statistics.median(fetch_units) * 1000,
    )


def fixes_for(count: int, seed: int = 112) -> list[Fix]:
    """`count` fixes a minute old, a microsecond apart, newer than any made before
    (so every call moves its unit), over the city."""
    from django.utils import timezone

    from siaga.units.actions import Fix

    rng = random.Random(seed)  # noqa: S311 - a benchmark, not a secret
    start = timezone.now() - datetime.timedelta(seconds=60)
    return [
        Fix(
            lat=rng.uniform(*LAT),
            lon=rng.uniform(*LON),
            at=start + datetime.timedelta(microseconds=number),
            accuracy_m=rng.randint(3, 30),
            speed_kmh=round(rng.uniform(0, 60), 1),
            heading=rng.randrange(360),
        )
        for number in range(count)
    ]


def chunks(fixes: Sequence[Fix], size: int) -> list[Sequence[Fix]]:
    return [fixes[i : i + size] for i in range(0, len(fixes), size)]


def django_rate(units: Sequence[Unit], fixes: Sequence[Fix], size: int) -> float:
    from siaga.units.actions import record_positions

    calls = chunks(fixes, size)
    gc.collect()
    started = time.perf_counter()
    for number, batch in enumerate(calls):
        record_positions(units[number % len(units)], batch, source="bench")
    return len(fixes) / (time.perf_counter() - started)


@dataclass(frozen=True)
class Pragmas:
    journal_mode: str
    synchronous: int
    foreign_keys: int


def django_pragmas() -> Pragmas:
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        for name in ("journal_mode", "synchronous", "foreign_keys"):
            cursor.execute(f"PRAGMA {name}")
            found.append(cursor.fetchone()[0])
    return Pragmas(str(found[0]), int(found[1]), int(found[2]))


SCRATCH = "bench_raw_position"
# Literal SQL, so nothing is formatted into a statement (the tables are fixed).
INSERT = (
    'INSERT INTO "bench_raw_position" (unit_id, at, lat, lon, accuracy_m, speed_kmh, '
    "heading, source) VALUES (?, ?, ?, ?, ?, ?, ?, 'bench')"
)
MOVE = (
    'UPDATE "units_unit" SET lat = ?, lon = ?, position_at = ? '
    "WHERE id = ? AND (position_at IS NULL OR position_at < ?)"
)


def raw_connection(path: str, pragmas: Pragmas) -> sqlite3.Connection:
    """A plain connection to the same file, set up as Django's, with an empty copy of
    the positions table (its DDL and index, renamed)."""
    from siaga.units.models import UnitPosition

    table = UnitPosition._meta.db_table
    raw = sqlite3.connect(path, isolation_level=None, timeout=20)
    raw.execute(f"PRAGMA journal_mode={pragmas.journal_mode}")
    raw.execute(f"PRAGMA synchronous={pragmas.synchronous}")
    raw.execute(f"PRAGMA foreign_keys={pragmas.foreign_keys}")
    ddl = raw.execute(
        "SELECT type, name, sql FROM sqlite_master"
        " WHERE tbl_name = ? AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    for kind, name, sql in sorted(ddl, key=lambda row: row[0] != "table"):
        sql = sql.replace(f'"{table}"', f'"{SCRATCH}"')
        if kind == "index":
            sql = sql.replace(f'"{name}"', f'"{SCRATCH}_{name}"', 1)
        raw.execute(sql)
    return raw


def raw_rate(
    raw: sqlite3.Connection,
    units: Sequence[Unit],
    fixes: Sequence[Fix],
    size: int,
    *,
    move: bool = False,
) -> float:
    """Rows as Django stores them (UTC datetimes as text), `size` per transaction;
    with `move`, also the conditional update of the unit `record_positions` makes."""

    def text(at: datetime.datetime) -> str:
        return at.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")

    batches = []
    for number, i in enumerate(range(0, len(fixes), size)):
        unit = units[number % len(units)].pk
        batch = fixes[i : i + size]
        rows = [
            (unit, text(f.at), f.lat, f.lon, f.accuracy_m, f.speed_kmh, f.heading)
            for f in batch
        ]
        newest = max(batch, key=lambda fix: fix.at)
        at = text(newest.at)
        batches.append((rows, (newest.lat, newest.lon, at, unit, at)))
    gc.collect()
    started = time.perf_counter()
    for rows, moved in batches:
        raw.execute("BEGIN IMMEDIATE")
        if size == 1:
            raw.execute(INSERT, rows[0])
        else:
            raw.executemany(INSERT, rows)
        if move:
            raw.execute(MOVE, moved)
        raw.execute("COMMIT")
    return len(fixes) / (time.perf_counter() - started)


@dataclass(frozen=True)
class Ingest:
    pragmas: Pragmas
    fixes: int
    rounds: int
    django: dict[int, float]  # batch size → positions/s
    raw: dict[int, float]
    raw_moving: dict[int, float]  # raw inserts and the unit's update


def measure_ingest(path: str, units: Sequence[Unit], count: int, rounds: int) -> Ingest:
    pragmas = django_pragmas()
    raw = raw_connection(path, pragmas)
    tracked = list(units[:TRACKED])
    django, plain, moving = {}, {}, {}
    try:
        for size in (1, BATCH):
            # Warm up both, then the best of `rounds`, the three in turn, each on
            # fresh fixes (newer every time, so every call moves its unit).
            django_rate(tracked, fixes_for(BATCH, seed=size), size)
            raw_rate(raw, tracked, fixes_for(BATCH, seed=size), size, move=True)
            django[size] = plain[size] = moving[size] = 0.0
            for turn in range(rounds):
                seed = 10 * size + 3 * turn
                fixes = fixes_for(count, seed=seed)
                django[size] = max(django[size], django_rate(tracked, fixes, size))
                fixes = fixes_for(count, seed=seed + 1)
                plain[size] = max(plain[size], raw_rate(raw, tracked, fixes, size))
                fixes = fixes_for(count, seed=seed + 2)
                rate = raw_rate(raw, tracked, fixes, size, move=True)
                moving[size] = max(moving[size], rate)
    finally:
        raw.close()
    return Ingest(pragmas, count, rounds, django, plain, moving)


SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def report(args: argparse.Namespace, rec: Recommending, ingest: Ingest) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    p = ingest.pragmas
    synchronous = SYNCHRONOUS.get(p.synchronous, str(p.synchronous))
    durable = (
        "In WAL mode with synchronous=NORMAL a commit does not wait for the disk,\n"
        "so these rates measure the work per statement and per transaction, not fsync."
        if p.journal_mode.lower() == "wal" and p.synchronous <= 1
        else "Each commit waits for the disk, so fsync weighs on the one-fix rates."
    )
    ingest_rows = "\n".join(
        f"| {label} | {ingest.raw[size]:,.0f}/s | {ingest.raw_moving[size]:,.0f}/s "
        f"| {ingest.django[size]:,.0f}/s "
        f"| {ingest.django[size] / ingest.raw[size]:.2f} |"
        for label, size in (("1 fix (as trackers send)", 1), (f"{BATCH} fixes", BATCH))
    )
    loop, fast = rec.loop, rec.fast
    return f"""{HEADING}

`bench/units_speed.py`: one run on a throwaway SQLite file (the project's settings:
migrate, the Tangerang data set) with {args.units:,} extra available units made with
`bulk_create` (a fixed seed; {DINKES_SHARE:.0%} DINKES ambulances, the rest the kinds
of other agencies, at random points over lat {LAT[0]}..{LAT[1]}, lon
{LON[0]}..{LON[1]}). Run {now}, {machine()}.

**Recommendations.** One `medis` incident opened and dispatched to DINKES through
`open_incident`, so {rec.candidates:,} candidate ambulances; {rec.queries} random
incident positions (moved in memory), the two methods alternating which runs first,
a full garbage collection (untimed) before every timed call. `recommend()` is the
real path: the candidate query reading five columns (pk, call sign, kind, lat, lon),
the numpy ranking `rank_rows`, then the ten units offered loaded with `in_bulk`. The
baseline loads every candidate as a model instance
(`candidates_for(...).select_related("agency", "station")`) and ranks them with the
plain loop `rank`. Both offered the same call signs in the same order at every
position, and `rank_rows` agreed with `rank` ({rec.disagreements} disagreements).

| per recommendation | baseline: instances + `rank` | `recommend()` | × faster |
| --- | --- | --- | --- |
| p50 | {loop[0]:.1f} ms | {fast[0]:.1f} ms | {loop[0] / fast[0]:.1f} |
| p99 | {loop[1]:.1f} ms | {fast[1]:.1f} ms | {loop[1] / fast[1]:.1f} |
| ranking alone, p50 (rows fetched once) | {rec.rank_ms:.2f} ms \
| {rec.rank_rows_ms:.2f} ms | {rec.rank_ms / rec.rank_rows_ms:.1f} |
| candidate query alone, p50 | {rec.fetch_units_ms:.1f} ms \
| {rec.fetch_rows_ms:.1f} ms | {rec.fetch_units_ms / rec.fetch_rows_ms:.1f} |

Most of `recommend()` is its candidate query: fetching {rec.candidates:,} rows of five
columns through the ORM. The row shown keeps the model's default ordering (agency
code, call sign: a join and a sort the ranking does not need); `recommend()` drops
it with `.order_by()`, and those rows take {rec.fetch_rows_unordered_ms:.1f} ms at p50.

**Vehicle positions (AVL).** Positions per second, best of {ingest.rounds} rounds of
{ingest.fixes:,} fixes each (a minute old), through
`record_positions(unit, fixes, source="bench")` over {TRACKED} units in turn, one
transaction per call (the checks, the fixes inserted with `bulk_create`, the unit
moved to the newest by a conditional update). Baseline, same file and run: raw
inserts through a plain `sqlite3` connection into an empty copy of the positions
table (its DDL and index), with the settings read from Django's connection
(journal_mode={p.journal_mode}, synchronous={synchronous},
foreign_keys={p.foreign_keys}) and `BEGIN IMMEDIATE` … `COMMIT` per call, as Django's
transactions; also shown, the same raw inserts plus the unit's update.

| per transaction | raw inserts (baseline) | raw inserts + unit update \
| `record_positions` | × baseline rate |
| --- | --- | --- | --- | --- |
{ingest_rows}

{durable}
A fleet of a few hundred vehicles reporting every ten seconds sends some tens of
fixes a second.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="update the docs")
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--fixes", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="of position ingest")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="siaga-units-"))
    try:
        set_up_django(folder)
        units = add_units(args.units)
        incident = open_medical_incident()
        recommending = measure_recommend(incident, args.queries)
        ingest = measure_ingest(
            str(folder / "siaga.sqlite3"), units, args.fixes, args.rounds
        )
        from django.db import connection

        connection.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    section = report(args, recommending, ingest)
    print(section)
    if recommending.disagreements:
        print("the two methods disagree: see above")
        return 1
    if args.write:
        write_section(section, HEADING)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
