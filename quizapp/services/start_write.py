"""A start's statements: the round read with the account's row locked, the new attempt
(INSERT ... ON CONFLICT DO NOTHING RETURNING, no savepoint), and its questions drawn against the
round's kept pools and written in one statement with two parameters, whatever their number.

The ORM would flush one object per question; even its bulk INSERT sends four parameters a row,
which psycopg will not cache past 50 (it re-parses the statement on every start). Here the rows
travel as one JSON array, unpacked by the database (json_array_elements / json_each); RETURNING
gives their ids, and the start's reply reads the rows it wrote, not ORM objects.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Executable, Select, bindparam, func, select, text
from sqlalchemy.orm import load_only

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


@cache
def round_and_account() -> Select:
    """Built once, bound per call. The round with the columns a start reads (its JSON prize
    settings and the rest wait until something asks), and the account's row locked."""
    columns = (
        Round.status,
        Round.opens_at,
        Round.closes_at,
        Round.grace_seconds,
        Round.max_attempts,
        Round.time_limit_seconds,
        Round.question_count,
        Round.shuffle_questions,
        Round.shuffle_choices,
        Round.updated_at,
        Round.title,
        Round.prediction_kind,
    )
    return (
        select(Round, Participant.password_hash, Participant.session_version)
        .options(load_only(*columns))
        .join(Participant, Participant.id == bindparam("participant"))
        .where(Round.id == bindparam("round"))
        .with_for_update(of=Participant)
    )


@cache
def latest_statement() -> Select:
    """Built once (a start's hot path), bound per call."""
    mine = (
        Attempt.participant_id == bindparam("participant"),
        Attempt.round_id == bindparam("round"),
    )
    unfinished = (
        select(Attempt.id)
        .where(*mine, Attempt.submitted_at.is_(None))
        .order_by(Attempt.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    return select(func.max(Attempt.number), unfinished).where(*mine)


def attempt_row(participant_id: int, rnd: Round, number: int, now: datetime, seed: str) -> dict:
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


def insert_attempt(row: dict) -> Attempt | None:
    """The attempt written by one INSERT ... RETURNING and loaded from what it returned, as a
    query's row would be: no unit of work for one new object, no savepoint around it.

    None when the number is already taken (ON CONFLICT DO NOTHING): a start of the same person
    that got there first. Nothing failed, so the transaction goes on to resume that one.
    """
    return db.session.scalars(_attempt_statement(db.engine.dialect.name), row).one_or_none()


@cache
def _attempt_statement(dialect: str) -> Executable:
    """Built once per dialect, then only bound: the ORM's INSERT compiles (and checks) its
    statement on every call."""
    table = Attempt.__table__
    sql = (
        f"INSERT INTO attempts ({', '.join(_ATTEMPT_COLUMNS)})"
        f" VALUES ({', '.join(':' + name for name in _ATTEMPT_COLUMNS)})"
        f" ON CONFLICT DO NOTHING RETURNING {', '.join(c.name for c in table.c)}"
    )
    typed = [bindparam(name, type_=table.c[name].type) for name in _ATTEMPT_COLUMNS]
    return select(Attempt).from_statement(text(sql).bindparams(*typed).columns(*table.c))


def draw_for(rnd: Round, seed: str) -> list[Drawn]:
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

    id: int
    position: int
    question_version_id: int
    choice_order: tuple[int, ...]


@cache
def _items_statement(dialect: str) -> Executable:
    return text(
        "INSERT INTO attempt_questions (attempt_id, position, question_version_id, choice_order) "
        + _UNPACK[dialect]
        + " RETURNING position, id"
    )


def insert_items(attempt: Attempt, drawn: list[Drawn]) -> list[NewItem]:
    """Write the drawn questions of a written attempt, positions from 1, in one statement; the
    reply reads them from here, nothing is read back (RETURNING gives each row's id)."""
    rows = [[i, d.version_id, list(d.choice_order)] for i, d in enumerate(drawn, start=1)]
    written = db.session.execute(
        _items_statement(db.engine.dialect.name),
        {"attempt_id": attempt.id, "rows": json.dumps(rows)},
    )
    ids = dict(written.tuples().all())  # position -> id
    return [
        NewItem(ids[i], i, d.version_id, tuple(d.choice_order))
        for i, d in enumerate(drawn, start=1)
    ]
