"""The answer save in one statement: ownership, state, deadline and grace checked in the write.

The hottest request of a round. One INSERT ... SELECT ... ON CONFLICT DO UPDATE ... RETURNING
writes the answer only if the attempt is the participant's, unfinished, its round open, and
`now` within the effective deadline (the earlier of the attempt's deadline and the round's
close) plus the round's grace: the rules of `domain.timing.accepts_answers` and
`attempts._check_accepting`, written in SQL. On PostgreSQL the attempt row is held FOR SHARE, so
a submit or the round's close (both lock it FOR UPDATE) runs wholly before or after the save: a
save lands before grading or is refused. On SQLite every write transaction begins IMMEDIATE
(quizapp/database.py), which serialises them. When no row comes back, the caller runs the
checks one by one to say why (attempts.save_answer).

A cookie session's check rides on the same statement (`SessionClaim`): the attempt's participant
must still be at the session's version (a sign-out everywhere moves it), and the statement
returns the account's password hash, whose stamp the caller compares with the session's. The
save then needs no read of the account before it, and Flask-Login's `load_user` is not run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Integer, TextualSelect, bindparam, text

from ..extensions import db
from ..models.people import credential_stamp
from ..models.types import UTCDateTime

# Per dialect: microseconds since the epoch of a naive-UTC timestamp (exact: no float), the
# original index behind choice k of a drawn question, the number of its choices, the lock.
_DIALECT = {
    "postgresql": {
        "epoch_us": "CAST(EXTRACT(EPOCH FROM {0}) * 1000000 AS BIGINT)",
        "least": "LEAST({0}, {1})",
        "pick": "CAST(q.choice_order ->> CAST(:choice AS INTEGER) AS INTEGER)",
        "length": "json_array_length(q.choice_order)",
        "lock": "FOR SHARE OF a",
    },
    "sqlite": {
        "epoch_us": "(CAST(strftime('%s', {0}) AS INTEGER) * 1000000"
        " + CAST(substr({0}, 21, 6) AS INTEGER))",
        "least": "min({0}, {1})",
        "pick": "json_extract(q.choice_order, '$[' || CAST(:choice AS INTEGER) || ']')",
        "length": "json_array_length(q.choice_order)",
        "lock": "",
    },
}

_SQL = """
INSERT INTO answers (attempt_id, attempt_question_id, chosen_index, flagged, saved_at)
SELECT a.id, q.id, CASE WHEN CAST(:choice AS INTEGER) IS NULL THEN NULL ELSE {pick} END,
       COALESCE(CAST(:flagged AS BOOLEAN), FALSE), :now
FROM attempts a
JOIN rounds r ON r.id = a.round_id
JOIN attempt_questions q ON q.attempt_id = a.id AND q.position = :position
{signed_join}
WHERE a.id = :attempt_id AND a.participant_id = :participant_id
  AND a.submitted_at IS NULL AND r.status = 'open'
  AND {window_end} >= :now_us
  AND (CAST(:choice AS INTEGER) IS NULL
       OR (CAST(:choice AS INTEGER) >= 0 AND CAST(:choice AS INTEGER) < {length}))
{lock}
ON CONFLICT (attempt_id, attempt_question_id) DO UPDATE SET
  chosen_index = CASE
    WHEN CAST(:choice AS INTEGER) IS NULL AND CAST(:flagged AS BOOLEAN) IS NOT NULL
    THEN answers.chosen_index ELSE excluded.chosen_index END,
  flagged = CASE WHEN CAST(:flagged AS BOOLEAN) IS NULL
    THEN answers.flagged ELSE excluded.flagged END,
  saved_at = excluded.saved_at
RETURNING answers.chosen_index AS chosen,
  (SELECT count(*) FROM answers o WHERE o.attempt_id = answers.attempt_id
     AND o.attempt_question_id <> answers.attempt_question_id
     AND o.chosen_index IS NOT NULL) AS others,
  (SELECT count(*) FROM attempt_questions n WHERE n.attempt_id = answers.attempt_id) AS questions,
  (SELECT {effective} FROM attempts d JOIN rounds dr ON dr.id = d.round_id
     WHERE d.id = answers.attempt_id) AS deadline_at{signed_returning}
