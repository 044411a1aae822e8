"""The statistics dashboard on a million incidents and five million contacts: the
time of each of its figures beside a plain COUNT(*) over the same tables, in one run.

    .venv/bin/python bench/stats_speed.py [--write] [--db sqlite|postgres]
        [--incidents 1000000] [--contacts 5000000] [--repeat 5] [--budget 20]

Method:

1. A throwaway database (a temporary SQLite file, or a throwaway PostgreSQL database
   on 127.0.0.1:5432): migrate, load Tangerang. Then, with raw SQL through Django's
   connection (`INSERT … SELECT` over a row-number series: a recursive CTE on SQLite,
   `generate_series` on PostgreSQL; batches of 250,000 rows, one transaction each),
   into the tables as the migrations made them (every index in place):
   --incidents incidents over the twelve WIB months of 2026, --contacts contacts over
   the same months, one or two dispatches for each dispatched incident and the event
   log rows the figures read (`dispatch.on_scene`, `incident.status_changed` to
   resolved and to closed) beside `incident.opened` and `dispatch.sent`. The values
   are drawn by a hash of the row number and --seed, so a run is repeatable; the
   mixes are in the constants below (from docs/reference: most contacts are prank,
   silent or not an emergency). Generating is timed but not counted.
2. The dashboard's work, for November 2026 and for the whole of 2026, for everything
   and for one agency (DINKES): `counts`, `timings`, `prank_map` and `trend` (twelve
   months), each timed alone, and the dashboard view itself (`GET /statistik/` through
   Django's test client as a supervisor: all four and the page). Each figure runs
   --repeat times, or fewer once it has used --budget seconds (at least once); a full
   garbage collection (untimed) before each run. Reported: median, max, the number of
   SQL statements of one run, and the ratio of the median to the baseline.
3. Baseline, same run and connection: `SELECT COUNT(*)` over the incidents table and
   over the contacts table (raw cursor), --repeat times before the figures and again
   after, pooled. Every figure reads the contacts table, the larger one, so the ratio
   divides by its COUNT(*).
4. Print a Markdown section; with --write, replace the section of docs/benchmarks.md.
   Timings are reported, never asserted.
"""

# The generator builds its SQL from constants and integers only (no input reaches a
# statement), so the check for SQL built from strings is off in this file.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import datetime
import gc
import os
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siaga.benchmarking import machine, set_up_django, write_section

if TYPE_CHECKING:
    from siaga.agencies.models import Agency
    from siaga.stats.period import Period

HEADINGS = {
    "sqlite": "## Statistics: the dashboard on a million incidents (SQLite)",
    "postgresql": "## Statistics: the dashboard on a million incidents (PostgreSQL)",
}
HOST = "127.0.0.1"
PG_ADMIN = f"postgresql://postgres@{HOST}:5432/postgres"
BATCH = 250_000  # rows per INSERT … SELECT, one transaction each
AGENCY = "DINKES"  # the agency of the scoped figures: the busiest (free ambulances)

# 1 January 2026 00:00 WIB (UTC+7), in seconds since the epoch, and the year's length.
EPOCH = int(datetime.datetime(2025, 12, 31, 17, tzinfo=datetime.UTC).timestamp())
SPAN = 365 * 86_400
# The city and its edges, where a handset's location (AML) may fall.
LAT, LON = (-6.30, -6.10), (106.55, 106.75)

# Weighted mixes, in thousandths.
INCIDENT_STATUS = (
    ("closed", 740),
    ("resolved", 120),
    ("on_scene", 15),
    ("en_route", 10),
    ("acknowledged", 10),
    ("dispatched", 10),
    ("new", 10),
    ("referred", 30),
    ("cancelled", 35),
    ("merged", 20),
)
DISPATCH_STATUS = {  # the first dispatch's status, by its incident's
    "dispatched": "sent",
    "acknowledged": "acknowledged",
    "en_route": "en_route",
    "on_scene": "on_scene",
    "resolved": "handled",
    "closed": "handled",
}
SECOND_DISPATCH = 25  # % of dispatched incidents sent to a second agency
ON_SCENE_LOGGED = 90  # % of dispatches on scene or handled with a `dispatch.on_scene`
CATEGORIES = (  # the top four as docs/reference/tangerang.md says
    ("ambulans-gratis", 250),
    ("hewan-liar", 120),
    ("medis", 100),
    ("kecelakaan", 90),
    ("kebakaran", 80),
    ("pohon-tumbang", 80),
    ("banjir-bencana", 50),
    ("lalu-lintas", 40),
    ("kriminalitas", 40),
    ("jalan-rusak", 30),
    ("odgj-sosial", 30),
    ("penyelamatan", 30),
    ("tawuran", 20),
    ("lainnya", 20),
    ("orang-hilang", 15),
    ("tenggelam", 5),
)
CHANNELS = (
    ("call", 860),
    ("whatsapp", 50),
    ("sms", 30),
    ("app", 25),
    ("web", 15),
    ("x", 10),
    ("telegram", 10),
)
CLASSIFICATIONS = (  # emergency and duplicate contacts belong to an incident
    ("emergency", 200),
    ("duplicate", 20),
    ("prank", 300),
    ("silent", 200),
    ("non_emergency", 150),
    ("information", 80),
    ("wrong_number", 40),
    ("test", 10),
)
ABANDONED = 8  # % of the other calls hung up before an answer (left unclassified)
WITH_PLACE = 50  # % of calls whose handset sent a location (AML)
ANSWERED_IN_15 = 85  # % of answered calls answered within 15 s

