"""Identifiers of users and vehicles, and VINs: random, or derived from a seed.

With a seed, an id depends only on (seed, what it names), so the same login in a fresh sandbox
with the same seed yields the same user id, vehicle ids and VINs. Tokens and codes stay random
whatever the seed: they are credentials.
"""

from __future__ import annotations

import random
import uuid

_VIN_ALPHABET = "0123456789ABCDEF"


def _rng(seed: int | None, *parts: object) -> random.Random:
    if seed is None:
        return random.Random()  # seeded from the OS: unpredictable
    # String seeds are hashed with SHA-512 by random.Random, so they are stable across runs.
    return random.Random("|".join(str(p) for p in (seed, *parts)))


def new_id(seed: int | None, *parts: object) -> str:
    """A UUID v4 string; deterministic for a given seed and parts."""
    if seed is None:
        return str(uuid.uuid4())
    bits = _rng(seed, "id", *parts).getrandbits(128)
    return str(uuid.UUID(int=bits, version=4))


def new_vin(seed: int | None, make: str, *parts: object) -> str:
    """A 17-character test VIN: ``0SC`` + four letters of the make + 10 hex digits.

    (``0SCAUDI037A5ADB1C`` is the shape of Smartcar's own test VINs.)
    """
    letters = "".join(c for c in make.upper() if c.isalpha())[:4].ljust(4, "X")
    rng = _rng(seed, "vin", make, *parts)
    return "0SC" + letters + "".join(rng.choice(_VIN_ALPHABET) for _ in range(10))


def token() -> str:
    return str(uuid.uuid4())
