"""Outbound HTTP to providers (send a message, fetch a photo) with the standard library:
a timeout on every call, a size cap on every download, and one error type that says
whether trying again could help."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


class ProviderError(Exception):
    """A provider call failed; `permanent` when retrying cannot help (a 4xx but 429)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def _open(request: urllib.request.Request, timeout: float, limit: int) -> bytes:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - URLs come from settings
            body: bytes = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        detail = error.read(500).decode("utf-8", errors="replace")
        permanent = 400 <= error.code < 500 and error.code != 429
        raise ProviderError(
            f"HTTP {error.code}: {detail}", permanent=permanent
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ProviderError(f"network: {error}") from None
    if len(body) > limit:
        raise ProviderError(f"larger than {limit} bytes", permanent=True)
    return body


def post_json(
    url: str, body: dict[str, Any], *, headers: dict[str, str], timeout: float
) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - URLs come from settings
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    return _json(_open(request, timeout, 1_048_576))


def get_json(url: str, *, headers: dict[str, str], timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    return _json(_open(request, timeout, 1_048_576))


def get_bytes(
    url: str, *, headers: dict[str, str], timeout: float, limit: int
) -> bytes:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    return _open(request, timeout, limit)


def _json(body: bytes) -> dict[str, Any]:
    try:
        found = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        raise ProviderError("the provider did not answer readable JSON") from None
    return found if isinstance(found, dict) else {"value": found}
