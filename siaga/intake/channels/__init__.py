"""One module per inbound channel: its verification, its parser, its webhook route.

Each module exposes `router` (a ninja Router mounted under /hooks/). Provider webhooks
verify the request, store the raw body as a Delivery and answer; their `process(body)`
turns a stored body into `record_contact(...)` calls in the worker. CONTRIBUTING.md has
the checklist for adding one.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from siaga.intake.models import Channel

# The channels whose webhooks store a Delivery first, and the module that processes it.
PROCESSORS: dict[str, str] = {
    Channel.WHATSAPP: "siaga.intake.channels.whatsapp",
    Channel.TELEGRAM: "siaga.intake.channels.telegram",
    Channel.MESSENGER: "siaga.intake.channels.messenger",
    Channel.INSTAGRAM: "siaga.intake.channels.messenger",
    Channel.X: "siaga.intake.channels.x",
}


def processor_for(channel: str) -> Callable[[str], int]:
    """The `process(body) -> new contacts` function of a delivery's channel."""
    process: Callable[[str], int] = import_module(PROCESSORS[channel]).process
    return process
