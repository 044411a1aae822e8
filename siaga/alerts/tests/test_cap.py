"""The CAP 1.2 documents we publish follow the CAP rules (tests/capcheck.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from siaga.accounts.models import User
from siaga.alerts.actions import Circle, Where, cancel_alert, update_alert
from siaga.alerts.cap import CAP_NS, cap_time, render_cap
from siaga.alerts.tests.capcheck import check_cap
from siaga.alerts.tests.helpers import info, make_alert
from siaga.areas.models import Area

NS = {"cap": CAP_NS}
STANDARDS_EXAMPLE = """<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>112.tangerangkota.go.id-2025-000123</identifier>
  <sender>112@tangerangkota.go.id</sender>
  <sent>2025-01-15T14:05:00+07:00</sent>
  <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info>
    <language>id-ID</language><category>Met</category><event>Banjir</event>
    <responseType>Evacuate</responseType>
    <urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>
    <expires>2025-01-15T20:00:00+07:00</expires>
    <senderName>Tangerang Siaga 112</senderName>
    <headline>Banjir di Kec. Periuk</headline>
    <area><areaDesc>Kel. Periuk, Kota Tangerang</areaDesc>
      <circle>-6.1702,106.5928 1.5</circle></area>
  </info>
</alert>"""


def parse(document: bytes) -> ET.Element:
    return ET.fromstring(document)  # noqa: S314 (our own documents)


def test_the_checker_passes_the_example_in_the_standards_notes() -> None:
    assert check_cap(STANDARDS_EXAMPLE) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("+07:00</sent>", "Z</sent>"), "<sent>"),
        (("14:05:00+07:00</sent>", "14:05:00.5+07:00</sent>"), "<sent>"),
        (("<status>Actual", "<status>Real"), "not a CAP value"),
        (("<msgType>Alert", "<msgType>Update"), "must reference"),
        (("-6.1702,106.5928 1.5", "-6.1702,106.5928"), "circle"),
        (("<scope>Public</scope>", ""), "<scope> missing"),
        (("<event>Banjir</event>", ""), "<event> missing"),
        (
            (
                "<language>id-ID</language><category>Met</category>",
                "<category>Met</category><language>id-ID</language>",
            ),
            "out of order",
        ),
        (
            (
                "<circle>-6.1702,106.5928 1.5</circle>",
                "<polygon>-6.1,106.5 -6.2,106.5 -6.2,106.6 -6.1,106.6</polygon>",
            ),
            "not closed",
        ),
        (
            (
                "<circle>-6.1702,106.5928 1.5</circle>",
                "<polygon>-6.1,106.5 -6.2,106.5 -6.1,106.5</polygon>",
            ),
            "at least 4",
        ),
        (("<identifier>112.", "<identifier>112 "), "space"),
    ],
)
def test_the_checker_catches_each_broken_rule(
    change: tuple[str, str], problem: str
) -> None:
    broken = STANDARDS_EXAMPLE.replace(*change)
    assert broken != STANDARDS_EXAMPLE

    assert any(problem in found for found in check_cap(broken)), check_cap(broken)


def test_an_issued_alert_follows_the_cap_rules(supervisor: User) -> None:
    alert = make_alert(
        supervisor,
        circles=(Circle(lat=-6.1702, lon=106.5928, radius_km=1.5),),
        response_type="Evacuate",
        web="https://tangerangkota.go.id/peringatan",
        contact="112",
        event_en="Flood",
        headline_en="Flood in Tangerang district",
        description_en="Water 50 cm deep.",
    )

    document = render_cap(alert)

    assert check_cap(document) == []
    root = parse(document)
    assert root.tag == f"{{{CAP_NS}}}alert"
    assert root.findtext("cap:identifier", namespaces=NS) == alert.identifier
    assert root.findtext("cap:sender", namespaces=NS) == "112@tangerangkota.go.id"
    languages = [
        i.findtext("cap:language", namespaces=NS) for i in root.iterfind("cap:info", NS)
    ]
    assert languages == ["id-ID", "en-US"]


def test_times_are_wib_whole_seconds_without_z(supervisor: User) -> None:
    document = render_cap(make_alert(supervisor)).decode()

    times = re.findall(r"<(sent|effective|expires)>([^<]+)<", document)
    assert {name for name, _ in times} == {"sent", "effective", "expires"}
    for _, text in times:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", text), text


def test_cap_time_never_writes_z_or_fractions() -> None:
    moment = datetime(2026, 12, 4, 7, 5, 9, 123456, tzinfo=UTC)

    assert cap_time(moment) == "2026-12-04T14:05:09+07:00"


def test_a_kecamatan_boundary_becomes_closed_lat_lon_polygons(supervisor: User) -> None:
    alert = make_alert(supervisor)
    root = parse(render_cap(alert))

    polygons = [p.text or "" for p in root.iterfind(".//cap:polygon", NS)]
    assert polygons
    for polygon in polygons:
        pairs = polygon.split(" ")
        assert len(pairs) >= 4 and pairs[0] == pairs[-1]
        for pair in pairs:
            lat, lon = (float(v) for v in pair.split(","))
            assert -6.4 < lat < -6.0 and 106.4 < lon < 106.9  # lat first: Tangerang
    geocode = root.find(".//cap:geocode", NS)
    assert geocode is not None
    assert geocode.findtext("cap:value", namespaces=NS) == "36.71.01"
    area_desc = root.findtext(".//cap:areaDesc", namespaces=NS)
    assert area_desc == "Kec. Tangerang, Kota Tangerang"


def test_an_update_and_a_cancel_reference_the_chain(supervisor: User) -> None:
    alert = make_alert(supervisor)
    kecamatan = list(Area.objects.filter(code__in=["36.71.01", "36.71.02"]))
    update = update_alert(
        alert,
        info=info(headline="Banjir meluas"),
        where=Where(areas=kecamatan),
        note="meluas ke kecamatan sebelah",
        actor=supervisor,
    )
    cancel = cancel_alert(update, note="air surut", actor=supervisor)

    for message in (update, cancel):
        assert check_cap(render_cap(message)) == []
    first = parse(render_cap(alert))
    sent = first.findtext("cap:sent", namespaces=NS)
    original = f"112@tangerangkota.go.id,{alert.identifier},{sent}"
    update_root = parse(render_cap(update))
    assert update_root.findtext("cap:msgType", namespaces=NS) == "Update"
    assert update_root.findtext("cap:references", namespaces=NS) == original
    cancel_root = parse(render_cap(cancel))
    assert cancel_root.findtext("cap:msgType", namespaces=NS) == "Cancel"
    update_sent = update_root.findtext("cap:sent", namespaces=NS)
    assert cancel_root.findtext("cap:references", namespaces=NS) == (
        f"{original} 112@tangerangkota.go.id,{update.identifier},{update_sent}"
    )
    assert cancel_root.findtext("cap:note", namespaces=NS) == "air surut"


def test_xml_special_characters_are_escaped_not_interpreted(supervisor: User) -> None:
    headline = 'Banjir <b>"&amp;"</b> & ]]> di Jl. A\'s'
    alert = make_alert(supervisor, headline=headline, description="<![CDATA[x]]>")

    document = render_cap(alert)

    assert check_cap(document) == []
    root = parse(document)
    assert root.findtext(".//cap:headline", namespaces=NS) == headline
    assert root.findtext(".//cap:description", namespaces=NS) == "<![CDATA[x]]>"
    assert root.find(".//cap:b", NS) is None
