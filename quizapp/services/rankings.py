"""Rankings computed by the database (window functions), derived from domain.ranking's policy."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, func, insert, literal, or_, true

from ..domain import ranking
from ..domain.results import RankRow, microseconds
from ..extensions import db
from ..models import Attempt, Exclusion, Participant, Round, RoundEntry


def policy_of(rnd: Round) -> tuple[str, ...]:
    return ranking.effective_policy(rnd.ranking_policy, bool(rnd.prediction_kind))


def _excluded(rnd: Round, as_of: datetime | None) -> Select[Any]:
    excluded = db.select(Exclusion.participant_id).where(Exclusion.round_id == rnd.id)
    if as_of is not None:
        excluded = excluded.where(Exclusion.excluded_at <= as_of)
    return excluded


def _prediction_error(rnd: Round, prediction: Any) -> ColumnElement[Any]:
    """|prediction − actual|; MISSING (ranks last) when either is unknown."""
    if rnd.prediction_actual is None:
        return literal(ranking.MISSING)
    return func.coalesce(func.abs(prediction - rnd.prediction_actual), ranking.MISSING)


def _finished(rnd: Round, with_excluded: bool = False) -> Subquery:
    """Finished attempts with every value a ranking key reads."""
    return (
        db.select(
            Attempt.id.label("attempt_id"),
            Attempt.participant_id,
            Attempt.score,
            Attempt.time_used_ms,
            Attempt.prediction,
            _prediction_error(rnd, Attempt.prediction).label("prediction_error"),
            Attempt.submitted_at,
            func.count().over(partition_by=Attempt.participant_id).label("attempts_used"),
        )
        .where(
            Attempt.round_id == rnd.id,
            Attempt.submitted_at.is_not(None),
            true() if with_excluded else Attempt.participant_id.not_in(_excluded(rnd, None)),
        )
        .subquery("finished")
    )


# The one mapping from a policy key (domain/ranking.py) to the column every ranking query,
# entry table and reference reads it from.
KEY_COLUMNS = {
    "score": "score",
    "time": "time_used_ms",
    "prediction": "prediction_error",
    "attempts": "attempts_used",
    "submitted": "submitted_at",
}


def _columns(source: Subquery) -> dict[str, Any]:
    return {key: source.c[name] for key, name in KEY_COLUMNS.items()}


def _order(
    source: Subquery, policy: tuple[str, ...], reverse: bool = False
) -> list[ColumnElement[Any]]:
    """ORDER BY of the policy, best first (worst first with `reverse`)."""
    columns = _columns(source)
    return [
        columns[k].asc() if ranking.KEYS[k][1] != reverse else columns[k].desc() for k in policy
    ]


def _best_from_attempts(rnd: Round) -> Subquery:
    """Each participant's best attempt, chosen by the database from every finished attempt."""
    finished = _finished(rnd, with_excluded=True)
    per_attempt = tuple(k for k in policy_of(rnd) if k != "attempts")
    numbered = db.select(
        finished,
        func.row_number()
        .over(
            partition_by=finished.c.participant_id,
            order_by=[*_order(finished, per_attempt), finished.c.attempt_id],
        )
        .label("rn"),
    ).subquery("numbered")
    return db.select(numbered).where(numbered.c.rn == 1).subquery("best_attempts")


def _best_from_table(rnd: Round, as_of: datetime | None) -> Subquery:
    """The entries of the round: the live ones, or the copy taken at the freeze (`as_of`)."""
    return (
        db.select(
            RoundEntry.attempt_id,
            RoundEntry.participant_id,
            RoundEntry.score,
            RoundEntry.time_used_ms,
            RoundEntry.prediction,
            _prediction_error(rnd, RoundEntry.prediction).label("prediction_error"),
            RoundEntry.submitted_at,
            RoundEntry.attempts_used,
        )
        .where(
            RoundEntry.round_id == rnd.id,
            RoundEntry.frozen.is_(as_of is not None),
            RoundEntry.participant_id.not_in(_excluded(rnd, as_of)),
        )
        .subquery("entries")
    )


def ranking_size(rnd: Round) -> int:
    """How many rows the round's live ranking has: its entries, counted without ranking them
    (the round page asks on every view)."""
    return db.session.scalar(db.select(func.count()).select_from(_best_from_table(rnd, None)))


