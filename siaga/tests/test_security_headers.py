"""Content-Security-Policy on every response: no inline script, no framing, forms
and scripts from this server only; the map tiles' server for images."""

from __future__ import annotations

from django.test import Client, override_settings

from siaga.accounts.models import User
from siaga.lib.security import tile_source
from siaga.testing import page_client


def directives(header: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in header.split("; ")}


def test_every_page_carries_a_strict_policy(call_taker: User) -> None:
    for client, path in [
        (Client(), "/akun/masuk/"),
        (page_client(call_taker), "/konsol/"),
        (Client(), "/api/v1/openapi.json"),
    ]:
        policy = directives(client.get(path)["Content-Security-Policy"])
        assert policy["script-src"] == "'self'", path
        assert policy["frame-ancestors"] == "'none'"
        assert policy["form-action"] == "'self'"
        assert policy["object-src"] == "'none'"


def test_the_admin_keeps_its_inline_scripts(admin_user: User) -> None:
    policy = directives(
        page_client(admin_user).get("/admin/")["Content-Security-Policy"]
    )
    assert policy["script-src"] == "'self' 'unsafe-inline'"


@override_settings(SIAGA_MAP_TILES_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png")
def test_map_tiles_come_from_their_server(db: None) -> None:
    from siaga.lib.security import policy

    assert (
        "https://*.tile.example.org"
        in directives(policy(inline_scripts=False))["img-src"]
    )
    assert tile_source("") == ""
