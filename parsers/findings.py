"""Finding codes (stable: other tools and people filter on them) and the collector that gathers them."""

from __future__ import annotations

from parsers.document import Finding

IDENTITY_MISMATCH = "identity_mismatch"      # a printed total disagrees with its parts (kept as printed)
CELL_UNREADABLE = "cell_unreadable"          # printed but garbled, e.g. ``?3``
CELL_BLANK = "cell_blank"                    # the cell is empty
CELL_NOT_APPLICABLE = "cell_not_applicable"  # ``/``, ``-``, ``无`` instead of a number
CELL_INFERRED = "cell_inferred"              # value recovered from an identity (dropped or run-together cell)
CELL_MISSING = "cell_missing"                # a cell was dropped and no unique value or column fits
CELL_EXTRA = "cell_extra"                    # more values than the template has columns; row not aligned
ROW_MISSING = "row_missing"
TABLE_MISSING = "table_missing"
SECTION_MISSING = "section_missing"
FORMAT_OUTDATED = "format_outdated"          # the 2019 template used for a 2021+ report
FORMAT_UNKNOWN = "format_unknown"
LEGACY_FORMAT = "legacy_format"              # pre-2019 statistics table, not parsed into a template
UNIT_ASSUMED = "unit_assumed"
FEE_STATEMENT_MISSING = "fee_statement_missing"
YEAR_MISSING = "year_missing"
YEAR_INFERRED = "year_inferred"
YEAR_CONFLICT = "year_conflict"
NO_REPORT = "no_report"                      # readable document without any report content
IMAGE_ONLY = "image_only"                    # scanned pages or picture files: no text to read (no OCR)
TEXT_UNMAPPED = "text_unmapped"              # PDF glyphs without a Unicode map were skipped
PAGE_UNREADABLE = "page_unreadable"          # a damaged PDF page; the others were read
ATTACHMENT_TRUNCATED = "attachment_truncated"  # pages beyond the reading limit were not read

ERROR, WARNING, INFO = "error", "warning", "info"


class Findings:
    """Collects findings in the order they are made, without duplicates."""

    def __init__(self, initial: list[Finding] | None = None) -> None:
        self._items: dict[tuple[str, str], Finding] = {}
        for finding in initial or []:
            self._items[(finding.code, finding.where)] = finding

    def add(self, code: str, severity: str, where: str, message: str) -> None:
        self._items.setdefault((code, where), Finding(code, severity, where, message))

    def as_list(self) -> list[dict]:
        return [finding.as_dict() for finding in self._items.values()]
