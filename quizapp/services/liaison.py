"""Ward and organisation liaisons: turnout, participants and assisted registration, each
read and write limited to the one ward or organisation the account is scoped to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement

from ..domain.disclosure import Disclosure, Viewer, of_round
from ..domain.people import mask_phone
from ..domain.results import RankRow
from ..domain.vnsort import name_key
from ..extensions import db
from ..formats.rows import ScopeLine
from ..models import Attempt, Organisation, Participant, Round, StaffUser, Ward
from . import audit, people_admin, rankings
from .errors import NotFound, ServiceError
from .participants import Registration, register
from .rounds import public_or_404


@dataclass(frozen=True)
class Scope:
    """What a liaison may see: participants of one ward, or of one organisation."""

    kind: str  # "ward" or "organisation"
    id: int
    name: str
    ward_id: int  # the ward itself, or the ward the organisation sits in

    @property
    def label(self) -> str:
        return ("Phường " if self.kind == "ward" else "") + self.name.removeprefix("Phường ")

    def condition(self) -> ColumnElement[bool]:
        column = Participant.ward_id if self.kind == "ward" else Participant.organisation_id
        return column == self.id

    def search_filters(self) -> dict[str, int]:
        return {"ward_id": self.id} if self.kind == "ward" else {"organisation_id": self.id}


def scope_of(staff: StaffUser) -> Scope:
    """The liaison's scope; any other account has none (the caller answers 403)."""
    if staff.role != "liaison":
        raise ServiceError("not_liaison", "Tài khoản này không phải tài khoản phụ trách đơn vị.")
    if staff.ward_id is not None:
        ward = db.session.get(Ward, staff.ward_id)
        return Scope("ward", ward.id, ward.name, ward.id)
    org = db.session.get(Organisation, staff.organisation_id)
    return Scope("organisation", org.id, org.name, org.ward_id)


@dataclass(frozen=True)
class Turnout:
    round: Round
    registered: int
    took_part: int
    finished: int


def _registered(scope: Scope) -> int:
    return db.session.scalar(
        db.select(db.func.count(Participant.id)).where(
            scope.condition(), Participant.purged_at.is_(None)
        )
    )


def turnout(scope: Scope) -> list[Turnout]:
    """Per round that has opened (newest first): the scope's registered people, how many of
    them started an attempt and how many finished one (counted in SQL)."""
    finished = db.case((Attempt.submitted_at.is_not(None), Attempt.participant_id))
    counts = {
        round_id: (took, done)
        for round_id, took, done in db.session.execute(
            db.select(
                Attempt.round_id,
                db.func.count(db.distinct(Attempt.participant_id)),
                db.func.count(db.distinct(finished)),
            )
            .join(Participant, Participant.id == Attempt.participant_id)
            .where(scope.condition())
            .group_by(Attempt.round_id)
        )
    }
    registered = _registered(scope)
    rounds = db.session.scalars(
        db.select(Round).where(Round.status != "draft").order_by(Round.opens_at.desc())
    )
    return [Turnout(r, registered, *counts.get(r.id, (0, 0))) for r in rounds]


def round_turnout(scope: Scope, round_id: int) -> tuple[Turnout, list[tuple[Participant, Attempt]]]:
    """One round's turnout in the scope and the scope's people with their latest attempt."""
    rnd = public_or_404(db.session.get(Round, round_id))
    latest = (
        db.select(db.func.max(Attempt.id))
        .join(Participant, Participant.id == Attempt.participant_id)
        .where(Attempt.round_id == rnd.id, scope.condition())
        .group_by(Attempt.participant_id)
    )
    pairs = db.session.execute(
        db.select(Participant, Attempt)
        .join(Attempt, Attempt.participant_id == Participant.id)
        .where(Attempt.id.in_(latest))
    ).all()
    pairs = sorted(((p, a) for p, a in pairs), key=lambda pa: name_key(pa[0].full_name))
    finished = sum(1 for _, a in pairs if a.submitted_at is not None)
    return Turnout(rnd, _registered(scope), len(pairs), finished), pairs


