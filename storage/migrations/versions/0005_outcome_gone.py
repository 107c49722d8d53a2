"""Crawl outcomes record the report URLs a crawl found taken down.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of storage.models.JSONDocument: a migration must not change when the models do.
JSON_DOCUMENT = sa.JSON(none_as_null=True)


def upgrade() -> None:
    with op.batch_alter_table("crawl_outcomes") as table:
        table.add_column(sa.Column("gone", JSON_DOCUMENT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_outcomes") as table:
        table.drop_column("gone")
