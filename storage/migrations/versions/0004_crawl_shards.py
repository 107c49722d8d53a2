"""Scale-out: the plan of a crawl run spread over Scrapyd nodes, its shards, and each attempt's own outcome.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of storage.models.JSONDocument: a migration must not change when the models do.
JSON_DOCUMENT = sa.JSON(none_as_null=True)


def _run_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["crawl_run_id"], ["crawl_runs.id"],
                                   name=op.f(f"fk_{table}_crawl_run_id_crawl_runs"), ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "crawl_plans",
        sa.Column("crawl_run_id", sa.Integer(), nullable=False),
        sa.Column("registry_document", JSON_DOCUMENT, nullable=False),
        sa.Column("years", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _run_key("crawl_plans"),
        sa.PrimaryKeyConstraint("crawl_run_id", name=op.f("pk_crawl_plans")),
    )
    op.create_table(
        "crawl_shards",
        sa.Column("crawl_run_id", sa.Integer(), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("shards", sa.Integer(), nullable=False),
        sa.Column("agency_ids", JSON_DOCUMENT, nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("node", sa.Text(), nullable=True),
        sa.Column("job_id", sa.String(100), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("history", JSON_DOCUMENT, nullable=False),
        _run_key("crawl_shards"),
        sa.PrimaryKeyConstraint("crawl_run_id", "shard", name=op.f("pk_crawl_shards")),
    )
    op.create_table(
        "shard_outcomes",
        sa.Column("crawl_run_id", sa.Integer(), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("finish_reason", sa.String(32), nullable=False),
        sa.Column("stats", JSON_DOCUMENT, nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        _run_key("shard_outcomes"),
        sa.PrimaryKeyConstraint("crawl_run_id", "shard", "attempt", name=op.f("pk_shard_outcomes")),
    )


def downgrade() -> None:
    for table in ("shard_outcomes", "crawl_shards", "crawl_plans"):
        op.drop_table(table)
