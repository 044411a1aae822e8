"""Personal data inside the event log is sealed, so that retention can erase it.

The log is append-only and hash-chained: nothing in it may change. A contact's events
(its snapshot, its changes, the replies sent to it) name and quote a person, and that
must be erasable after SIAGA_RETENTION_DAYS (UU 27/2022). So each value under a
PERSONAL key is stored as {"sealed": base64(nonce + AES-256-GCM ciphertext), "subject":
"contact:<id>"}, with a key per subject (`SealingKey`); the subject is bound to the
ciphertext as associated data, so a value moved to another subject does not open.
Retention deletes the key: the values can never be opened again, and every hash still
holds, since it was computed over the sealed form.

A model opts in by naming its subject (`personal_data_subject`); events about any other
target are stored as they are.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from siaga.events.models import SealingKey

# The keys of event payloads that hold what a person said or where they were.
PERSONAL = frozenset(
    {
        "sender",
        "sender_raw",
        "display_name",
        "text",
        "raw_payload",
        "note",
        "reply_to",
        "recipient",
        "source_address",
        "provider_id",
        "tracking_code",
        "lat",
        "lon",
        "caption",
    }
)
SEALED, SUBJECT = "sealed", "subject"
NONCE_BYTES = 12


def subject_of(target: object) -> str | None:
    subject = getattr(target, "personal_data_subject", None)
    return subject if isinstance(subject, str) else None


def _key(subject: str, *, create: bool) -> bytes | None:
    if create:
        row, _ = SealingKey.objects.get_or_create(
            subject=subject, defaults={"key": AESGCM.generate_key(bit_length=256)}
        )
        return bytes(row.key)
    key = SealingKey.objects.filter(subject=subject).values_list("key", flat=True)
    found = key.first()
    return bytes(found) if found is not None else None


def seal(values: dict[str, Any] | None, subject: str) -> dict[str, Any] | None:
    """The payload with each personal value sealed (empty values stay as they are)."""
    if not values or not PERSONAL & values.keys():
        return values
    key = _key(subject, create=True)
    assert key is not None
    box = AESGCM(key)
    sealed = dict(values)
    for name in PERSONAL & values.keys():
        if values[name] in (None, ""):
            continue
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(values[name], ensure_ascii=False).encode()
        secret = box.encrypt(nonce, plain, subject.encode())
        token = base64.b64encode(nonce + secret).decode()
        sealed[name] = {SEALED: token, SUBJECT: subject}
    return sealed


def is_sealed(value: object) -> bool:
    return isinstance(value, dict) and value.keys() == {SEALED, SUBJECT}


def unseal(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """The payload as it was written; a value whose key retention erased is None."""
    if not values or not any(map(is_sealed, values.values())):
        return values
    opened = dict(values)
    for name, value in values.items():
        if is_sealed(value):
            subject = str(value[SUBJECT])
            opened[name] = _open(value[SEALED], _key(subject, create=False), subject)
    return opened


def _open(token: str, key: bytes | None, subject: str) -> Any:
    if key is None:
        return None
    raw = base64.b64decode(token)
    try:
        plain = AESGCM(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], subject.encode()
        )
    except InvalidTag:
        return None
    return json.loads(plain)


def forget(subjects: Iterable[str]) -> int:
    """Erase these subjects' keys: what the log holds of them is unreadable for ever."""
    deleted, _ = SealingKey.objects.filter(subject__in=list(subjects)).delete()
    return deleted
