"""Stable pseudo-randomness: every choice in the farm is a pure function of the seed and a few labels.

Python's ``hash()`` is salted per process, so it cannot key anything that must be identical across
runs; a short BLAKE2 digest of the labels is used instead. Drawing from a ``random.Random`` seeded by
that digest keeps each decision independent of the order in which pages are requested, which is
what lets the farm generate any page lazily without generating the others first.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def digest(*labels: object) -> int:
    """A 64-bit integer that depends only on ``labels`` (their ``str()`` forms, in order)."""
    data = "\x1f".join(map(str, labels)).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def hex_id(length: int, *labels: object) -> str:
    """A lowercase hex string of ``length`` characters derived from ``labels`` (GUIDs, file names)."""
    data = "\x1f".join(map(str, labels)).encode("utf-8")
    return hashlib.blake2b(data, digest_size=(length + 1) // 2).hexdigest()[:length]


def rng(*labels: object) -> random.Random:
    """A generator private to one decision: same labels, same sequence, in any process."""
    return random.Random(digest(*labels))


def weighted(r: random.Random, table: Sequence[tuple[T, float]]) -> T:
    """One value of ``table`` ((value, weight) pairs) drawn with ``r``."""
    values, weights = zip(*table)
    return r.choices(values, weights=weights)[0]


def chance(probability: float, *labels: object) -> bool:
    """A yes/no decision that is true for about ``probability`` of all label combinations."""
    return digest(*labels) % 1_000_000 < probability * 1_000_000
