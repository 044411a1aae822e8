"""NENA EIDO: incidents out to a neighbouring 112 centre, requests for service in."""

from __future__ import annotations

import contextlib
import copy
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
import yaml
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from siaga.accounts.models import User
from siaga.areas.models import Area, Landmark
from siaga.datasets.loader import read_dataset
from siaga.dispatching.actions import respond_to_dispatch
from siaga.incidents.actions import Place, open_incident
from siaga.incidents.eido import (
    CATEGORY_INCIDENT_TYPES,
    INCIDENT_STATUSES,
    SCHEMA_DIR,
    EidoError,
    apco_incident_types,
    incident_to_eido,
    incident_type_for,
    parse_pidf_lo,
    parse_requested_incident,
    pidf_lo,
    schema_registry,
    validate_eido,
)
from siaga.incidents.models import Category, Incident, IncidentStatus
from siaga.intake.actions import record_contact
from siaga.intake.models import Channel, Contact

MakeIncident = Callable[..., Incident]
FQDN = "112.tangerangkota.go.id"
SAMPLE = Path(__file__).with_name("eido_sample_call_transfer.json")
# The IncidentStatus-Common registry (NENA-STA-021.1b §3, standards.md §2.3).
STATUS_REGISTRY = {
    "Active",
    "Cancelled",
    "Closed",
    "FireUnderControl",
    "NewLocation",
    "ReOpened",
    "ResourcesAssigned",
    "ResourcesEnroute",
    "ResourcesOnscene",
    "StructureCleared",
}
I3_INCIDENT_ID = re.compile(r"urn:emergency:uid:incidentid:TNG-\d{8}-\d{4}:(.+)")


@pytest.fixture(autouse=True)
def our_domain() -> Iterator[None]:
    with override_settings(SIAGA_EIDO_FQDN=FQDN):
        yield


def a_call(sender: str = "081234567890", text: str = "") -> Contact:
    contact, _ = record_contact(
        channel=Channel.CALL, sender=sender, text=text, actor=None
    )
    return contact


def default_agencies(code: str) -> tuple[str, ...]:
    category = Category.objects.get(code=code)
    return tuple(category.default_agencies.values_list("code", flat=True))


def component(document: dict[str, Any], key: str, component_id: str) -> Any:
    return next(item for item in document[key] if item["$id"] == component_id)


def sample() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return loaded


def sample_with_an_incident() -> dict[str, Any]:
    document = sample()
    document["incidentComponent"] = {
        "$id": "urn:emergency:uid:incidentid:a56e556d871:bcf.state.pa.us",
        "lastUpdateTimeStamp": "2021-04-30T14:43:49.439-04:00",
        "updatedByAgencyReference": {"$ref": "state.pa.us"},
        "incidentTypeCommonRegistryText": "FSTRU",
        "incidentTypeInternalText": "STRUCTURE FIRE",
        "incidentCommonPriorityNumber": 9,
    }
    return document


# --- Out ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", [category["code"] for category in read_dataset("tangerang")["categories"]]
)
def test_it_exports_a_valid_eido_for_every_category(
    make_incident: MakeIncident, code: str
) -> None:
    incident = make_incident(
        category=code, agencies=default_agencies(code), description="Uraian singkat."
    )

    document = incident_to_eido(incident)

    assert validate_eido(document) == []
    assert document["eidoVersion"] == "1.0"
    assert document["incidentComponent"]["incidentTypeInternalCode"] == code
    assert document["incidentComponent"]["incidentTypeCommonRegistryText"] in (
        apco_incident_types()
    )


def test_it_exports_an_incident_without_a_point(make_incident: MakeIncident) -> None:
    incident = make_incident(category="pohon-tumbang", lat=None, lon=None)
    Incident.objects.filter(pk=incident.pk).update(address="Jl. Daan Mogot km 2")
    incident.refresh_from_db()

    document = incident_to_eido(incident)

    assert validate_eido(document) == []
    (location,) = document["locationComponent"]
    assert "locationByValue" not in location
    assert location["locationDescriptionText"] == "Jl. Daan Mogot km 2"
    assert location["locationTypeDescriptionRegistryText"] == "CurrentIncident"


