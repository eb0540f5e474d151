"""The audit log: every organiser action, with who, what and why."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import AuditLog, StaffUser


def record(
    actor: StaffUser | None,
    action: str,
    target: Any = None,
    reason: str = "",
    **details: Any,
) -> AuditLog:
    """Add an audit entry for `action` on `target` (a model instance or None)."""
    entry = AuditLog(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__ if target is not None else None,
        target_id=str(target.id) if target is not None else None,
        reason=reason,
        details=details,
    )
    db.session.add(entry)
    return entry
