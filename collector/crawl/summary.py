"""The table ``collector crawl`` prints at the end: each agency's outcome, then the totals per status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from collector.crawl.outcome import OK, STATUSES
from storage.models import CrawlOutcome, CrawlShard

#: Up to this many agencies every row is shown; beyond it only the agencies that need a look.
FULL_LISTING = 100
_STYLE = {OK: "green", "no_report_found": "yellow", "column_not_found": "yellow", "unreachable": "red",
          "blocked": "red", "robots_denied": "magenta"}


def print_summary(console: Console, run_id: int, outcomes: Sequence[CrawlOutcome]) -> None:
    shown = outcomes if len(outcomes) <= FULL_LISTING else [o for o in outcomes if o.status != OK]
    table = Table("agency", "status", "reason", "pages", "documents", "unchanged", "reports", "errors", "seconds",
                  box=box.SIMPLE, title=f"crawl run {run_id}")
    for column in table.columns[3:]:
        column.justify = "right"
    for outcome in shown:
        style = _STYLE.get(outcome.status, "")
        table.add_row(escape(outcome.agency_id), f"[{style}]{outcome.status}[/{style}]" if style else outcome.status,
                      escape(outcome.reason or ""), str(outcome.pages), str(outcome.documents), str(outcome.unchanged),
                      str(outcome.reports), str(len(outcome.errors or ())), f"{outcome.duration_s:.1f}")
    if shown:
        console.print(table)
    if len(shown) < len(outcomes):
        console.print(f"({len(outcomes) - len(shown)} agencies with status ok not listed)")
    totals = Counter(outcome.status for outcome in outcomes)
    console.print("  ".join(f"{status}: {totals[status]}" for status in STATUSES if totals[status])
                  or "no agency was crawled", highlight=False)


def print_shards(console: Console, shards: Sequence[CrawlShard]) -> None:
    """A distributed run's shards: where each ran, in how many attempts, and how it ended."""
    table = Table("shard", "agencies", "weight", "status", "attempts", "node", "last result", box=box.SIMPLE,
                  title="shards")
    for shard in shards:
        last = shard.history[-1].get("result", "") if shard.history else ""
        style = "green" if shard.status == "done" else "red"
        table.add_row(f"{shard.shard}/{shard.shards}", str(len(shard.agency_ids)), f"{shard.weight:g}",
                      f"[{style}]{shard.status}[/{style}]", str(shard.attempt), escape(shard.node or ""),
                      escape(str(last)))
    console.print(table)
