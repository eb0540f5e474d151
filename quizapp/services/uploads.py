"""Staged uploads: a file kept in the database until its organiser confirms or discards it."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import datetime

from ..extensions import db
from ..models import PendingUpload, StaffUser
from .errors import NotFound


def stage(
    staff: StaffUser, kind: str, filename: str, content: bytes, now: datetime
) -> PendingUpload:
    """Keep a checked file for its organiser; the caller checks its name and content first."""
    upload = PendingUpload(
        staff_id=staff.id,
        kind=kind,
        filename=filename[-255:],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=now,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def get_upload(staff: StaffUser, upload_id: int, kinds: Collection[str]) -> PendingUpload:
    """One of this organiser's staged files of one of `kinds` (another organiser's, or another
    kind of file, is not found)."""
    upload = db.session.get(PendingUpload, upload_id)
    if upload is None or upload.staff_id != staff.id or upload.kind not in kinds:
        raise NotFound("upload_not_found", "Không tìm thấy tệp đã tải lên (có thể đã được xử lý).")
    return upload
