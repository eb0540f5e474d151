"""Collective rankings: by ward, by organisation, by emulation cluster (aggregated in SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func

from ..domain.collective import Group, order_by
from ..extensions import db
from ..models import Organisation, Participant, Round, Ward
from .rankings import best_entries


def _per_participant(rnd: Round, as_of: datetime | None) -> Any:
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


def _aggregate(people: Any, column: Any) -> dict[Any, tuple[int, int, float | None]]:
    rows = db.session.execute(
        db.select(column, func.count(), func.sum(people.c.attempts_used), func.avg(people.c.score))
        .where(column.is_not(None))
        .group_by(column)
    ).all()
    return {
        key: (n, int(entries or 0), float(mean) if mean is not None else None)
        for key, n, entries, mean in rows
    }


def groups(rnd: Round, by: str, as_of: datetime | None = None) -> list[Group]:
    """Every ward / organisation / cluster of the registry, including those with nobody yet."""
    people = _per_participant(rnd, as_of)
    if by == "ward":
        counts = _aggregate(people, people.c.ward_id)
        units = [(w.id, w.code, w.name, None) for w in db.session.scalars(db.select(Ward))]
    elif by == "organisation":
        counts = _aggregate(people, people.c.organisation_id)
        units = [
            (o.id, o.code, o.name, o.headcount) for o in db.session.scalars(db.select(Organisation))
        ]
    else:
        counts = _aggregate(people, people.c.cluster)
        headcounts = db.session.execute(
            db.select(Organisation.cluster, func.sum(Organisation.headcount))
            .where(Organisation.cluster.is_not(None))
            .group_by(Organisation.cluster)
        ).all()
        units = [(name, name, name, int(total) if total else None) for name, total in headcounts]
    return [
        Group(code, name, *_values(counts.get(key)), headcount)
        for key, code, name, headcount in units
    ]


def _values(found: tuple[int, int, float | None] | None) -> tuple[int, int, float | None]:
    return found if found is not None else (0, 0, None)


def ranked(rnd: Round, by: str, metric: str, as_of: datetime | None = None) -> list[Group]:
    return order_by(groups(rnd, by, as_of), metric)
