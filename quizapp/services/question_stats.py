"""Per-question statistics of a round: sums by SQL GROUP BY, formulas in domain.item_analysis.

The population is every finished attempt of the round, leaving out excluded entries (they are
out of the ranking too, and copied answers would distort the statistics). Each attempt counts
once per question it drew, so a participant with two attempts contributes two observations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Subquery, case, func
from sqlalchemy.orm import joinedload

from ..domain import item_analysis as ia
from ..extensions import db
from ..models import Answer, Attempt, AttemptQuestion, Exclusion, QuestionVersion, Round
from .errors import NotFound


@dataclass(frozen=True)
class QuestionRow:
    """One question version drawn in the round, with its analysis."""

    version: QuestionVersion
    analysis: ia.ItemAnalysis

    @property
    def flagged(self) -> bool:
        return bool(self.analysis.flags)


def _population(rnd: Round) -> Subquery:
    """Finished, non-excluded attempts with their upper/lower group (best first by score)."""
    excluded = db.select(Exclusion.participant_id).where(Exclusion.round_id == rnd.id)
    ranked = (
        db.select(
            Attempt.id.label("attempt_id"),
            Attempt.score,
            func.row_number().over(order_by=[Attempt.score.desc(), Attempt.id]).label("position"),
            func.count().over().label("total"),
        )
        .where(
            Attempt.round_id == rnd.id,
            Attempt.submitted_at.is_not(None),
            Attempt.excluded_at.is_(None),
            Attempt.participant_id.not_in(excluded),
        )
        .subquery("ranked")
    )
    # The same rounding as ia.tail_size, in integer arithmetic on both databases.
    k = (ranked.c.total * ia.TAIL_PERCENT + 50) // 100
    group = case((ranked.c.position <= k, 1), (ranked.c.position > ranked.c.total - k, -1), else_=0)
    return db.select(ranked.c.attempt_id, ranked.c.score, group.label("grp")).subquery("pop")


def _count_if(condition: ColumnElement[bool], value: Any = 1) -> ColumnElement[Any]:
    return func.sum(case((condition, value), else_=0))


def _sums(rnd: Round, version_id: int | None = None) -> dict[int, ia.ItemSums]:
    """Σ per version: n, correct, unanswered, Σy, Σxy, Σy² and the upper/lower counts."""
    pop = _population(rnd)
    x = case((Answer.is_correct.is_(True), 1), else_=0)
    y = pop.c.score - x
    query = (
        db.select(
            AttemptQuestion.question_version_id,
            func.count(),
            func.sum(x),
            _count_if(Answer.chosen_index.is_(None)),
            func.sum(y),
            func.sum(x * y),
            func.sum(y * y),
            _count_if(pop.c.grp == 1),
            _count_if(pop.c.grp == 1, x),
            _count_if(pop.c.grp == -1),
            _count_if(pop.c.grp == -1, x),
        )
        .select_from(pop)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == pop.c.attempt_id)
        .outerjoin(Answer, Answer.attempt_question_id == AttemptQuestion.id)
        .group_by(AttemptQuestion.question_version_id)
    )
    if version_id is not None:
        query = query.where(AttemptQuestion.question_version_id == version_id)
    return {
        row[0]: ia.ItemSums(*(int(v or 0) for v in row[1:])) for row in db.session.execute(query)
    }


def _choice_counts(rnd: Round, version_id: int | None = None) -> dict[int, dict[int, int]]:
    """How often each ORIGINAL choice index was picked, per version."""
    pop = _population(rnd)
    query = (
        db.select(AttemptQuestion.question_version_id, Answer.chosen_index, func.count())
        .select_from(pop)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == pop.c.attempt_id)
        .join(Answer, Answer.attempt_question_id == AttemptQuestion.id)
        .where(Answer.chosen_index.is_not(None))
        .group_by(AttemptQuestion.question_version_id, Answer.chosen_index)
    )
    if version_id is not None:
        query = query.where(AttemptQuestion.question_version_id == version_id)
    counts: dict[int, dict[int, int]] = {}
    for vid, index, n in db.session.execute(query):
        counts.setdefault(vid, {})[index] = int(n)
    return counts


def _row(version: QuestionVersion, sums: ia.ItemSums, counts: dict[int, int]) -> QuestionRow:
    by_index = [counts.get(i, 0) for i in range(len(version.choices))]
    return QuestionRow(version, ia.analyse(sums, version.correct_index, by_index))


def round_stats(rnd: Round) -> list[QuestionRow]:
    """Every version answered in the round's finished attempts; flagged questions first."""
    sums, counts = _sums(rnd), _choice_counts(rnd)
    versions = db.session.scalars(
        db.select(QuestionVersion)
        .where(QuestionVersion.id.in_(sums))
        .options(joinedload(QuestionVersion.question))
    ).all()
    rows = [_row(v, sums[v.id], counts.get(v.id, {})) for v in versions]
    return sorted(
        rows, key=lambda r: (not r.flagged, r.version.question.external_id, r.version.number)
    )


def drawn_version(rnd: Round, version_id: int) -> QuestionVersion:
    """A version drawn by at least one attempt of the round (finished or not)."""
    drawn = (
        db.select(AttemptQuestion.id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(AttemptQuestion.question_version_id == version_id, Attempt.round_id == rnd.id)
        .exists()
    )
    version = db.session.scalar(
        db.select(QuestionVersion).where(QuestionVersion.id == version_id, drawn)
    )
    if version is None:
        raise NotFound("question_not_in_round", "Câu hỏi này không có trong đợt thi.")
    return version


def version_stats(rnd: Round, version_id: int) -> QuestionRow:
    """One version's statistics in the round (zeros while no finished attempt has it)."""
    version = drawn_version(rnd, version_id)
    sums = _sums(rnd, version_id).get(version_id, ia.ItemSums())
    return _row(version, sums, _choice_counts(rnd, version_id).get(version_id, {}))
