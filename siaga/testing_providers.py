"""A stand-in for the providers' APIs on a loopback port: it records what the worker
sends and answers as the providers document (WhatsApp Cloud API, Telegram Bot API).
Tests mock only this outside world, never our own functions."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class FakeProvider:
    url: str = ""
    requests: list[tuple[str, str, dict[str, Any], dict[str, str]]] = field(
        default_factory=list
    )
    # path -> (status, body bytes, content type); anything else is a 404.
    routes: dict[str, tuple[int, bytes, str]] = field(default_factory=dict)
    fail_next: int = 0

    def answer(self, path: str, body: Any, status: int = 200) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        kind = (
            "application/octet-stream"
            if isinstance(body, bytes)
            else "application/json"
        )
        self.routes[path] = (status, raw, kind)


def _handler(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parsed = json.loads(body) if body else {}
            provider.requests.append(
                (self.command, self.path, parsed, dict(self.headers.items()))
            )
            if provider.fail_next > 0:
                provider.fail_next -= 1
                status, raw, kind = 503, b'{"error": "busy"}', "application/json"
            else:
                status, raw, kind = provider.routes.get(
                    self.path.split("?")[0],
                    (404, b'{"error": "no route"}', "application/json"),
                )
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = _serve

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