@dataclass(frozen=True)
class Entry:
    """One of the scope's people in a round: the latest attempt, and the counted entry in the
    ranking when the liaison may see anything of it (None otherwise, or when there is none)."""

    person: Participant
    attempt: Attempt
    ranked: RankRow | None

    def line(self) -> ScopeLine:
        """The entry as the liaison's page and files show it (the phone masked)."""
        person, attempt = self.person, self.attempt
        organisation = person.organisation.name if person.organisation else None
        return ScopeLine(
            person.full_name,
            mask_phone(person.phone),
            person.ward.name,
            organisation,
            attempt.started_at,
            attempt.submitted_at,
            self.ranked,
        )


@dataclass(frozen=True)
class RoundResults:
    turnout: Turnout
    entries: list[Entry]
    shows: Disclosure  # what the liaison may see of scores, ranks and times at this moment


def round_results(scope: Scope, round_id: int, now: datetime) -> RoundResults:
    """The scope's people in a round with what the disclosure rule lets a liaison see at
    `now`: no score, rank or time is read while all three are withheld."""
    turnout, pairs = round_turnout(scope, round_id)
    shows = of_round(turnout.round, Viewer.LIAISON, now)
    ranked: dict[int, RankRow] = {}
    if shows.scores or shows.ranks or shows.times:
        ours = db.select(Participant.id).where(scope.condition())
        ranked = {r.participant_id: r for r in rankings.ranking_of(turnout.round, ours)}
    entries = [Entry(p, a, ranked.get(p.id)) for p, a in pairs]
    return RoundResults(turnout, entries, shows)


def person(scope: Scope, person_id: int) -> Participant:
    """A participant of the scope; anyone else is "not found", exactly like a missing id."""
    found = db.session.scalar(
        db.select(Participant).where(Participant.id == person_id, scope.condition())
    )
    if found is None:
        raise NotFound("not_found", "Không tìm thấy người dự thi.")
    return found


def people(scope: Scope, q: str = "", page: int = 1) -> people_admin.SearchPage:
    """By name or a whole phone number only: never CCCD, never part of a number (issue 23)."""
    return people_admin.search(q, page=page, partial_numbers=False, **scope.search_filters())


def all_people(scope: Scope) -> list[Participant]:
    """Everyone of the scope in Vietnamese name order (for the export)."""
    found = db.session.scalars(
        db.select(Participant).where(scope.condition(), Participant.purged_at.is_(None))
    ).all()
    return sorted(found, key=lambda p: (name_key(p.full_name), p.id))


def rounds_taken(scope: Scope) -> dict[int, int]:
    """How many rounds each participant of the scope has finished an attempt in."""
    rows = db.session.execute(
        db.select(Attempt.participant_id, db.func.count(db.distinct(Attempt.round_id)))
        .join(Participant, Participant.id == Attempt.participant_id)
        .where(scope.condition(), Attempt.submitted_at.is_not(None))
        .group_by(Attempt.participant_id)
    )
    return {pid: n for pid, n in rows}


def register_person(
    staff: StaffUser, scope: Scope, data: Registration, phone_of_helper: bool, now: datetime
) -> Participant:
    """Assisted registration by a liaison, inside its scope only: a ward liaison registers
    residents of its ward, an organisation liaison its own staff. Recorded as assisted (who
    registered, audit entry), and whether the phone belongs to a helper."""
    if scope.kind == "ward" and data.ward_id != scope.id:
        raise ServiceError(
            "out_of_scope", "Chỉ đăng ký được người thuộc phường mình phụ trách.", field="ward_id"
        )
    if scope.kind == "organisation" and data.organisation_id != scope.id:
        raise ServiceError(
            "out_of_scope",
            "Chỉ đăng ký được người thuộc đơn vị mình phụ trách.",
            field="organisation_id",
        )
    participant = register(data, now=now, staff=staff)
    participant.phone_of_helper = phone_of_helper
    return participant


def record_export(
    staff: StaffUser, scope: Scope, fmt: str, rows: int, rnd: Round | None = None
) -> None:
    """A liaison's download: its people, or (with `rnd`) their part in one round."""
    audit.record(
        staff, "liaison.export", rnd, scope=scope.kind, scope_id=scope.id, format=fmt, rows=rows
    )
