"""Content checks for the question bank: choices that refer to other choices, near-duplicates,
and the wording cues (key repeating the stem, absolutes, hedges, choices answering others)."""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass

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


# Wording cues (issue 22 item 4): what a test-wise reader spots without knowing the law.
ABSOLUTES = ("chỉ", "mọi", "tất cả", "bắt buộc", "hoàn toàn", "không bao giờ", "chủ yếu")
# "chỉ" is an absolute ("only"), not in "chỉ đạo", "chỉ thị", "địa chỉ", "chỉ tiêu"...
_CHI_COMPOUND_AFTER = (
    "đạo",
    "thị",
    "tiêu",
    "số",
    "định",
    "huy",
    "dẫn",
    "ra",
    "rõ",
    "trích",
    "điểm",
)
_CHI_COMPOUND_BEFORE = ("địa", "ngón", "kim", "giấy", "chủ")
HEDGES = (
    "theo quy định của pháp luật",
    "trái quy định của pháp luật",
    "theo quy định của luật này",
    "theo quy định",
    "trái pháp luật",
    "đúng quy định",
    "trừ trường hợp",
    "tùy từng trường hợp",
)
# Syllables that carry no content on their own (function words, the commonest legal frame).
_STOP = (
    "và hoặc của cho các những được là có không theo trong với về từ đến tại do bởi này đó nào "
    "gì ai một hai ba bao nhiêu đâu khi thì mà nếu như để ra vào lên sau trước trên dưới đã "
    "đang sẽ cũng đều nhau phải nhất hơn rất người việc điều khoản điểm luật quy định đây nêu "
    "trường hợp"
)
STOP_SYLLABLES = frozenset(_STOP.split(" "))
MIN_ANSWERING_SYLLABLES = 4
_CLAUSE_BREAK = re.compile(r"[,.;:!?()\[\]\"“”«»'‘’]|\s[–—-]\s")
ANSWERING_RATIO = 0.9
ANSWERING_WORDS = 0.7


def _syllables(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def has_absolute(text: str) -> bool:
    """An absolute word stands in the text as such ("chỉ" meaning "only", not "chỉ đạo")."""
    words = _syllables(text)
    joined = " " + " ".join(words) + " "
    for phrase in ABSOLUTES:
        if phrase != "chỉ" and f" {phrase} " in joined:
            return True
    for i, word in enumerate(words):
        if word != "chỉ":
            continue
        after = words[i + 1] if i + 1 < len(words) else ""
        before = words[i - 1] if i else ""
        if after not in _CHI_COMPOUND_AFTER and before not in _CHI_COMPOUND_BEFORE:
            return True
    return False


def has_hedge(text: str) -> str | None:
    folded = " " + " ".join(_syllables(text)) + " "
    return next((h for h in HEDGES if f" {h} " in folded), None)


def _content_pairs(text: str) -> set[str]:
    """Two-syllable words of a text (most Vietnamese content words), without function words;
    a pair never spans punctuation ("tổ chức, đơn vị" holds no "chức đơn")."""
    pairs = set()
    for clause in _CLAUSE_BREAK.split(text):
        pairs |= {
            f"{a} {b}"
            for a, b in itertools.pairwise(_syllables(clause))
            if a not in STOP_SYLLABLES
            and b not in STOP_SYLLABLES
            and not (a.isdigit() or b.isdigit())
        }
    return pairs


def key_repeats_stem(stem: str, choices: Sequence[str], answer: int) -> str | None:
    """A content word of the stem that the key alone repeats ("Thầy thuốc", "giao lưu")."""
    key_words = _content_pairs(choices[answer])
    shared = _content_pairs(stem) & key_words
    for i, choice in enumerate(choices):
        if i != answer:
            shared -= _content_pairs(choice)
    return min(shared) if shared else None


def absolutes_only_in_distractors(choices: Sequence[str], answer: int) -> bool:
    """The key has no absolute and at least two distractors (or the only one) have one."""
    if has_absolute(choices[answer]):
        return False
    marked = sum(has_absolute(c) for i, c in enumerate(choices) if i != answer)
    return marked >= min(2, len(choices) - 1)


def hedge_only_in_key(choices: Sequence[str], answer: int) -> str | None:
    """The hedge the key alone carries («theo quy định của pháp luật»…)."""
    hedge = has_hedge(choices[answer])
    if hedge is None or any(has_hedge(c) for i, c in enumerate(choices) if i != answer):
        return None
    return hedge


@dataclass(frozen=True)
class Answer:
    """A choice as compared by `answers_another`, prepared once."""

    joined: str  # its syllables, folded, one space apart
    words: frozenset[str]
    digits: tuple[str, ...]


def answer_form(text: str) -> Answer:
    syllables = _syllables(text)
    joined = " ".join(syllables)
    return Answer(joined, frozenset(syllables), tuple(re.findall(r"\d+", joined)))


def answers_another(choice: str | Answer, key: str | Answer) -> bool:
    """A distractor equal or near-equal to another question's key: long enough to mean
    something (at least 4 syllables; numbers and dates alone are values, not a given-away
    answer), the same numbers ("Luật số 15/2005" is not "Luật số 47/2005"), at least 70 % of
    the words in common and a difflib ratio of at least 0.9."""
    a = choice if isinstance(choice, Answer) else answer_form(choice)
    b = key if isinstance(key, Answer) else answer_form(key)
    if a.digits != b.digits:
        return False
    if min(a.joined.count(" "), b.joined.count(" ")) + 1 < MIN_ANSWERING_SYLLABLES:
        return False
    if a.joined == b.joined:
        return True
    common = len(a.words & b.words)
    if common < ANSWERING_WORDS * (len(a.words) + len(b.words) - common):
        return False
    return _ratio_at_least(a.joined, b.joined, ANSWERING_RATIO)


def _ratio_at_least(a: str, b: str, threshold: float) -> bool:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold
