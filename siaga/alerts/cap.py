"""Alerts as OASIS CAP 1.2 XML, and the Atom 1.0 feed that lists the current ones.

Built with ElementTree, never by joining strings: every text is escaped by the
serialiser. Element order follows the CAP 1.2 XSD sequences exactly.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from siaga.alerts.models import LANGUAGE, LANGUAGE_EN, Alert, AlertArea
from siaga.lib.fields import WIB

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_CONTENT_TYPE = "application/cap+xml"
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
DEFAULT_SENDER_NAME = "Tangerang Siaga 112"
# Kemendagri region codes, as <geocode> valueName (BMKG's warnings use the same codes).
GEOCODE_NAME = "KEMENDAGRI"


def cap_time(moment: datetime) -> str:
    """CAP 1.2 §3.3.2 dates: `2026-12-04T14:05:00+07:00`, in WIB, whole seconds.

    CAP forbids the "Z" suffix and fractional seconds; UTC would read "-00:00"."""
    text = timezone.localtime(moment, WIB).replace(microsecond=0).isoformat()
    return text[:-6] + "-00:00" if text.endswith("+00:00") else text


def sender_name() -> str:
    return str(getattr(settings, "SIAGA_CAP_SENDER_NAME", DEFAULT_SENDER_NAME))


def public_url(path: str) -> str:
    """Absolute links from the configured public address, never from the Host header."""
    return settings.SIAGA_PUBLIC_URL.rstrip("/") + path


def cap_url(alert: Alert) -> str:
    return public_url(reverse("api:alert_cap", kwargs={"identifier": alert.identifier}))


def _add(parent: ET.Element, tag: str, text: str | None) -> None:
    """A child element, only when there is something to say (CAP omits empty ones)."""
    if text:
        ET.SubElement(parent, f"{{{CAP_NS}}}{tag}").text = text


def render_cap(alert: Alert) -> bytes:
    """One alert as a CAP 1.2 document (UTF-8, with an XML declaration)."""
    root = ET.Element(f"{{{CAP_NS}}}alert")
    _add(root, "identifier", alert.identifier)
    _add(root, "sender", alert.sender)
    _add(root, "sent", cap_time(alert.sent_at))
    _add(root, "status", alert.status)
    _add(root, "msgType", alert.msg_type)
    _add(root, "scope", alert.scope)
    _add(root, "note", alert.note)
    _add(root, "references", alert.references)
    areas = list(alert.areas.all())
    root.append(_info(alert, areas, english=False))
    if alert.has_english:
        root.append(_info(alert, areas, english=True))
    return bytes(
        ET.tostring(
            root, encoding="utf-8", xml_declaration=True, default_namespace=CAP_NS
        )
    )


def _info(alert: Alert, areas: list[AlertArea], *, english: bool) -> ET.Element:
    """One <info>: language, category, event, responseType, urgency, severity,
    certainty, effective, onset, expires, senderName, headline, description,
    instruction, web, contact, area — the XSD's order."""
    suffix = "_en" if english else ""
    info = ET.Element(f"{{{CAP_NS}}}info")
    _add(info, "language", LANGUAGE_EN if english else LANGUAGE)
    _add(info, "category", alert.category)
    _add(info, "event", getattr(alert, f"event{suffix}"))
    _add(info, "responseType", alert.response_type)
    _add(info, "urgency", alert.urgency)
    _add(info, "severity", alert.severity)
    _add(info, "certainty", alert.certainty)
    _add(info, "effective", cap_time(alert.effective_at))
    _add(info, "onset", cap_time(alert.onset_at) if alert.onset_at else None)
    _add(info, "expires", cap_time(alert.expires_at))
    _add(info, "senderName", sender_name())
    for name in ("headline", "description", "instruction"):
        _add(info, name, getattr(alert, f"{name}{suffix}"))
    _add(info, "web", alert.web)
    _add(info, "contact", alert.contact)
    for row in areas:
        info.append(_area(row))
    return info


def _area(row: AlertArea) -> ET.Element:
    """<area>: areaDesc, polygon*, circle*, geocode*."""
    area = ET.Element(f"{{{CAP_NS}}}area")
    _add(area, "areaDesc", row.description)
    for polygon in row.polygons:
        _add(area, "polygon", str(polygon))
    for circle in row.circles:
        _add(area, "circle", str(circle))
    if row.code:
        geocode = ET.SubElement(area, f"{{{CAP_NS}}}geocode")
        _add(geocode, "valueName", GEOCODE_NAME)
        _add(geocode, "value", row.code)
    return area


def _atom(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> None:
    ET.SubElement(parent, tag, attributes).text = text or None


def render_feed(alerts: Iterable[Alert], *, now: datetime | None = None) -> bytes:
    """An Atom 1.0 feed: one entry per alert, each linking to its CAP document.

    Unprefixed names under an `xmlns` attribute: Python 3.11's ElementTree refuses
    unqualified attributes (rel, href) together with `default_namespace`."""
    alerts = list(alerts)
    feed = ET.Element("feed", xmlns=ATOM_NS)
    feed_url = public_url(reverse("alerts:feed"))
    _atom(feed, "id", feed_url)
    _atom(feed, "title", f"Peringatan dini · {sender_name()}")
    newest = max((a.sent_at for a in alerts), default=now or timezone.now())
    _atom(feed, "updated", cap_time(newest))
    author = ET.SubElement(feed, "author")
    _atom(author, "name", sender_name())
    _atom(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    for alert in alerts:
        feed.append(_entry(alert))
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _entry(alert: Alert) -> ET.Element:
    entry = ET.Element("entry")
    url = cap_url(alert)
    _atom(entry, "id", url)
    _atom(entry, "title", alert.headline)
    _atom(entry, "updated", cap_time(alert.sent_at))
    _atom(entry, "published", cap_time(alert.sent_at))
    _atom(entry, "link", rel="alternate", type=CAP_CONTENT_TYPE, href=url)
    _atom(entry, "category", term=alert.category)
    _atom(entry, "summary", alert.description or alert.event)
    return entry
