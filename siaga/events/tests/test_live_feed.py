"""The live feed over real HTTP against `siaga serve`: replay after a cut, filtering."""

from __future__ import annotations

from typing import Any

from siaga.testing_server import LiveFeed, call_api, siaga

Demo = tuple[str, dict[str, str]]


def token_for(env: dict[str, str], username: str) -> str:
    return siaga(env, "create-token", "--user", username).strip()


def event_ids(base: str, token: str, number: str) -> list[int]:
    return [
        e["id"]
        for e in call_api(base, token, "GET", f"/api/v1/incidents/{number}/events")
    ]


def open_incident(base: str, token: str, **body: Any) -> str:
    payload = {"category": "pohon-tumbang", "description": "uji siaran langsung"} | body
    return str(call_api(base, token, "POST", "/api/v1/incidents", payload)["number"])


def test_a_reconnecting_console_gets_exactly_what_it_missed(demo: Demo) -> None:
    base, env = demo
    token = token_for(env, "telepon")
    feed = LiveFeed(base, token)
    first = open_incident(base, token)
    seen = feed.events(1)
    assert [data for _, data in seen] == [
        {"type": "incident.opened", "incident": first}
    ]
    feed.close()  # the console's connection dies mid-stream

    missed = [open_incident(base, token, agencies=["DKP"]), open_incident(base, token)]
    expected = sorted(i for number in missed for i in event_ids(base, token, number))
    again = LiveFeed(base, token, last_event_id=seen[-1][0])
    replayed = again.events(len(expected) + 1, seconds=3)

    assert [event_id for event_id, _ in replayed] == expected
    live = open_incident(base, token)
    assert again.events(1)[0][1] == {"type": "incident.opened", "incident": live}
    again.close()


def test_an_agency_console_sees_only_its_own_incidents(demo: Demo) -> None:
    base, env = demo
    floor, parks = token_for(env, "telepon"), token_for(env, "dkp")
    feed = LiveFeed(base, parks)

    open_incident(base, floor, category="kriminalitas", agencies=["POLRES"])
    tree = open_incident(base, floor, agencies=["DKP", "DISHUB"])

    received = feed.events(10, seconds=3)
    feed.close()
    assert {data["incident"] for _, data in received} == {tree}
    assert "dispatch.sent" in {data["type"] for _, data in received}


def test_the_feed_refuses_strangers(demo: Demo) -> None:
    import urllib.error
    import urllib.request

    base, _ = demo
    try:
        urllib.request.urlopen(f"{base}/live/events", timeout=5)  # noqa: S310
    except urllib.error.HTTPError as error:
        assert error.code == 401
    else:
        raise AssertionError("an anonymous console was let in")


def test_a_units_move_reaches_the_floor_and_its_own_agency_only(demo: Demo) -> None:
    base, env = demo
    floor, parks = token_for(env, "telepon"), token_for(env, "dkp")
    tracker = token_for(env, "aplikasi")
    floor_feed, parks_feed = LiveFeed(base, floor), LiveFeed(base, parks)

    for call_sign, lat in (("DAMKAR-01", -6.2001), ("DKP-POHON-1", -6.2002)):
        fix = {"positions": [{"lat": lat, "lon": 106.65}]}
        call_api(base, tracker, "POST", f"/api/v1/units/{call_sign}/positions", fix)

    seen = {m["call_sign"]: m for m in floor_feed.units(2, seconds=10)}
    assert set(seen) == {"DAMKAR-01", "DKP-POHON-1"}
    assert (seen["DAMKAR-01"]["lat"], seen["DAMKAR-01"]["lon"]) == (-6.2001, 106.65)
    assert seen["DAMKAR-01"]["status"] == "available" and seen["DAMKAR-01"]["at"]
    theirs = parks_feed.units(2, seconds=5)
    assert [m["call_sign"] for m in theirs] == ["DKP-POHON-1"]
    floor_feed.close()
    parks_feed.close()