def test_it_leaves_the_location_out_when_nothing_is_known(
    make_incident: MakeIncident,
) -> None:
    incident = make_incident(category="lainnya", agencies=(), lat=None, lon=None)

    document = incident_to_eido(incident)

    assert validate_eido(document) == []
    assert "locationComponent" not in document
    assert "locationReference" not in document["incidentComponent"]


def test_it_describes_the_place_in_words(call_taker: User) -> None:
    mosque = Landmark.objects.get(name="Masjid Raya Al-A'zhom")
    incident = open_incident(
        category=Category.objects.get(code="kebakaran"),
        place=Place(address="Jl. Daan Mogot No. 5", landmark=mosque),
        actor=call_taker,
    )
    # The demo data set has no kelurahan boundaries, so no point falls in one.
    Incident.objects.filter(pk=incident.pk).update(
        kelurahan=Area.objects.get(name="Sukarasa")
    )
    incident.refresh_from_db()

    (location,) = incident_to_eido(incident)["locationComponent"]

    assert location["locationDescriptionText"] == (
        "Jl. Daan Mogot No. 5; Masjid Raya Al-A'zhom; "
        "Kel. Sukarasa, Kec. Tangerang, Kota Tangerang"
    )
    assert parse_pidf_lo(location["locationByValue"]).lat == mosque.lat


def test_it_names_the_incident_with_an_i3_id(make_incident: MakeIncident) -> None:
    incident = make_incident()

    document = incident_to_eido(incident)

    incident_id = document["incidentComponent"]["$id"]
    assert incident_id == f"urn:emergency:uid:incidentid:{incident.number}:{FQDN}"
    assert I3_INCIDENT_ID.fullmatch(incident_id)
    assert document["incidentComponent"]["internalIncidentId"] == incident.number
    assert document["$id"] != incident_id


@override_settings(SIAGA_EIDO_FQDN="", SIAGA_PUBLIC_URL="https://siaga.example.go.id/")
def test_the_i3_domain_defaults_to_the_public_url_host(
    make_incident: MakeIncident,
) -> None:
    document = incident_to_eido(make_incident())

    match = I3_INCIDENT_ID.fullmatch(document["incidentComponent"]["$id"])
    assert match and match.group(1) == "siaga.example.go.id"
    assert document["agencyComponent"][0]["$id"] == "siaga.example.go.id"


def test_it_lists_our_centre_as_owner_and_each_dispatched_agency(
    make_incident: MakeIncident,
) -> None:
    incident = make_incident(category="kebakaran", agencies=("DAMKAR", "POLRES"))

    document = incident_to_eido(incident)

    centre, *agencies = document["agencyComponent"]
    assert centre["$id"] == FQDN
    assert centre["incidentOwningAgencyIndicator"] is True
    assert centre["agencyRoleDescriptionRegistryText"] == [
        "CallReceiving",
        "Dispatching",
    ]
    assert {agency["$id"]: agency["agencyType"] for agency in agencies} == {
        f"damkar.{FQDN}": ["fire"],
        f"polres.{FQDN}": ["police"],
    }
    assert all(
        a["agencyRoleDescriptionRegistryText"] == ["Dispatched"] for a in agencies
    )
    dispatched = [d["agencyReference"]["$ref"] for d in document["dispatchComponent"]]
    assert sorted(dispatched) == sorted(agency["$id"] for agency in agencies)
    assert all(
        item["updatedByAgencyReference"] == {"$ref": FQDN}
        for key in ("agencyComponent", "dispatchComponent")
        for item in document[key]
    )


