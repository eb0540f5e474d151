"""Collective rankings by ward, organisation and emulation cluster, ranked in SQL under the
round's chain of criteria (domain.collective.rank_groups is the reference the tests hold
this to), and the collective prize draft down that ranking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Float, case, cast, func, literal, null

from ..domain import collective as rules
from ..domain.collective import POINT_METRICS, POINTS_TOP, Group
from ..domain.collective_prizes import CollectiveDraft, Decision, GroupDraft, allocate
from ..domain.round_rules import PrizeTier
from ..extensions import db
from ..models import Organisation, Participant, Round, Ward
from .rankings import best_entries

DEFAULT_TIERS = (
    PrizeTier("Giải Nhất tập thể", 1),
    PrizeTier("Giải Nhì tập thể", 2),
    PrizeTier("Giải Ba tập thể", 5),
)
UNITS = ("ward", "organisation")


def _people(rnd: Round, as_of: datetime | None) -> Any:
    best = best_entries(rnd, as_of)
    return (
        db.select(
            best.c.score,
            best.c.attempts_used,
            Participant.ward_id,
            Participant.organisation_id,
            Organisation.cluster,
        )
        .join(Participant, Participant.id == best.c.participant_id)
        .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
        .subquery("people")
    )


def _units(by: str) -> Any:
    """Every ward / organisation / cluster of the registry: (unit, key, name, headcount)."""
    if by == "ward":
        return db.select(
            Ward.id.label("unit"),
            Ward.code.label("key"),
            Ward.name.label("name"),
            cast(null(), db.Integer).label("headcount"),
        ).subquery("units")
    if by == "organisation":
        return db.select(
            Organisation.id.label("unit"),
            Organisation.code.label("key"),
            Organisation.name.label("name"),
            Organisation.headcount.label("headcount"),
        ).subquery("units")
    return (
        db.select(
            Organisation.cluster.label("unit"),
            Organisation.cluster.label("key"),
            Organisation.cluster.label("name"),
            func.sum(Organisation.headcount).label("headcount"),
        )
        .where(Organisation.cluster.is_not(None))
        .group_by(Organisation.cluster)
        .subquery("units")
    )


def _measures(rnd: Round, by: str, as_of: datetime | None) -> Any:
    """Each unit's counts, mean score and rate (NULL where unknown), as both databases divide."""
    people = _people(rnd, as_of)
    column = {"ward": people.c.ward_id, "organisation": people.c.organisation_id}.get(
        by, people.c.cluster
    )
    totals = (
        db.select(
            column.label("unit"),
            func.count().label("participants"),
            func.sum(people.c.attempts_used).label("entries"),
            func.sum(people.c.score).label("score_sum"),
        )
        .where(column.is_not(None))
        .group_by(column)
        .subquery("totals")
    )
    units = _units(by)
    participants = func.coalesce(totals.c.participants, 0)
    return db.select(
        units.c.key,
        units.c.name,
        participants.label("participants"),
        func.coalesce(totals.c.entries, 0).label("entries"),
        case((participants > 0, cast(totals.c.score_sum, Float) / cast(participants, Float))).label(
            "mean_score"
        ),
        units.c.headcount,
        case(
            (units.c.headcount > 0, cast(participants, Float) / cast(units.c.headcount, Float))
        ).label("rate"),
    ).outerjoin(totals, totals.c.unit == units.c.unit)


def _value(column: Any) -> Any:
    """A criterion's value with unknown below every known value (as Group.metric reads it)."""
    return func.coalesce(column, literal(-1.0))


def ranked(
    rnd: Round, by: str, policy: str | Sequence[str] | None = None, as_of: datetime | None = None
) -> list[Group]:
    """Every unit of the registry (those with nobody too), with its points, ranked in SQL on
    the chain (the round's by default): equal on the whole chain, equal rank; then by code."""
    chain = _chain(policy if policy is not None else rnd.collective_policy)
    measures = _measures(rnd, by, as_of).subquery("measures")
    point_ranks = [
        func.rank().over(order_by=_value(measures.c[m]).desc()).label(f"rank_{m}")
        for m in POINT_METRICS
    ]
    stage = db.select(measures, *point_ranks).subquery("stage")
    awarded = [
        case(
            (
                (_value(stage.c[m]) > 0) & (stage.c[f"rank_{m}"] <= POINTS_TOP),
                POINTS_TOP + 1 - stage.c[f"rank_{m}"],
            ),
            else_=0,
        )
        for m in POINT_METRICS
    ]
    scored = db.select(stage, sum(awarded, literal(0)).label("points")).subquery("scored")
    order = [_value(scored.c[k]).desc() for k in chain]
    rows = db.session.execute(
        db.select(
            scored.c.key,
            scored.c.name,
            scored.c.participants,
            scored.c.entries,
            scored.c.mean_score,
            scored.c.headcount,
            scored.c.points,
            func.rank().over(order_by=order).label("rank"),
        ).order_by(*order, scored.c.key)
    ).all()
    return [
        Group(key, name, int(n), int(entries), mean, int(head) if head else head, int(pts), rank)
        for key, name, n, entries, mean, head, pts, rank in rows
    ]


def _chain(policy: str | Sequence[str]) -> tuple[str, ...]:
    return rules.parse_policy(policy) if isinstance(policy, str) else tuple(policy)


def groups(rnd: Round, by: str, as_of: datetime | None = None) -> list[Group]:
    """Every ward / organisation / cluster of the registry, including those with nobody yet."""
    return ranked(rnd, by, None, as_of)


def tiers_of(rnd: Round) -> tuple[PrizeTier, ...]:
    found = (rnd.collective_prizes or {}).get("tiers")
    return tuple(PrizeTier(t["name"], int(t["count"])) for t in found) if found else DEFAULT_TIERS


def decisions_of(rnd: Round, by: str) -> dict[str, Decision]:
    found = (rnd.collective_prizes or {}).get("decisions", {}).get(by, {})
    return {key: Decision(d["tier"], d["reason"]) for key, d in found.items()}


def collective_draft(rnd: Round, by: str = "ward") -> CollectiveDraft:
    """The units ranked on the round's chain and the collective prizes down that order, ties
    settled by the round's rule (domain.collective_prizes.allocate)."""
    policy = rules.parse_policy(rnd.collective_policy)
    ordered = ranked(rnd, by, policy)
    draft: GroupDraft = allocate(
        ordered, policy[0], tiers_of(rnd), rnd.collective_tie_rule, decisions_of(rnd, by)
    )
    return CollectiveDraft(
        by, policy, rnd.collective_tie_rule, ordered, draft.awards, draft.ties, draft.notes
    )


def drafts(rnd: Round) -> dict[str, CollectiveDraft]:
    return {by: collective_draft(rnd, by) for by in UNITS}


def as_payload(draft: CollectiveDraft) -> list[dict[str, Any]]:
    """The collective winners as a publication keeps them."""
    return [
        {
            "tier": a.tier,
            "rank": a.group.rank,
            "code": a.group.key,
            "name": a.group.name,
            "participants": a.group.participants,
            "rate": a.group.rate,
            "mean_score": a.group.mean_score,
            "points": a.group.points,
            "shared": a.shared,
            "reason": a.reason,
        }
        for a in draft.awards
    ]
