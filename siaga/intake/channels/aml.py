"""AML over HTTPS `POST /hooks/aml` (ETSI TS 103 625 HTTPS / Google ELS http-spec).

The handset's OS posts a form; every field is optional. The spec asks for a 2xx even for
a malformed or discarded message, so a broken one is stored with its reason and answered
200. Only a wrong HMAC (when SIAGA_AML_HMAC_KEY is set) is refused, and stores nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema

from siaga.intake.actions import record_contact
from siaga.intake.channels.sms import fix_from_aml
from siaga.intake.models import Channel
from siaga.lib.aml import AmlProblem, parse_aml_https
from siaga.lib.errors import Forbidden
from siaga.lib.fields import errors

router = Router(tags=["hooks"])


class AmlOut(Schema):
    accepted: bool
    note: str


FIELDS = (
    "ETSI TS 103 625 / Google ELS HTTPS fields, all optional: v, device_number, "
    "location_latitude, location_longitude, location_time (ms), location_accuracy (m), "
    "location_confidence (0-1), location_source, device_imei, device_imsi, "
    "cell_network_mcc, cell_network_mnc…, and a trailing hmac."
)
FORM_BODY = {
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "description": FIELDS,
                "additionalProperties": {"type": "string"},
            }
        }
    }
}


@router.post(
    "/aml",
    auth=None,
    response={200: AmlOut, **errors(403, 413)},
    summary="A handset's AML location over HTTPS (always 2xx unless forged)",
    openapi_extra={"requestBody": FORM_BODY},
)
def aml(request: HttpRequest) -> dict[str, Any]:
    body = request.body.decode("utf-8", errors="replace")
    found = parse_aml_https(body, settings.SIAGA_AML_HMAC_KEY)
    if isinstance(found, AmlProblem):  # the only problem over HTTPS: a bad signature
        raise Forbidden(found.reason)
    note = "" if found.has_location else "AML tanpa lokasi"
    contact, created = record_contact(
        channel=Channel.AML,
        sender=found.msisdn.replace("\x00", "")[:40],
        provider_id=f"https:{found.dedup_key()}"[:200],
        raw_payload=body.replace("\x00", ""),
        fix=fix_from_aml(found),
        note=note,
        actor=None,
    )
    return {"accepted": True, "note": contact.note if created else "duplicate"}