def test_a_declined_dispatch_is_not_exported_as_working(
    make_incident: MakeIncident, damkar_operator: User
) -> None:
    incident = make_incident(category="kebakaran", agencies=("DAMKAR", "POLRES"))
    damkar = incident.dispatches.get(agency__code="DAMKAR")
    respond_to_dispatch(
        damkar, status="declined", note="Armada habis", actor=damkar_operator
    )

    document = incident_to_eido(incident)

    assert validate_eido(document) == []
    refs = [d["agencyReference"]["$ref"] for d in document["dispatchComponent"]]
    assert refs == [f"polres.{FQDN}"]


def test_it_maps_status_and_priority(make_incident: MakeIncident) -> None:
    incident = make_incident(category="medis", agencies=("DINKES",))
    incident.refresh_from_db()  # dispatching moved it on

    component = incident_to_eido(incident)["incidentComponent"]

    assert component["incidentStatusCommonRegistryText"] == ["ResourcesAssigned"]
    assert component["incidentStatusInternalText"] == ["dispatched"]
    assert component["incidentCommonPriorityNumber"] == 10
    assert component["incidentPriorityInternalText"] == "1 · Kritis"


def test_every_status_maps_to_the_common_registry() -> None:
    assert set(INCIDENT_STATUSES) == set(IncidentStatus.values)
    assert set(INCIDENT_STATUSES.values()) <= STATUS_REGISTRY


def test_the_category_mapping_covers_every_category_in_the_dataset(db: None) -> None:
    codes = {category["code"] for category in read_dataset("tangerang")["categories"]}

    assert codes <= set(CATEGORY_INCIDENT_TYPES)
    assert set(CATEGORY_INCIDENT_TYPES.values()) <= apco_incident_types()
    for category in Category.objects.filter(code__in=codes):
        assert incident_type_for(category) in apco_incident_types(), category.code


def test_a_category_keeps_its_own_eido_code_when_it_is_a_registry_value(
    db: None,
) -> None:
    category = Category.objects.get(code="odgj-sosial")

    category.eido_code = "EDP"
    assert incident_type_for(category) == "EDP"
    category.eido_code = "MENTAL"  # not in the registry: the module's map decides
    assert incident_type_for(category) == CATEGORY_INCIDENT_TYPES["odgj-sosial"]


def test_it_writes_timestamps_in_iso_8601_with_the_wib_offset(
    make_incident: MakeIncident,
) -> None:
    with time_machine.travel(datetime(2026, 12, 4, 3, 0, tzinfo=UTC), tick=False):
        incident = make_incident(agencies=("DAMKAR",), contacts=[a_call()])

    document = incident_to_eido(incident)

    assert document["incidentComponent"]["lastUpdateTimeStamp"] == (
        "2026-12-04T10:00:00.000+07:00"
    )
    text = json.dumps(document)
    stamps = re.findall(r'timestamp": "([^"]+)"', text, flags=re.IGNORECASE)
    assert len(stamps) > 5
    assert all(stamp == "2026-12-04T10:00:00.000+07:00" for stamp in stamps)


def test_the_pidf_lo_parses_back_to_the_same_circle(call_taker: User) -> None:
    incident = open_incident(
        category=Category.objects.get(code="kebakaran"),
        place=Place(lat=-6.1746123, lon=106.6339456, uncertainty_m=35),
        actor=call_taker,
    )

    (location,) = incident_to_eido(incident)["locationComponent"]
    found = parse_pidf_lo(location["locationByValue"])

    assert "gs:Circle" in location["locationByValue"]
    assert found.lat == pytest.approx(-6.1746123, abs=1e-6)
    assert found.lon == pytest.approx(106.6339456, abs=1e-6)
    assert found.uncertainty_m == 35


def test_a_point_without_uncertainty_is_a_gml_point() -> None:
    at = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
    text = pidf_lo("pres:TNG-1@" + FQDN, -6.17021, 106.5928, None, at)

    found = parse_pidf_lo(text)

    assert "<gml:Point" in text
    assert (found.lat, found.lon, found.uncertainty_m) == (-6.17021, 106.5928, None)


