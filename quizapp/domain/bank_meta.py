"""A question's optional keys about its legal footing: `basis` (ids of the documents register),
`historical` and `checked` (when and where the key was re-checked), validated against the
register with the location of each problem."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from quizapp.domain.bank_documents import DOCUMENTS_FILE, DocumentRegister, date_problem, parse_date
from quizapp.domain.bank_types import CHECKED_KEYS, Problem, RawQuestion

# A text the bank ships itself (a restored copy of a document with no public address),
# named by its path inside the bank folder; the loader checks that the file is there.
SHIPPED_SOURCE = re.compile(r"sources/[A-Za-z0-9][A-Za-z0-9._-]*")


def is_shipped_source(url: str) -> bool:
    """A check record that points at a copy of the text shipped with the bank."""
    return SHIPPED_SOURCE.fullmatch(url) is not None


@dataclass(frozen=True)
class Meta:
    basis: tuple[str, ...] = ()
    historical: bool = False
    checked_on: date | None = None
    checked_url: str = ""


class _Meta:
    def __init__(self, record: RawQuestion) -> None:
        self.record = record
        self.problems: list[Problem] = []

    def add(self, key: str, message: str) -> None:
        """At the field's line; a missing sub-key ("checked.url") at its parent's line."""
        where = self.record.where.get(key) or self.record.at(key.split(".")[0].split("[")[0])
        self.problems.append(Problem(where, self.record.qid, message))


def _basis(m: _Meta, register: DocumentRegister | None) -> tuple[str, ...]:
    value = m.record.fields.get("basis")
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        m.add("basis", "«basis» phải là danh sách mã văn bản, ví dụ [luat-06-2022]")
        return ()
    ids: list[str] = []
    for i, item in enumerate(value):
        key = f"basis[{i}]" if f"basis[{i}]" in m.record.where else "basis"
        if not isinstance(item, str) or not item.strip():
            m.add(key, "«basis»: mã văn bản trống")
            continue
        doc_id = unicodedata.normalize("NFC", item).strip()
        if register is None:
            m.add(key, f"«basis»: chưa có danh mục văn bản ({DOCUMENTS_FILE}) để tra mã «{doc_id}»")
        elif doc_id not in register.documents:
            m.add(key, f"«basis»: mã văn bản «{doc_id}» không có trong {DOCUMENTS_FILE}")
        elif doc_id in ids:
            m.add(key, f"«basis»: mã văn bản «{doc_id}» ghi hai lần")
        else:
            ids.append(doc_id)
    return tuple(ids)


def _historical(m: _Meta) -> bool:
    value = m.record.fields.get("historical", False)
    if not isinstance(value, bool):
        m.add("historical", f"«historical» phải là true hoặc false, không phải «{value}»")
        return False
    return value


def _checked(m: _Meta) -> tuple[date | None, str]:
    value = m.record.fields.get("checked")
    if value is None:
        return None, ""
    if not isinstance(value, dict):
        m.add("checked", "«checked» phải có hai khóa «on» (ngày dd/mm/yyyy) và «url»")
        return None, ""
    for key in value:
        if key not in CHECKED_KEYS:
            m.add(f"checked.{key}", f"«checked»: khóa không hợp lệ «{key}» (cho phép: on, url)")
    on, url = value.get("on"), value.get("url")
    checked_on = None
    if not isinstance(on, str) or not on.strip():
        m.add("checked.on", "«checked.on» (ngày kiểm tra, dd/mm/yyyy) không được để trống")
    elif problem := date_problem(on):
        m.add("checked.on", f"«checked.on»: {problem}")
    else:
        checked_on = parse_date(on)
    if not isinstance(url, str) or not (
        url.strip().startswith(("https://", "http://")) or is_shipped_source(url.strip())
    ):
        m.add(
            "checked.url",
            "«checked.url» phải là địa chỉ http(s) của văn bản đã đọc,"
            " hoặc một tệp trong thư mục sources/ của ngân hàng",
        )
        url = ""
    return checked_on, url.strip() if isinstance(url, str) else ""


def check_meta(
    record: RawQuestion, register: DocumentRegister | None
) -> tuple[Meta, list[Problem]]:
    """The question's basis, historical flag and check record, or the problems with them."""
    m = _Meta(record)
    basis = _basis(m, register)
    historical = _historical(m)
    checked_on, checked_url = _checked(m)
    return Meta(basis, historical, checked_on, checked_url), m.problems
