"""The live monitor of a round: counts right now, events per minute, turnout by ward and
organisation — a few aggregate queries, cheap enough to run every few seconds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..domain.monitoring import Minute, per_minute
from ..extensions import db
from ..models import Attempt, Organisation, Participant, Round, Ward

MINUTES = 10


@dataclass(frozen=True)
class Turnout:
    name: str
    registered: int
    started: int
    finished: int
    headcount: int | None = None


@dataclass(frozen=True)
class Snapshot:
    at: datetime
    in_progress: int
    finished: int  # attempts submitted (or timed out)
    participants: int  # distinct people who started
    registered: int  # accounts that can take part
    minutes: list[Minute]
    wards: list[Turnout]
    organisations: list[Turnout]


def _turnout(rnd: Round, column: Any, units: list[tuple[int, str, int | None]]) -> list[Turnout]:
    done = db.case((Attempt.submitted_at.is_not(None), Attempt.participant_id))
    took = {
        key: (started, finished)
        for key, started, finished in db.session.execute(
            db.select(
                column,
                db.func.count(db.distinct(Attempt.participant_id)),
                db.func.count(db.distinct(done)),
            )
            .join(Participant, Participant.id == Attempt.participant_id)
            .where(Attempt.round_id == rnd.id)
            .group_by(column)
        )
    }
    registered = dict(
        db.session.execute(
            db.select(column, db.func.count(Participant.id))
            .where(Participant.purged_at.is_(None))
            .group_by(column)
        ).all()
    )
    rows = [
        Turnout(name, registered.get(key, 0), *took.get(key, (0, 0)), headcount)
        for key, name, headcount in units
    ]
    return sorted(rows, key=lambda t: (-t.started, -t.registered, t.name))


def snapshot(rnd: Round, now: datetime) -> Snapshot:
    """The round as it stands at `now`."""
    counts = db.session.execute(
        db.select(
            db.func.count(Attempt.id).filter(
                Attempt.submitted_at.is_(None), Attempt.deadline_at > now
            ),
            db.func.count(Attempt.submitted_at),
            db.func.count(db.distinct(Attempt.participant_id)),
        ).where(Attempt.round_id == rnd.id)
    ).one()
    since = now - timedelta(minutes=MINUTES)
    recent = db.session.execute(
        db.select(Attempt.started_at, Attempt.submitted_at).where(
            Attempt.round_id == rnd.id,
            db.or_(Attempt.started_at >= since, Attempt.submitted_at >= since),
        )
    ).all()
    wards = [(w.id, w.name, None) for w in db.session.scalars(db.select(Ward))]
    orgs = [(o.id, o.name, o.headcount) for o in db.session.scalars(db.select(Organisation))]
    return Snapshot(
        at=now,
        in_progress=counts[0],
        finished=counts[1],
        participants=counts[2],
        registered=db.session.scalar(
            db.select(db.func.count(Participant.id)).where(Participant.purged_at.is_(None))
        ),
        minutes=per_minute(
            [s for s, _ in recent], [f for _, f in recent if f is not None], now, MINUTES
        ),
        wards=_turnout(rnd, Participant.ward_id, wards),
        organisations=_turnout(rnd, Participant.organisation_id, orgs),
    )
