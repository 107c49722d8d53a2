"""Human-readable rendering of one canonical record for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}


def _headline_numbers(record: dict) -> list[tuple[str, object]]:
    """The few numbers a reader looks for first (totals column of the requests table, reviews, suits)."""
    requests = record["tables"].get("requests") or {}
    review = record["tables"].get("review_litigation") or {}

    def total(row: str) -> object:
        return (requests.get(row) or {}).get("total")

    def group_total(group: str) -> object:
        return (review.get(group) or {}).get("total")

    return [
        ("新收申请 new requests", total("new_received")),
        ("上年结转 carried over", total("carried_over")),
        ("予以公开 granted", total("granted")),
        ("办理总计 processed", total("total_processed")),
        ("结转下年 carried forward", total("carried_forward")),
        ("行政复议 reviews", group_total("administrative_review")),
        ("行政诉讼 lawsuits (direct)", group_total("litigation_direct")),
        ("行政诉讼 lawsuits (after review)", group_total("litigation_after_review")),
    ]


def print_record_summary(console: Console, record: dict) -> None:
    """Print title, identity, sections, headline numbers and findings of a record."""
    source = record["source"]
    console.rule(f"[bold]{source.get('path') or source.get('url') or source['sha256'][:12]}")
    console.print(f"title:        {record['title'] or '—'}", highlight=False)
    console.print(f"agency:       {record['agency'] or '—'}", highlight=False)
    console.print(f"year:         {record['year'] or '—'}    format: {record['format']}", highlight=False)
    console.print(f"published_at: {record['published_at'] or '—'}", highlight=False)
    present = [key for key, ok in record["sections"].items() if ok]
    missing = [key for key, ok in record["sections"].items() if not ok]
    console.print(f"sections:     {', '.join(present) or '—'}" + (f"  (missing: {', '.join(missing)})" if missing else ""),
                  highlight=False)

    numbers = Table(show_header=False, box=None, pad_edge=False)
    for label, value in _headline_numbers(record):
        numbers.add_row(label, "—" if value is None else str(value))
    console.print(numbers)

    findings = record["findings"]
    if not findings:
        console.print("findings:     none")
        return
    console.print(f"findings:     {len(findings)}")
    for finding in findings:
        style = _SEVERITY_STYLE.get(finding["severity"], "")
        console.print(f"  [{style}]{finding['severity']:7}[/] {finding['code']:22} {escape(finding['where'])}: {escape(finding['message'])}",
                      highlight=False, markup=True)
