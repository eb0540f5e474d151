"""Bank uploads in the console: stage the file, show its report and diff, import on confirm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import bank_sources
from ..domain.bank import load_bank, validate
from ..domain.bank_cues import CueReport, cue_report
from ..domain.bank_origin import UPLOAD
from ..domain.bank_types import BankReport
from ..extensions import db
from ..models import PendingUpload, StaffUser
from . import bank as bank_service
from . import bank_queries, bank_register, bank_setup, uploads
from .errors import ServiceError

ALLOWED = (".yaml", ".yml", ".zip", ".xlsx")
BANK_KINDS = ("yaml", "zip", "xlsx")
# A review shows at most this many lines of each list ("200 đầu tiên, còn N lỗi").
SHOWN = 200


@dataclass
class Review:
    upload: PendingUpload
    report: BankReport
    problems: list[str]
    warnings: list[str]
    plan: bank_service.ImportPlan | None
    partial: bool
    cues: CueReport
    cue_warnings: list[str]


def _kind(filename: str) -> str:
    lower = filename.lower()
    if not lower.endswith(ALLOWED):
        raise ServiceError(
            "bad_file_type", "Chỉ nhận tệp .yaml, .zip (cả thư mục ngân hàng) hoặc .xlsx."
        )
    return "xlsx" if lower.endswith(".xlsx") else "zip" if lower.endswith(".zip") else "yaml"


def stage(staff: StaffUser, filename: str, content: bytes, now: datetime) -> PendingUpload:
    """Keep the uploaded file until the organiser confirms (or abandons) it."""
    if not content:
        raise ServiceError("empty_file", "Tệp tải lên rỗng.")
    return uploads.stage(staff, _kind(filename), filename, content, now)


def _report(upload: PendingUpload) -> tuple[BankReport, list[str], list[str]]:
    if upload.kind == "xlsx":
        from ..formats.bank_xlsx import records_from_xlsx, sheet_words

        records, errors = records_from_xlsx(upload.content)
        report = validate(records, bank_queries.topic_specs())
        report.errors = errors + report.errors
        bank_service.carry_footing(report)
        return (
            report,
            [sheet_words(str(p)) for p in report.errors],
            [sheet_words(str(p)) for p in report.warnings],
        )
    source = bank_sources.from_upload(upload.filename, upload.content)
    if upload.kind == "yaml" and "topics.yaml" not in source.files:
        source.files["topics.yaml"] = _topics_yaml()
        if (register := bank_register.register_yaml()) is not None:
            source.files.setdefault("documents.yaml", register)
    report = load_bank(source.files) if not source.errors else BankReport(errors=source.errors)
    return (
        report,
        [source.show(p) for p in report.errors],
        [source.show(p) for p in report.warnings],
    )


def _topics_yaml() -> bytes:
    """The topics already in the database, as a topics.yaml (a single file is checked on them)."""
    import yaml

    topics = [
        {"id": t.id, "name": t.name, **({"chapter": t.chapter} if t.chapter else {})}
        for t in bank_queries.topics()
    ]
    return yaml.safe_dump({"topics": topics}, allow_unicode=True).encode("utf-8")


def get_upload(staff: StaffUser, upload_id: int) -> PendingUpload:
    """One of this organiser's staged bank files."""
    return uploads.get_upload(staff, upload_id, BANK_KINDS)


def review(upload: PendingUpload) -> Review:
    """The validation report and, when valid, what the import would add, change and retire.

    A whole bank (zip) retires questions it no longer holds; a single YAML file or an XLSX
    sheet only adds and changes. The cues (domain.bank_cues) are measured on the valid
    questions of the file: warnings that never block the import.
    """
    report, problems, warnings = _report(upload)
    partial = upload.kind != "zip"
    plan = bank_service.plan_import(report, retire_missing=not partial) if report.ok else None
    cues = cue_report(report.questions)
    cue_warnings = [str(p) for p in cues.warnings]
    return Review(upload, report, problems, warnings, plan, partial, cues, cue_warnings)


@dataclass(frozen=True)
class Shown:
    """The first SHOWN lines of a list, and how many there are in all."""

    lines: list[str]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.lines)

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        return iter(self.lines)


def _shown(lines: list[str]) -> dict[str, object]:
    return {"lines": lines[:SHOWN], "total": len(lines)}


def summarise(checked: Review) -> dict[str, object]:
    """What the preview shows of a review, capped, as plain values the upload keeps."""
    plan = checked.plan
    return {
        "partial": checked.partial,
        "questions": len(checked.report.questions),
        "problems": _shown(checked.problems),
        "warnings": _shown(checked.warnings),
        "cue_summary": checked.cues.summary() if checked.report.questions else [],
        "cue_warnings": _shown(checked.cue_warnings),
        "near_copies": _shown(bank_queries.near_copies(checked.report.questions)),
        "plan": None
        if plan is None
        else {
            "added": [q.id for q in plan.added],
            "changed": [q.id for q in plan.changed],
            "unchanged": len(plan.unchanged),
            "retired": list(plan.retired),
            "has_changes": plan.has_changes,
        },
    }


@dataclass(frozen=True)
class StoredReview:
    """A review as the upload keeps it: computed once (outside any write transaction), then
    every preview is read from storage, never parsed again."""

    upload: PendingUpload
    partial: bool
    questions: int
    problems: Shown
    warnings: Shown
    cue_summary: list[str]
    cue_warnings: Shown
    near_copies: Shown  # incoming questions that nearly copy one already in the bank
    plan: dict[str, object] | None

    @classmethod
    def of(cls, upload: PendingUpload) -> StoredReview | None:
        kept = upload.review
        if kept is None:
            return None
        empty = {"lines": [], "total": 0}  # a review kept before near copies were listed
        lists = {
            k: Shown(**kept.get(k, empty))
            for k in ("problems", "warnings", "cue_warnings", "near_copies")
        }
        return cls(
            upload,
            kept["partial"],
            kept["questions"],
            cue_summary=kept["cue_summary"],
            plan=kept["plan"],
            **lists,
        )


def keep_review(staff: StaffUser, upload_id: int, summary: dict[str, object]) -> None:
    """Store the review of one of this organiser's uploads (a short write, no parsing)."""
    get_upload(staff, upload_id).review = summary
    db.session.flush()


def checked_for_import(staff: StaffUser, upload_id: int) -> Review | None:
    """The upload parsed and validated for its import (the CPU-heavy part, run before the
    import's write transaction); None when its kept review already found problems."""
    upload = get_upload(staff, upload_id)
    kept = StoredReview.of(upload)
    return None if kept is not None and kept.plan is None else review(upload)


def confirm(
    staff: StaffUser, upload_id: int, now: datetime, checked: Review | None = None
) -> bank_service.ImportPlan:
    """Import a staged upload, parsed beforehand by `checked_for_import` (else here).

    A file whose stored review found problems is refused before anything is parsed again;
    the import itself works out its changes against the database as it is now.
    """
    upload = get_upload(staff, upload_id)
    kept = StoredReview.of(upload)
    if kept is not None and kept.plan is None:
        raise ServiceError("bank_invalid", "Tệp có lỗi, không thể nhập.")
    checked = checked or review(upload)
    if checked.plan is None:
        raise ServiceError("bank_invalid", "Tệp có lỗi, không thể nhập.")
    plan = bank_service.apply_import(
        checked.report,
        staff,
        now,
        retire_missing=not checked.partial,
        origin=f"tải lên: {upload.filename}",
    )
    bank_setup.mark([s.id for s in plan.added + plan.changed] + plan.retired, UPLOAD)
    db.session.delete(upload)
    return plan