# The hash: two rounds of an affine map and a square, modulo the prime 2^31 - 1.
PRIME = 2_147_483_647


@dataclass(frozen=True)
class Dialect:
    vendor: str

    def series(self, low: int, high: int) -> str:
        """A CTE `seq(n)`: the integers low..high."""
        if self.vendor == "postgresql":
            return f"seq(n) AS (SELECT generate_series({low}::bigint, {high}::bigint))"
        return (
            f"seq(n) AS (SELECT {low} UNION ALL SELECT n + 1 FROM seq WHERE n < {high})"
        )

    def at(self, seconds: str) -> str:
        """A timestamp `seconds` after 1 January 2026 00:00 WIB."""
        if self.vendor == "postgresql":
            return f"to_timestamp({EPOCH} + ({seconds}))"
        return f"datetime({EPOCH} + ({seconds}), 'unixepoch')"

    def uuid(self, number: str) -> str:
        if self.vendor == "postgresql":
            return f"CAST(lpad(to_hex({number}), 32, '0') AS uuid)"
        return f"printf('%032x', {number})"

    def json(self, text: str) -> str:
        literal = "'" + text.replace("'", "''") + "'"
        return f"CAST({literal} AS jsonb)" if self.vendor == "postgresql" else literal


def mix(number: str, salt: int, seed: int) -> str:
    """SQL for a pseudo-random integer in [0, 2^31 - 1) drawn from `number`."""
    a, b = 48_271 + 7_919 * salt, 1_000_003 * salt + seed
    first = f"((({number}) * {a} + {b}) % {PRIME})"
    squared = f"(({first} * {first}) % {PRIME})"
    second = f"(({squared} * 16807 + {7_777 * salt + 1}) % {PRIME})"
    return f"(({second} * {second}) % {PRIME})"


def weighted(draw: str, choices: Sequence[tuple[str, int]]) -> str:
    """SQL choosing among `choices` (weights in thousandths) by `draw` (0..999)."""
    cases, total = [], 0
    for value, weight in choices[:-1]:
        total += weight
        cases.append(f"WHEN {draw} < {total} THEN '{value}'")
    return f"CASE {' '.join(cases)} ELSE '{choices[-1][0]}' END"


@dataclass
class Generated:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def execute(sql: str, params: Sequence[Any] | None = None) -> int:
    """Run one statement; without params, a `%` in it is the operator."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def scalar(sql: str, params: Sequence[Any] | None = None) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row is not None else None


def pick_tables(dialect: Dialect) -> tuple[int, int, int]:
    """Temporary tables the generator joins to by slot: categories by weight (with the
    agency each is first sent to), kelurahan (with kecamatan and centre), agencies.
    Returns the number of slots of each."""
    from siaga.agencies.models import Agency
    from siaga.areas.models import Area, AreaKind
    from siaga.incidents.models import Category

    temporary = "TEMPORARY" if dialect.vendor == "postgresql" else "TEMP"
    execute(
        f"CREATE {temporary} TABLE bench_category"
        " (slot integer PRIMARY KEY, category_id bigint, agency_id bigint)"
    )
    execute(
        f"CREATE {temporary} TABLE bench_place (slot integer PRIMARY KEY,"
        " kelurahan_id bigint, kecamatan_id bigint, lat double precision,"
        " lon double precision)"
    )
    execute(
        f"CREATE {temporary} TABLE bench_agency"
        " (slot integer PRIMARY KEY, agency_id bigint)"
    )
    fallback = Agency.objects.order_by("code").values_list("pk", flat=True)[0]
    slots: list[tuple[int, int]] = []
    categories = {
        c.code: c for c in Category.objects.prefetch_related("default_agencies")
    }
    for code, weight in CATEGORIES:
        if code in categories:
            category = categories[code]
            agencies = sorted(category.default_agencies.all(), key=lambda a: a.code)
            agency = agencies[0].pk if agencies else fallback
            slots += [(category.pk, agency)] * weight
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_category VALUES (%s, %s, %s)",
            [(slot, c, a) for slot, (c, a) in enumerate(slots)],
        )
        places = [
            (slot, area.pk, area.parent_id, area.centre_lat, area.centre_lon)
            for slot, area in enumerate(
                Area.objects.filter(kind=AreaKind.KELURAHAN).order_by("code")
            )
        ]
        cursor.executemany(
            "INSERT INTO bench_place VALUES (%s, %s, %s, %s, %s)", places
        )
        active = list(
            Agency.objects.filter(is_active=True)
            .order_by("code")
            .values_list("pk", flat=True)
        )
        cursor.executemany(
            "INSERT INTO bench_agency VALUES (%s, %s)",
            [(slot, pk) for slot, pk in enumerate(active)],
        )
    return len(slots), len(places), len(active)


@dataclass(frozen=True)
class Plan:
    """What the generator needs to know: sizes, id offsets and the pick tables."""

    dialect: Dialect
    incidents: int
    contacts: int
    seed: int
    incident_base: int
    contact_base: int
    dispatch_base: int
    category_slots: int
    place_slots: int
    agency_slots: int
    home: int | None

    def opened(self, number: str) -> str:
        """Seconds into the year the incident `number` (1..N) was opened: in order,
        with a random offset within its share of the year."""
        step = max(SPAN // self.incidents, 1)
        return (
            f"((({number}) - 1) * {SPAN}) / {self.incidents}"
            f" + {mix(number, 4, self.seed)} % {step}"
        )

    def incident_rows(self, low: int, high: int) -> str:
        """`WITH …` the CTE `inc`: one row per incident with its draws and status."""
        seed = self.seed
        status = weighted("st", INCIDENT_STATUS)
        return f"""WITH RECURSIVE {self.dialect.series(low, high)},
