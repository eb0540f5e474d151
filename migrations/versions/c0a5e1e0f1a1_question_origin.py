"""question origin: setup never undoes the console's bank work (issue 24 item 1)

Revision ID: c0a5e1e0f1a1
Revises: 9241476a1199
Create Date: 2026-12-07 19:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a5e1e0f1a1'
down_revision = "9241476a1199"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='repository', nullable=False))
        batch_op.add_column(sa.Column('repository_hash', sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(
            'origin_known', "origin IN ('repository', 'upload', 'correction')"
        )
    # Questions already stored are taken as the repository's, as they were before this column.
    op.execute(
        "UPDATE questions SET repository_hash = (SELECT content_hash FROM question_versions "
        "WHERE question_versions.id = questions.current_version_id)"
    )


def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_questions_origin_known'), type_='check')
        batch_op.drop_column('repository_hash')
        batch_op.drop_column('origin')
