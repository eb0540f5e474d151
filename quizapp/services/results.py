"""A round's results gathered once: ranking, prize draft, collective tables, people."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..domain.people import printable_name
from ..domain.prizes import Candidate, Draft, adjust, allocate, prize_ties
from ..domain.publication import canonical, pseudonym
from ..domain.results import Person, RankRow, Results, RoundInfo
from ..extensions import db
from ..models import Organisation, Participant, Round, Ward
from . import collective, prize_adjustments, rankings, review
from .rounds import settings_of


def eligible_ranks(rows: list[RankRow]) -> dict[int, int]:
    """Who may hold a prize, with their rank: everyone ranked but organisers' staff."""
    return {r.participant_id: r.rank for r in rows if not r.is_organiser_staff}


def candidates(rnd: Round, rows: list[RankRow]) -> list[Candidate]:
    """Everyone ranked; staff may not win, nor an entry below the round's minimum score."""
    least = settings_of(rnd).min_prize_score
    return [
        Candidate(r.participant_id, r.rank, not r.is_organiser_staff, r.score >= least)
        for r in rows
    ]


def prize_draft(rnd: Round, rows: list[RankRow]) -> Draft:
    """The automatic allocation, then the organiser's adjustments by hand, in order."""
    settings = settings_of(rnd)
    tiers = settings.prizes
    draft = allocate(candidates(rnd, rows), tiers, min_score=settings.min_prize_score)
    changes = prize_adjustments.adjustments_of(rnd)
    if not changes:
        return draft
    return adjust(draft, prize_adjustments.as_changes(changes), tiers, eligible_ranks(rows))


class People(Mapping[int, Person]):
    """The ranked people's details for the organiser's files, read in batches as a file asks
    for them and one batch held at a time.

    Memory counts here: a large export holds 100,000 ranking rows, and their people held all
    at once would add tens of MB. Files read people in ranking order (the winners first, who
    rank at the top), so each batch is read once. A batch's name and phone are the ranking
    row's own strings, and the texts many people share (ward, organisation, group) are kept
    once, not once per person.
    """

    BATCH = 5000

    def __init__(self, rows: list[RankRow]) -> None:
        self._rows = rows
        self._index = {r.participant_id: i for i, r in enumerate(rows)}
        self._batch: dict[int, Person] = {}
        self._shared: dict[str | None, str | None] = {}

    def __getitem__(self, participant_id: int) -> Person:
        if participant_id not in self._batch:
            start = self._index[participant_id] // self.BATCH * self.BATCH
            self._batch = self._read(self._rows[start : start + self.BATCH])
        return self._batch[participant_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def _read(self, rows: list[RankRow]) -> dict[int, Person]:
        ranked = {r.participant_id: r for r in rows}
        batch = db.session.execute(
            db.select(
                Participant.id,
                Participant.cccd,
                Participant.birth_year,
                Participant.grp,
                Ward.name,
                Organisation.name,
            )
            .join(Ward, Ward.id == Participant.ward_id)
            .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
            .where(Participant.id.in_(list(ranked)))
        ).all()
        shared = self._shared
        return {
            pid: Person(
                printable_name(ranked[pid].full_name, pid),
                ranked[pid].phone,
                cccd,
                birth_year,
                shared.setdefault(group, group),
                shared.setdefault(ward, ward),
                shared.setdefault(organisation, organisation),
            )
            for pid, cccd, birth_year, group, ward, organisation in batch
        }


def round_info(rnd: Round) -> RoundInfo:
    return RoundInfo(rnd.id, rnd.title, rnd.contest.title, rnd.question_count, rnd.prediction_kind)


def gather(rnd: Round) -> Results:
    """Everything an export, the review page or a publication needs, read in a few queries."""
    rows = rankings.round_ranking(rnd)
    draft = prize_draft(rnd, rows)
    drafts = collective.drafts(rnd)
    return Results(
        round=round_info(rnd),
        ranking=rows,
        draft=draft,
        wards=drafts["ward"].groups,
        organisations=drafts["organisation"].groups,
        people=People(rows),
        collective=drafts,
        flags=review.integrity_flags(rnd),
        ties=prize_ties(candidates(rnd, rows), draft.awards),
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


def prize_records(results: Results, salt: str) -> dict[str, Any]:
    """The winners as plain values (entrants pseudonymous): the digest covers them too."""
    return {
        "individual": [
            [a.tier, pseudonym(salt, a.participant_id), a.rank] for a in results.draft.awards
        ],
        "collective": {
            by: [[a.tier, a.group.key, a.group.name, a.group.rank, a.shared] for a in d.awards]
            for by, d in results.collective.items()
        },
    }


def publication_data(results: Results, salt: str) -> bytes:
    """The bytes a publication offers for download and whose SHA-256 it publishes."""
    return canonical(ranking_records(results.ranking, salt), prize_records(results, salt))