draws AS (
  SELECT n, {self.incident_base} + n AS id,
    {mix("n", 1, seed)} % 1000 AS st,
    {mix("n", 2, seed)} % {self.category_slots} AS cat_slot,
    {mix("n", 3, seed)} % {self.place_slots} AS place_slot,
    {self.opened("n")} AS opened_s,
    {mix("n", 5, seed)} AS r5, {mix("n", 6, seed)} AS r6, {mix("n", 7, seed)} AS r7
  FROM seq
),
inc AS (SELECT draws.*, {status} AS status FROM draws)"""


def batches(total: int) -> Iterator[tuple[int, int]]:
    for low in range(1, total + 1, BATCH):
        yield low, min(low + BATCH - 1, total)


def insert_incidents(plan: Plan, low: int, high: int) -> int:
    at = plan.dialect.at
    handled = "('closed', 'cancelled', 'merged')"
    home = "NULL" if plan.home is None else str(plan.home)
    return execute(f"""INSERT INTO incidents_incident (id, number, priority, status,
  description, people_count, lat, lon, uncertainty_m, address, opened_at, updated_at,
  closed_at, category_id, jurisdiction_id, kecamatan_id, kelurahan_id, landmark_id,
  opened_by_id, merged_into_id)
{plan.incident_rows(low, high)}
SELECT id, 'BENCH-' || n, 1 + r5 % 5, status, '', NULL,
  p.lat + ((r7 % 2001) - 1000) * 0.000005, p.lon + ((r6 % 2001) - 1000) * 0.000005,
  NULL, '', {at("opened_s")}, {at("opened_s + 600 + r6 % 7200")},
  CASE WHEN status IN {handled} THEN {at("opened_s + 600 + r6 % 7200")} END,
  c.category_id, {home}, p.kecamatan_id, p.kelurahan_id, NULL, NULL,
  CASE WHEN status = 'merged' AND n > 1 THEN id - 1 END
FROM inc JOIN bench_category c ON c.slot = inc.cat_slot
  JOIN bench_place p ON p.slot = inc.place_slot""")


def sent_s(second: bool) -> str:
    """Seconds into the year a dispatch was sent (the first, or the second)."""
    first = "opened_s + 20 + r5 % 240"
    return f"{first} + 60 + r6 % 600" if second else first


def dispatch_rows(plan: Plan, low: int, high: int, second: bool) -> str:
    """`WITH …` the CTE `sent`: the first (or second) dispatch of each incident sent
    to an agency, with its id, agency, status and moments."""
    statuses = "(" + ", ".join(f"'{s}'" for s in DISPATCH_STATUS) + ")"
    status = (
        "CASE inc.status "
        + " ".join(f"WHEN '{i}' THEN '{d}'" for i, d in DISPATCH_STATUS.items())
        + " END"
    )
    if second:
        offset = plan.dispatch_base + plan.incidents
        agency = "a.agency_id"
        join = (
            f"JOIN bench_agency a ON a.slot = (inc.r7 / 100) % {plan.agency_slots}"
            f" WHERE inc.r7 % 100 < {SECOND_DISPATCH} AND a.agency_id <> c.agency_id"
            f" AND inc.status IN {statuses}"
        )
    else:
        offset, agency = plan.dispatch_base, "c.agency_id"
        join = f"WHERE inc.status IN {statuses}"
    return f"""{plan.incident_rows(low, high)},
