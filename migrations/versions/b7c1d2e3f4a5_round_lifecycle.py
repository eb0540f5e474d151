"""round lifecycle: attempts finished by the close, score-after-submit setting, session versions

Revision ID: b7c1d2e3f4a5
Revises: f54a51604533
Create Date: 2026-12-06 03:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7c1d2e3f4a5'
down_revision = 'f54a51604533'
branch_labels = None
depends_on = None

OLD_REASONS = "finish_reason IS NULL OR finish_reason IN ('submitted', 'timeout')"
NEW_REASONS = "finish_reason IS NULL OR finish_reason IN ('submitted', 'timeout', 'closed')"


def upgrade():
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attempts_finish_reason_known'), type_='check')
        batch_op.create_check_constraint('finish_reason_known', NEW_REASONS)
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('show_score_after_submit', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    for table in ('participants', 'staff_users'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('session_version', sa.Integer(), server_default='0', nullable=False)
            )


def downgrade():
    for table in ('staff_users', 'participants'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('session_version')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('show_score_after_submit')
    op.execute("UPDATE attempts SET finish_reason = 'timeout' WHERE finish_reason = 'closed'")
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attempts_finish_reason_known'), type_='check')
        batch_op.create_check_constraint('finish_reason_known', OLD_REASONS)
