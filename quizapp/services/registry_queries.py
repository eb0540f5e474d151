"""Reads of the registry: wards and organisations for forms and public pages."""

from __future__ import annotations

from ..domain.vnsort import word_key
from ..extensions import db
from ..models import Organisation, Ward


def _name_key(name: str) -> tuple[object, ...]:
    return tuple(word_key(w) for w in name.split())


def wards() -> list[Ward]:
    """Wards in Vietnamese alphabetical order of their names."""
    return sorted(db.session.scalars(db.select(Ward)), key=lambda w: _name_key(w.name))


def organisations() -> list[Organisation]:
    return sorted(db.session.scalars(db.select(Organisation)), key=lambda o: _name_key(o.name))


def ward_by_code(code: str | None) -> Ward | None:
    if not code:
        return None
    return db.session.scalar(db.select(Ward).where(Ward.code == code))


def organisation_by_code(code: str | None) -> Organisation | None:
    if not code:
        return None
    return db.session.scalar(db.select(Organisation).where(Organisation.code == code))
