"""Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), as
every authenticator app (Google Authenticator, FreeOTP, Aegis…) computes them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # a code from the step before or after is accepted (clock drift)


def new_secret() -> str:
    """160 random bits in base32, as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def code_at(secret: str, step: int, digits: int = DIGITS) -> str:
    """HOTP (RFC 4226) of one time step."""
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def step_of(moment: float | None = None) -> int:
    return int((time.time() if moment is None else moment) // STEP_SECONDS)


def matching_step(
    secret: str, code: str, *, after: int, now: float | None = None
) -> int | None:
    """The time step whose code this is (within the allowed drift), if it is later than
    `after` (a code is good once: replaying it is refused); else None."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != DIGITS:
        return None
    current = step_of(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > after and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads (typed, or as a QR code)."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


RECOVERY_CODES = 10


def new_recovery_codes() -> list[str]:
    """Ten codes of 16 base32 characters (80 random bits), shown as 4 groups of 4."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    codes = ["".join(secrets.choice(alphabet) for _ in range(16)) for _ in range(10)]
    return ["-".join(code[i : i + 4] for i in range(0, 16, 4)) for code in codes]


def recovery_digest(code: str) -> str:
    """How a recovery code is kept: dashes, spaces and case do not matter."""
    plain = code.upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(plain.encode()).hexdigest()


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no script, nothing fetched)."""
    import segno

    return str(segno.make(uri, error="m").svg_inline(scale=4, border=2))
