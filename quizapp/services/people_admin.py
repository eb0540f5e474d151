"""Organisers and participants: search, a person's record, importing people from a workbook."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from ..domain import people
from ..domain.bank_checks import fold
from ..domain.vnsort import name_key
from ..extensions import db
from ..formats.people_xlsx import (
    Known,
    NewPerson,
    check_rows,
    numbers,
    plain,
    problem,
    rows_from_xlsx,
)
from ..models import Attempt, Organisation, Participant, PendingUpload, Round, StaffUser, Ward
from . import audit, registry_queries, uploads
from .errors import Conflict, NotFound, ServiceError
from .participants import MIN_AGE, MIN_PASSWORD_LENGTH, Registration, register

PER_PAGE = 25
UPLOAD_KIND = "people_xlsx"
# Generated passwords avoid look-alikes (0/o, 1/l/i) and capitals: they are typed on phones.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GENERATED_PASSWORD_LENGTH = 10
_DIGITS_QUERY = re.compile(r"\+?[\d\s.\-()]+")
_LOOKUP_CHUNK = 500


# --- search ---------------------------------------------------------------------------------


@dataclass
class SearchPage:
    people: list[Participant]
    total: int
    page: int
    per_page: int

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def _number_condition(text: str, partial: bool = True) -> ColumnElement[bool] | None:
    """A phone (in any form), a CCCD, or part of either; None when the query is not a number.

    Not `partial` (a liaison's search): only a whole phone number, in any form, is a number;
    digits that are not one match nothing (no name holds digits), so no sequence of queries
    can read a phone or a CCCD one digit at a time.
    """
    try:
        return Participant.phone == people.normalise_phone(text)
    except people.InvalidValue:
        if not partial:
            return None
    digits = re.sub(r"\D", "", text)
    if not _DIGITS_QUERY.fullmatch(text) or len(digits) < 3:
        return None
    if len(digits) == 12:
        return Participant.cccd == digits
    if text.startswith("+84"):
        digits = "0" + digits[2:]
    pattern = f"%{digits}%"
    return db.or_(Participant.phone.like(pattern), Participant.cccd.like(pattern))


def _name_filter(query: str) -> Callable[[str], bool]:
    """Every word of the query is in the name; typed without diacritics, marks are ignored."""
    words, form = plain(query).split(), plain
    if plain(query) != fold(query):
        words, form = fold(query).split(), fold
    return lambda name: all(word in form(name) for word in words)


def search(
    q: str | None = None,
    ward_id: int | None = None,
    organisation_id: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    partial_numbers: bool = True,
) -> SearchPage:
    """Participants by name, phone or CCCD, in a ward or organisation, in Vietnamese name order.

    Without `partial_numbers` (a liaison), a number must be a whole phone and CCCD never matches.

    Names are matched and sorted in Python (Vietnamese collation is not the database's); only
    ids and names are loaded for that, then the page's people in full.
    """
    text = (q or "").strip()
    query = db.select(Participant.id, Participant.full_name)
    number = _number_condition(text, partial_numbers) if text else None
    if number is not None:
        query = query.where(number)
    if ward_id:
        query = query.where(Participant.ward_id == ward_id)
    if organisation_id:
        query = query.where(Participant.organisation_id == organisation_id)
    rows = list(db.session.execute(query).all())
    if text and number is None:
        matches = _name_filter(text)
        rows = [r for r in rows if matches(r.full_name)]
    rows.sort(key=lambda r: (name_key(r.full_name), r.id))
    ids = [r.id for r in rows[(page - 1) * per_page : page * per_page]]
    found = db.session.scalars(
        db.select(Participant)
        .where(Participant.id.in_(ids))
        .options(selectinload(Participant.ward), selectinload(Participant.organisation))
    ).all()
    by_id = {p.id: p for p in found}
    return SearchPage([by_id[i] for i in ids], len(rows), page, per_page)


def get_person(person_id: int) -> Participant:
    person = db.session.get(Participant, person_id)
    if person is None:
        raise NotFound("not_found", "Không tìm thấy người dự thi.")
    return person


def attempts_of(person_id: int) -> list[Attempt]:
    """A person's attempts with their rounds, oldest round first."""
    return list(
        db.session.scalars(
            db.select(Attempt)
            .join(Round, Attempt.round_id == Round.id)
            .where(Attempt.participant_id == person_id)
            .options(selectinload(Attempt.round))
            .order_by(Round.opens_at, Attempt.round_id, Attempt.number)
        )
    )


# --- import from a workbook: stage → review → confirm ----------------------------------------


@dataclass
class ImportReview:
    upload: PendingUpload
    problems: list[str] = field(default_factory=list)
    people: list[NewPerson] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.people)


@dataclass(frozen=True)
class Created:
    """A created participant as plain values (the page is rendered after the commit)."""

    id: int
    full_name: str
    phone: str
    password: str


def stage(staff: StaffUser, filename: str, content: bytes, now: datetime) -> PendingUpload:
    """Keep the uploaded workbook until the organiser confirms or discards it."""
    if not filename.lower().endswith(".xlsx"):
        raise ServiceError("bad_file_type", "Chỉ nhận tệp Excel .xlsx theo mẫu.", field="file")
    if not content:
        raise ServiceError("empty_file", "Tệp tải lên rỗng.", field="file")
    return uploads.stage(staff, UPLOAD_KIND, filename, content, now)


def get_upload(staff: StaffUser, upload_id: int) -> PendingUpload:
    """One of this organiser's staged workbooks (another organiser's is not found)."""
    return uploads.get_upload(staff, upload_id, (UPLOAD_KIND,))


def _taken(column: InstrumentedAttribute[Any], values: Iterable[str]) -> set[str]:
    wanted = sorted(set(values))
    taken: set[str] = set()
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        taken.update(db.session.scalars(db.select(column).where(column.in_(chunk))))
    return taken


def registry_codes() -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(code, name) of the wards and (code, name, ward code) of the organisations, by name."""
    wards = [(w.code, w.name) for w in registry_queries.wards()]
    organisations = [(o.code, o.name, o.ward.code) for o in registry_queries.organisations()]
    return wards, organisations


def _known(phones: set[str], cccds: set[str]) -> Known:
    organisations = db.session.execute(
        db.select(Organisation.code, Organisation.id, Organisation.name, Ward.code).join(
            Ward, Organisation.ward_id == Ward.id
        )
    ).all()
    return Known(
        wards={w.code: (w.id, w.name) for w in db.session.scalars(db.select(Ward))},
        organisations={code: (id_, name, ward) for code, id_, name, ward in organisations},
        phones=frozenset(_taken(Participant.phone, phones)),
        cccds=frozenset(_taken(Participant.cccd, cccds)),
    )


def review(upload: PendingUpload, now: datetime) -> ImportReview:
    """Every problem of every row («Người dự thi!<row>: …»), or the people the import creates."""
    rows, problems = rows_from_xlsx(upload.content)
    if problems:
        return ImportReview(upload, problems)
    known = _known(*numbers(rows))
    found, problems = check_rows(rows, known, now.year, MIN_AGE, MIN_PASSWORD_LENGTH)
    return ImportReview(upload, problems, found)


def generate_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(GENERATED_PASSWORD_LENGTH))


def _create(staff: StaffUser, person: NewPerson, now: datetime) -> Created:
    password = person.password or generate_password()
    data = Registration(
        full_name=person.full_name,
        phone=person.phone,
        password=password,
        birth_year=person.birth_year,
        ward_id=person.ward_id,
        group=person.group,
        organisation_id=person.organisation_id,
        cccd=person.cccd,
        consent=True,
    )
    try:
        participant = register(data, now, staff=staff)
    except ServiceError as exc:
        message = f"{problem(person.row, exc.message)} Chưa nhập ai; hãy kiểm tra lại tệp."
        raise Conflict("import_conflict", message) from exc
    return Created(participant.id, participant.full_name, participant.phone, password)


def confirm(staff: StaffUser, upload_id: int, now: datetime) -> list[Created]:
    """Create everyone in the file, or no one: the file is checked again first, and a phone or
    CCCD registered meanwhile fails the whole import (the caller rolls back).

    Initial passwords are returned once, for the confirmation page, and stored only hashed.
    """
    upload = get_upload(staff, upload_id)
    checked = review(upload, now)
    if not checked.ok:
        raise ServiceError("people_invalid", "Tệp có lỗi, chưa nhập ai. Hãy xem danh sách lỗi.")
    created = [_create(staff, person, now) for person in checked.people]
    audit.record(
        staff,
        "participant.import",
        upload,
        filename=upload.filename,
        sha256=upload.sha256,
        count=len(created),
        participant_ids=[c.id for c in created],
    )
    db.session.delete(upload)
    return created


def discard(staff: StaffUser, upload_id: int) -> None:
    """Drop a staged workbook without importing it (it may hold initial passwords)."""
    upload = get_upload(staff, upload_id)
    audit.record(
        staff,
        "participant.import_discarded",
        upload,
        filename=upload.filename,
        sha256=upload.sha256,
    )
    db.session.delete(upload)
