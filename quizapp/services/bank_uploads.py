"""Bank uploads in the console: stage the file, show its report and diff, import on confirm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import bank_sources
from ..domain.bank import load_bank, validate
from ..domain.bank_cues import CueReport, cue_report
from ..domain.bank_types import BankReport
from ..extensions import db
from ..models import PendingUpload, StaffUser
from . import bank as bank_service
from . import bank_queries, bank_register, uploads
from .errors import ServiceError

ALLOWED = (".yaml", ".yml", ".zip", ".xlsx")
BANK_KINDS = ("yaml", "zip", "xlsx")


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
        from ..formats.bank_xlsx import records_from_xlsx

        records, errors = records_from_xlsx(upload.content)
        report = validate(records, bank_queries.topic_specs())
        report.errors = errors + report.errors
        bank_service.carry_footing(report)
        return report, [str(p) for p in report.errors], [str(p) for p in report.warnings]
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


def confirm(staff: StaffUser, upload_id: int, now: datetime) -> bank_service.ImportPlan:
    """Import a staged upload (validated again: the database may have changed meanwhile)."""
    upload = get_upload(staff, upload_id)
    checked = review(upload)
    if checked.plan is None:
        raise ServiceError("bank_invalid", "Tệp có lỗi, không thể nhập.")
    plan = bank_service.apply_import(
        checked.report,
        staff,
        now,
        retire_missing=not checked.partial,
        origin=f"tải lên: {upload.filename}",
    )
    db.session.delete(upload)
    return plan
