"""Content checks for the question bank: choices that refer to other choices, near-duplicates."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Container, Iterator, Sequence

NEAR_DUPLICATE_RATIO = 0.9
NEAR_DUPLICATE_WORDS = 0.7

# Nouns that name an option of the question itself.
_OPTION = r"(?:đáp án|phương án|câu trả lời|lựa chọn)"
_OPTION_SHORT = r"(?:đáp án|phương án|câu trả lời|lựa chọn|ý|câu)"
_OPTION_WIDE = r"(?:đáp án|phương án|câu trả lời|lựa chọn|ý|câu|trường hợp)"
_NUMBER = r"(?:hai|ba|bốn|năm|sáu|2|3|4|5|6)"
# Without a noun after it, "cả năm" is "the whole year", so the bare form stops at four.
_FEW = r"(?:hai|ba|bốn|2|3|4|5|6)"
_LETTER = rf"(?:{_OPTION_SHORT}\s+)?\(?[a-f]\)?"
_VERDICT = r"(?:\s+(?:đều\s+|là\s+)?(?:đúng|sai|phù hợp|chính xác))?"
# "trên" as in "nêu trên" (above), not as in "cấp trên" (the superior level).
_ABOVE = r"(?:\s+(?:nêu|kể|nói|ở))?(?<!cấp)\s+trên(?:\s+đây)?"
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
        # The whole choice is "Tất cả các hành vi trên", "Các nội dung nêu trên đều đúng".
        rf"^(?:tất cả|cả\s+{_FEW}|các|những)(?:\s+(?:các|những))?(?:\s+\w+){{1,3}}?{_ABOVE}"
        rf"{_VERDICT}{_END}",
        # "Không có đáp án nào đúng", "Không phương án nào", "Không có câu trả lời đúng".
        rf"^không\s+(?:có\s+)?{_OPTION_SHORT}\s+nào\b",
        rf"^không\s+(?:có\s+)?{_OPTION_SHORT}{_VERDICT}{_END}",
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


def _candidates(
    tokens: Sequence[frozenset[str]], options: Sequence[frozenset[str]], done: Container[int]
) -> Iterator[tuple[int, int]]:
    """Pairs (i, j), i < j, sharing a choice, with word sets alike (Jaccard >= threshold).

    Sorted by size, a set can only match the next ones up to size / threshold, so the
    inner loop stops early. Questions in `done` are skipped. This is the hot loop over
    all pairs, hence the inlined arithmetic.
    """
    sizes = [len(t) for t in tokens]
    order = sorted(range(len(tokens)), key=sizes.__getitem__)
    for pos, i in enumerate(order):
        ti, si = tokens[i], sizes[i]
        limit = si / NEAR_DUPLICATE_WORDS
        for j in order[pos + 1 :]:
            sj = sizes[j]
            if sj > limit:
                break
            first, later = (i, j) if i < j else (j, i)
            if later in done:
                continue
            common = len(ti & tokens[j])
            alike = common >= NEAR_DUPLICATE_WORDS * (si + sj - common)
            if alike and not options[i].isdisjoint(options[j]):
                yield first, later


def near_duplicates(
    texts: Sequence[str], choices: Sequence[Sequence[str]]
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, ratio), i < j, where question j reads like the earlier question i.

    Alike means: at least 70 % of the words in common (Jaccard) and a difflib ratio of at
    least 0.9 on the normalised text. Texts sharing the wording but not one choice are a
    common stem ("Phát biểu nào sau đây đúng?") and are not reported. Each question is
    reported once, against the first match found. The cheap word-set test runs over all
    pairs of compatible size; difflib only on the few that pass it.
    """
    words = [" ".join(re.findall(r"\w+", fold(text))) for text in texts]
    tokens = [frozenset(w.split()) for w in words]
    options = [frozenset(fold(c) for c in cs) for cs in choices]
    found: dict[int, tuple[int, int, float]] = {}
    for i, j in _candidates(tokens, options, found):
        ratio = _ratio(words[i], words[j])
        if ratio >= NEAR_DUPLICATE_RATIO:
            found[j] = (i, j, ratio)
    return sorted(found.values())


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < NEAR_DUPLICATE_RATIO:
        return 0.0
    return matcher.ratio()
