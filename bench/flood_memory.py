"""Peak memory of the server under a flood: the resident set of `siaga serve` (and any
child) while the simulator sends a flood, against its own resident set idle and after
a warm-up, measured in the same run.

    .venv/bin/python bench/flood_memory.py [--rate 18000] [--duration 60]
        [--seed 112] [--write]

1. A throwaway SQLite database (migrate, Tangerang, the demo accounts) and
   `siaga serve` on a free loopback port with `DEBUG` off and production's durable
   SQLite commit (`synchronous=FULL`), the embedded worker on (it turns the
   providers' webhooks into contacts), test secrets for the signed channels.
2. A sampler thread reads `/proc/<pid>/status` (VmRSS, VmHWM) of the server and its
   descendants every 100 ms from start-up to the end.
3. **Baselines, same run**: the resident set idle (the median of 3 s of samples after
   `/healthz` first answers) and after a warm-up (each console page the call floor
   opens, `/healthz` and one SMS, then 3 s idle).
4. `siaga simulate --scenario flood --rate R --duration T --seed S` against the
   server (hundreds of reports of five flooded spots, across channels, each request
   at its moment), which then checks every contact was stored exactly once.
5. Report the peak (the highest sample of the process tree, and the kernel's
   high-water mark VmHWM of the server), the idle and warmed-up sets, their ratios,
   and what the simulator sent and found stored. With --write, replace the section
   in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from duplicates_speed import sign_in  # noqa: E402
from live_latency import (  # noqa: E402
    HOST,
    ROOT,
    server_errors,
    wait_until_up,
)
from serving import prepared, serve  # noqa: E402

from siaga.benchmarking import machine, write_section  # noqa: E402

HEADING = "## Server memory under a flood"
SCENARIO = ["--scenario", "flood"]  # the simulator's surge; [] for an ordinary day
INTERVAL = 0.1  # seconds between samples
SECRETS = {
    "SIAGA_WHATSAPP_APP_SECRET": "bench-whatsapp-secret",
    "SIAGA_TELEGRAM_SECRET_TOKEN": "bench-telegram-secret",
    "SIAGA_META_APP_SECRET": "bench-meta-secret",
    "SIAGA_X_CONSUMER_SECRET": "bench-x-secret",
    "SIAGA_AML_HMAC_KEY": "bench-aml-key",
}
WARM_UP = (  # what a call-floor console opens
    "/konsol/",
    "/konsol/antrean/",
    "/konsol/pesan/",
    "/insiden/",
)


def status_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of one process in kB ({} once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    found = re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.MULTILINE)
    return {name: int(kb) for name, kb in found}


def descendants(pid: int) -> list[int]:
    """The process and every process below it, from /proc's parent ids."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += parents.get(current, [])
    return tree


@dataclass
class Sampler:
    """The process tree's summed VmRSS every INTERVAL, with a label per phase."""

    pid: int
    samples: list[tuple[float, str, int, int]] = field(default_factory=list)
    phase: str = "start"
    stop: threading.Event = field(default_factory=threading.Event)
    processes: int = 1

    def run(self) -> None:
        tree_checked = 0.0
        tree = [self.pid]
        while not self.stop.is_set():
            now = time.monotonic()
            if now - tree_checked > 1:  # new children are rare: look once a second
                tree, tree_checked = descendants(self.pid), now
                self.processes = max(self.processes, len(tree))
            rss = sum(status_kb(pid).get("VmRSS", 0) for pid in tree)
            hwm = status_kb(self.pid).get("VmHWM", 0)
            if rss:
                self.samples.append((now, self.phase, rss, hwm))
            self.stop.wait(INTERVAL)

    def of(self, phase: str) -> list[int]:
        return [rss for _, p, rss, _ in self.samples if p == phase]

    def rises(self, above: int) -> list[str]:
        """The phases in which the high-water mark went past `above` kB, with the
        seconds since the phase began."""
        found, previous, begun = [], above, 0.0
        for i, (at, phase, _, hwm) in enumerate(self.samples):
            if i == 0 or phase != self.samples[i - 1][1]:
                begun = at
            if hwm > previous + 1024:
                found.append(f"{phase} +{at - begun:.1f} s: {hwm / 1024:.0f} MB")
                previous = hwm
        return found

    def hwm(self, phase: str | None = None) -> int:
        """The server's high-water mark at the end of `phase` (or of the run)."""
        return max(
            (hwm for _, p, _, hwm in self.samples if phase in (None, p)), default=0
        )


