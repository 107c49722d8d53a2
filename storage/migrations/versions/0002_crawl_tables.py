"""Crawl bookkeeping: the list pages a crawl read, how it found each document, each agency's outcome.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of storage.models.JSONDocument: a migration must not change when the models do.
JSON_DOCUMENT = sa.JSON(none_as_null=True)


def upgrade() -> None:
    op.create_table(
        "crawl_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("form", sa.Text(), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["crawl_run_id"], ["crawl_runs.id"],
                                name=op.f("fk_crawl_pages_crawl_run_id_crawl_runs"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_crawl_pages_agency_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_pages")),
    )
    op.create_index(op.f("ix_crawl_pages_crawl_run_id"), "crawl_pages", ["crawl_run_id"])
    op.create_index(op.f("ix_crawl_pages_agency_id"), "crawl_pages", ["agency_id"])

    op.create_table(
        "document_origins",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("found_on", sa.String(64), nullable=False),
        sa.Column("report_year", sa.Integer(), nullable=True),
        sa.Column("legacy", sa.Boolean(), nullable=False),
        sa.Column("variant", sa.String(16), nullable=False),
        sa.Column("parent_url", sa.Text(), nullable=True),
        sa.Column("list_url", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_document_origins_document_id_documents"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["found_on"], ["agencies.id"], name=op.f("fk_document_origins_found_on_agencies")),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_origins")),
    )

    op.create_table(
        "crawl_outcomes",
        sa.Column("crawl_run_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("errors", JSON_DOCUMENT, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["crawl_run_id"], ["crawl_runs.id"],
                                name=op.f("fk_crawl_outcomes_crawl_run_id_crawl_runs"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_crawl_outcomes_agency_id_agencies"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("crawl_run_id", "agency_id", name=op.f("pk_crawl_outcomes")),
    )
    op.create_index(op.f("ix_crawl_outcomes_status"), "crawl_outcomes", ["status"])


def downgrade() -> None:
    for table in ("crawl_outcomes", "document_origins", "crawl_pages"):
        op.drop_table(table)
