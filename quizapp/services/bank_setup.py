"""`make setup`'s bank step: import what the repository changed, never undo the console's work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ..domain import bank_origin
from ..domain.bank_types import BankReport
from ..extensions import db
from ..models import Question, QuestionVersion, Topic
from . import audit, bank_register
from . import bank as bank_service


@dataclass
class SetupResult:
    decision: bank_origin.SetupDecision
    written: bool
    empty_before: bool


def _stored() -> dict[str, bank_origin.Stored]:
    rows = db.session.execute(
        db.select(
            Question.external_id,
            Question.origin,
            QuestionVersion.content_hash,
            Question.retired_at,
            Question.repository_hash,
        ).outerjoin(QuestionVersion, Question.current_version_id == QuestionVersion.id)
    ).all()
    return {
        eid: bank_origin.Stored(origin, current, retired is not None, repo_hash)
        for eid, origin, current, retired, repo_hash in rows
    }


def _topics_changed(report: BankReport) -> bool:
    stored = {t.id: (t.name, t.chapter) for t in db.session.scalars(db.select(Topic))}
    return any(stored.get(t.id) != (t.name, t.chapter) for t in report.topics)


def _register_changed(report: BankReport) -> bool:
    """The repository's documents register (and law watch) differs from the stored one."""
    return report.documents is not None and report.documents != bank_register.load()


def _questions(external_ids: Iterable[str]) -> list[Question]:
    ids = list(external_ids)
    if not ids:
        return []
    return list(db.session.scalars(db.select(Question).where(Question.external_id.in_(ids))))


def mark(external_ids: Iterable[str], origin: str) -> None:
    """The console decided these questions (an upload, a correction): setup will not undo it."""
    for question in _questions(external_ids):
        question.origin = origin


def record_repository(report: BankReport, retired: Iterable[str] = ()) -> None:
    """The repository's files were just imported whole: they own these questions now."""
    hashes = {spec.id: spec.content_hash() for spec in report.questions}
    for question in _questions([*hashes, *retired]):
        question.origin = bank_origin.REPOSITORY
        question.repository_hash = hashes.get(question.external_id, question.repository_hash)
    db.session.flush()


def setup(report: BankReport, now: datetime, source: str, force: bool = False) -> SetupResult:
    """Apply the repository bank by the rule of domain.bank_origin; flushes only.

    Nothing is written when a question was changed on both sides (unless `force`), nor when
    the repository holds nothing new.
    """
    stored = _stored()
    files = {spec.id: spec.content_hash() for spec in report.questions}
    decision = bank_origin.decide(files, stored, force=force)
    result = SetupResult(decision, written=False, empty_before=not stored)
    if decision.conflicts:
        return result
    wanted = set(decision.add + decision.update)
    if wanted or decision.retire or _topics_changed(report) or _register_changed(report):
        partial = BankReport(
            questions=[spec for spec in report.questions if spec.id in wanted],
            topics=report.topics,
            documents=report.documents,  # the register and its law watch are the repository's
        )
        bank_service.apply_import(partial, None, now, retire_missing=False, origin=source)
        for question in _questions(decision.retire):
            question.retired_at = now
        audit.record(
            None, "bank.setup", reason=source, retired=decision.retire, kept=len(decision.kept)
        )
        result.written = True
    # the repository's mark on what it holds and owns (or agrees with the console on)
    owned = [
        spec
        for spec in report.questions
        if spec.id in wanted
        or spec.id in decision.agreed
        or stored[spec.id].origin == bank_origin.REPOSITORY
    ]
    record_repository(BankReport(questions=owned), decision.retire)
    return result
