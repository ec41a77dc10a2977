"""The shared scam-account list given to the centre (`payee_flags`).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payee_flags",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("time_us", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("batch", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account", "reason", "time_us", name="uq_payee_flags"),
    )
    with op.batch_alter_table("payee_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payee_flags_account"), ["account"], unique=False)


def downgrade() -> None:
    op.drop_table("payee_flags")
