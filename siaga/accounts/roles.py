"""Roles on the call floor and what each may do. One table; every check reads it."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CALL_TAKER = "call_taker", _("Operator telepon")
    ROOM_OPERATOR = "room_operator", _("Operator ruangan")
    AGENCY_OPERATOR = "agency_operator", _("Operator OPD")
    SUPERVISOR = "supervisor", _("Koordinator")
    ADMIN = "admin", _("Admin")
    WALLBOARD = "wallboard", _("Layar theater")
    # A crew in the field, on its phone: sees its own unit's assignment, nothing else.
    RESPONDER = "responder", _("Kru unit")
    # A machine, not a person: the city app's server, an SMS gateway, the PBX.
    INTEGRATION = "integration", _("Integrasi (aplikasi kota, gateway, PBX)")
    # Another 112 centre's server: exchanges referrals (EIDO), nothing else.
    REFERRAL_PARTNER = "referral_partner", _("Mitra rujukan (pusat 112 lain)")


class Can(StrEnum):
    VIEW_INCIDENTS = "view_incidents"
    WRITE_INCIDENTS = "write_incidents"
    VIEW_CONTACTS = "view_contacts"
    WRITE_CONTACTS = "write_contacts"
    DISPATCH = "dispatch"
    RESPOND_TO_DISPATCH = "respond_to_dispatch"
    VIEW_EVENT_LOG = "view_event_log"
    VIEW_BOARD = "view_board"
    SUBMIT_REPORTS = "submit_reports"
    VIEW_REFERENCE = "view_reference"
    ISSUE_ALERTS = "issue_alerts"
    EXCHANGE_REFERRALS = "exchange_referrals"
    REPORT_POSITIONS = "report_positions"
    CREW_UNIT = "crew_unit"
    VIEW_STATISTICS = "view_statistics"  # an agency operator: its own agency's only
    KEEP_SHIFTS = "keep_shifts"  # check in and out, hand over, see who is on duty
    PLAN_ROTA = "plan_rota"  # the rota and everyone's workload
    OPERATE_SERVERS = "operate_servers"  # /metrics, the servers page, drills
    TAKE_TRAINING = "take_training"  # answer one's own training exercises
    RUN_TRAINING = "run_training"  # start exercises for trainees, see every score
    ADMINISTER = "administer"


CALL_FLOOR = frozenset(
    {
        Can.KEEP_SHIFTS,
        Can.VIEW_INCIDENTS,
        Can.WRITE_INCIDENTS,
        Can.VIEW_CONTACTS,
        Can.WRITE_CONTACTS,
        Can.DISPATCH,
        Can.SUBMIT_REPORTS,
        Can.VIEW_REFERENCE,
        Can.TAKE_TRAINING,
    }
)

ROLE_CAPABILITIES: dict[str, frozenset[Can]] = {
    Role.CALL_TAKER: CALL_FLOOR,
    Role.ROOM_OPERATOR: CALL_FLOOR,
    # Sees only incidents dispatched to its own agency (IncidentQuerySet.visible_to).
    # Their own agency's units only (units.api checks the agency).
    Role.AGENCY_OPERATOR: frozenset(
        {
            Can.VIEW_INCIDENTS,
            Can.RESPOND_TO_DISPATCH,
            Can.VIEW_REFERENCE,
            Can.REPORT_POSITIONS,
            Can.VIEW_STATISTICS,
            Can.KEEP_SHIFTS,
        }
    ),
    Role.SUPERVISOR: CALL_FLOOR
    | {
        Can.VIEW_EVENT_LOG,
        Can.VIEW_BOARD,
        Can.ISSUE_ALERTS,
        Can.VIEW_STATISTICS,
        Can.PLAN_ROTA,
        Can.OPERATE_SERVERS,
        Can.RUN_TRAINING,
    },
    # An admin is never a unit's crew, nor another 112 centre.
    Role.ADMIN: frozenset(Can) - {Can.CREW_UNIT, Can.EXCHANGE_REFERRALS},
    # A big screen in the theatre room: reads incidents, never callers' personal data.
    Role.WALLBOARD: frozenset({Can.VIEW_INCIDENTS, Can.VIEW_BOARD, Can.VIEW_REFERENCE}),
    # Submits what residents send (and reads the category list); sees nothing else.
    Role.INTEGRATION: frozenset(
        {Can.SUBMIT_REPORTS, Can.VIEW_REFERENCE, Can.REPORT_POSITIONS}
    ),
    Role.REFERRAL_PARTNER: frozenset({Can.EXCHANGE_REFERRALS}),
    # Signs on to one of its agency's units; its own assignment only (units.views).
    Role.RESPONDER: frozenset({Can.CREW_UNIT, Can.REPORT_POSITIONS}),
}
# Roles bound to one agency.
AGENCY_ROLES = frozenset({Role.AGENCY_OPERATOR, Role.RESPONDER})
