"""Shared by the Meta channels (WhatsApp Cloud API, Messenger and Instagram):
the verify-token handshake and the `X-Hub-Signature-256` check over the raw body."""

from __future__ import annotations

import hashlib
import hmac

from django.http import HttpRequest, HttpResponse

from siaga.lib.errors import Forbidden, Unauthorized

PLAIN_TEXT = {"text/plain": {"schema": {"type": "string"}}}
# The OpenAPI description of the GET handshake, the same on every Meta channel.
HANDSHAKE_DOC = {
    "responses": {
        "200": {"description": "the hub.challenge, echoed", "content": PLAIN_TEXT},
        "403": {"description": "wrong verify token or mode", "content": PLAIN_TEXT},
    }
}


def handshake(request: HttpRequest, verify_token: str) -> HttpResponse:
    """Meta's GET: the raw `hub.challenge` if the verify token matches, else 403."""
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    if (
        verify_token
        and mode == "subscribe"
        and hmac.compare_digest(token.encode(), verify_token.encode())
        and challenge.isdigit()
    ):
        return HttpResponse(challenge, content_type="text/plain")
    return HttpResponse("verification failed", status=403, content_type="text/plain")


def check_signature(request: HttpRequest, app_secret: str) -> None:
    """HMAC-SHA256 of the raw body with the app secret, as `sha256=<hex>`."""
    if not app_secret:
        raise Forbidden("this channel has no app secret configured")
    header = request.headers.get("X-Hub-Signature-256", "")
    expected = (
        "sha256="
        + hmac.new(app_secret.encode(), request.body, hashlib.sha256).hexdigest()
    )
    if not hmac.compare_digest(header.encode(), expected.encode()):
        raise Unauthorized("X-Hub-Signature-256 is missing or does not match the body")