def warm_up(port: int, token: str) -> dict[int, int]:
    """The console pages as the call taker `telepon`, /healthz, one SMS."""
    statuses: dict[int, int] = {}
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    cookie = sign_in(conn, "telepon", "siaga112-demo")
    for _ in range(3):
        for path in ("/healthz", *WARM_UP):
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
    body = {"from": "081234567890", "text": "banjir warm-up", "id": "warm-up-1"}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request("POST", "/hooks/sms", json.dumps(body), headers)
    response = conn.getresponse()
    response.read()
    statuses[response.status] = statuses.get(response.status, 0) + 1
    conn.close()
    return statuses


@dataclass
class Result:
    args: argparse.Namespace
    idle: float  # kB, median
    warm: float
    flood: list[int]
    after: float
    hwm_idle: int  # the server's high-water mark once idle, and at the end
    hwm: int
    rises: list[str]  # where the high-water mark rose after the idle baseline
    samples: int
    processes: int
    warm_statuses: dict[int, int]
    seconds: float
    returncode: int
    errors: dict[str, int]
    sent: dict[str, int]
    stored: dict[str, int]
    check: str


def parse_outcome(out: str) -> tuple[dict[str, int], dict[str, int], str]:
    """The simulator's table: contacts sent and stored by channel, then the check."""
    sent, stored = {}, {}
    for channel, s, t in re.findall(r"^(\w+)\s+(\d+)\s+(\d+)$", out, re.MULTILINE):
        sent[channel], stored[channel] = int(s), int(t)
    check = re.search(r"^(\d+) requests; .*$", out, re.MULTILINE)
    return sent, stored, check.group(0) if check else out.strip()[-300:]