sent AS (
  SELECT {offset} + inc.n AS dispatch_id, inc.id AS incident_id, inc.n,
    {agency} AS agency_id, {status} AS status, {sent_s(second)} AS sent_s,
    15 + inc.r6 % 300 AS ack_after, inc.r5 AS r5, inc.r7 AS r7
  FROM inc JOIN bench_category c ON c.slot = inc.cat_slot {join}
)"""


def insert_dispatches(plan: Plan, low: int, high: int, second: bool) -> int:
    at = plan.dialect.at
    return execute(f"""INSERT INTO dispatching_dispatch (id, status, sent_at,
  ack_deadline_at, acknowledged_at, escalated_at, ended_at, reason, agency_id,
  incident_id)
{dispatch_rows(plan, low, high, second)}
SELECT dispatch_id, status, {at("sent_s")}, {at("sent_s + 300")},
  CASE WHEN status <> 'sent' THEN {at("sent_s + ack_after")} END, NULL,
  CASE WHEN status = 'handled' THEN {at("sent_s + 3600 + r5 % 7200")} END, '',
  agency_id, incident_id
FROM sent""")


EVENT_COLUMNS = """INSERT INTO events_event (created_at, actor_name, action,
  target_type, target_id, target_label, before, after, actor_id, incident_id,
  prev_hash, hash)"""  # no hash chain: the figures never verify it


def insert_incident_events(plan: Plan, low: int, high: int) -> int:
    """`incident.opened` for every incident; `incident.status_changed` to resolved
    for the resolved and closed ones, then to closed for the closed ones."""
    at, json = plan.dialect.at, plan.dialect.json
    rows = plan.incident_rows(low, high)
    target = "'incident', CAST(id AS TEXT), 'BENCH-' || n"
    made = execute(f"""{EVENT_COLUMNS}
{rows}
SELECT {at("opened_s")}, '', 'incident.opened', {target}, NULL,
  {json('{"status": "new"}')}, NULL, id, '', ''
FROM inc""")
    resolved = "opened_s + 1800 + r7 % 7200"
    made += execute(f"""{EVENT_COLUMNS}
{rows}
SELECT {at(resolved)}, '', 'incident.status_changed', {target},
  {json('{"status": "on_scene"}')}, {json('{"status": "resolved"}')}, NULL, id, '', ''
FROM inc WHERE status IN ('resolved', 'closed')""")
    made += execute(f"""{EVENT_COLUMNS}
{rows}
SELECT {at(resolved + " + 600 + r6 % 3600")}, '', 'incident.status_changed',
  {target}, {json('{"status": "resolved"}')}, {json('{"status": "closed"}')},
  NULL, id, '', ''
FROM inc WHERE status = 'closed'""")
    return made


def insert_dispatch_events(plan: Plan, low: int, high: int, second: bool) -> int:
    """`dispatch.sent` for each dispatch, `dispatch.on_scene` for most of those on
    scene or handled."""
    at, json = plan.dialect.at, plan.dialect.json
    rows = dispatch_rows(plan, low, high, second)
    target = "'dispatch', CAST(dispatch_id AS TEXT), 'BENCH-' || n"
    made = execute(f"""{EVENT_COLUMNS}
{rows}
SELECT {at("sent_s")}, '', 'dispatch.sent', {target}, NULL,
  {json('{"status": "sent"}')}, NULL, incident_id, '', ''
FROM sent""")
    made += execute(f"""{EVENT_COLUMNS}
{rows}
SELECT {at("sent_s + ack_after + 300 + r5 % 1800")}, '', 'dispatch.on_scene',
  {target}, {json('{"status": "en_route"}')}, {json('{"status": "on_scene"}')},
  NULL, incident_id, '', ''
FROM sent WHERE status IN ('on_scene', 'handled')
  AND r7 / 1000 % 100 < {ON_SCENE_LOGGED}""")
    return made


def insert_contacts(plan: Plan, low: int, high: int) -> int:
    """Contacts in order over the year; emergency and duplicate ones belong to the
    incident of their moment and came a few minutes before it opened."""
    seed, at, d = plan.seed, plan.dialect.at, plan.dialect
    step = max(SPAN // plan.contacts, 1)
    channel = weighted("ch", CHANNELS)
    classification = weighted("cl", CLASSIFICATIONS)
    linked = "classification IN ('emergency', 'duplicate')"
    call = "channel = 'call'"
    abandoned = f"{call} AND NOT {linked} AND r4 % 100 < {ABANDONED}"
    wait = (
        f"CASE WHEN r5 % 100 < {ANSWERED_IN_15} THEN 2 + (r5 / 100) % 13"
        " ELSE 16 + (r5 / 100) % 45 END"
    )
    place = f"{call} AND (r4 / 100) % 100 < {WITH_PLACE}"
    lat = f"{LAT[0]} + (r3 % 1000000) * {(LAT[1] - LAT[0]) / 1e6:.10f}"
    lon = f"{LON[0]} + (r5 % 1000000) * {(LON[1] - LON[0]) / 1e6:.10f}"
    return execute(f"""INSERT INTO intake_contact (id, public_id, channel, provider_id,
  sender_raw, text, raw_payload, classification, lat, lon, location_accuracy_m,
  location_source, note, received_at, classified_at, caller_id, handled_by_id,
  incident_id, answered_at, call_state, ended_at, extension, callback_done_at,
  deflection_reference, category_hint_id, reply_to, source_address, tracking_code,
  place)
