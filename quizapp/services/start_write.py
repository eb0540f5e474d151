"""A start's statements: the round and the person's attempts of it read with the account's row
locked, the new attempt (INSERT ... ON CONFLICT DO NOTHING RETURNING id, no savepoint), and its
questions drawn against the round's kept pools and written in one statement with two
parameters, whatever their number. A new start loads no ORM object.

The ORM would flush one object per question; even its bulk INSERT sends four parameters a row,
which psycopg will not cache past 50 (it re-parses the statement on every start). Here the rows
travel as one JSON array, unpacked by the database (json_array_elements / json_each), and the
start's reply reads the rows it wrote, not ORM objects (nothing is returned: a new attempt has
no answers to match to its questions' ids).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache

from sqlalchemy import Executable, Label, Row, Select, bindparam, func, select, text

from ..domain import timing
from ..domain.drawing import DrawError, Drawn, draw_from
from ..extensions import db
from ..models import Attempt, Participant, Round
from .errors import Conflict
from .round_queries import round_pools

_UNPACK = {
    "postgresql": "SELECT :attempt_id, CAST(e ->> 0 AS INTEGER), CAST(e ->> 1 AS INTEGER), e -> 2"
    " FROM json_array_elements(CAST(:rows AS JSON)) AS e",
    "sqlite": "SELECT :attempt_id, json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
    " json_extract(value, '$[2]') FROM json_each(:rows)",
}
# What a start writes of a new attempt (`attempt_row` and the request's origin).
_ATTEMPT_COLUMNS = (
    "round_id",
    "participant_id",
    "number",
    "seed",
    "started_at",
    "deadline_at",
    "client_ip",
    "device_hash",
)


@dataclass(frozen=True)
class StartRound:
    """A round as a start reads it: the columns its rules ask, no ORM object (its JSON prize
    settings, quotas and the rest are read only when the round's pools are built)."""

    id: int
    status: str
    opens_at: datetime
    closes_at: datetime
    grace_seconds: int
    max_attempts: int | None
    time_limit_seconds: int
    question_count: int
    shuffle_questions: bool
    shuffle_choices: bool
    updated_at: datetime
    title: str
    prediction_kind: str | None


_ROUND_FIELDS = tuple(f.name for f in fields(StartRound))


def _attempts_of() -> tuple[Label, Label]:
    """The participant's highest attempt number in the round and their unfinished attempt."""
    attempts = Attempt.__table__.c
    mine = (
        attempts.participant_id == bindparam("participant"),
        attempts.round_id == bindparam("round"),
    )
    used = select(func.max(attempts.number)).where(*mine).scalar_subquery()
    unfinished = (
        select(attempts.id)
        .where(*mine, attempts.submitted_at.is_(None))
        .order_by(attempts.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    return used.label("used"), unfinished.label("unfinished")


@cache
def start_read() -> Select:
    """Built once, bound per call: the round, the account's session columns and the person's
    attempts of the round (the highest number, the unfinished one), the account's row locked.
    Of tables, not of the ORM's classes: the session runs it as Core, with no ORM step.

    On PostgreSQL the attempts are read in the statement's snapshot, taken before the lock was
    granted: a start of the same person that committed meanwhile is not seen here, but its
    attempt number is, by the INSERT's ON CONFLICT (`insert_attempt`), and the start resumes it.
    """
    rounds, people = Round.__table__, Participant.__table__
    return (
        select(
            *(rounds.c[name] for name in _ROUND_FIELDS),
            people.c.password_hash,
            people.c.session_version,
            *_attempts_of(),
        )
        .select_from(rounds)
        .join(people, people.c.id == bindparam("participant"))
        .where(rounds.c.id == bindparam("round"))
        .with_for_update(of=people)
    )


@cache
def _latest_statement() -> Select:
    return select(*_attempts_of())


def latest(participant_id: int, round_id: int) -> tuple[Attempt | None, int]:
    """The participant's unfinished attempt of the round (if any) and the highest number used:
    one read when there is none to resume, two when there is."""
    used, unfinished_id = db.session.execute(
        _latest_statement(), {"participant": participant_id, "round": round_id}
    ).one()
    if unfinished_id is None:
        return None, used or 0
    return db.session.get(Attempt, unfinished_id, populate_existing=True), used


def unfinished(participant_id: int, round_id: int) -> Attempt | None:
    return latest(participant_id, round_id)[0]


def start_round(row: Row) -> StartRound:
    return StartRound(*row[: len(_ROUND_FIELDS)])


def attempt_row(
    participant_id: int, rnd: Round | StartRound, number: int, now: datetime, seed: str
) -> dict:
    """A new attempt's columns (the ones a start sets; the rest start empty)."""
    return {
        "round_id": rnd.id,
        "participant_id": participant_id,
        "number": number,
        "seed": seed,
        "started_at": now,
        "deadline_at": timing.attempt_deadline(now, rnd.time_limit_seconds, rnd.closes_at),
    }


def new_attempt(participant_id: int, rnd: Round, number: int, now: datetime, seed: str) -> Attempt:
    return Attempt(**attempt_row(participant_id, rnd, number, now, seed))


@dataclass(frozen=True)
class NewAttempt:
    """An attempt as its start wrote it: what the start's reply reads (the ORM's `Attempt`
    loads when something asks for it by id)."""

    id: int
    number: int
    started_at: datetime
    deadline_at: datetime
    submitted_at: None = None


def insert_attempt(row: dict) -> NewAttempt | None:
    """The attempt written by one INSERT ... RETURNING id: no unit of work for one new object,
    no savepoint around it, no ORM object loaded from what it returned.

    None when the number is already taken (ON CONFLICT DO NOTHING): a start of the same person
    that got there first. Nothing failed, so the transaction goes on to resume that one.
    """
    written = db.session.execute(_attempt_statement(db.engine.dialect.name), row).scalar()
    if written is None:
        return None
    return NewAttempt(written, row["number"], row["started_at"], row["deadline_at"])


@cache
def _attempt_statement(dialect: str) -> Executable:
    """Built once per dialect, then only bound. Textual: a Core INSERT is compiled once too,
    but its cache key is computed again on every call, and the ORM's INSERT compiled (and
    checked) its statement every time."""
    table = Attempt.__table__
    sql = (
        f"INSERT INTO attempts ({', '.join(_ATTEMPT_COLUMNS)})"
        f" VALUES ({', '.join(':' + name for name in _ATTEMPT_COLUMNS)})"
        " ON CONFLICT DO NOTHING RETURNING id"
    )
    return text(sql).bindparams(
        *(bindparam(name, type_=table.c[name].type) for name in _ATTEMPT_COLUMNS)
    )


def draw_for(rnd: Round | StartRound, seed: str) -> list[Drawn]:
    """The attempt's questions, drawn against the round's pools kept between starts."""
    try:
        prepared = round_pools(rnd)
    except DrawError as exc:
        raise Conflict("bank_too_small", "Ngân hàng câu hỏi chưa đủ cho đợt thi này.") from exc
    return draw_from(prepared, random.Random(seed), rnd.shuffle_questions, rnd.shuffle_choices)


@dataclass(frozen=True)
class NewItem:
    """A drawn question as written: what the start's reply reads (the ORM's `AttemptQuestion`
    rows load later, when something asks `attempt.items`)."""

    position: int
    question_version_id: int
    choice_order: tuple[int, ...]


@cache
def _items_statement(dialect: str) -> Executable:
    return text(
        "INSERT INTO attempt_questions (attempt_id, position, question_version_id, choice_order) "
        + _UNPACK[dialect]
    )


def insert_items(attempt: NewAttempt, drawn: list[Drawn]) -> list[NewItem]:
    """Write the drawn questions of a written attempt, positions from 1, in one statement; the
    reply reads them from here: nothing is read back, nor returned (a new attempt has no
    answers to match to its questions' ids)."""
    items = [NewItem(i, d.version_id, d.choice_order) for i, d in enumerate(drawn, start=1)]
    rows = [[i.position, i.question_version_id, list(i.choice_order)] for i in items]
    db.session.execute(
        _items_statement(db.engine.dialect.name),
        {"attempt_id": attempt.id, "rows": json.dumps(rows)},
    )
    return items
