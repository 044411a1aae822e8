"""Triage suggestions: accuracy on the labelled reports, and speed.

Run from the repository root (takes a few seconds, most of it setting up):

    .venv/bin/python bench/triage_accuracy.py [--write] [--errors dev]

Method, in one run:

1. A throwaway SQLite database in a temporary folder (development settings with
   DEBUG off, so queries are not logged): migrate, load the Tangerang data set.
2. Read `siaga/datasets/reports_labelled.jsonl`. For the dev split (the one the
   rules were tuned on) and the test split (held out), separately:
   - category top-1 accuracy, and that of the baseline "always the most frequent
     category of the dev split";
   - agency-set exact match: the suggested agencies equal the routing of the
     labelled category (so "lainnya", routed to nobody, expects none);
   - place mentions: precision and recall, a mention and a label being equal when
     their `place_key` is (case, punctuation, abbreviations and the "Kel."/"Kec."
     prefix ignored; "RT 3/RW 5" equals "rt.03 rw.05").
3. Speed over all texts, best of --rounds: suggestions per second with the
   database knowledge read once, and with a fresh read per report (what
   `suggest(text)` does by default), against `str.lower()` over the same texts.
4. Print a Markdown section; with --write, replace the section `## Triage
   suggestions` of docs/benchmarks.md (up to the next `## ` heading) or append it.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from siaga.benchmarking import BENCHMARKS, ROOT, set_up_django, write_section

REPORTS = ROOT / "siaga" / "datasets" / "reports_labelled.jsonl"
HEADING = "## Triage suggestions"


@dataclass(frozen=True)
class Report:
    text: str
    category: str
    places: tuple[str, ...]
    split: str


@dataclass(frozen=True)
class Scores:
    reports: int
    accuracy: float
    baseline: float
    agencies: float
    place_precision: float
    place_recall: float
    labelled_places: int


def read_reports(path: Path) -> list[Report]:
    reports = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row: dict[str, Any] = json.loads(line)
            places = tuple(row["places"])
            reports.append(Report(row["text"], row["category"], places, row["split"]))
    return reports


def evaluate(
    reports: Sequence[Report],
    most_frequent: str,
    errors: list[str] | None,
) -> Scores:
    """Scores of one split; appends a line per wrong category to `errors`."""
    from siaga.intake.suggest import load_knowledge, place_key, suggest

    knowledge = load_knowledge()
    right = agencies = hits = predicted = labelled = 0
    for report in reports:
        suggestion = suggest(report.text, knowledge=knowledge)
        right += suggestion.category == report.category
        wanted = set(knowledge.routing.get(report.category, ()))
        agencies += set(suggestion.agencies) == wanted
        gold = {place_key(p) for p in report.places}
        found = {place_key(m.text) for m in suggestion.places}
        hits += len(gold & found)
        predicted += len(found)
        labelled += len(gold)
        if errors is not None and suggestion.category != report.category:
            errors.append(
                f"category {report.category} -> {suggestion.category} "
                f"({suggestion.confidence}, {', '.join(suggestion.matched)}): "
                f"{report.text}"
            )
        if errors is not None and gold != found:
            errors.append(
                f"places missed {sorted(gold - found)} extra {sorted(found - gold)}: "
                f"{report.text}"
            )
    n = len(reports)
    baseline = sum(r.category == most_frequent for r in reports)
    return Scores(
        reports=n,
        accuracy=right / n,
        baseline=baseline / n,
        agencies=agencies / n,
        place_precision=hits / predicted if predicted else 0.0,
        place_recall=hits / labelled if labelled else 0.0,
        labelled_places=labelled,
    )


def best_rate(
    texts: Sequence[str], work: Callable[[str], object], rounds: int, passes: int = 1
) -> float:
    """Texts per second, best of `rounds` runs of `passes` passes over all texts
    (many passes for work too quick to time in one)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(passes):
            for text in texts:
                work(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) * passes / best


