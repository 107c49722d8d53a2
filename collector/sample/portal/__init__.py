"""A seeded farm of realistic government portals served on 127.0.0.1, with a ground-truth manifest.

``SamplePortal`` (``collector.sample.portal.server``) is the entry point and ``FarmConfig`` holds the
knobs; see ``docs/sample-portal.md``. Both are loaded on first use (PEP 562), so that importing a
light submodule — the config from the Scrapy resolver or the CLI — does not load the report
renderers behind the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collector.sample.portal.config import FarmConfig
    from collector.sample.portal.server import SamplePortal

__all__ = ["FarmConfig", "SamplePortal"]


def __getattr__(name: str) -> object:
    if name == "SamplePortal":
        from collector.sample.portal.server import SamplePortal

        return SamplePortal
    if name == "FarmConfig":
        from collector.sample.portal.config import FarmConfig

        return FarmConfig
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
