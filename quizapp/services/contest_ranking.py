"""The contest ranking (rounds combined); a round's collective prizes: services.collective."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func

from ..domain.disclosure import result_final
from ..extensions import db
from ..models import Contest, Exclusion, Participant, Round, RoundEntry, StaffUser
from . import audit
from .errors import ServiceError

COMBINATIONS = {"sum": "Tổng điểm các đợt", "best": "Điểm cao nhất trong các đợt"}


@dataclass(frozen=True)
class ContestRow:
    rank: int
    participant_id: int
    full_name: str
    ward_id: int
    score: int
    time_used_ms: int
    rounds: int
    first_submitted: datetime


@dataclass(frozen=True)
class ContestRounds:
    """The contest's rounds split by whether their result is final (`domain.disclosure`):
    only final rounds count in the contest ranking; the others are listed as provisional."""

    counted: list[Round]
    provisional: list[Round]


def contest_rounds(contest: Contest, now: datetime) -> ContestRounds:
    found = db.session.scalars(
        db.select(Round)
        .where(Round.contest_id == contest.id, Round.status != "draft")
        .order_by(Round.opens_at, Round.id)
    ).all()
    final = [r for r in found if result_final(r.status, r.closes_at, r.grace_seconds, now)]
    return ContestRounds(final, [r for r in found if r not in final])


def contest_ranking(contest: Contest, now: datetime, limit: int | None = 100) -> list[ContestRow]:
    """Each participant's entries in the contest's rounds whose result is final, combined
    (sum, or the best round) and ranked in SQL: score, then time, then the earliest
    submission; excluded entries do not count. A round still open, closed (it may reopen) or
    inside its grace window counts nowhere, so no prize can follow from its scores."""
    counted = [r.id for r in contest_rounds(contest, now).counted]
    excluded = db.select(Exclusion.id).where(
        Exclusion.round_id == RoundEntry.round_id,
        Exclusion.participant_id == RoundEntry.participant_id,
    )
    best = contest.combine_rounds == "best"
    score = func.max(RoundEntry.score) if best else func.sum(RoundEntry.score)
    time_ms = func.min(RoundEntry.time_used_ms) if best else func.sum(RoundEntry.time_used_ms)
    totals = (
        db.select(
            RoundEntry.participant_id,
            score.label("score"),
            time_ms.label("time_ms"),
            func.count().label("rounds"),
            func.min(RoundEntry.submitted_at).label("first_submitted"),
        )
        .join(Round, Round.id == RoundEntry.round_id)
        .where(
            Round.contest_id == contest.id,
            RoundEntry.round_id.in_(counted),
            RoundEntry.frozen.is_(False),
            ~excluded.exists(),
        )
        .group_by(RoundEntry.participant_id)
        .subquery("totals")
    )
    order = [totals.c.score.desc(), totals.c.time_ms.asc(), totals.c.first_submitted.asc()]
    query = (
        db.select(
            func.rank().over(order_by=order),
            totals.c.participant_id,
            Participant.full_name,
            Participant.ward_id,
            totals.c.score,
            totals.c.time_ms,
            totals.c.rounds,
            totals.c.first_submitted,
        )
        .join(Participant, Participant.id == totals.c.participant_id)
        .order_by(*order, totals.c.participant_id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [ContestRow(*row) for row in db.session.execute(query)]


def choose_combination(actor: StaffUser, contest: Contest, combine: str) -> None:
    """How rounds combine in the contest ranking (audit-logged)."""
    if combine not in COMBINATIONS:
        raise ServiceError("bad_combination", "Cách cộng kết quả không hợp lệ.")
    contest.combine_rounds = combine
    audit.record(actor, "contest.combine", contest, combine=combine)
