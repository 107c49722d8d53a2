"""The knobs of one farm; everything else is derived from them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: Reserved TLD (RFC 2606): these names can never leak to a real resolver's answer.
DEFAULT_DOMAIN = "sample.test"

#: A fixed default "today", so two runs without ``--as-of`` serve the same bytes.
DEFAULT_AS_OF = date(2025, 6, 30)


@dataclass(frozen=True)
class FarmConfig:
    """What a farm is made of.

    ``overrides`` maps an agency index to field values that replace the drawn ones (``family``,
    ``faults``, ``tree``, ``paging``, ``encoding``, ``layouts``, ``per_page``, …): tests use it to
    put a given family, pagination, layout or fault on a known host instead of searching for one.
    ``fault_rate`` scales the probability of every drawn fault (0 gives a well-behaved farm).
    ``slow_seconds`` is how long a slow host keeps a request waiting.
    """

    agencies: int = 100
    seed: int | str = 0
    as_of: date = DEFAULT_AS_OF
    first_year: int = 2018
    last_year: int = 2024
    domain: str = DEFAULT_DOMAIN
    fault_rate: float = 1.0
    slow_seconds: float = 3.0
    overrides: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def years(self) -> range:
        """Report years in the target window."""
        return range(self.first_year, self.last_year + 1)