WITH RECURSIVE {d.series(low, high)},
draws AS (
  SELECT n, {plan.contact_base} + n AS id,
    {mix("n", 11, seed)} % 1000 AS ch, {mix("n", 12, seed)} % 1000 AS cl,
    {mix("n", 13, seed)} AS r3, {mix("n", 14, seed)} AS r4,
    {mix("n", 15, seed)} AS r5,
    ((n - 1) * {SPAN}) / {plan.contacts} + {mix("n", 16, seed)} % {step} AS slot_s,
    ((n - 1) * {plan.incidents}) / {plan.contacts} + 1 AS inc_n
  FROM seq
),
kinds AS (
  SELECT draws.*, {channel} AS channel, {classification} AS classification
  FROM draws
),
timed AS (
  SELECT kinds.*,
    CASE WHEN {linked} THEN {plan.opened("inc_n")} - 30 - r3 % 240
      ELSE slot_s END AS received_s,
    CASE WHEN {abandoned} THEN 1 ELSE 0 END AS abandoned
  FROM kinds
)
SELECT id, {d.uuid("n")}, channel, '', '', '', '',
  CASE WHEN abandoned = 1 THEN 'unclassified' ELSE classification END,
  CASE WHEN {place} THEN {lat} END, CASE WHEN {place} THEN {lon} END,
  CASE WHEN {place} THEN 10 + r4 % 90 END,
  CASE WHEN {place} THEN 'aml' ELSE '' END, '',
  {at("received_s")},
  CASE WHEN abandoned = 0 THEN {at(f"received_s + {wait} + 40 + r3 % 300")} END,
  NULL, NULL,
  CASE WHEN {linked} THEN {plan.incident_base} + inc_n END,
  CASE WHEN {call} AND abandoned = 0 THEN {at(f"received_s + {wait}")} END,
  CASE WHEN {call} THEN
    CASE WHEN abandoned = 1 THEN 'abandoned' ELSE 'ended' END ELSE '' END,
  CASE WHEN {call} THEN {at(f"received_s + {wait} + 40 + r3 % 300")} END,
  '', NULL, '', NULL, '', NULL, '', ''