def measure(args: argparse.Namespace, folder: Path) -> Result:
    env, port, token = prepared(folder, **SECRETS)
    server = serve(env, folder)
    sampler = Sampler(server.pid)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    try:
        wait_until_up(port)
        sampler.phase = "idle"
        time.sleep(3)
        sampler.phase = "warming"
        warm = warm_up(port, token)
        time.sleep(1)
        sampler.phase = "warm"
        time.sleep(3)
        sampler.phase = "flood"
        started = time.monotonic()
        simulated = subprocess.run(  # noqa: S603 (our own command)
            [
                sys.executable,
                "-m",
                "siaga.cli",
                "simulate",
                f"--base=http://{HOST}:{port}",
                f"--rate={args.rate}",
                f"--duration={args.duration}",
                f"--seed={args.seed}",
                f"--settle={args.settle}",
                *SCENARIO,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=args.duration + args.settle + 300,
            check=False,
        )
        seconds = time.monotonic() - started
        sampler.phase = "after"
        time.sleep(2)
    finally:
        sampler.stop.set()
        thread.join()
        server.terminate()
        server.wait(timeout=30)
    sent, stored, check = parse_outcome(simulated.stdout + simulated.stderr)
    return Result(
        args=args,
        idle=statistics.median(sampler.of("idle")),
        warm=statistics.median(sampler.of("warm")),
        flood=sampler.of("flood"),
        after=statistics.median(sampler.of("after")),
        hwm_idle=sampler.hwm("idle"),
        hwm=sampler.hwm(),
        rises=sampler.rises(sampler.hwm("idle")),
        samples=len(sampler.samples),
        processes=sampler.processes,
        warm_statuses=warm,
        seconds=seconds,
        returncode=simulated.returncode,
        errors=server_errors(folder / "serve.log"),
        sent=sent,
        stored=stored,
        check=check,
    )


def mb(kb: float) -> str:
    return f"{kb / 1024:.0f} MB"


def report(r: Result) -> str:
    peak = max(r.flood)
    channels = ", ".join(
        f"{c} {n}/{r.stored.get(c, 0)}" for c, n in sorted(r.sent.items())
    )
    errors = "; ".join(f"{n}× `{e[:120]}`" for e, n in r.errors.items()) or "none"
    scenario = " ".join(SCENARIO) or "(an ordinary day)"
    a = r.args
    to_warm, to_idle = peak / r.warm, peak / r.idle
    hwm = f"{mb(r.hwm_idle)}, {mb(r.hwm)}"
    rises = "; ".join(r.rises) or "nowhere"
    reports = a.rate * a.duration / 3600
    return f"""{HEADING}

`bench/flood_memory.py` (run by `make bench`): the resident memory of `siaga serve`
(the process and any child, summed; sampled every 100 ms from `/proc`) while
`siaga simulate {scenario} --rate {a.rate:g} --duration {a.duration:g}
--seed {a.seed}` sends a flood to it, against the same server idle and after a
warm-up, in one run. Throwaway SQLite database (Tangerang, the demo accounts),
`DEBUG` off, `synchronous=FULL`, the embedded worker on. {machine()}.

| figure | value |
|---|---|
| **baseline**: idle after start-up (median of 3 s) | {mb(r.idle)} |
| **baseline**: after a warm-up (console pages, one SMS; median of 3 s) | {mb(r.warm)} |
| during the flood, median | {mb(statistics.median(r.flood))} |
| **peak during the flood** (highest sample) | **{mb(peak)}** |
| 2 s after the flood, median | {mb(r.after)} |
| **ratio** peak ÷ warmed-up, peak ÷ idle | **{to_warm:.2f}**, {to_idle:.2f} |
| the server's VmHWM: by the idle baseline, at the end | {hwm} |
| where VmHWM rose after the idle baseline | {rises} |
| processes in the tree, samples | {r.processes}, {r.samples} |
| warm-up answers (status: count) | {r.warm_statuses} |
| contacts sent/stored, by channel | {channels} |
| the simulator's check | {r.check} (exit {r.returncode}) |
| simulator run (sending and settling) | {r.seconds:.0f} s |
| errors in the server's log | {errors} |

The flood compresses a surge into a minute: at {a.rate:g} contacts an hour the
simulator sends about {reports:.0f} reports in {a.duration:g} s (one request at a
time, each at its moment; a call is several requests: ringing, answer, AML fix,
hang-up), 85 % of them of five flooded spots and more of them by message than on an
ordinary day.
{hwm_note(r)}"""


def hwm_note(r: Result) -> str:
    if not any(rise.startswith("warming") for rise in r.rises):
        return ""
    return """
The high-water mark is above every sample because of the warm-up's sign-in, not the
flood: a password check is Argon2 with Django's default cost (`memory_cost` 102,400
KiB), so each sign-in allocates about 100 MB for a fraction of a second and gives it
back. Under ASGI each request's synchronous steps run in a thread of their own, so
sign-ins at the same moment (a shift change) would each add that much; at most four
checks run at once (`siaga/accounts/hashers.py`, added after this benchmark's first
run), so a room signing in together costs at most about 400 MB, briefly.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=18_000, help="contacts an hour")
    parser.add_argument("--duration", type=float, default=60, help="seconds")
    parser.add_argument("--seed", type=int, default=112)
    parser.add_argument("--settle", type=float, default=30)
    parser.add_argument("--write", action="store_true", help="update the docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = measure(args, Path(folder))
    section = report(result)
    print(section)
    if args.write:
        write_section(section, HEADING)
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