"""
# The session's check, for a save by cookie session: its version in the write, its stamp after.
_SIGNED_JOIN = "JOIN participants p ON p.id = a.participant_id AND p.session_version = :version"
_SIGNED_RETURNING = """,
  (SELECT s.password_hash FROM participants s WHERE s.id = :participant_id) AS password_hash"""

_EPOCH = datetime(1970, 1, 1)
_statements: dict[tuple[str, bool], TextualSelect] = {}


@dataclass(frozen=True)
class SessionClaim:
    """Who a cookie session says it is, not yet checked: the account, its password's stamp and
    the session version it signed in at (models.people: `Participant.get_id`)."""

    participant_id: int
    stamp: str
    version: int


def _statement(dialect: str, signed: bool) -> TextualSelect:
    if (dialect, signed) not in _statements:
        parts = _DIALECT[dialect]
        end = parts["least"].format("a.deadline_at", "r.closes_at")
        window_end = parts["epoch_us"].format(end) + " + r.grace_seconds * 1000000"
        effective = parts["least"].format("d.deadline_at", "dr.closes_at")
        sql = _SQL.format(
            window_end=window_end,
            effective=effective,
            signed_join=_SIGNED_JOIN if signed else "",
            signed_returning=_SIGNED_RETURNING if signed else "",
            **parts,
        )
        columns = {"chosen": Integer, "others": Integer, "questions": Integer}
        _statements[dialect, signed] = (
            text(sql)
            .bindparams(bindparam("now", type_=UTCDateTime()))
            .columns(deadline_at=UTCDateTime(), **columns)
        )
    return _statements[dialect, signed]


@dataclass(frozen=True)
class Written:
    deadline_at: datetime  # the effective deadline: the attempt's, or the round's close
    answered: int  # questions with a choice, this save included
    questions: int
    password_hash: str | None = None  # the account's, for a save by session (SessionClaim)


def write_answer(
    participant_id: int,
    attempt_id: int,
    position: int,
    choice: int | None,
    now: datetime,
    flagged: bool | None,
    session_version: int | None = None,
) -> Written | None:
    """Save if every rule allows it, in one round trip; None if any refuses (or none applies).

    With `session_version`, the participant must also still be at that version, and the account's
    password hash comes back in `Written.password_hash` for the caller to check its stamp.
    """
    if choice is not None and not 0 <= choice < 2**31:
        return None
    now_us = (now.astimezone(UTC).replace(tzinfo=None) - _EPOCH) // timedelta(microseconds=1)
    signed = session_version is not None
    row = db.session.execute(
        _statement(db.engine.dialect.name, signed),
        {
            "participant_id": participant_id,
            "attempt_id": attempt_id,
            "position": position,
            "choice": choice,
            "flagged": flagged,
            "now": now,
            "now_us": now_us,
            **({"version": session_version} if signed else {}),
        },
    ).first()
    if row is None:
        return None
    answered = row.others + (row.chosen is not None)
    hashed = row.password_hash if signed else None
    return Written(row.deadline_at, answered, row.questions, hashed)


def write_signed(
    claim: SessionClaim,
    attempt_id: int,
    position: int,
    choice: int | None,
    now: datetime,
    flagged: bool | None,
) -> Written | None:
    """The save of a cookie session, the session checked in the same statement (no account read
    before it). None when anything refuses, the session included, with nothing written: the
    caller then loads the account as Flask-Login does and takes `attempts.save_answer`, which
    answers 401 for an ended session and says why for any other refusal."""
    written = write_answer(
        claim.participant_id, attempt_id, position, choice, now, flagged, claim.version
    )
    if written is None:
        return None
    if written.password_hash is None or credential_stamp(written.password_hash) != claim.stamp:
        db.session.rollback()  # the password changed since the session began: undo the write
        return None
    return written