def speeds(texts: Sequence[str], rounds: int) -> dict[str, float]:
    from siaga.intake.suggest import load_knowledge, suggest

    knowledge = load_knowledge()
    return {
        "preloaded": best_rate(
            texts, lambda t: suggest(t, knowledge=knowledge), rounds
        ),
        "fresh": best_rate(texts, suggest, rounds),
        "lower": best_rate(texts, str.lower, rounds, passes=1000),
    }


INTRO = """\
`bench/triage_accuracy.py` measures the rule model of `siaga/intake/suggest/`
(category, agencies and place mentions suggested for a text report) against the
hand-labelled reports in `siaga/datasets/reports_labelled.jsonl`. The rules were
tuned on the **dev** split only; **test** (about a quarter, drawn per category with a
fixed seed before any rule was written) is held out. The same person wrote the reports
and the rules, so even the test figure is likely optimistic for real traffic.

```sh
.venv/bin/python bench/triage_accuracy.py          # print
.venv/bin/python bench/triage_accuracy.py --write  # and rewrite this section
```

Method: a throwaway SQLite database with the Tangerang data set; category top-1
accuracy; agency-set exact match (the suggested agencies equal the routing of the
labelled category; "lainnya" expects none); place mentions compared by `place_key`
(case, punctuation, abbreviations and the "Kel."/"Kec." prefix ignored)."""

LIMITS = """\
What it does not measure: real traffic (prank and silent calls, voice transcripts,
longer conversations), reports from outside the city, and whether call takers accept
the suggestions."""


def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [head, ["---"] * len(head), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def accuracy_table(scores: dict[str, Scores]) -> str:
    head = ["split", "reports", "category top-1", "baseline", "agency set exact"]
    head += ["place precision", "place recall"]
    rows = [
        [
            split,
            str(s.reports),
            f"{s.accuracy:.1%}",
            f"{s.baseline:.1%}",
            f"{s.agencies:.1%}",
            f"{s.place_precision:.1%}",
            f"{s.place_recall:.1%} ({s.labelled_places} labelled)",
        ]
        for split, s in scores.items()
    ]
    return table(head, rows)


def speed_table(rates: dict[str, float]) -> str:
    lower = rates["lower"]
    rows = [
        ("`str.lower()` (baseline)", lower),
        ("`suggest(text, knowledge=…)` (routing, names read once)", rates["preloaded"]),
        ("`suggest(text)` (fresh database read per report)", rates["fresh"]),
    ]
    return table(
        ["what", "texts per second", "time × `str.lower()`"],
        [[name, f"{rate:,.0f}", f"{lower / rate:,.0f}"] for name, rate in rows],
    )


def markdown(
    scores: dict[str, Scores], most_frequent: str, rates: dict[str, float], texts: int
) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "\n\n".join(
            [
                HEADING,
                INTRO,
                f"Baseline: always `{most_frequent}`, the most frequent category "
                f"of the dev split.\nRun {now}, Python "
                f"{platform.python_version()}, {platform.machine()}, "
                f"{os.cpu_count()} CPUs (a shared VM: speeds vary between runs).",
                accuracy_table(scores),
                f"Speed over the {texts} texts (best of the rounds, one process):",
                speed_table(rates),
                LIMITS,
            ]
        )
        + "\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="update the docs")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--errors", choices=["dev", "test"], help="list the errors of a split"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="siaga-triage-"))
    try:
        set_up_django(folder)
        reports = read_reports(REPORTS)
        dev = [r for r in reports if r.split == "dev"]
        most_frequent = collections.Counter(r.category for r in dev).most_common(1)
        baseline = most_frequent[0][0]
        scores: dict[str, Scores] = {}
        errors: list[str] = []
        for split in ("dev", "test"):
            chosen = [r for r in reports if r.split == split]
            wanted = errors if args.errors == split else None
            scores[split] = evaluate(chosen, baseline, wanted)
        texts = [r.text for r in reports]
        section = markdown(scores, baseline, speeds(texts, args.rounds), len(texts))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(section)
    for line in errors:
        print(line)
    if args.write:
        write_section(section, HEADING)
        print(f"updated {BENCHMARKS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
