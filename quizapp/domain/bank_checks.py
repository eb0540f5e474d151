"""Content checks for the question bank: choices that refer to other choices, near-duplicates."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

NEAR_DUPLICATE_RATIO = 0.9
# Cheap prefilter: texts sharing fewer than half their words are not compared with difflib.
_PREFILTER_JACCARD = 0.5

# Nouns that name an option of the question itself.
_OPTION = r"(?:đáp án|phương án|câu trả lời|lựa chọn)"
_OPTION_WIDE = r"(?:đáp án|phương án|câu trả lời|lựa chọn|ý|câu|trường hợp)"
_NUMBER = r"(?:hai|ba|bốn|năm|sáu|2|3|4|5|6)"
# Without a noun after it, "cả năm" is "the whole year", so the bare form stops at four.
_FEW = r"(?:hai|ba|bốn|2|3|4|5|6)"
_LETTER = r"(?:(?:đáp án|phương án|câu trả lời|lựa chọn|ý|câu)\s+)?\(?[a-f]\)?"
_VERDICT = r"(?:\s+(?:đều\s+|là\s+)?(?:đúng|sai|phù hợp|chính xác))?"
_ABOVE = r"(?:\s+(?:nêu|kể|ở))?\s+trên(?:\s+đây)?"
_END = r"\s*[.!;]?$"
_LETTER_LIST = (
    rf"^(?:cả\s+)?(?:các\s+)?{_LETTER}"
    rf"(?:\s*(?:,|và|hoặc|\+|&|/)\s*{_LETTER})+{_VERDICT}{_END}"
)

_PATTERNS = tuple(
    re.compile(p)
    for p in (
        # "Tất cả các đáp án", "Cả ba phương án", "cả hai lựa chọn" anywhere.
        rf"(?:^|\s)(?:tất cả\s+(?:các\s+|những\s+)?|cả\s+{_NUMBER}\s+){_OPTION}(?=\s|$|[.,;:!)])",
        # "... các ý trên", "các đáp án nêu trên đều đúng", "cả ba trường hợp kể trên".
        rf"(?:^|\s){_OPTION_WIDE}{_ABOVE}(?=\s*(?:đều\b|$|[.,;:!)]))",
        # "đáp án A", "phương án b)" anywhere.
        rf"(?:^|\s){_OPTION}\s+[a-f]\b",
        # "đáp án đầu tiên", "phương án cuối cùng", "lựa chọn thứ hai".
        rf"(?:^|\s){_OPTION}\s+(?:đầu tiên|cuối cùng|thứ\s+(?:nhất|hai|ba|tư|năm|\d))\b",
        # The whole choice is a list of letters: "A và B", "Cả A, B và C đều đúng", "Đáp án A + C".
        _LETTER_LIST,
        # The whole choice is "Cả hai", "Cả ba đều đúng", "Cả 2 ý trên".
        rf"^cả\s+{_FEW}(?:\s+{_OPTION_WIDE})?(?:{_ABOVE})?{_VERDICT}{_END}",
        # The whole choice is "Tất cả", "Tất cả đều sai", "Tất cả các ý trên".
        rf"^tất cả(?:\s+(?:các|những))?(?:\s+{_OPTION_WIDE})?(?:{_ABOVE})?{_VERDICT}{_END}",
        rf"^(?:đều|cả hai đều)\s+(?:đúng|sai){_END}",
        # "Không có đáp án nào đúng", "Không phương án nào", "Không có câu trả lời đúng".
        rf"^không\s+(?:có\s+)?{_OPTION_WIDE}\s+nào\b",
        rf"^không\s+(?:có\s+)?{_OPTION_WIDE}{_VERDICT}{_END}",
        # English, for banks written or pasted in English.
        r"\b(?:all|none|both|neither)\s+of\s+(?:the\s+)?(?:above|these|them|the options)\b",
        r"^(?:both\s+)?[a-f]\s+(?:and|or)\s+[a-f](?:\s+are\s+(?:correct|right))?\s*[.!]?$",
    )
)


def fold(text: str) -> str:
    """NFC, lower case, one space between words: the form used to compare texts."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def refers_to_other_choices(choice: str) -> bool:
    """True when a choice names other choices ("Cả A và B", "Tất cả các đáp án trên"...).

    Such a choice is wrong once choices are shuffled, so it needs `shuffle: false`.
    """
    folded = fold(choice)
    return any(p.search(folded) for p in _PATTERNS)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text)))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def near_duplicates(
    texts: Sequence[str], choices: Sequence[Sequence[str]]
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, ratio), i < j, whose texts read alike (difflib ratio >= 0.9).

    A pair that shares the wording but not a single choice is a different question
    on a common stem ("Phát biểu nào sau đây đúng?") and is not reported.
    Candidates are sorted by length, so only texts of compatible length are compared,
    and only pairs sharing at least half their words reach difflib.
    """
    norm = [_words(t) for t in texts]
    tokens = [frozenset(n.split()) for n in norm]
    opts = [frozenset(fold(c) for c in cs) for cs in choices]
    order = sorted(range(len(norm)), key=lambda k: len(norm[k]))
    # ratio = 2M / (la + lb) <= 2 la / (la + lb), so lb <= la * (2 / r - 1).
    stretch = 2 / NEAR_DUPLICATE_RATIO - 1
    pairs: list[tuple[int, int, float]] = []
    for pos, i in enumerate(order):
        limit = len(norm[i]) * stretch
        for j in order[pos + 1 :]:
            if len(norm[j]) > limit:
                break
            if _overlap(tokens[i], tokens[j]) < _PREFILTER_JACCARD:
                continue
            ratio = _ratio(norm[i], norm[j])
            if ratio >= NEAR_DUPLICATE_RATIO and _overlap(opts[i], opts[j]) > 0:
                pairs.append((min(i, j), max(i, j), ratio))
    return sorted(pairs)


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < NEAR_DUPLICATE_RATIO:
        return 0.0
    if matcher.quick_ratio() < NEAR_DUPLICATE_RATIO:
        return 0.0
    return matcher.ratio()
