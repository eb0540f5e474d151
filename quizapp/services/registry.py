"""Load the ward/organisation registry: an idempotent upsert by code."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from ..domain.registry import Registry
from ..extensions import db
from ..models import Organisation, Ward


@dataclass
class LoadSummary:
    counts: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        c = self.counts
        return [
            f"Phường: {c['ward_added']} thêm mới, {c['ward_changed']} cập nhật, "
            f"{c['ward_unchanged']} không đổi.",
            f"Cơ quan, đơn vị: {c['org_added']} thêm mới, {c['org_changed']} cập nhật, "
            f"{c['org_unchanged']} không đổi.",
        ]


def _upsert(model: type, code: str, values: dict[str, object], now: datetime) -> str:
    row = db.session.scalar(db.select(model).where(model.code == code))
    if row is None:
        db.session.add(model(code=code, created_at=now, updated_at=now, **values))
        return "added"
    if all(getattr(row, key) == value for key, value in values.items()):
        return "unchanged"
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = now
    return "changed"


def load_registry(registry: Registry, now: datetime) -> LoadSummary:
    """Insert or update every ward and organisation of a validated registry (flush only).

    Rows missing from the file are kept: participants may point at them.
    """
    summary = LoadSummary()
    for ward in registry.wards:
        outcome = _upsert(Ward, ward.code, {"name": ward.name}, now)
        summary.counts[f"ward_{outcome}"] += 1
    db.session.flush()
    ward_ids = dict(db.session.execute(db.select(Ward.code, Ward.id)).tuples().all())
    for org in registry.organisations:
        values = {
            "name": org.name,
            "kind": org.kind,
            "ward_id": ward_ids[org.ward_code],
            "cluster": org.cluster,
            "headcount": org.headcount,
            "is_sample": org.sample,
        }
        outcome = _upsert(Organisation, org.code, values, now)
        summary.counts[f"org_{outcome}"] += 1
    db.session.flush()
    return summary
