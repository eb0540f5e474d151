"""pending uploads keep their review: computed once, shown from storage (issue 23 item 3)

Revision ID: 5ec0a11d2e3b
Revises: c3e7a1f0b2d9
Create Date: 2026-12-07 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ec0a11d2e3b'
down_revision = 'c3e7a1f0b2d9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pending_uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('pending_uploads', schema=None) as batch_op:
        batch_op.drop_column('review')
