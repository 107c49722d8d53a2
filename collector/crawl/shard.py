"""The spider's side of a distributed crawl: which shard of which run this job is, and its closing report.

Scrapyd starts a shard as ``scrapy crawl portal -a run=RUN -a shard=K/N -a attempt=A``; the job
reads its agencies from the run's plan in the database (``storage.shards``) and, when it closes,
writes one :class:`storage.models.ShardOutcome` row, after every other row it wrote, from which the
controller decides whether the shard is done.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from collector.errors import CollectorError
from storage.db import Database
from storage.shards import current_attempt, record_shard_outcome

_SHARD = re.compile(r"(\d+)/(\d+)")
#: The finish reason of an attempt that stopped because the controller sent the shard again.
SUPERSEDED = "superseded"
#: Seconds between looks at the shard's current attempt (one small query).
CHECK_INTERVAL = 10.0


@dataclass
class ShardJob:
    run_id: int
    number: int
    shards: int
    attempt: int
    started_at: datetime
    next_check: float = field(default=0.0, compare=False, repr=False)  # monotonic time of the next look

    @classmethod
    def from_arguments(cls, run: str | None, shard: str | None, attempt: str | None) -> ShardJob | None:
        """The job's shard from its spider arguments; None for an ordinary crawl (neither given)."""
        if run is None and shard is None:
            return None
        match = _SHARD.fullmatch(shard or "")
        if run is None or not str(run).isdigit() or not match:
            raise CollectorError(f"a shard job needs -a run=RUN_ID and -a shard=K/N (got run={run!r}, shard={shard!r})")
        number, shards = int(match[1]), int(match[2])
        if not 1 <= number <= shards:
            raise CollectorError(f"shard {shard}: K must be between 1 and N")
        if attempt is not None and not str(attempt).isdigit():
            raise CollectorError(f"attempt {attempt!r} is not a number")
        return cls(int(run), number, shards, int(attempt or 1), datetime.now(UTC))

    def __str__(self) -> str:
        return f"run {self.run_id} shard {self.number}/{self.shards} attempt {self.attempt}"

    def superseded(self, database: Database) -> bool:
        """Whether the controller has sent this shard again since (looked at most every CHECK_INTERVAL s):
        a job Scrapyd lost track of keeps running, and must not crawl beside its replacement."""
        now = time.monotonic()
        if now < self.next_check:
            return False
        self.next_check = now + CHECK_INTERVAL
        return current_attempt(database, self.run_id, self.number) > self.attempt

    def record(self, database: Database, finish_reason: str, stats: dict[str, Any]) -> None:
        """Write this attempt's outcome row (last, after the agencies' outcomes and the parse)."""
        record_shard_outcome(database, self.run_id, self.number, self.attempt, host=socket.gethostname(),
                             finish_reason=finish_reason, stats=stats, started_at=self.started_at)
