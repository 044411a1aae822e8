"""The public Atom feed lists the alerts in force, and only those."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from siaga.accounts.models import User
from siaga.alerts.actions import Where, cancel_alert, update_alert
from siaga.alerts.tests.helpers import info, make_alert
from siaga.areas.models import Area

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def feed_entries(client: Client | None = None) -> list[ET.Element]:
    response = (client or Client()).get("/peringatan/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for name in ("id", "title", "updated"):
        assert root.findtext(f"atom:{name}", namespaces=ATOM), name
    return root.findall("atom:entry", ATOM)


def titles(entries: list[ET.Element]) -> list[str]:
    return [e.findtext("atom:title", namespaces=ATOM) or "" for e in entries]


def test_the_feed_is_public_and_parses_when_empty(db: None) -> None:
    assert feed_entries() == []


def test_the_feed_lists_current_alerts_with_their_cap_link(supervisor: User) -> None:
    alert = make_alert(supervisor, headline="Angin kencang")

    entries = feed_entries()

    assert titles(entries) == ["Angin kencang"]
    link = entries[0].find("atom:link", ATOM)
    assert link is not None
    assert link.get("type") == "application/cap+xml"
    assert link.get("href", "").endswith(f"/api/v1/alerts/{alert.identifier}.cap.xml")
    for name in ("id", "updated", "summary"):
        assert entries[0].findtext(f"atom:{name}", namespaces=ATOM), name


def test_expired_alerts_leave_the_feed(supervisor: User) -> None:
    make_alert(
        supervisor, headline="Sebentar", expires_at=timezone.now() + timedelta(hours=1)
    )
    make_alert(
        supervisor, headline="Lama", expires_at=timezone.now() + timedelta(hours=5)
    )

    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        entries = feed_entries()

    assert titles(entries) == ["Lama"]


def test_cancelled_superseded_exercises_and_drafts_are_not_listed(
    supervisor: User,
) -> None:
    cancel_alert(make_alert(supervisor, headline="Dibatalkan"), actor=supervisor)
    old = make_alert(supervisor, headline="Versi lama")
    update_alert(
        old,
        info=info(headline="Versi baru"),
        where=Where(areas=list(Area.objects.filter(code="36.71.02"))),
        actor=supervisor,
    )
    make_alert(supervisor, headline="Latihan", status="Exercise")
    make_alert(supervisor, headline="Draf", status="Draft")

    assert titles(feed_entries()) == ["Versi baru"]


def test_feed_text_is_escaped(supervisor: User) -> None:
    make_alert(supervisor, headline="<script>alert(1)</script> & co")

    assert titles(feed_entries()) == ["<script>alert(1)</script> & co"]
