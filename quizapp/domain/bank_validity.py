"""A question's validity in time, derived from its basis documents.

Rule (question_bank/README.md): every basis document whose status is `in_force` (or `reported`:
its dates are known) must be in force on every day of the round window; an `expired` document
makes the question invalid unless the question is `historical` (it asks about history, so the
document's end does not matter). A question without a basis has no known limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from .bank_documents import DocumentSpec, format_date
from .formatting import local_time


@dataclass(frozen=True)
class Span:
    """The days a question is valid: from `first` to `last` (None: unbounded), or never."""

    first: date | None = None
    last: date | None = None
    never: str = ""  # why the question is never valid (an expired basis, an unknown id)
    first_by: str = ""  # the document that sets `first`, for messages
    last_by: str = ""  # the document that sets `last`

    def covers(self, first_day: date, last_day: date) -> bool:
        if self.never:
            return False
        return (self.first is None or self.first <= first_day) and (
            self.last is None or self.last >= last_day
        )

    def problem(self, first_day: date, last_day: date) -> str | None:
        """Why the question cannot be used on every day from first_day to last_day."""
        if self.never:
            return self.never
        if self.first is not None and self.first > first_day:
            return f"{self.first_by} chỉ có hiệu lực từ {format_date(self.first)}"
        if self.last is not None and self.last < last_day:
            return f"{self.last_by} hết hiệu lực sau ngày {format_date(self.last)}"
        return None


def span_of(basis: Iterable[str], historical: bool, documents: Mapping[str, DocumentSpec]) -> Span:
    """The span of days on which every basis document holds the question up."""
    first: date | None = None
    last: date | None = None
    first_by = last_by = ""
    for doc_id in basis:
        doc = documents.get(doc_id)
        if doc is None:
            return Span(never=f"văn bản «{doc_id}» không có trong danh mục")
        if historical:
            continue
        if doc.status == "expired":
            return Span(never=f"{doc.label()} đã hết hiệu lực (câu không ghi là câu lịch sử)")
        if doc.in_force_from is not None and (first is None or doc.in_force_from > first):
            first, first_by = doc.in_force_from, doc.label()
        if doc.in_force_until is not None and (last is None or doc.in_force_until < last):
            last, last_by = doc.in_force_until, doc.label()
    if first is not None and last is not None and last < first:
        return Span(never=f"{last_by} hết hiệu lực trước khi {first_by} có hiệu lực")
    return Span(first, last, first_by=first_by, last_by=last_by)


def window_days(opens_at: datetime, closes_at: datetime) -> tuple[date, date]:
    """The first and last calendar day (Vietnam time) of a round window."""
    return local_time(opens_at).date(), local_time(closes_at).date()


def ending_soon(
    documents: Iterable[DocumentSpec], today: date, days: int = 90
) -> list[DocumentSpec]:
    """Documents in force whose last day falls within `days` days of `today` (or has passed
    while they are still listed as in force)."""
    return sorted(
        (
            d
            for d in documents
            if d.status != "expired"
            and d.in_force_until is not None
            and (d.in_force_until - today).days <= days
        ),
        key=lambda d: (d.in_force_until or today, d.id),
    )
