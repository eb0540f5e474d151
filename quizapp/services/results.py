"""A round's results gathered once: ranking, prize draft, collective tables, people."""

from __future__ import annotations

from typing import Any

from ..domain.prizes import Candidate, Draft, adjust, allocate
from ..domain.publication import pseudonym
from ..domain.results import Person, RankRow, Results, RoundInfo
from ..extensions import db
from ..models import Organisation, Participant, Round, Ward
from . import collective, prize_adjustments, rankings
from .rounds import settings_of


def eligible_ranks(rows: list[RankRow]) -> dict[int, int]:
    """Who may hold a prize, with their rank: everyone ranked but organisers' staff."""
    return {r.participant_id: r.rank for r in rows if not r.is_organiser_staff}


def prize_draft(rnd: Round, rows: list[RankRow]) -> Draft:
    """The automatic allocation, then the organiser's adjustments by hand, in order."""
    candidates = [Candidate(r.participant_id, r.rank, not r.is_organiser_staff) for r in rows]
    tiers = settings_of(rnd).prizes
    draft = allocate(candidates, tiers)
    changes = prize_adjustments.adjustments_of(rnd)
    if not changes:
        return draft
    return adjust(draft, prize_adjustments.as_changes(changes), tiers, eligible_ranks(rows))


def _people(ids: list[int]) -> dict[int, Person]:
    found: dict[int, Person] = {}
    for start in range(0, len(ids), 5000):
        rows = db.session.execute(
            db.select(
                Participant.id,
                Participant.full_name,
                Participant.phone,
                Participant.cccd,
                Participant.birth_year,
                Participant.grp,
                Ward.name,
                Organisation.name,
            )
            .join(Ward, Ward.id == Participant.ward_id)
            .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
            .where(Participant.id.in_(ids[start : start + 5000]))
        ).all()
        found.update({row[0]: Person(*row[1:]) for row in rows})
    return found


def round_info(rnd: Round) -> RoundInfo:
    return RoundInfo(rnd.id, rnd.title, rnd.contest.title, rnd.question_count, rnd.prediction_kind)


def gather(rnd: Round, metric: str = "participants") -> Results:
    """Everything an export, the review page or a publication needs, read in a few queries."""
    rows = rankings.round_ranking(rnd)
    return Results(
        round=round_info(rnd),
        ranking=rows,
        draft=prize_draft(rnd, rows),
        wards=collective.ranked(rnd, "ward", metric),
        organisations=collective.ranked(rnd, "organisation", metric),
        people=_people([r.participant_id for r in rows]),
    )


def ranking_records(rows: list[RankRow], salt: str) -> list[list[Any]]:
    """The ranking as plain values (no personal data, entrants pseudonymous): what the
    publication digest covers."""
    return [
        [
            r.rank,
            pseudonym(salt, r.participant_id),
            r.score,
            r.time_used_ms,
            r.prediction_error,
            r.submitted_at.isoformat(),
        ]
        for r in rows
    ]