def test_it_shares_the_callback_number_when_the_category_does(
    make_incident: MakeIncident,
) -> None:
    incident = make_incident(
        category="medis", agencies=("DINKES",), contacts=[a_call("0812-3456-7890")]
    )

    document = incident_to_eido(incident)

    assert validate_eido(document) == []
    (call,) = document["callComponent"]
    callback = component(
        document, "callbackComponent", call["callBackReference"]["$ref"]
    )
    assert callback["callBackInformationUri"] == ["tel:+6281234567890"]
    assert call["$id"].startswith("urn:emergency:uid:callid:")
    assert call["direction"] == "incoming"


def test_it_keeps_the_callers_number_and_words_home_otherwise(
    make_incident: MakeIncident,
) -> None:
    words = "Tolong, rumah saya terbakar, saya Budi dari Gang Mawar"
    incident = make_incident(category="kebakaran", contacts=[a_call(text=words)])

    document = incident_to_eido(incident)
    text = json.dumps(document)

    assert validate_eido(document) == []
    assert len(document["callComponent"]) == 1
    assert "callbackComponent" not in document
    assert "callBackReference" not in document["callComponent"][0]
    assert "81234567890" not in text and "Budi" not in text


def test_messages_from_apps_are_not_exported_as_calls(
    make_incident: MakeIncident,
) -> None:
    message, _ = record_contact(
        channel=Channel.TELEGRAM, sender="12345", text="kebakaran", actor=None
    )
    incident = make_incident(category="medis", contacts=[message])

    assert "callComponent" not in incident_to_eido(incident)


def test_it_writes_the_description_as_an_html_note(make_incident: MakeIncident) -> None:
    incident = make_incident(description="Api <besar>\nlantai 2")

    document = incident_to_eido(incident)

    (notes,) = document["notesComponent"]
    assert notes["notesActionComments"] == "<p>Api &lt;besar&gt;<br>lantai 2</p>"
    assert document["incidentComponent"]["notesReference"] == [{"$ref": notes["$id"]}]


def test_a_merged_incident_points_at_the_one_that_replaced_it(
    make_incident: MakeIncident,
) -> None:
    survivor, merged = make_incident(), make_incident()
    Incident.objects.filter(pk=merged.pk).update(
        merged_into=survivor, status=IncidentStatus.MERGED
    )
    merged.refresh_from_db()

    merged_document, survivor_document = (
        incident_to_eido(merged),
        incident_to_eido(survivor),
    )

    assert validate_eido(merged_document) == []
    (merge,) = merged_document["mergeComponent"]
    assert merge["incidentMergeDirectionCode"] == "REPLACED"
    assert merge["incidentTrackingIdentifier"].endswith(f":{survivor.number}:{FQDN}")
    (back,) = survivor_document["mergeComponent"]
    assert back["incidentMergeDirectionCode"] == "REPLACING"


# --- In ----------------------------------------------------------------------------


def test_it_reads_back_its_own_export(make_incident: MakeIncident) -> None:
    incident = make_incident(
        category="medis",
        agencies=("DINKES",),
        description="Pingsan di pasar",
        contacts=[a_call()],
    )

    requested = parse_requested_incident(incident_to_eido(incident))

    assert requested.incident_id.endswith(f":{incident.number}:{FQDN}")
    assert requested.incident_type == incident_type_for(incident.category)
    assert requested.category_code == incident.category.code
    assert requested.category_text == incident.category.name
    assert requested.priority == incident.priority
    assert requested.description == "Pingsan di pasar"
    assert requested.lat == pytest.approx(incident.lat)
    assert requested.lon == pytest.approx(incident.lon)
    assert requested.address.endswith("Kota Tangerang")
    assert requested.callback_number == "+6281234567890"
    assert requested.updated_by_agency == FQDN


