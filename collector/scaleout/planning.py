"""Splitting the registry into shards: whole portals, balanced by last night's work.

Politeness (one request at a time per host, a delay between them) is enforced inside one Scrapy
process, so two processes must never crawl the same host: agencies whose portals or report columns
share a host are kept in one group, and shards are made of whole groups. Groups are then dealt out
heaviest first to the lightest shard (longest-processing-time first), weighing each agency by the
pages and documents its last crawl fetched; agencies never crawled weigh the median.
"""

from __future__ import annotations

import heapq
import statistics
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from sqlalchemy import func, select

from collector.registry import AgencyEntry
from storage.db import Database
from storage.models import CrawlOutcome

#: What an agency weighs when no agency has been crawled yet (a column, a few list pages, six reports).
DEFAULT_WEIGHT = 10.0


def portal_groups(entries: Iterable[AgencyEntry]) -> list[list[str]]:
    """Agency ids grouped so that no host belongs to two groups (union of shared portal/column hosts)."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    order: list[str] = []
    for entry in entries:
        order.append(entry.id)
        parent.setdefault(entry.id, entry.id)
        for url in (entry.portal, *entry.report_pages):
            host = "host:" + (urlsplit(url).hostname or url)
            parent.setdefault(host, host)
            parent[root(host)] = root(entry.id)
    groups: dict[str, list[str]] = {}
    for agency in order:
        groups.setdefault(root(agency), []).append(agency)
    return list(groups.values())


def last_night_weights(database: Database, agency_ids: Sequence[str]) -> dict[str, float]:
    """Each agency's pages and documents in its latest crawl outcome; the median (or a default) for the rest."""
    latest = (select(CrawlOutcome.agency_id, func.max(CrawlOutcome.crawl_run_id).label("run"))
              .where(CrawlOutcome.agency_id.in_(list(agency_ids))).group_by(CrawlOutcome.agency_id).subquery())
    query = (select(CrawlOutcome.agency_id,
                    CrawlOutcome.pages + CrawlOutcome.documents + CrawlOutcome.unchanged)
             .join(latest, (CrawlOutcome.agency_id == latest.c.agency_id) & (CrawlOutcome.crawl_run_id == latest.c.run)))
    with database.reading() as connection:
        known = {agency: float(work) + 1.0 for agency, work in connection.execute(query)}
    fallback = statistics.median(known.values()) if known else DEFAULT_WEIGHT
    return {agency: known.get(agency, fallback) for agency in agency_ids}


def balance(groups: Sequence[list[str]], weights: Mapping[str, float],
            count: int) -> list[tuple[list[str], float]]:
    """At most ``count`` shards of whole groups, each ``(agency ids, weight)``, as even as the groups allow.

    Deterministic: the same registry and weights give the same shards (ties go by the first agency id).
    """
    if count < 1:
        raise ValueError("at least one shard")
    weighed = sorted(((sum(weights[agency] for agency in group), group) for group in groups if group),
                     key=lambda item: (-item[0], item[1][0]))
    members: list[list[str]] = [[] for _ in range(min(count, len(weighed)))]
    totals = [0.0] * len(members)
    lightest = [(0.0, index) for index in range(len(members))]
    for weight, group in weighed:
        _, index = heapq.heappop(lightest)
        members[index].extend(group)
        totals[index] += weight
        heapq.heappush(lightest, (totals[index], index))
    return [(sorted(agencies), round(total, 3)) for agencies, total in zip(members, totals, strict=True)]
