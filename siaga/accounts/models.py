"""Users of the centre, their roles, and API tokens for integrations."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from siaga.accounts.roles import AGENCY_ROLES, ROLE_CAPABILITIES, Can, Role


class User(AbstractUser):
    """A person (or a wallboard screen) who signs
    in; an agency operator is bound to one agency."""

    role = models.CharField(
        _("peran"), max_length=32, choices=Role.choices, default=Role.CALL_TAKER
    )
    extension = models.CharField(
        _("ekstensi telepon"),
        max_length=32,
        blank=True,
        help_text=_("Nomor ekstensi PBX di meja operator ini."),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operators",
        verbose_name=_("OPD"),
    )
    # A responder's unit for this shift: chosen on the phone, among its agency's units.
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="crew",
        verbose_name=_("unit (kru)"),
    )

    # Two-step sign-in (siaga/accounts/totp.py): the shared secret once confirmed, and
    # the last time step used (a code is good once).
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    totp_last_step = models.BigIntegerField(default=0, editable=False)
    # SHA-256 digests of the unused recovery codes (80 random bits each), for a phone
    # that is lost or flat: each signs in once instead of a code.
    totp_recovery = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(
                name="agency_roles_have_agency",
                condition=(Q(role__in=AGENCY_ROLES) & Q(agency__isnull=False))
                | (~Q(role__in=AGENCY_ROLES) & Q(agency__isnull=True)),
            )
        ]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Sessions are bound to the password, the role and the agency: changing any
        of them signs the person out everywhere (Django checks it on every request)."""
        return salted_hmac(
            "siaga.accounts.User.session",
            f"{self.password}|{self.role}|{self.agency_id or ''}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    # Set on the user an API token authenticated: that token's scopes, which narrow
    # the role's capabilities (never widen them). None for a session.
    token_scopes: frozenset[str] | None = None

    def can(self, capability: Can) -> bool:
        if self.token_scopes is not None and capability not in self.token_scopes:
            return False
        return self.is_active and capability in ROLE_CAPABILITIES.get(
            self.role, frozenset()
        )

    @property
    def is_agency_operator(self) -> bool:
        return self.role == Role.AGENCY_OPERATOR


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for an integration (PBX, SMS gateway, city app); only its hash is
    kept.

    The token reads `sg_<prefix>_<secret>`; the prefix finds the row, the SHA-256 of the
    whole
    token is compared in constant time. Tokens are 256-bit random, so a plain hash
    suffices.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    token_digest = models.CharField(max_length=64)
    # The capabilities this token may use: some or all of its user's role's. A PBX's
    # token submits calls and nothing else, whatever else its account may do.
    scopes = models.JSONField(_("cakupan"), default=list, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class SignInFailure(models.Model):
    """A wrong password, kept a day for throttling (siaga/accounts/throttle.py);
    not an event: guesses must not flood the evidence."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M}"