def test_the_published_sample_is_valid_but_names_no_incident() -> None:
    assert validate_eido(sample()) == []

    with pytest.raises(EidoError, match="no incidentComponent"):
        parse_requested_incident(sample())


def test_it_reads_the_published_sample_once_it_carries_an_incident() -> None:
    requested = parse_requested_incident(sample_with_an_incident())

    assert requested.incident_id == (
        "urn:emergency:uid:incidentid:a56e556d871:bcf.state.pa.us"
    )
    assert requested.incident_type == "FSTRU"
    assert requested.category_code == ""
    assert requested.category_text == "STRUCTURE FIRE"
    assert requested.priority == 1
    assert requested.updated_by_agency == "state.pa.us"
    # Civic address only, so words but no point.
    assert requested.address == "42 W Cellular Street, Wilmington, DE, US"
    assert requested.lat is None and requested.uncertainty_m is None
    # tel: before sip:; a number without a country code is read as Indonesian.
    assert requested.callback_number == "+628195551212"


def test_it_reads_a_request_for_service_wrapper() -> None:
    wrapped = {
        "requestForService": {"requestId": "r1", "eido": sample_with_an_incident()}
    }

    requested = parse_requested_incident(wrapped)

    assert requested.incident_type == "FSTRU"
    assert requested.raw is wrapped


def rename_key(node: Any, old: str, new: str) -> Any:
    if isinstance(node, list):
        return [rename_key(item, old, new) for item in node]
    if isinstance(node, dict):
        return {
            (new if key == old else key): rename_key(value, old, new)
            for key, value in node.items()
        }
    return node


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("lastUpdateTimeStamp", "lastUpdateTimestamp"),
        ("callBackReference", "callbackReference"),
        ("callBackInformationUri", "callbackInformationUri"),
        ("callbackComponent", "callBackComponent"),
        ("updatedByAgencyReference", "updatedByAgencyReferance"),
        ("incidentTypeCommonRegistryText", "incidentTypeCommonRegisteryText"),
        ("incidentTypeCommonRegistryText", "incidentTypeRegistryText"),
        ("locationTypeDescriptionRegistryText", "locationTypeCommonRegistryText"),
        ("locationReference", "LocationReference"),
        ("locationComponent", "locationInformationComponent"),
        ("eidoVersion", "EIDOVersion"),
    ],
)
def test_it_accepts_the_spellings_the_schema_invites(
    make_incident: MakeIncident, old: str, new: str
) -> None:
    incident = make_incident(
        category="medis", agencies=("DINKES",), contacts=[a_call()]
    )
    document = incident_to_eido(incident)

    misspelled = rename_key(document, old, new)

    assert misspelled != document
    assert parse_requested_incident(misspelled) == parse_requested_incident(document)


def test_it_accepts_the_earlier_draft_shapes(make_incident: MakeIncident) -> None:
    document = incident_to_eido(make_incident())
    draft = copy.deepcopy(document)
    draft["incidentComponent"] = [draft["incidentComponent"]]
    draft["OwningAgencyIdentifier"] = draft.pop("updatedByAgencyReference")["$ref"]

    assert parse_requested_incident(draft) == parse_requested_incident(document)


def test_it_finds_a_point_in_the_location_words() -> None:
    document = sample_with_an_incident()
    document["locationComponent"][1]["locationDescriptionText"] = (
        "Depan pasar, geo:-6.2012,106.7123;u=40"
    )

    requested = parse_requested_incident(document)

    assert (requested.lat, requested.lon, requested.uncertainty_m) == (
        -6.2012,
        106.7123,
        40.0,
    )


