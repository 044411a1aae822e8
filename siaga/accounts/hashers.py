"""Argon2id for passwords (Django's hasher and its cost), at most a few checks at once.
The test suite uses the same algorithm with a small memory cost, so a thousand test
accounts do not each spend 100 MiB."""

from __future__ import annotations

import threading

from django.contrib.auth.hashers import Argon2PasswordHasher

# Each check takes Argon2's memory cost (100 MiB with Django's default) for a fraction
# of a second, and under ASGI each sign-in runs in a thread of its own: a room signing
# in at a shift change would take 100 MiB each at once (docs/benchmarks.md, the flood's
# memory). Past this many, a sign-in waits its turn for milliseconds.
PASSWORD_CHECKS_AT_ONCE = 4
_checks = threading.BoundedSemaphore(PASSWORD_CHECKS_AT_ONCE)


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2id, at most PASSWORD_CHECKS_AT_ONCE hashes computed together."""

    def encode(self, password: str, salt: str) -> str:
        with _checks:
            return str(super().encode(password, salt))

    def verify(self, password: str, encoded: str) -> bool:
        with _checks:
            return bool(super().verify(password, encoded))


class CheapArgon2PasswordHasher(BoundedArgon2PasswordHasher):
    """SIAGA_ENV=test only (config/settings.py)."""

    algorithm = "argon2"  # the same stored format: production verifies these hashes
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
