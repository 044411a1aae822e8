"""Errors that actions raise; the API and views turn each into a clear 4xx."""

from __future__ import annotations


class ActionError(Exception):
    """A request the domain refuses. `code` is
    stable for clients; the message is for people."""

    code = "invalid"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Unreadable(ActionError):
    """A body that cannot even be parsed (not JSON, not a form)."""

    code = "bad_request"
    http_status = 400


class Unauthorized(ActionError):
    """A webhook whose signature or secret token is missing or wrong."""

    code = "unauthorized"
    http_status = 401


class Forbidden(ActionError):
    """Refused outright: a forged message, or a channel this server does not run."""

    code = "forbidden"
    http_status = 403


class InvalidInput(ActionError):
    code = "invalid_input"
    http_status = 422


class IllegalTransition(ActionError):
    code = "illegal_transition"
    http_status = 409


class Conflict(ActionError):
    """Someone else changed the row first (a conditional update matched nothing)."""

    code = "conflict"
    http_status = 409


class TooLarge(ActionError):
    """An upload (a photo) beyond what this server keeps."""

    code = "payload_too_large"
    http_status = 413


class TooMany(ActionError):
    """A sender or an address sent more reports than the hourly limit allows."""

    code = "too_many_requests"
    http_status = 429
