"""Two Siaga112 servers as neighbours, on loopback ports: Kota Tangerang refers an
incident electronically to "Kabupaten Tangerang", whose call floor accepts it, and the
acceptance comes back. A malformed request gets the standard answer and creates
nothing. Both servers load the Tangerang data set; the second stands for the Kabupaten
and knows the first under a test area code."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from siaga.testing_server import call_api, fresh_server, siaga


def wait_for(check: Callable[[], Any], seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError("timed out waiting")


def post_raw(base: str, token: str, path: str, body: bytes) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 (loopback test server)
        f"{base}{path}",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read())


def test_a_referral_goes_to_the_neighbour_and_the_acceptance_comes_back(
    tmp_path: Path,
) -> None:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("two embedded servers; the SQLite run covers it")
    fast = {"SIAGA_WORKER_INTERVAL": "1"}
    with (
        fresh_server(tmp_path / "kota", **fast) as (kota, kota_env),
        fresh_server(tmp_path / "kab", SIAGA_CITY_CODE="KAB", **fast) as (kab, kab_env),
    ):
        # Each side registers the other and hands over the token to call it with.
        for_kab = siaga(
            kota_env, "add-partner", "--code", "36.03", "--url", kab
        ).strip()
        for_kota = siaga(
            kab_env,
            "add-partner",
            "--code",
            "36.71.uji",
            "--name",
            "Kota Tangerang (uji)",
            "--url",
            kota,
            "--their-token",
            for_kab,
        ).strip()
        siaga(
            kota_env,
            "add-partner",
            "--code",
            "36.03",
            "--url",
            kab,
            "--their-token",
            for_kota,
        )
        floor_kota = siaga(kota_env, "create-token", "--user", "ruangan").strip()
        floor_kab = siaga(kab_env, "create-token", "--user", "ruangan").strip()

        # Kota Tangerang opens an incident just across the border and refers it.
        incident = call_api(
            kota,
            floor_kota,
            "POST",
            "/api/v1/incidents",
            {
                "category": "kebakaran",
                "description": "Gudang terbakar di seberang batas kota",
                "location": {"lat": -6.125, "lon": 106.545},
            },
        )
        number = incident["number"]
        eido = call_api(kota, floor_kota, "GET", f"/api/v1/incidents/{number}/eido")
        assert eido["eidoVersion"] == "1.0"
        referral = call_api(
            kota,
            floor_kota,
            "POST",
            f"/api/v1/incidents/{number}/referrals",
            {"neighbour": "36.03", "method": "electronic"},
        )
        assert referral["status"] == "sent"

        # Kota's worker delivers it; the Kabupaten queues it and says so (182).
        def kota_referral() -> dict[str, Any]:
            found = call_api(kota, floor_kota, "GET", "/api/v1/referrals?direction=out")
            return dict(found[0])

        wait_for(lambda: kota_referral()["status"] == "acknowledged")
        incoming = wait_for(
            lambda: call_api(kab, floor_kab, "GET", "/api/v1/referrals?direction=in")
        )[0]
        assert (
            incoming["status"] == "acknowledged"
            and incoming["neighbour"] == "36.71.uji"
        )

        # The Kabupaten's floor accepts: it becomes their incident, and Kota hears.
        accepted = call_api(
            kab, floor_kab, "POST", f"/api/v1/referrals/{incoming['id']}/accept"
        )
        assert accepted["incident"].startswith("KAB-")
        done = wait_for(lambda: (r := kota_referral())["status"] == "accepted" and r)
        assert done["remote_incident_id"] == accepted["incident"]
        theirs = call_api(
            kab, floor_kab, "GET", f"/api/v1/incidents/{accepted['incident']}"
        )
        assert theirs["category"] == "kebakaran"

        # A malformed request gets the standard answer and creates nothing.
        status, body = post_raw(
            kab,
            for_kota,
            "/api/v1/eido/requests",
            json.dumps(
                {"requestForService": {"requestId": "bad-1", "eido": {"v": 1}}}
            ).encode(),
        )
        assert status == 400 and body["response"]["responseCode"] == 400
        status, _ = post_raw(kab, for_kota, "/api/v1/eido/requests", b"[not json")
        assert status == 400
        incoming_now = call_api(kab, floor_kab, "GET", "/api/v1/referrals?direction=in")
        assert len(incoming_now) == 1
