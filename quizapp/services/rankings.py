"""Rankings computed by the database (window functions), derived from domain.ranking's policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, func, literal, true

from ..domain import ranking
from ..extensions import db
from ..models import Attempt, Exclusion, Participant, Round


def policy_of(rnd: Round) -> tuple[str, ...]:
    policy = ranking.parse_policy(rnd.ranking_policy)
    if not rnd.prediction_kind:
        policy = tuple(k for k in policy if k != "prediction")
    return policy


def _finished(rnd: Round, as_of: datetime | None = None) -> Subquery:
    """Finished, non-excluded attempts with every value a ranking key reads.

    With `as_of` (a frozen public board) nothing submitted or excluded later is seen.
    """
    excluded = db.select(Exclusion.participant_id).where(Exclusion.round_id == rnd.id)
    if as_of is not None:
        excluded = excluded.where(Exclusion.excluded_at <= as_of)
    actual = rnd.prediction_actual
    error: ColumnElement[Any] = (
        func.coalesce(func.abs(Attempt.prediction - actual), ranking.MISSING)
        if actual is not None
        else literal(ranking.MISSING)
    )
    return (
        db.select(
            Attempt.id.label("attempt_id"),
            Attempt.participant_id,
            Attempt.score,
            Attempt.time_used_ms,
            error.label("prediction_error"),
            Attempt.submitted_at,
            func.count().over(partition_by=Attempt.participant_id).label("attempts_used"),
        )
        .where(
            Attempt.round_id == rnd.id,
            Attempt.submitted_at.is_not(None),
            Attempt.participant_id.not_in(excluded),
            Attempt.submitted_at <= as_of if as_of is not None else true(),
        )
        .subquery("finished")
    )


def _order(source: Subquery, policy: tuple[str, ...]) -> list[ColumnElement[Any]]:
    column = {
        "score": source.c.score,
        "time": source.c.time_used_ms,
        "prediction": source.c.prediction_error,
        "attempts": source.c.attempts_used,
        "submitted": source.c.submitted_at,
    }
    return [column[k].asc() if ranking.KEYS[k][1] else column[k].desc() for k in policy]


def best_entries(rnd: Round, as_of: datetime | None = None) -> Subquery:
    """One row per participant: their best attempt under the round's policy, with its rank."""
    policy = policy_of(rnd)
    finished = _finished(rnd, as_of)
    per_attempt = tuple(k for k in policy if k != "attempts")
    numbered = db.select(
        finished,
        func.row_number()
        .over(
            partition_by=finished.c.participant_id,
            order_by=[*_order(finished, per_attempt), finished.c.attempt_id],
        )
        .label("rn"),
    ).subquery("numbered")
    return (
        db.select(numbered, func.rank().over(order_by=_order(numbered, policy)).label("rank"))
        .where(numbered.c.rn == 1)
        .subquery("best")
    )


@dataclass(frozen=True)
class RankRow:
    position: int
    rank: int
    participant_id: int
    attempt_id: int
    score: int
    time_used_ms: int
    prediction_error: int | None
    attempts_used: int
    submitted_at: datetime
    full_name: str
    phone: str
    ward_id: int
    organisation_id: int | None
    is_organiser_staff: bool

    def entry(self) -> ranking.Entry:
        return ranking.Entry(
            self.participant_id,
            self.attempt_id,
            self.score,
            self.time_used_ms,
            self.prediction_error,
            self.attempts_used,
            _ms(self.submitted_at),
        )


def _ms(moment: datetime) -> int:
    """Microseconds since the epoch: the resolution both databases store."""
    return int(moment.timestamp() * 1_000_000)


def _ranking_query(rnd: Round, as_of: datetime | None = None) -> Select[Any]:
    best = best_entries(rnd, as_of)
    order = [*_order(best, policy_of(rnd)), best.c.participant_id]
    return (
        db.select(
            func.row_number().over(order_by=order).label("position"),
            best.c.rank,
            best.c.participant_id,
            best.c.attempt_id,
            best.c.score,
            best.c.time_used_ms,
            best.c.prediction_error,
            best.c.attempts_used,
            best.c.submitted_at,
            Participant.full_name,
            Participant.phone,
            Participant.ward_id,
            Participant.organisation_id,
            Participant.is_organiser_staff,
        )
        .join(Participant, Participant.id == best.c.participant_id)
        .order_by(*order)
    )


def _row(values: Any) -> RankRow:
    row = RankRow(*values)
    if row.prediction_error == ranking.MISSING:
        row = RankRow(**{**row.__dict__, "prediction_error": None})
    return row


def round_ranking(
    rnd: Round, limit: int | None = None, offset: int = 0, as_of: datetime | None = None
) -> list[RankRow]:
    """The round's ranking, best first (a page of it when `limit` is given)."""
    query = _ranking_query(rnd, as_of).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [_row(r) for r in db.session.execute(query)]


def participant_rank(
    rnd: Round, participant_id: int, as_of: datetime | None = None
) -> tuple[RankRow | None, RankRow | None]:
    """The participant's own row and the row just above it (to explain the difference)."""
    ranked = _ranking_query(rnd, as_of).subquery("ranked")
    mine = db.session.execute(
        db.select(ranked).where(ranked.c.participant_id == participant_id)
    ).first()
    if mine is None:
        return None, None
    row = _row(mine)
    above = db.session.execute(
        db.select(ranked).where(ranked.c.position == row.position - 1)
    ).first()
    return row, _row(above) if above is not None else None


def reference_entries(rnd: Round) -> list[ranking.Entry]:
    """Every finished, non-excluded attempt as a plain Entry (for the Python reference)."""
    finished = _finished(rnd)
    return [
        ranking.Entry(
            r.participant_id,
            r.attempt_id,
            r.score,
            r.time_used_ms,
            None if r.prediction_error == ranking.MISSING else r.prediction_error,
            r.attempts_used,
            _ms(r.submitted_at),
        )
        for r in db.session.execute(db.select(finished))
    ]