def mutated(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = sample_with_an_incident()
    change(document)
    return document


def set_in(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value

    return change


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "an EIDO is a JSON object, not an array"),
        ("EIDO", "an EIDO is a JSON object, not a string"),
        ({}, "no incidentComponent"),
        ({"requestForService": {"requestId": "1"}}, "carries no EIDO"),
        (mutated(set_in("incidentComponent", "FSTRU")), "must be one object"),
        (
            mutated(lambda d: d["incidentComponent"].pop("$id")),
            "incidentComponent has no \\$id",
        ),
        (
            mutated(
                lambda d: d["incidentComponent"].pop("incidentTypeCommonRegistryText")
            ),
            "incidentComponent.incidentTypeCommonRegistryText is missing",
        ),
        (
            mutated(set_in("incidentComponent.incidentCommonPriorityNumber", "tinggi")),
            "whole number from 0 to 10, not a string",
        ),
        (
            mutated(set_in("incidentComponent.locationReference", [{"$ref": "x"}])),
            "locationReference\\[0\\] points to 'x', which no component has",
        ),
        (
            mutated(set_in("incidentComponent.notesReference", [{"$ref": 7}])),
            'notesReference\\[0\\] must be {"\\$ref"',
        ),
        (
            mutated(set_in("callComponent.0.callBackReference", {"$ref": "nope"})),
            "callBackReference points to 'nope'",
        ),
        (
            mutated(lambda d: d.pop("updatedByAgencyReference")),
            "updatedByAgencyReference",
        ),
        (
            mutated(set_in("locationComponent.0.locationByValue", "<presence>")),
            "not well-formed XML",
        ),
        (
            mutated(set_in("locationComponent", {"$id": "x"})),
            "locationComponent must be an array, not an object",
        ),
    ],
)
def test_it_refuses_malformed_documents_with_a_clear_message(
    document: Any, message: str
) -> None:
    with pytest.raises(EidoError, match=message):
        parse_requested_incident(document)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<presence xmlns="urn:ietf:params:xml:ns:pidf">&lol2;</presence>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE presence [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<presence xmlns="urn:ietf:params:xml:ns:pidf">&xxe;</presence>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE])
def test_it_refuses_entity_declarations_in_a_pidf_lo(xml: str) -> None:
    with pytest.raises(EidoError, match="DOCTYPE or ENTITY"):
        parse_pidf_lo(xml)
    document = mutated(set_in("locationComponent.0.locationByValue", xml))
    with pytest.raises(EidoError, match="DOCTYPE or ENTITY"):
        parse_requested_incident(document)


def test_an_undeclared_entity_is_not_well_formed() -> None:
    with pytest.raises(EidoError, match="not well-formed"):
        parse_pidf_lo('<presence xmlns="urn:ietf:params:xml:ns:pidf">&xxe;</presence>')


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ('<gml:Point srsName="EPSG:3857"><gml:pos>1 2</gml:pos></gml:Point>', "WGS84"),
        ("<gml:Point><gml:pos>-96 106</gml:pos></gml:Point>", "off the globe"),
        ("<gml:Point><gml:pos>x y</gml:pos></gml:Point>", "non-numeric"),
        (
            '<gs:Circle><gml:pos>-6.1 106.6</gml:pos><gs:radius uom="km">1'
            "</gs:radius></gs:Circle>",
            "not metres",
        ),
    ],
)
def test_it_refuses_a_pidf_lo_shape_it_cannot_place(shape: str, message: str) -> None:
    xml = (
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
        'xmlns:gml="http://www.opengis.net/gml" '
        'xmlns:gs="http://www.opengis.net/pidflo/1.0"><tuple id="t"><status>'
        f"<gp:geopriv><gp:location-info>{shape}</gp:location-info></gp:geopriv>"
        "</status></tuple></presence>"
    )

    with pytest.raises(EidoError, match=message):
        parse_pidf_lo(xml)


