"""The database schema as SQLAlchemy 2 typed models; Alembic migrations in ``storage/migrations`` create it.

Rows only: what was fetched (documents, whose bytes live in the archive), what the parser said about
each (reports and their findings), who publishes (agencies) and how each agency-year is judged
(compliance). Nothing here knows how a record is produced; the record is stored as JSON and the few
fields people filter on are copied into columns.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Plain JSON on both databases (PostgreSQL's ``json``, not ``jsonb``): it keeps the parser's key order,
#: which is the template's row order that exports follow. ``None`` is SQL NULL, not JSON ``null``.
JSONDocument = JSON(none_as_null=True)

#: Deterministic constraint names, so migrations can name what they alter on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSONDocument,
        list[str]: JSONDocument,
    }


class Agency(Base):
    """One entry of the registry (``config/agencies.yaml``), upserted by ``collector agencies sync``."""

    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(6), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    portal: Mapped[str] = mapped_column(Text)
    report_pages: Mapped[list[str]] = mapped_column(default=list)
    deadline: Mapped[str | None] = mapped_column(String(5))
    verified: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    synced_at: Mapped[datetime]


class CrawlRun(Base):
    """One crawl or one ``collector import``: groups the documents it brought in."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "crawl" | "import"
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))  # "running" | "finished" | "failed"
    stats: Mapped[dict[str, Any] | None]


class Document(Base):
    """A fetched or imported file. Its bytes are in the archive under ``sha256`` before the row exists."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    url: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text)  # the local file given to `collector import`
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    fetched_at: Mapped[datetime] = mapped_column(index=True)
    http_status: Mapped[int | None]
    http_headers: Mapped[dict[str, Any] | None]
    media_type: Mapped[str | None] = mapped_column(String(128))  # as declared by the server or file name
    link_text: Mapped[str | None] = mapped_column(Text)
    list_date: Mapped[date | None] = mapped_column(Date)  # the date shown next to the link on the list page


class Report(Base):
    """The latest parse of one document: the canonical record, or the error that prevented it.

    One row per document (unique ``document_id``), replaced in place by ``collector reparse``, so
    concurrent or repeated runs upsert instead of piling up rows.
    """

    __tablename__ = "reports"
    __table_args__ = (CheckConstraint("(record IS NULL) <> (error IS NULL)", name="record_xor_error"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    parser_version: Mapped[str] = mapped_column(String(32))
    parsed_at: Mapped[datetime]
    error: Mapped[str | None] = mapped_column(Text)
    record: Mapped[dict[str, Any] | None]
    #: sha256 of the record without its parser version: equal digests mean the parse did not change.
    record_sha256: Mapped[str | None] = mapped_column(String(64))
    year: Mapped[int | None] = mapped_column(index=True)
    template: Mapped[str | None] = mapped_column(String(16))
    published_at: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(Text)
    agency_name: Mapped[str | None] = mapped_column(Text)  # as found in the document
    error_count: Mapped[int] = mapped_column(default=0)
    warning_count: Mapped[int] = mapped_column(default=0)
    info_count: Mapped[int] = mapped_column(default=0)


class Finding(Base):
    """One finding of a report's record as a row, so findings can be counted and filtered in SQL."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    where: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)


class Compliance(Base):
    """How one agency did for one report year (on time, late, missing, …); filled by the compliance job.

    The columns follow ``collector.compliance``: the status with its reason, the deadline and whether
    it was assumed, and the publication date with the evidence that decided it.
    """

    __tablename__ = "compliance"

    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(24))  # on_time | late | missing | unknown | not_yet_due
    days_late: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    deadline_assumed: Mapped[bool] = mapped_column(default=False)  # no national deadline (townships, …)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    published_at: Mapped[date | None] = mapped_column(Date)
    published_at_source: Mapped[str | None] = mapped_column(String(24))  # which evidence decided the date
    evidence: Mapped[dict[str, Any] | None]  # every dated piece of evidence and the conflicts among them
    judged_at: Mapped[datetime]


class CrawlPage(Base):
    """A column, list page or list-API answer a crawl read; its bytes are archived as evidence of what was listed.

    Kept apart from ``documents``: these are not reports and must never be parsed as one.
    """

    __tablename__ = "crawl_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(8))
    form: Mapped[str | None] = mapped_column(Text)  # the POSTed form of list APIs
    role: Mapped[str] = mapped_column(String(16))  # column | list | api
    sha256: Mapped[str] = mapped_column(String(64))
    http_status: Mapped[int]
    fetched_at: Mapped[datetime]