FROM timed""")


def next_id(table: str) -> int:
    # `table` is one of the fixed names below, never input.
    return int(scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}")) + 1_000


def generate(args: argparse.Namespace, dialect: Dialect) -> Generated:
    from django.db import connection, transaction

    from siaga.areas.models import Area, AreaKind

    made = Generated()
    slots = pick_tables(dialect)
    home = Area.objects.filter(kind=AreaKind.HOME).values_list("pk", flat=True).first()
    plan = Plan(
        dialect=dialect,
        incidents=args.incidents,
        contacts=args.contacts,
        seed=args.seed,
        incident_base=next_id("incidents_incident"),
        contact_base=next_id("intake_contact"),
        dispatch_base=next_id("dispatching_dispatch"),
        category_slots=slots[0],
        place_slots=slots[1],
        agency_slots=slots[2],
        home=home,
    )
    steps: list[tuple[str, int, Callable[[int, int], int]]] = [
        ("incidents", args.incidents, lambda lo, hi: insert_incidents(plan, lo, hi)),
        (
            "dispatches",
            args.incidents,
            lambda lo, hi: (
                insert_dispatches(plan, lo, hi, False)
                + insert_dispatches(plan, lo, hi, True)
            ),
        ),
        (
            "events",
            args.incidents,
            lambda lo, hi: (
                insert_incident_events(plan, lo, hi)
                + insert_dispatch_events(plan, lo, hi, False)
                + insert_dispatch_events(plan, lo, hi, True)
            ),
        ),
        ("contacts", args.contacts, lambda lo, hi: insert_contacts(plan, lo, hi)),
    ]
    if dialect.vendor == "sqlite":
        # A larger page cache while generating only (index pages stay in memory);
        # the project's default comes back before anything is measured.
        default_cache = scalar("PRAGMA cache_size")
        execute("PRAGMA cache_size = -1000000")
    for name, total, step in steps:
        started = time.perf_counter()
        rows = 0
        for low, high in batches(total):
            with transaction.atomic():
                rows += step(low, high)
        made.rows[name] = rows
        made.seconds[name] = time.perf_counter() - started
        print(f"  {name}: {rows:,} rows in {made.seconds[name]:.1f} s", flush=True)
    started = time.perf_counter()
    if dialect.vendor == "sqlite":
        execute(f"PRAGMA cache_size = {int(default_cache)}")
        execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        # What autovacuum does within a minute of a bulk load: statistics and the
        # visibility map (index-only scans).
        with connection.cursor() as cursor:
            for table in (
                "incidents_incident",
                "intake_contact",
                "dispatching_dispatch",
                "events_event",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
    made.seconds["settling"] = time.perf_counter() - started
    return made


@dataclass
class Statement:
    seconds: float = 0.0
    sql: str = ""
    params: Any = None


@dataclass
class Run:
    """One run of the dashboard's figures: seconds per figure, statements per
    figure, and the slowest statement of each (by the time `execute` took)."""

    seconds: dict[str, float] = field(default_factory=dict)
    statements: dict[str, int] = field(default_factory=dict)
    slowest: dict[str, Statement] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


@contextmanager
def watching(run: Run, figure: str) -> Iterator[None]:
    """Counts the SQL statements run inside and keeps the slowest."""
    from django.db import connection

    run.statements[figure] = 0
    run.slowest[figure] = Statement()

    def wrapper(
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        run.statements[figure] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            if spent > run.slowest[figure].seconds:
                run.slowest[figure] = Statement(spent, sql, params)

    with connection.execute_wrapper(wrapper):
        yield


def seconds_of(call: Callable[[], object], repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
    return runs


def count_rows(table: str) -> Callable[[], object]:
    # `table` is one of two fixed names, never input.
    return lambda: scalar(f"SELECT COUNT(*) FROM {table}")


@dataclass(frozen=True)
class Scope:
    label: str
    period: Period
    agency: Agency | None


FIGURES = ("counts", "timings", "prank_map", "trend")


def dashboard(scope: Scope) -> Run:
    """The dashboard view's work, figure by figure: what `stats.views.dashboard`
    computes (rendering the page aside)."""
    from siaga.stats.figures import counts, prank_map, timings, trend

    period, agency = scope.period, scope.agency
    calls: dict[str, Callable[[], object]] = {
        "counts": lambda: counts(period, agency),
        "timings": lambda: timings(period, agency),
        "prank_map": lambda: prank_map(period, agency),
        "trend": lambda: trend(f"{period.last_day():%Y-%m}", 12, agency),
    }
    run = Run()
    for figure, call in calls.items():
        gc.collect()
        with watching(run, figure):
            started = time.perf_counter()
            call()
            run.seconds[figure] = time.perf_counter() - started
    return run


@dataclass
class Results:
    baseline: dict[str, list[float]] = field(default_factory=dict)
    runs: dict[str, list[Run]] = field(default_factory=dict)
    view: dict[str, float] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    in_scope: dict[str, tuple[int, int]] = field(default_factory=dict)
    plans: dict[str, list[str]] = field(default_factory=dict)


def explain(statement: Statement) -> list[str]:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + statement.sql, statement.params)
        rows = cursor.fetchall()
    return [str(row[-1]) for row in rows]


def run_figures(args: argparse.Namespace) -> Results:
    import datetime as dt

    from django.test import Client

    from siaga.agencies.models import Agency
    from siaga.areas.locate import locate
    from siaga.stats.figures import scope as rows_in
    from siaga.stats.period import Period
    from siaga.testing import make_user

    agency = Agency.objects.get(code=AGENCY)
    month = Period.month("2026-11")
    year = Period.days(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    scopes = [
        Scope("November 2026", month, None),
        Scope(f"November 2026, {AGENCY}", month, agency),
        Scope("2026", year, None),
        Scope(f"2026, {AGENCY}", year, agency),
    ]
    results = Results()
    tables = {"incidents": "incidents_incident", "contacts": "intake_contact"}
    for name, table in tables.items():
        results.sizes[name] = int(scalar(f"SELECT COUNT(*) FROM {table}"))  # warm-up
        results.baseline[name] = seconds_of(count_rows(table), args.repeat)
    locate(-6.17, 106.63)  # builds the boundary index once, as a server would
    for scope in scopes:
        found = rows_in(scope.period, scope.agency)
        results.in_scope[scope.label] = (
            found.incidents.count(),
            found.contacts.count(),
        )
        runs: list[Run] = []
        while len(runs) < args.repeat and sum(r.total for r in runs) < args.budget:
            runs.append(dashboard(scope))
            seconds = " ".join(f"{f} {runs[-1].seconds[f]:.2f}" for f in FIGURES)
            print(f"  {scope.label}: {seconds} s", flush=True)
        results.runs[scope.label] = runs
    # The page itself once, for November (the four figures again, and the template).
    client = Client(HTTP_HOST=HOST)
    client.force_login(make_user(f"bench-{secrets.token_hex(3)}", "supervisor"))
    query = {"dari": "2026-11-01", "sampai": "2026-11-30"}
    client.get("/statistik/", query)  # compiles the templates
    started = time.perf_counter()
    response = client.get("/statistik/", query)
    assert response.status_code == 200, response.status_code
    results.view[scopes[0].label] = time.perf_counter() - started
    # The slowest statement of the year's figures, and how the database runs it.
    for figure in FIGURES:
        slowest = results.runs["2026"][0].slowest[figure]
        if slowest.sql:
            results.plans[figure] = explain(slowest)
    for name, table in tables.items():  # the baseline again, after
        results.baseline[name] += seconds_of(count_rows(table), args.repeat)
    return results


def set_up_postgres(dbname: str) -> None:
    """As `set_up_django`, on a throwaway PostgreSQL database."""
    for name in list(os.environ):
        if name.startswith(("SIAGA_", "DATABASE_URL", "DEBUG")):
            del os.environ[name]
    os.environ["DATABASE_URL"] = f"postgresql://postgres@{HOST}:5432/{dbname}"
    os.environ["DEBUG"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from siaga.datasets.loader import load_dataset, read_dataset

    load_dataset(read_dataset("tangerang"), actor=None)


def admin(statement: str, dbname: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(dbname)))


def database_size(vendor: str) -> float:
    """The database's size in GB."""
    if vendor == "postgresql":
        return float(scalar("SELECT pg_database_size(current_database())")) / 1e9
    pages = int(scalar("PRAGMA page_count"))
    return pages * int(scalar("PRAGMA page_size")) / 1e9


