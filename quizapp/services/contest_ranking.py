"""The contest ranking (rounds combined) and the collective prize draft of a round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func

from ..domain.collective import METRICS, Group, order_by, points
from ..domain.disclosure import result_final
from ..extensions import db
from ..models import Contest, Exclusion, Participant, Round, RoundEntry, StaffUser
from . import audit, collective
from .errors import ServiceError

COMBINATIONS = {"sum": "Tổng điểm các đợt", "best": "Điểm cao nhất trong các đợt"}
DEFAULT_COLLECTIVE_TIERS = (
    ("Giải Nhất tập thể", 1),
    ("Giải Nhì tập thể", 2),
    ("Giải Ba tập thể", 5),
)


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


@dataclass(frozen=True)
class CollectiveDraft:
    by: str
    metric: str
    groups: list[Group]
    points: dict[str, int]
    awards: list[tuple[str, Group]]


def collective_draft(rnd: Round, by: str = "ward") -> CollectiveDraft:
    """Groups ranked by the metric the organiser chose ("points": the 10…1 formula over the
    participants, rate and mean-score rankings), and the collective prizes down that order."""
    metric = (rnd.collective_prizes or {}).get("metric", "participants")
    groups = collective.groups(rnd, by)
    scores = points(groups, ["participants", "rate", "mean_score"])
    if metric == "points":
        ordered = sorted(groups, key=lambda g: (-scores[g.key], g.key))
        eligible = [g for g in ordered if scores[g.key] > 0]
    else:
        ordered = order_by(groups, metric)
        eligible = [g for g in ordered if g.metric(metric) > 0]
    tiers = (rnd.collective_prizes or {}).get("tiers") or [
        {"name": n, "count": c} for n, c in DEFAULT_COLLECTIVE_TIERS
    ]
    awards: list[tuple[str, Group]] = []
    for tier in tiers:
        taken = eligible[len(awards) : len(awards) + int(tier["count"])]
        awards += [(tier["name"], g) for g in taken]
    return CollectiveDraft(by, metric, ordered, scores, awards)


def choose_metric(actor: StaffUser, rnd: Round, metric: str) -> None:
    """The organiser's choice of what awards the collective prizes (audit-logged)."""
    if metric not in (*METRICS, "points"):
        raise ServiceError("bad_metric", "Tiêu chí xếp hạng tập thể không hợp lệ.")
    rnd.collective_prizes = {**(rnd.collective_prizes or {}), "metric": metric}
    audit.record(actor, "round.collective_metric", rnd, metric=metric)


def choose_combination(actor: StaffUser, contest: Contest, combine: str) -> None:
    """How rounds combine in the contest ranking (audit-logged)."""
    if combine not in COMBINATIONS:
        raise ServiceError("bad_combination", "Cách cộng kết quả không hợp lệ.")
    contest.combine_rounds = combine
    audit.record(actor, "contest.combine", contest, combine=combine)


def as_payload(draft: CollectiveDraft) -> list[dict[str, Any]]:
    return [
        {
            "tier": tier,
            "name": g.name,
            "participants": g.participants,
            "rate": g.rate,
            "mean_score": g.mean_score,
            "points": draft.points[g.key],
        }
        for tier, g in draft.awards
    ]
