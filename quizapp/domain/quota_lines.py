"""The console's multi-line inputs (quotas, prizes): parsed with every problem named by line.

An organiser types these on any keyboard: the difficulty is accepted with or without
diacritics («dễ», "de", "tb", "easy"), and every mistake is reported at once with its line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from .drawing import Quota
from .round_rules import PrizeTier

# the difficulty as written, without diacritics and case → its code; "*" is any
DIFFICULTY_WORDS: dict[str, str | None] = {
    "*": None,
    "de": "easy",
    "easy": "easy",
    "trung binh": "medium",
    "tb": "medium",
    "medium": "medium",
    "kho": "hard",
    "hard": "hard",
}
QUOTA_SHAPE = "CHỦ_ĐỀ:MỨC_ĐỘ:SỐ_CÂU"
T = TypeVar("T")


def plain(text: str) -> str:
    """Lower case without diacritics ("Trung Bình" → "trung binh", "đ" → "d"), spaces folded."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())


def difficulty_code(text: str) -> tuple[bool, str | None]:
    """(known, code): «khó», "kho", "hard" → (True, "hard"); "*" → (True, None)."""
    key = plain(text)
    return key in DIFFICULTY_WORDS, DIFFICULTY_WORDS.get(key)


@dataclass
class Parsed(Generic[T]):
    items: list[T] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _numbered(text: str | None) -> list[tuple[int, str]]:
    lines = (text or "").splitlines()
    return [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]


def _quota(line: str, topics: Collection[str]) -> Quota | str:
    parts = [p.strip() for p in line.split(":")]
    if len(parts) != 3:
        return f"«{line}» phải có dạng {QUOTA_SHAPE} (hai dấu hai chấm)."
    topic, difficulty, count = parts
    problems = []
    if topic != "*" and topic not in topics:
        problems.append(f"không có chủ đề mã «{topic}» (xem mã ở trang Ngân hàng câu hỏi)")
    known, code = difficulty_code(difficulty)
    if not known:
        problems.append(f"mức độ «{difficulty}» phải là dễ, trung bình, khó hoặc *")
    if not count.isdigit() or int(count) < 1:
        problems.append(f"số câu «{count}» phải là số nguyên từ 1 trở lên")
    if problems:
        joined = "; ".join(problems)
        return joined[0].upper() + joined[1:] + "."
    return Quota(int(count), None if topic == "*" else topic, code)


def parse_quotas(text: str | None, topics: Collection[str]) -> Parsed[Quota]:
    """Quota lines TOPIC:DIFFICULTY:COUNT against the bank's topic codes."""
    parsed: Parsed[Quota] = Parsed()
    for number, line in _numbered(text):
        outcome = _quota(line, topics)
        if isinstance(outcome, str):
            parsed.problems.append(f"Dòng {number}: {outcome}")
        else:
            parsed.items.append(outcome)
    return parsed


def parse_prizes(text: str | None) -> Parsed[PrizeTier]:
    """Prize lines NAME: COUNT."""
    parsed: Parsed[PrizeTier] = Parsed()
    for number, line in _numbered(text):
        name, _, count = line.rpartition(":")
        if not name.strip() or not count.strip().isdigit():
            parsed.problems.append(
                f"Dòng {number}: «{line}» phải có dạng TÊN GIẢI: SỐ LƯỢNG (số lượng là số nguyên)."
            )
        else:
            parsed.items.append(PrizeTier(name.strip(), int(count)))
    return parsed
