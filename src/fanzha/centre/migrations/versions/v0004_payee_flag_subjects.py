"""Phones on the shared list: what a flag names (`payee_flags.subject`: an account, or a device).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payee_flags", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subject", sa.String(length=16), nullable=False, server_default="account")
        )
        batch_op.drop_constraint("uq_payee_flags", type_="unique")
        batch_op.create_unique_constraint("uq_payee_flags", ["subject", "account", "reason", "time_us"])


def downgrade() -> None:
    with op.batch_alter_table("payee_flags", schema=None) as batch_op:
        batch_op.drop_constraint("uq_payee_flags", type_="unique")
        batch_op.execute(sa.text("DELETE FROM payee_flags WHERE subject <> 'account'"))
        batch_op.create_unique_constraint("uq_payee_flags", ["account", "reason", "time_us"])
        batch_op.drop_column("subject")