def seconds_text(value: float) -> str:
    if value < 0.01:
        return f"{value * 1000:.2f} ms"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def figure_rows(results: Results, base: float) -> list[str]:
    lines = []
    for label, runs in results.runs.items():
        for figure in (*FIGURES, "total"):
            if figure == "total":
                values = [run.total for run in runs]
                statements = sum(runs[0].statements.values())
                name = "**dashboard (the four)**"
            else:
                values = [run.seconds[figure] for run in runs]
                statements = runs[0].statements[figure]
                name = f"`{figure}`"
            median = statistics.median(values)
            lines.append(
                f"| {label} | {name} | {len(values)} | {seconds_text(median)}"
                f" | {seconds_text(max(values))} | {statements:,}"
                f" | {median / base:,.0f} |"
            )
    return lines


def slow_statements(results: Results) -> str:
    """The year's slowest statement of each figure, its time and its plan."""
    first = results.runs["2026"][0]
    parts = []
    for figure in FIGURES:
        statement = first.slowest[figure]
        if not statement.sql:
            continue
        sql = " ".join(statement.sql.split())
        short = sql if len(sql) <= 300 else sql[:300] + " …"
        plan = "; ".join(" ".join(x.split()) for x in results.plans.get(figure, [])[:4])
        parts.append(
            f"- `{figure}`: {first.statements[figure]:,} statements, the slowest"
            f" {seconds_text(statement.seconds)}"
            f" (of {seconds_text(first.seconds[figure])} in all): `{short}`"
            f"\n  plan: {plan}"
        )
    return "\n".join(parts)


def report(
    args: argparse.Namespace,
    vendor: str,
    made: Generated,
    results: Results,
    size_gb: float,
    total: float,
) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    base = {name: statistics.median(runs) for name, runs in results.baseline.items()}
    peak = {name: max(runs) for name, runs in results.baseline.items()}
    table = "\n".join(figure_rows(results, base["contacts"]))
    scopes = "\n".join(
        f"| {label} | {incidents:,} | {contacts:,} |"
        for label, (incidents, contacts) in results.in_scope.items()
    )
    generated = ", ".join(
        f"{rows:,} {name} in {made.seconds[name]:.0f} s"
        for name, rows in made.rows.items()
    )
    if vendor == "sqlite":
        engine = "SQLite (WAL, the project's settings; no `ANALYZE`, as the app runs)"
    else:
        engine = "PostgreSQL on 127.0.0.1 (after `VACUUM ANALYZE`)"
    month, view = next(iter(results.view.items()))
    month_total = statistics.median(run.total for run in results.runs[month])
    return f"""{HEADINGS[vendor]}

`bench/stats_speed.py --db {args.db} --incidents {args.incidents}
--contacts {args.contacts}`: **{args.incidents:,} incidents, {args.contacts:,}
contacts**, one run on a throwaway database, {engine}, migrated, with the Tangerang
data set. Run {now}, {machine()}.

Generated with raw `INSERT … SELECT` into the tables as migrated (every index in
place), values drawn by a hash of the row number (seed {args.seed}): {generated}
({sum(made.seconds.values()):.0f} s with settling, not counted below; {size_gb:.1f} GB
on disk). Incidents spread evenly over the twelve WIB months of 2026 (74 % closed,
12 % resolved, the rest open, referred, cancelled or merged; the top categories of
the reference notes); contacts too: 86 % calls, 30 % prank, 20 % silent, 22 %
emergency or duplicate (linked to an incident, received minutes before it opened),
half the calls with a handset location, 85 % of answered calls answered within
15 s. Dispatches: one per dispatched incident to the category's agency, a second to
another agency for {SECOND_DISPATCH} %. Event log: `incident.opened`, `dispatch.sent`,
`dispatch.on_scene` ({ON_SCENE_LOGGED} % of those on scene), `incident.status_changed`
to resolved and to closed.

**Baseline**, same run and connection: `SELECT COUNT(*)` through Django's cursor,
{len(results.baseline["contacts"])} runs (half before the figures, half after):
incidents table median {seconds_text(base["incidents"])} (max
{seconds_text(peak["incidents"])}), contacts table median
{seconds_text(base["contacts"])} (max {seconds_text(peak["contacts"])}).

| scope | incidents | contacts |
| --- | --- | --- |
{scopes}

The dashboard's work is what `stats.views.dashboard` computes: `counts`, `timings`,
`prank_map` and `trend` (the twelve months up to the period's last) for the period
and agency, one after the other, each timed (a full garbage collection before each);
the total is their sum in the same run. Up to {args.repeat} runs per scope, fewer once
the runs had used {args.budget:.0f} s (at least one). × COUNT(*) divides the median by
the median COUNT(*) over the contacts table, the larger table, which every figure
reads. SQL statements: those one run sent.

| scope | figure | runs | median | max | SQL statements | × COUNT(*) |
| --- | --- | --- | --- | --- | --- | --- |
{table}

The page itself (`GET /statistik/?dari=2026-11-01&sampai=2026-11-30` through
Django's test client as a supervisor: the four figures, the template) took
{seconds_text(view)} once, against {seconds_text(month_total)} for the four figures.

Where the year's time goes: each figure's slowest statement (the time its
`execute` took; rows fetched afterwards are not in it) and the database's plan:

{slow_statements(results)}

{analysis(results, vendor)}

{sizes_note(args, total)}
"""


