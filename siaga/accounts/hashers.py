"""Argon2id for passwords (Django's hasher). The test suite uses the same algorithm
with a small memory cost, so a thousand test accounts do not each spend 100 MiB."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """SIAGA_ENV=test only (config/settings.py)."""

    algorithm = "argon2"  # the same stored format: production verifies these hashes
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
