"""Import the question bank: a diff against the database, then versioned, all-or-nothing writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..domain.bank_types import BankReport, QuestionSpec, TopicSpec
from ..extensions import db
from ..models import Question, QuestionVersion, StaffUser, Topic
from . import audit, bank_register, bank_review
from .errors import ServiceError
from .question_versions import add_version


@dataclass
class ImportPlan:
    """What an import would do (or did): the diff between the files and the database."""

    added: list[QuestionSpec] = field(default_factory=list)
    changed: list[QuestionSpec] = field(default_factory=list)
    unchanged: list[QuestionSpec] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    new_topics: list[TopicSpec] = field(default_factory=list)
    # Questions this import put under review (the law watch), once applied.
    under_review: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.retired or self.new_topics)

    def summary(self) -> str:
        review = f", {len(self.under_review)} câu cần rà soát" if self.under_review else ""
        return (
            f"{len(self.added)} thêm mới, {len(self.changed)} thay đổi, "
            f"{len(self.unchanged)} không đổi, {len(self.retired)} ngừng sử dụng{review}"
        )


def _current_questions() -> dict[str, tuple[Question, QuestionVersion | None]]:
    rows = db.session.execute(
        db.select(Question, QuestionVersion).outerjoin(
            QuestionVersion, Question.current_version_id == QuestionVersion.id
        )
    ).all()
    return {question.external_id: (question, version) for question, version in rows}


def carry_footing(report: BankReport) -> None:
    """A sheet (XLSX) has no columns for basis / historical / checked: each question keeps
    those of its current version, so a round trip through Excel does not erase them."""
    existing = _current_questions()
    carried = []
    for spec in report.questions:
        _, version = existing.get(spec.id, (None, None))
        if version is not None and not (spec.basis or spec.historical or spec.checked_on):
            spec = replace(
                spec,
                basis=tuple(version.basis or ()),
                historical=version.historical,
                checked_on=version.checked_on,
                checked_url=version.checked_url or "",
            )
        carried.append(spec)
    report.questions = carried


def plan_import(report: BankReport, retire_missing: bool = True) -> ImportPlan:
    """The diff a valid bank would make; `retire_missing` is False for partial (XLSX) imports."""
    if not report.ok:
        raise ServiceError("bank_invalid", "Ngân hàng câu hỏi có lỗi, không thể nhập.")
    existing = _current_questions()
    known_topics = set(db.session.scalars(db.select(Topic.id)))
    plan = ImportPlan(new_topics=[t for t in report.topics if t.id not in known_topics])
    for spec in report.questions:
        question, version = existing.get(spec.id, (None, None))
        if question is None:
            plan.added.append(spec)
        elif (
            version is None
            or version.content_hash != spec.content_hash()
            or question.retired_at is not None
        ):
            plan.changed.append(spec)
        else:
            plan.unchanged.append(spec)
    if retire_missing:
        incoming = {spec.id for spec in report.questions}
        plan.retired = sorted(
            external_id
            for external_id, (question, _) in existing.items()
            if external_id not in incoming and question.retired_at is None
        )
    return plan


def _upsert_topics(topics: Iterable[TopicSpec]) -> None:
    for spec in topics:
        topic = db.session.get(Topic, spec.id)
        if topic is None:
            db.session.add(Topic(id=spec.id, name=spec.name, chapter=spec.chapter))
        elif (topic.name, topic.chapter) != (spec.name, spec.chapter):
            topic.name, topic.chapter = spec.name, spec.chapter


def _new_version(question: Question, spec: QuestionSpec, now: datetime) -> None:
    question.current_version = add_version(question, spec, now)
    question.retired_at = None


def apply_import(
    report: BankReport,
    actor: StaffUser | None,
    now: datetime,
    retire_missing: bool = True,
    origin: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Write a valid bank: new questions, a new version per changed question, retirements.

    Past versions are never modified, so attempts keep exactly what they showed. Flushes only;
    the caller commits once, so an import is all or nothing.
    """
    plan = plan_import(report, retire_missing)
    _upsert_topics(report.topics)
    if report.documents is not None:
        bank_register.store(report.documents)
    db.session.flush()
    existing = _current_questions()
    for spec in plan.added + plan.changed:
        question, version = existing.get(spec.id, (None, None))
        if question is None:
            question = Question(external_id=spec.id, created_at=now)
            db.session.add(question)
        if version is None or version.content_hash != spec.content_hash():
            _new_version(question, spec, now)
            bank_review.settle_by_new_version(question, actor, now, origin)
        else:
            question.retired_at = None
        if progress:
            progress(1)
    for external_id in plan.retired:
        existing[external_id][0].retired_at = now
    db.session.flush()
    audit.record(
        actor,
        "bank.import",
        reason=origin,
        added=len(plan.added),
        changed=len(plan.changed),
        unchanged=len(plan.unchanged),
        retired=plan.retired,
    )
    plan.under_review = bank_review.flag_touched(actor, now, reason=origin)
    return plan
