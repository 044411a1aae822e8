"""AML parsing against the published examples (standards.md §1) and hostile input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siaga.lib.aml import (
    AmlFix,
    AmlProblem,
    is_aml_sms,
    parse_aml_https,
    parse_aml_sms,
    unpack_7bit,
)

NO_LOCATION = (
    'A"ML=1;lt=+00.00000;lg=+000.00000;rd=N;top=20220131173734;lc=0;pm=N;'
    "si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=127"
)
COMPUTED = (
    'A"ML=1;lt=+51.53321;lg=-0.12601;rd=14;top=20220131171748;lc=68;pm=W;'
    "si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=126"
)
V2 = (
    'A"ML=2;en=+15555555555;et=1593187189;lo=-37.42175,-122.08461,2000.1;lt=-9999;'
    "lc=68;lz=-100.1,100.1;ls=G;ei=358239059042542;nc=310260;hc=310260;lg=en-US"
)
DATA_SMS = (
    "415193D98BEDD8F4DEECE6A2C962B7DA8E7DEEB56232990B86A3D9623B39B92783EDE86F784F06"
    "8BD560B6D80C1683E568B81D7BDCB3E176F076EFB89BA77B39DCCD56A3C966B15D39DD9BD570B2"
    "590E56CBC168B21A4DB66B8FC7BD590CB66BBBC73D990DB66BB37B31D90C"
)
HTTPS = (
    "v=1&device_number=%2B33611223344&location_latitude=0.85732&location_longitude=-4.26325"
    "&location_time=1604912121000&location_accuracy=10.4&location_source=GPS"
    "&location_certainty=83&hmac=f64c70eb238bb239e00e8ac8c023bf2b5d3c41dd"
)


def fix(result: AmlFix | AmlProblem) -> AmlFix:
    assert isinstance(result, AmlFix), result
    return result


def test_the_computed_location_example() -> None:
    found = fix(parse_aml_sms(COMPUTED))

    assert (found.lat, found.lon, found.radius_m) == (51.53321, -0.12601, 14.0)
    assert found.method == "wifi" and found.confidence_pct == 68
    assert found.positioned_at == datetime(2022, 1, 31, 17, 17, 48, tzinfo=UTC)
    assert found.mnc == "15" and found.imei == "123456789012345"
    # Google's own example says ml=126 but has 127 characters: noted, not refused.
    assert any("ml=126" in note for note in found.notes)
    assert found.radius_95_m() == pytest.approx(14 * 1.62, rel=0.01)


def test_no_location_is_never_plotted_at_zero_zero() -> None:
    found = fix(parse_aml_sms(NO_LOCATION))

    assert found.lat is None and found.lon is None and not found.has_location
    assert found.method == "none"


def test_version_2_reads_lo_and_not_lt_as_latitude() -> None:
    found = fix(parse_aml_sms(V2))

    assert (found.lat, found.lon, found.radius_m) == (-37.42175, -122.08461, 2000.1)
    assert found.method == "gnss"
    assert found.positioned_at == datetime.fromtimestamp(1593187189, tz=UTC)
    assert (found.mcc, found.mnc) == ("310", "260")


def test_a_data_sms_from_an_older_android_unpacks() -> None:
    text = unpack_7bit(DATA_SMS)

    assert is_aml_sms(text)
    found = fix(parse_aml_sms(text))
    assert found.lat == pytest.approx(37.42175)
    assert found.imei == "358239059042542"


def test_the_https_variant_with_its_hmac() -> None:
    found = fix(parse_aml_https(HTTPS, hmac_key="AML"))

    assert (found.lat, found.lon, found.radius_m) == (0.85732, -4.26325, 10.4)
    assert found.msisdn == "+33611223344" and found.method == "gps"
    assert found.confidence_pct == 83


def test_a_forged_https_message_is_refused() -> None:
    forged = HTTPS.replace("0.85732", "0.95732")

    assert isinstance(parse_aml_https(forged, hmac_key="AML"), AmlProblem)
    assert isinstance(parse_aml_https(HTTPS, hmac_key="other"), AmlProblem)


def test_https_confidence_is_a_fraction() -> None:
    found = fix(
        parse_aml_https(
            "location_latitude=-6.2&location_longitude=106.6"
            "&location_confidence=0.6827&location_accuracy=30"
        )
    )

    assert found.confidence_pct == pytest.approx(68.27)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Tolong ada kebakaran", "not an AML"),
        (COMPUTED.replace("pm=W", "pm=Z"), "positioning method"),
        (COMPUTED.replace("top=20220131171748", "top=20130717"), "time of positioning"),
        (COMPUTED.replace("lc=68", "lc=99.9"), "level of confidence"),
        (COMPUTED.replace("lt=+51.53321", "lt=+151.5"), "out of range"),
        ('A"ML=7;lt=1', "unknown AML version"),
    ],
)
def test_malformed_messages_get_a_clear_reason(text: str, reason: str) -> None:
    result = parse_aml_sms(text)

    assert isinstance(result, AmlProblem)
    assert reason in result.reason


def test_junk_fields_are_tolerated() -> None:
    messy = COMPUTED.replace("lc=68;", "lc=68;;;a==;junk;lc=10;").replace("lt=+", "lt=")

    found = fix(parse_aml_sms(messy))

    assert found.lat == 51.53321 and found.confidence_pct == 68
    assert any("duplicate" in note for note in found.notes)


@given(st.text(max_size=300))
def test_the_sms_parser_never_crashes(text: str) -> None:
    result = parse_aml_sms(text)
    assert isinstance(result, AmlFix | AmlProblem)


@given(st.text(max_size=40).map(lambda tail: 'A"ML=1;' + tail))
def test_the_sms_parser_never_crashes_on_aml_headers(text: str) -> None:
    result = parse_aml_sms(text)
    if isinstance(result, AmlFix) and result.has_location:
        assert -90 <= result.lat <= 90 and (result.lat, result.lon) != (0, 0)  # type: ignore[operator]


@given(st.text(max_size=300), st.sampled_from(["", "AML"]))
def test_the_https_parser_never_crashes(body: str, key: str) -> None:
    assert isinstance(parse_aml_https(body, key), AmlFix | AmlProblem)


@given(st.binary(max_size=200))
def test_unpacking_never_crashes(data: bytes) -> None:
    assert isinstance(unpack_7bit(data.hex()), str)
