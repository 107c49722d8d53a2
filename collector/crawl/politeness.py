"""Politeness a registry asks for in its ``defaults:``: a longer delay, fewer requests per host, a timeout.

An office that crawls a province's portals from one address may be asked by their operators to slow
down; the registry is where that is written, beside the portals themselves. The values apply as
Scrapy settings above the project's (``collector/settings.py``) and below the command line's
(``-s``, ``--no-politeness``), for every host of the crawl.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the registry validates with this module: no Scrapy import for that
    from scrapy.settings import BaseSettings

#: ``defaults:`` key → (Scrapy setting, how to read the value, the smallest value allowed).
POLITENESS_KEYS: dict[str, tuple[str, type, float]] = {
    "download_delay": ("DOWNLOAD_DELAY", float, 0.0),
    "concurrent_requests_per_host": ("CONCURRENT_REQUESTS_PER_DOMAIN", int, 1),
    "download_timeout": ("DOWNLOAD_TIMEOUT", float, 1.0),
}
_PRIORITY = "spider"


def politeness_problem(key: str, value: Any) -> str | None:
    """Why ``defaults.<key>: value`` is not a usable politeness value, or None."""
    _, kind, least = POLITENESS_KEYS[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and not isinstance(value, int)):
        return f"{value!r} is not a {'whole ' if kind is int else ''}number"
    if value < least:
        return f"{value!r} is below {least:g}"
    return None


def apply_politeness(settings: BaseSettings, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Set the registry's politeness on ``settings`` where the command line did not; returns what was set."""
    from scrapy.settings import SETTINGS_PRIORITIES

    applied = {}
    for key, (name, kind, _) in POLITENESS_KEYS.items():
        if key in defaults and (settings.getpriority(name) or 0) < SETTINGS_PRIORITIES[_PRIORITY]:
            settings.set(name, kind(defaults[key]), priority=_PRIORITY)
            applied[name] = kind(defaults[key])
    return applied
