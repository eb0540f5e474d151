"""The documents register in the database: stored on import, read back for validity checks,
for single-file uploads (checked against the register already imported) and for the console."""

from __future__ import annotations

from datetime import date

from ..domain.bank_documents import ChangeSpec, DocumentRegister, DocumentSpec, format_date
from ..extensions import cache, db
from ..models import LawChange, LegalDocument


def _document_fields(spec: DocumentSpec) -> dict[str, object]:
    return {
        "number": spec.number,
        "title": spec.title,
        "issuer": spec.issuer,
        "signed": spec.signed,
        "in_force_from": spec.in_force_from,
        "in_force_until": spec.in_force_until,
        "replaces": list(spec.replaces),
        "amended_by": list(spec.amended_by),
        "status": spec.status,
        "text_read": spec.text_read or None,
        "checked": spec.checked,
        "note": spec.note or None,
    }


def _change_fields(spec: ChangeSpec) -> dict[str, object]:
    return {
        "articles": list(spec.articles),
        "in_force_from": spec.in_force_from,
        "confidence": spec.confidence,
        "source": spec.source,
        "note": spec.note or None,
    }


def store(register: DocumentRegister) -> list[LawChange]:
    """Upsert every document and change of the register (rows are never deleted: questions
    and review marks point at them); returns the change rows, flushed."""
    for spec in register.documents.values():
        row = db.session.get(LegalDocument, spec.id)
        if row is None:
            db.session.add(LegalDocument(id=spec.id, **_document_fields(spec)))
        else:
            for key, value in _document_fields(spec).items():
                setattr(row, key, value)
    db.session.flush()
    rows = []
    for change in register.changes:
        row = db.session.scalar(
            db.select(LawChange).where(
                LawChange.document_id == change.document, LawChange.amends_id == change.amends
            )
        )
        if row is None:
            row = LawChange(document_id=change.document, amends_id=change.amends)
            db.session.add(row)
        for key, value in _change_fields(change).items():
            setattr(row, key, value)
        rows.append(row)
    db.session.flush()
    cache.delete(_CURRENT_KEY)
    return rows


def spec_of(row: LegalDocument) -> DocumentSpec:
    return DocumentSpec(
        id=row.id,
        number=row.number,
        title=row.title,
        issuer=row.issuer,
        status=row.status,
        checked=row.checked,
        signed=row.signed,
        in_force_from=row.in_force_from,
        in_force_until=row.in_force_until,
        replaces=tuple(row.replaces or ()),
        amended_by=tuple(row.amended_by or ()),
        text_read=row.text_read or "",
        note=row.note or "",
        where=f"csdl:{row.id}",
    )


def change_spec_of(row: LawChange) -> ChangeSpec:
    return ChangeSpec(
        document=row.document_id,
        amends=row.amends_id,
        articles=tuple(row.articles or ()),
        in_force_from=row.in_force_from,
        confidence=row.confidence,
        source=row.source,
        note=row.note or "",
        where=f"csdl:thay-doi-{row.id}",
    )


def load() -> DocumentRegister:
    """The register as imported last (empty when no bank with documents.yaml was imported)."""
    documents = db.session.scalars(db.select(LegalDocument).order_by(LegalDocument.id))
    changes = db.session.scalars(db.select(LawChange).order_by(LawChange.id))
    return DocumentRegister(
        documents={row.id: spec_of(row) for row in documents},
        changes=[change_spec_of(row) for row in changes],
    )


def register_yaml() -> bytes | None:
    """The imported register as a documents.yaml (a single uploaded file is checked on it)."""
    import yaml

    register = load()
    if not register.documents:
        return None
    documents = [
        {
            "id": d.id,
            "number": d.number,
            "title": d.title,
            "issuer": d.issuer,
            "status": d.status,
            "checked": format_date(d.checked),
        }
        for d in register.documents.values()
    ]
    return yaml.safe_dump({"documents": documents}, allow_unicode=True).encode("utf-8")


_CURRENT_KEY = "bank:current-to"


def current_to() -> date | None:
    """The latest `checked` date of the register (the date the bank is current to, as the
    rules say), cached for a minute: every round page and attempt start reads it."""
    cached = cache.get(_CURRENT_KEY)
    if cached is None:
        latest = db.session.scalar(db.select(db.func.max(LegalDocument.checked)))
        cached = latest.isoformat() if latest else ""
        cache.set(_CURRENT_KEY, cached, timeout=60)
    return date.fromisoformat(cached) if cached else None
