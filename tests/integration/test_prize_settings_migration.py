"""Migration c3e7a1f0b2d9 keeps the rules of rounds already announced: an opened round gets no
prize minimum (its rules said none), a draft the default; an old collective metric becomes the
chain it leads."""

import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from quizapp.extensions import db

ROUNDS = sa.table(
    "rounds",
    sa.column("id", sa.Integer()),
    sa.column("collective_prizes", sa.JSON()),
    sa.column("prize_min_score", sa.Integer()),
    sa.column("collective_policy", sa.String()),
)


def test_upgrade_keeps_announced_rules(app: Flask, make_round) -> None:
    opened, draft = make_round(), make_round(status="draft", bank_size=0)
    with app.app_context():
        downgrade(revision="b4a7d22e0c15")  # the revision before c3e7a1f0b2d9
        db.session.execute(
            ROUNDS.update()
            .where(ROUNDS.c.id == opened.id)
            .values(collective_prizes={"metric": "mean_score"})
        )
        db.session.commit()
        upgrade()
        rows = {
            rid: (minimum, policy)
            for rid, minimum, policy in db.session.execute(
                sa.select(ROUNDS.c.id, ROUNDS.c.prize_min_score, ROUNDS.c.collective_policy)
            )
        }
    assert rows == {
        opened.id: (0, "mean_score,participants,rate"),
        draft.id: (None, "participants,mean_score,rate"),
    }
