"""prize eligibility and the collective ranking policy: the fewest correct answers that may
win a prize, the collective criteria chain and what a true collective tie does

Revision ID: c3e7a1f0b2d9
Revises: b4a7d22e0c15
Create Date: 2026-12-07 19:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e7a1f0b2d9'
down_revision = 'b4a7d22e0c15'
branch_labels = None
depends_on = None

DEFAULT_POLICY = 'participants,mean_score,rate'
# The criterion an organiser chose before (collective_prizes.metric) -> the chain it leads.
CHAINS = {
    'participants': 'participants,mean_score,rate',
    'rate': 'rate,participants,mean_score',
    'mean_score': 'mean_score,participants,rate',
    'points': 'points,mean_score,participants',
    'entries': 'entries,participants,mean_score',
}


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prize_min_score', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('collective_policy', sa.String(length=120), nullable=False, server_default=DEFAULT_POLICY))
        batch_op.add_column(sa.Column('collective_tie_rule', sa.String(length=16), nullable=False, server_default='shared'))
        batch_op.create_check_constraint('prize_min_score_not_negative', 'prize_min_score IS NULL OR prize_min_score >= 0')
        batch_op.create_check_constraint('collective_tie_rule_known', "collective_tie_rule IN ('shared', 'organiser')")
    rounds = sa.table('rounds', sa.column('id', sa.Integer()), sa.column('status', sa.String()), sa.column('prize_min_score', sa.Integer()), sa.column('collective_prizes', sa.JSON()), sa.column('collective_policy', sa.String()))
    connection = op.get_bind()
    # Rounds already opened were announced without a minimum: they keep none (the setting is
    # protected once a round opens). Drafts take the default, half the questions.
    connection.execute(rounds.update().where(rounds.c.status != 'draft').values(prize_min_score=0))
    for round_id, prizes in connection.execute(sa.select(rounds.c.id, rounds.c.collective_prizes)).all():
        metric = (prizes or {}).get('metric')
        if metric in CHAINS:
            connection.execute(rounds.update().where(rounds.c.id == round_id).values(collective_policy=CHAINS[metric]))


def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_rounds_collective_tie_rule_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_rounds_prize_min_score_not_negative'), type_='check')
        batch_op.drop_column('collective_tie_rule')
        batch_op.drop_column('collective_policy')
        batch_op.drop_column('prize_min_score')