class DocumentOrigin(Base):
    """How a crawl found a document: a report page or a file of one, with what its listing said about it."""

    __tablename__ = "document_origins"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # report_page | attachment
    found_on: Mapped[str] = mapped_column(ForeignKey("agencies.id"))  # whose portal listed it
    report_year: Mapped[int | None]  # from the title (or the 统计期限 sentence)
    legacy: Mapped[bool] = mapped_column(default=False)  # a pre-2019 report (2007 条例, free-form table)
    variant: Mapped[str] = mapped_column(String(16), default="text")  # text | image (图片版) | hyperlink (超链版)
    parent_url: Mapped[str | None] = mapped_column(Text)  # the report page a file belongs to
    list_url: Mapped[str | None] = mapped_column(Text)  # the list page or API that listed the report


class CrawlOutcome(Base):
    """How one agency's crawl in one run ended (ok, no_report_found, column_not_found, unreachable, blocked,
    robots_denied), with counts, errors and duration; a resumed run skips the agencies it already has."""

    __tablename__ = "crawl_outcomes"

    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int] = mapped_column(default=0)
    documents: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    reports: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[str]] = mapped_column(default=list)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    duration_s: Mapped[float] = mapped_column(Float)
    #: Report URLs stored by earlier crawls, no longer listed, that answered "not found" when asked again
    #: (taken down); None when the crawl did not look (its lists could not be read).
    gone: Mapped[list[str] | None]


class Event(Base):
    """A change the nightly snapshot noticed (a report appeared, an agency became late, a portal kept failing…).

    Written once, when the change is first seen, so listing and notifying never repeat it. ``detail``
    holds what the change was about (statuses before and after, dates, days late, the report URL,
    the consecutive nights of a failing portal); ``delivered_to`` names the notifiers that sent it.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    year: Mapped[int | None]  # the report year; None for events about the portal
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))
    detail: Mapped[dict[str, Any]]
    delivered_to: Mapped[list[str]] = mapped_column(default=list)


class ServiceLock(Base):
    """A named lock shared by every process on the database: one row per held lock, taken by atomic upsert.

    A holder extends ``expires_at`` while it works (a heartbeat); a holder that died stops doing so,
    and the lock can be taken over once it has expired.
    """

    __tablename__ = "service_locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class CrawlPlan(Base):
    """What a crawl run spread over Scrapyd nodes covers: the registry as the controller read it and the years.

    The shard jobs read it from here instead of a file on their node, so every node crawls the same
    agencies with the same portals, whatever its own copy of the configuration says.
    """

    __tablename__ = "crawl_plans"

    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), primary_key=True)
    registry_document: Mapped[dict[str, Any]]  # collector.registry.registry_as_json
    years: Mapped[str | None] = mapped_column(String(16))  # YYYY-YYYY; None: the spider's default
    created_at: Mapped[datetime]


class CrawlShard(Base):
    """One shard of a distributed crawl run: whole agencies (so one portal is never crawled from two
    processes), where its current attempt was sent, and how it ended. The controller writes this row;
    the shard's own job writes its :class:`ShardOutcome`, from which the controller decides."""

    __tablename__ = "crawl_shards"

    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1 … shards
    shards: Mapped[int]
    agency_ids: Mapped[list[str]]
    weight: Mapped[float] = mapped_column(Float)  # expected work: last night's pages and documents
    status: Mapped[str] = mapped_column(String(16))  # planned | submitted | done | failed
    attempt: Mapped[int] = mapped_column(default=0)  # 0 before the first submission
    node: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    history: Mapped[list[Any]] = mapped_column(JSONDocument, default=list)  # one entry per ended attempt


class ShardOutcome(Base):
    """What one attempt of a shard reported when its spider closed: written by the job itself, as its last
    row, so a job Scrapyd lists as finished but that died (Scrapyd cannot tell) has none."""

    __tablename__ = "shard_outcomes"

    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt: Mapped[int] = mapped_column(Integer, primary_key=True)
    host: Mapped[str] = mapped_column(String(200))  # the machine the job ran on
    finish_reason: Mapped[str] = mapped_column(String(32))  # Scrapy's: finished | shutdown | …
    stats: Mapped[dict[str, Any] | None]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