# Property names parse_requested_incident looks at, so that generated documents reach
# past the first check.
EIDO_KEYS = [
    "$id",
    "$ref",
    "requestForService",
    "eido",
    "incidentComponent",
    "incidentTypeCommonRegistryText",
    "incidentTypeInternalText",
    "incidentCommonPriorityNumber",
    "locationReference",
    "notesReference",
    "locationComponent",
    "locationByValue",
    "locationDescriptionText",
    "locationTypeDescriptionRegistryText",
    "notesComponent",
    "notesActionComments",
    "callComponent",
    "callBackReference",
    "callbackComponent",
    "callBackInformationUri",
    "updatedByAgencyReference",
]
XML_TEXTS = [
    pidf_lo("pres:x@y", -6.1, 106.6, 30, datetime(2026, 1, 1, tzinfo=UTC)),
    "<presence/>",
    "<a><b>",
    "geo:-6.1,106.6;u=5",
    "tel:+6281234567890",
    BILLION_LAUGHS,
]
json_text = st.text(max_size=20) | st.sampled_from(XML_TEXTS + EIDO_KEYS)
json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | json_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(EIDO_KEYS) | st.text(max_size=8), inner, max_size=6
        )
    ),
    max_leaves=30,
)


@given(json_values)
def test_it_raises_nothing_but_eido_errors_on_arbitrary_json(document: Any) -> None:
    with contextlib.suppress(EidoError):
        parse_requested_incident(document)


@given(st.dictionaries(st.sampled_from(EIDO_KEYS), json_values, max_size=8))
def test_it_raises_nothing_but_eido_errors_on_a_mangled_incident(
    incident: dict[str, Any],
) -> None:
    document = sample_with_an_incident()
    document["incidentComponent"].update(incident)
    with contextlib.suppress(EidoError):
        parse_requested_incident(document)


# --- Schema ------------------------------------------------------------------------


def test_the_validator_says_what_is_wrong(make_incident: MakeIncident) -> None:
    document = incident_to_eido(make_incident())
    del document["agencyComponent"]
    document["incidentComponent"]["lastUpdateTimeStamp"] = "4 Desember 2026"

    errors = validate_eido(document)

    assert "$: 'agencyComponent' is a required property" in errors
    assert (
        "$.incidentComponent.lastUpdateTimeStamp: '4 Desember 2026' is not a "
        "'date-time'" in errors
    )


def test_a_timestamp_without_an_offset_is_refused(make_incident: MakeIncident) -> None:
    document = incident_to_eido(make_incident())
    document["lastUpdateTimeStamp"] = "2026-12-04T10:00:00"

    assert validate_eido(document) == [
        "$.lastUpdateTimeStamp: '2026-12-04T10:00:00' is not a 'date-time'"
    ]


def test_it_validates_niem_components_through_their_own_files() -> None:
    document = sample()
    person = document["personComponent"][0]

    # nc.yaml's PersonType → DateType → niem-xs.yaml's date: two files deep.
    person["ncPersonComponent"] = {"birthDate": [{"date": "1990-01-01"}]}
    assert validate_eido(document) == [
        "$.personComponent[0].ncPersonComponent.birthDate[0].date: "
        "'1990-01-01' is not of type 'array'"
    ]
    person["ncPersonComponent"] = {"birthDate": [{"date": [{"value": "1990-01-01"}]}]}
    assert validate_eido(document) == []


def external_refs(node: Any) -> list[str]:
    if isinstance(node, list):
        return [ref for item in node for ref in external_refs(item)]
    if not isinstance(node, dict):
        return []
    own = node.get("$ref")
    found = [own] if isinstance(own, str) and not own.startswith("#") else []
    return found + [ref for value in node.values() for ref in external_refs(value)]


def test_every_reference_in_the_published_schema_resolves() -> None:
    registry = schema_registry()
    files = [SCHEMA_DIR / "openapi.yaml", *sorted(SCHEMA_DIR.glob("NIEMComponents/*"))]

    for path in files:
        contents = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        refs = set(external_refs(contents))
        resolver = registry.resolver(base_uri=path.as_uri())
        for ref in refs:
            if "xCard.yaml" not in ref:  # the one file NENA does not publish
                resolver.lookup(ref)
