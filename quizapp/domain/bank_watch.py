"""The law watch: which questions a reported or verified change touches.

A change (documents.yaml `changes:`) touches a question when the amended document is in the
question's `basis` and its `source` cites one of the changed articles of that document (read by
domain.citations: an article with no document named is an article of the Law 06/2022/QH15).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from .bank_documents import (
    DOCUMENTS_FILE,
    ChangeSpec,
    DocumentRegister,
    DocumentSpec,
    format_date,
)
from .bank_types import Problem, QuestionSpec
from .bank_validity import ending_soon, span_of
from .citations import CitationQuery, document_key, touches

REVIEW_LABEL = "cần rà soát"
ENDING_DAYS = 90


def touched(
    change: ChangeSpec, amended: DocumentSpec | None, basis: Iterable[str], source: str
) -> bool:
    if amended is None or change.amends not in set(basis):
        return False
    key = document_key(amended.number)
    return any(touches(source, CitationQuery(article=a, document=key)) for a in change.articles)


def touched_questions(
    change: ChangeSpec,
    documents: Mapping[str, DocumentSpec],
    questions: Iterable[QuestionSpec],
) -> list[QuestionSpec]:
    amended = documents.get(change.amends)
    return [q for q in questions if touched(change, amended, q.basis, q.source)]


def describe_change(change: ChangeSpec, documents: Mapping[str, DocumentSpec]) -> str:
    """ "Luật … số 06/2026/QH16 (được đưa tin) sửa Điều 16, 23 của Luật … số 06/2022/QH15, từ
    01/10/2026" """
    by, of = documents.get(change.document), documents.get(change.amends)
    articles = ", ".join(str(a) for a in change.articles)
    confidence = "được đưa tin" if change.confidence == "reported" else "đã kiểm chứng"
    return (
        f"{by.label() if by else change.document} ({confidence}) sửa Điều {articles} của "
        f"{of.label() if of else change.amends}, từ {change.in_force_from.strftime('%d/%m/%Y')}"
    )


def register_warnings(
    questions: Sequence[QuestionSpec], register: DocumentRegister | None, today: date
) -> tuple[list[str], list[Problem]]:
    """What `flask bank check` says about the bank's legal footing: documents ending within
    90 days (and the questions resting on them), the questions each recorded change would put
    under review, questions whose basis has expired though they are not historical, and
    questions without a basis. Returns (summary lines, per-question warnings)."""
    if register is None:
        return [f"Chưa có danh mục văn bản ({DOCUMENTS_FILE}): không kiểm tra được hiệu lực."], []
    documents = register.documents
    lines: list[str] = []
    warnings: list[Problem] = []
    for doc in ending_soon(documents.values(), today, ENDING_DAYS):
        resting = [q for q in questions if doc.id in q.basis and not q.historical]
        until = format_date(doc.in_force_until)
        lines.append(
            f"CẢNH BÁO: {doc.label()} hết hiệu lực sau ngày {until} (trong vòng {ENDING_DAYS} "
            f"ngày): {len(resting)} câu dựa vào văn bản này không dùng được cho đợt thi kéo dài "
            "qua ngày đó."
        )
        warnings += [
            Problem(q.where, q.id, f"căn cứ {doc.label()} hết hiệu lực sau ngày {until}")
            for q in resting
        ]
    for change in register.changes:
        touched_ids = [q.id for q in touched_questions(change, documents, questions)]
        lines.append(
            f"Theo dõi luật: {describe_change(change, documents)} — {len(touched_ids)} câu sẽ "
            f"ở trạng thái «{REVIEW_LABEL}» khi nạp: {', '.join(touched_ids) or 'không có'}."
        )
    for q in questions:
        span = span_of(q.basis, q.historical, documents)
        if span.never:
            warnings.append(Problem(q.where, q.id, f"không dùng được: {span.never}"))
    missing = [q.id for q in questions if not q.basis]
    lines.append(f"Câu chưa ghi căn cứ (basis): {len(missing)}/{len(questions)}.")
    return lines, warnings
