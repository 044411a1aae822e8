"""Generic actions for configuration rows edited by admins (agencies, categories,
areas…).

Domain workflows (incidents, contacts, dispatches) have their own named actions; these
two exist so the Django admin also writes through one path and leaves an event behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import models, transaction

from siaga.events.log import append_event, changes, snapshot

if TYPE_CHECKING:
    from siaga.accounts.models import User


@transaction.atomic
def save_configuration(
    instance: models.Model,
    *,
    actor: User | None,
    save_related: Callable[[], None] | None = None,
) -> None:
    """Create or change a configuration row (and
    its many-to-many links), with its event."""
    is_new = instance._state.adding
    before = (
        {} if is_new else snapshot(type(instance)._default_manager.get(pk=instance.pk))
    )
    instance.save()
    if save_related is not None:
        save_related()
    old, new = changes(before, snapshot(instance))
    name = instance._meta.model_name
    action = f"{name}.created" if is_new else f"{name}.changed"
    if is_new or new:
        append_event(
            actor=actor, action=action, target=instance, before=old or None, after=new
        )


@transaction.atomic
def delete_configuration(instance: models.Model, *, actor: User | None) -> None:
    """Remove a configuration row; the event keeps what it held."""
    before = snapshot(instance)
    append_event(
        actor=actor,
        action=f"{instance._meta.model_name}.deleted",
        target=instance,
        before=before,
    )
    instance.delete()