def best_entries(rnd: Round, as_of: datetime | None = None) -> Subquery:
    """One row per participant: their best attempt under the round's policy, with its rank.

    With `as_of` (the moment the public board was frozen) the frozen copy is read, and
    exclusions made later are ignored: nothing newer than the freeze can show.
    """
    source = _best_from_table(rnd, as_of)
    return db.select(
        source, func.rank().over(order_by=_order(source, policy_of(rnd))).label("rank")
    ).subquery("best")


_ENTRY_COLUMNS = (
    "attempt_id",
    "participant_id",
    "score",
    "time_used_ms",
    "prediction",
    "submitted_at",
    "attempts_used",
)


def rebuild_entries(rnd: Round) -> None:
    """Recompute the live entries exactly from the attempts (at close, after a regrade...)."""
    db.session.execute(
        db.delete(RoundEntry).where(RoundEntry.round_id == rnd.id, RoundEntry.frozen.is_(False))
    )
    best = _best_from_attempts(rnd)
    db.session.execute(
        insert(RoundEntry).from_select(
            ["round_id", *_ENTRY_COLUMNS],
            db.select(literal(rnd.id), *(best.c[name] for name in _ENTRY_COLUMNS)),
        )
    )


def freeze_entries(rnd: Round) -> None:
    """Copy the live entries as the frozen public view (replacing an older copy)."""
    drop_frozen_entries(rnd)
    live = [getattr(RoundEntry, name) for name in _ENTRY_COLUMNS]
    db.session.execute(
        insert(RoundEntry).from_select(
            ["round_id", "frozen", *_ENTRY_COLUMNS],
            db.select(RoundEntry.round_id, literal(True), *live).where(
                RoundEntry.round_id == rnd.id, RoundEntry.frozen.is_(False)
            ),
        )
    )


def drop_frozen_entries(rnd: Round) -> None:
    db.session.execute(
        db.delete(RoundEntry).where(RoundEntry.round_id == rnd.id, RoundEntry.frozen.is_(True))
    )


def _live_key(rnd: Round, score: int, time_ms: int, submitted: datetime) -> tuple[Any, ...]:
    """Per-attempt order while the round runs (the prediction's truth is known only at close)."""
    values = {"score": -score, "time": time_ms, "submitted": submitted}
    return tuple(values[k] for k in policy_of(rnd) if k in values)


def record_finished(attempt: Attempt) -> None:
    """Count a just-finished attempt in its participant's entry, keeping the better attempt."""
    rnd = attempt.round
    entry = db.session.scalar(
        db.select(RoundEntry)
        .where(
            RoundEntry.round_id == rnd.id,
            RoundEntry.frozen.is_(False),
            RoundEntry.participant_id == attempt.participant_id,
        )
        .with_for_update()
    )
    new_key = _live_key(rnd, attempt.score or 0, attempt.time_used_ms or 0, attempt.submitted_at)
    if entry is None:
        db.session.add(
            RoundEntry(
                round_id=rnd.id,
                participant_id=attempt.participant_id,
                attempt_id=attempt.id,
                score=attempt.score or 0,
                time_used_ms=attempt.time_used_ms or 0,
                prediction=attempt.prediction,
                submitted_at=attempt.submitted_at,
                attempts_used=1,
            )
        )
        return
    entry.attempts_used += 1
    if new_key < _live_key(rnd, entry.score, entry.time_used_ms, entry.submitted_at):
        entry.attempt_id, entry.score = attempt.id, attempt.score or 0
        entry.time_used_ms, entry.prediction = attempt.time_used_ms or 0, attempt.prediction
        entry.submitted_at = attempt.submitted_at


def _positions(rnd: Round, as_of: datetime | None = None) -> Subquery:
    """Entries with their rank and their 1-based position (rank order, then participant id)."""
    best = best_entries(rnd, as_of)
    order = [*_order(best, policy_of(rnd)), best.c.participant_id]
    return db.select(best, func.row_number().over(order_by=order).label("position")).subquery(
        "positioned"
    )


