"""Content-Security-Policy on every response: scripts only from this server (no inline
script, no eval), no framing, forms posting only here, images from here and the map
tiles' server. Inline style attributes stay allowed (the statistics bars set their
width that way); Django's admin, for admins only, also keeps its inline scripts."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def tile_source(url: str) -> str:
    """`https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png` → `https://*.tile.openstreetmap.org`."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def policy(*, inline_scripts: bool) -> str:
    tiles = tile_source(settings.SIAGA_MAP_TILES_URL)
    scripts = "'self' 'unsafe-inline'" if inline_scripts else "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob: {tiles}".rstrip(),
            "connect-src 'self'",
            "font-src 'self'",
            "media-src 'self' data: blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicy:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.strict = policy(inline_scripts=False)
        self.admin = policy(inline_scripts=True)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        chosen = self.admin if request.path.startswith("/admin/") else self.strict
        response.headers.setdefault("Content-Security-Policy", chosen)
        return response
