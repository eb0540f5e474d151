"""A new attempt: its questions drawn against the round's kept pools, and written in one
statement with two parameters, whatever their number.

The ORM would flush one object per question; even its bulk INSERT sends four parameters a row,
which psycopg will not cache past 50 (it re-parses the statement on every start). Here the rows
travel as one JSON array, unpacked by the database (json_array_elements / json_each), and come
back through RETURNING as the attempt's `items`, loaded as a query's rows would be.
"""

from __future__ import annotations

import json
import random
from datetime import datetime

from sqlalchemy import Executable, select, text
from sqlalchemy.orm.attributes import set_committed_value

from ..domain import timing
from ..domain.drawing import DrawError, Drawn, draw_from
from ..extensions import db
from ..models import Attempt, AttemptQuestion, Round
from .errors import Conflict
from .round_queries import round_pools

_UNPACK = {
    "postgresql": "SELECT :attempt_id, CAST(e ->> 0 AS INTEGER), CAST(e ->> 1 AS INTEGER), e -> 2"
    " FROM json_array_elements(CAST(:rows AS JSON)) AS e",
    "sqlite": "SELECT :attempt_id, json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
    " json_extract(value, '$[2]') FROM json_each(:rows)",
}
_statements: dict[str, Executable] = {}


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


def insert_attempt(row: dict) -> Attempt:
    """The attempt written by one INSERT ... RETURNING and loaded from what it returned, as a
    query's row would be: no unit of work for one new object."""
    return db.session.scalars(db.insert(Attempt).values(**row).returning(Attempt)).one()


def draw_for(rnd: Round, seed: str) -> list[Drawn]:
    """The attempt's questions, drawn against the round's pools kept between starts."""
    try:
        prepared = round_pools(rnd)
    except DrawError as exc:
        raise Conflict("bank_too_small", "Ngân hàng câu hỏi chưa đủ cho đợt thi này.") from exc
    return draw_from(prepared, random.Random(seed), rnd.shuffle_questions, rnd.shuffle_choices)


def _statement(dialect: str) -> Executable:
    if dialect not in _statements:
        sql = (
            "INSERT INTO attempt_questions"
            " (attempt_id, position, question_version_id, choice_order) "
            + _UNPACK[dialect]
            + " RETURNING id, attempt_id, position, question_version_id, choice_order"
        )
        q = AttemptQuestion
        columns = (q.id, q.attempt_id, q.position, q.question_version_id, q.choice_order)
        _statements[dialect] = select(q).from_statement(text(sql).columns(*columns))
    return _statements[dialect]


def insert_items(attempt: Attempt, drawn: list[Drawn]) -> None:
    """Write the drawn questions of a flushed attempt, positions from 1, and hold them in
    `attempt.items` as the database returned them (loaded by the ORM as a query's rows would
    be): the reply reads nothing back."""
    rows = [[i, d.version_id, list(d.choice_order)] for i, d in enumerate(drawn, start=1)]
    written = db.session.scalars(
        _statement(db.engine.dialect.name), {"attempt_id": attempt.id, "rows": json.dumps(rows)}
    )
    items = sorted(written, key=lambda item: item.position)
    set_committed_value(attempt, "items", items)