def _with_people(
    ranked: Subquery, *where: Any, limit: int | None = None, offset: int = 0
) -> Select[Any]:
    """The page of ranked rows wanted, then the names for that page only."""
    page = db.select(ranked).where(*where).order_by(ranked.c.position).offset(offset)
    if limit is not None:
        page = page.limit(limit)
    rows = page.subquery("page")
    return (
        db.select(
            rows.c.position,
            rows.c.rank,
            rows.c.participant_id,
            rows.c.attempt_id,
            rows.c.score,
            rows.c.time_used_ms,
            rows.c.prediction_error,
            rows.c.attempts_used,
            rows.c.submitted_at,
            Participant.full_name,
            Participant.phone,
            Participant.ward_id,
            Participant.organisation_id,
            Participant.is_organiser_staff,
        )
        .join(Participant, Participant.id == rows.c.participant_id)
        .order_by(rows.c.position)
    )


def _row(values: Any) -> RankRow:
    row = RankRow(*values)
    if row.prediction_error == ranking.MISSING:
        row = replace(row, prediction_error=None)
    return row


def round_ranking(
    rnd: Round, limit: int | None = None, offset: int = 0, as_of: datetime | None = None
) -> list[RankRow]:
    """The round's ranking, best first (a page of it when `limit` is given)."""
    query = _with_people(_positions(rnd, as_of), limit=limit, offset=offset)
    if limit is None:
        # The whole ranking is streamed in batches: 100,000 rows buffered and then copied into
        # RankRows held both at once were about 30 MB more at the peak of a large export. A
        # page (the board's top 20) is read at once: no server-side cursor for it.
        query = query.execution_options(yield_per=5000)
    return [_row(r) for r in db.session.execute(query)]


def ranking_of(rnd: Round, participants: Select[Any]) -> list[RankRow]:
    """The rows of `participants` (a select of their ids) in the round's ranking, each with
    its rank among everyone, best first."""
    ranked = _positions(rnd)
    query = _with_people(ranked, ranked.c.participant_id.in_(participants))
    return [_row(r) for r in db.session.execute(query)]


def _better(source: Subquery, policy: tuple[str, ...], values: Any) -> ColumnElement[bool]:
    """Rows strictly ahead of `values` under the policy (lexicographic over the keys)."""
    columns = _columns(source)
    value = {key: values[name] for key, name in KEY_COLUMNS.items()}
    clauses = []
    for index, key in enumerate(policy):
        ahead = (columns[key] < value[key]) if ranking.KEYS[key][1] else (columns[key] > value[key])
        clauses.append(and_(*(columns[k] == value[k] for k in policy[:index]), ahead))
    return or_(*clauses)


def _ranked_row(rnd: Round, source: Subquery, values: Any) -> RankRow:
    policy = policy_of(rnd)
    ahead = db.session.scalar(
        db.select(func.count()).select_from(source).where(_better(source, policy, values))
    )
    person = db.session.get(Participant, values["participant_id"])
    return _row(
        (
            ahead + 1,
            ahead + 1,
            values["participant_id"],
            values["attempt_id"],
            values["score"],
            values["time_used_ms"],
            values["prediction_error"],
            values["attempts_used"],
            values["submitted_at"],
            person.full_name,
            person.phone,
            person.ward_id,
            person.organisation_id,
            person.is_organiser_staff,
        )
    )


def participant_rank(
    rnd: Round, participant_id: int, as_of: datetime | None = None
) -> tuple[RankRow | None, RankRow | None]:
    """The participant's own row and the nearest row ranked strictly ahead (to explain why).

    Ranks are counted (1 + rows strictly ahead), so one person's rank never sorts the round.
    """
    source = _best_from_table(rnd, as_of)
    mine = (
        db.session.execute(db.select(source).where(source.c.participant_id == participant_id))
        .mappings()
        .first()
    )
    if mine is None:
        return None, None
    policy = policy_of(rnd)
    backwards = _order(source, policy, reverse=True)
    above = (
        db.session.execute(
            db.select(source)
            .where(_better(source, policy, mine))
            .order_by(*backwards, source.c.participant_id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    return (
        _ranked_row(rnd, source, mine),
        _ranked_row(rnd, source, above) if above is not None else None,
    )


def reference_entries(rnd: Round) -> list[ranking.Entry]:
    """Every finished, non-excluded attempt as a plain Entry (for the Python reference)."""
    finished = _finished(rnd)
    return [
        ranking.Entry(
            r.participant_id,
            r.attempt_id,
            r.score,
            r.time_used_ms,
            None if r.prediction_error == ranking.MISSING else r.prediction_error,
            r.attempts_used,
            microseconds(r.submitted_at),
        )
        for r in db.session.execute(db.select(finished))
    ]
