"""Deterministic sample reports: realistic canonical records and their renderings in every layout.

The parser is tested against these: :func:`make_record` gives the truth (tables, year, format and
the findings a correct parser must emit), :func:`render` prints it as HTML or linearised text the
way real portals and converters do, and :func:`narrative` supplies the prose around the tables.
"""

from collector.sample.narrative import narrative
from collector.sample.records import PUBLISHER_ERRORS, make_record
from collector.sample.render import LAYOUTS, render, render_with_truth

__all__ = ["LAYOUTS", "PUBLISHER_ERRORS", "make_record", "narrative", "render", "render_with_truth"]