def analysis(results: Results, vendor: str) -> str:
    """What the figures above show about where the time goes."""
    year = results.runs["2026"][0]
    share = {figure: year.seconds[figure] / year.total for figure in FIGURES}
    if vendor == "sqlite":
        clock = (
            "SQLite's own `strftime` on the UTC time shifted by the zone's fixed"
            " offset (`stats.sql.LocalClock`)"
        )
        percentiles = (
            "each duration (computed in SQL, `julianday`) is fetched into Python for"
            " numpy's percentiles, so the figure grows with the rows fetched"
        )
    else:
        clock = "`AT TIME ZONE` (`stats.sql.LocalClock`)"
        percentiles = (
            "durations and their percentiles (`percentile_cont`) are computed by the"
            " database; only the results come back"
        )
    return f"""Every statement reads an index on the period's column; the time is
in passes over the period's rows:

- `timings` ({share["timings"]:.0%} of the year's dashboard,
  {year.statements["timings"]:,} statements): {percentiles}. The first answer,
  first dispatch, arrival on scene and handling of each incident or dispatch are
  correlated subqueries on the contacts, dispatches and the event log's
  (target type, target id) index.
- `counts` ({share["counts"]:.0%}): contacts and incidents grouped by channel,
  classification, category, agency, place, local hour and weekday; the local clock is
  {clock}.
- `prank_map` ({share["prank_map"]:.0%}): pranks grouped by point and hour in SQL;
  each distinct point is located once against the boundary index (`locate_many`).
- `trend` ({share["trend"]:.0%}): two statements grouped by local month over the
  twelve months."""


FULL = (1_000_000, 5_000_000)
MAKE = (500_000, 2_500_000)  # the size `make bench` runs, to stay within 10 minutes


def sizes_note(args: argparse.Namespace, total: float) -> str:
    took = f"The whole script took {total / 60:.1f} minutes"
    if (args.incidents, args.contacts) == MAKE:
        return (
            f"{took}. This is the size `make bench` runs ({MAKE[0]:,} incidents,"
            f" {MAKE[1]:,} contacts), so that the whole target stays within ten"
            f" minutes; the issue's size (--incidents {FULL[0]} --contacts"
            f" {FULL[1]}, the defaults) takes about twice as long and is run on its"
            " own."
        )
    if (args.incidents, args.contacts) == FULL and args.db == "postgres":
        return (
            f"{took} (generating included). `make bench` runs only the SQLite"
            f" variant, at half the size ({MAKE[0]:,} incidents, {MAKE[1]:,}"
            " contacts); this one is run on its own."
        )
    if (args.incidents, args.contacts) == FULL:
        return (
            f"{took} (generating included): too long for `make bench`, which runs"
            f" this script at half the size ({MAKE[0]:,} incidents, {MAKE[1]:,}"
            " contacts) and rewrites this section with those figures; run the"
            " full size on its own, with the defaults."
        )
    return f"{took}."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="update the docs")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each figure")
    parser.add_argument("--budget", type=float, default=20, help="seconds per figure")
    parser.add_argument("--seed", type=int, default=112)
    args = parser.parse_args()
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="siaga-stats-"))
    dbname = f"siaga_bench_stats_{secrets.token_hex(4)}"
    try:
        if args.db == "postgres":
            admin("CREATE DATABASE {}", dbname)
            set_up_postgres(dbname)
        else:
            set_up_django(folder)
        from django.db import connection

        vendor = connection.vendor
        print(f"generating on {vendor}…", flush=True)
        made = generate(args, Dialect(vendor))
        size = database_size(vendor)
        print("measuring…", flush=True)
        results = run_figures(args)
        connection.close()
    finally:
        if args.db == "postgres":
            admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", dbname)
        shutil.rmtree(folder, ignore_errors=True)
    section = report(args, vendor, made, results, size, time.perf_counter() - started)
    print(section)
    if args.write:
        write_section(section, HEADINGS[vendor])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
