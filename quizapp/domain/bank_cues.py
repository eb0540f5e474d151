"""Cues that give a question's answer away, measured over a whole bank (warnings, never errors).

The rules: the key's length rank (no cue in either direction: each rank 1..4 holds 15–35 % of
the questions with four choices of unequal length), "all of the above" keys, distractors sharing
a first word the key lacks ("Chỉ…"), the wording cues of domain.bank_checks (the key alone
repeats the stem, absolutes only in distractors, a hedge only in the key, a distractor that
answers another question of the topic), near-duplicate stems, citations that name no article,
and questions without a check record.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from quizapp.domain.bank_checks import (
    absolutes_only_in_distractors,
    answer_form,
    answers_another,
    fold,
    hedge_only_in_key,
    key_repeats_stem,
    refers_to_other_choices,
)
from quizapp.domain.bank_types import Problem, QuestionSpec
from quizapp.domain.citations import has_article
from quizapp.domain.formatting import format_number

LENGTH_SPREAD = 1.2  # choices "differ in length" when the longest is more than 1.2 × the shortest
KEY_LONGEST_TARGET = 0.28
LENGTH_RATIO_TARGET = 1.05
STEM_RATIO = 0.85
RANK_SHARE_MIN, RANK_SHARE_MAX = 0.15, 0.35
RANK_NAMES = {1: "dài nhất", 2: "thứ hai", 3: "thứ ba", 4: "ngắn nhất"}
WORDING_TARGET = 0.05
# A choice that names the other choices as all (or both) true.
_NEGATIVE = re.compile(r"\b(?:sai|không|none|neither)\b")


def _length(text: str) -> int:
    return len(unicodedata.normalize("NFC", text).strip())


def lengths_differ(choices: Sequence[str]) -> bool:
    """True when the longest choice is more than 1.2 × the shortest."""
    lengths = [_length(c) for c in choices]
    return max(lengths) > LENGTH_SPREAD * min(lengths)


def key_is_single_longest(choices: Sequence[str], answer: int) -> bool:
    """True when the key is longer than every other choice (a tie is not a cue)."""
    key = _length(choices[answer])
    return all(key > _length(c) for i, c in enumerate(choices) if i != answer)


def key_length_rank(choices: Sequence[str], answer: int) -> int | None:
    """1 + the number of choices strictly longer than the key (1 = longest, ties included,
    4 = shortest); None unless there are exactly 4 choices of not all equal length."""
    lengths = [_length(c) for c in choices]
    if len(lengths) != 4 or len(set(lengths)) == 1:
        return None
    return 1 + sum(n > lengths[answer] for n in lengths)


def key_length_ratio(choices: Sequence[str], answer: int) -> float:
    """len(key) / mean len(distractors)."""
    others = [_length(c) for i, c in enumerate(choices) if i != answer]
    mean = sum(others) / len(others)
    return _length(choices[answer]) / mean if mean else 1.0


def is_all_of_the_above(choice: str) -> bool:
    """ "Tất cả các đáp án trên", "Cả A và B đều đúng", "Cả ba phương án"… (not "… đều sai")."""
    return refers_to_other_choices(choice) and not _NEGATIVE.search(fold(choice))


def giveaway_first_word(choices: Sequence[str], answer: int) -> str | None:
    """The first word every distractor starts with when the key starts otherwise ("Chỉ…").

    Needs at least two distractors; None when there is no such word, or when it is a number.
    """
    words = [_first_word(c) for c in choices]
    distractors = {w for i, w in enumerate(words) if i != answer}
    if len(choices) < 3 or len(distractors) != 1:
        return None
    (word,) = distractors
    # Numbers ("1,0 lần", "1,5 lần") are values, not a wording that gives the key away.
    if not word or word[0].isdigit() or word == words[answer]:
        return None
    return word


def _first_word(text: str) -> str:
    found = re.search(r"\w+", fold(text))
    return found.group(0) if found else ""


def stem_key(text: str) -> str:
    """A stem as compared for near-duplicates: NFC, lower case, words only."""
    return " ".join(re.findall(r"\w+", fold(text)))


def similar_stems(
    texts: Sequence[str], threshold: float = STEM_RATIO
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, ratio), i < j, whose normalised stems have a difflib ratio ≥ threshold.

    The ratio is at most 2·shorter / (shorter + longer), so with the stems sorted by length
    each one is only compared with the next ones up to that bound.
    """
    keys = [stem_key(t) for t in texts]
    order = sorted(range(len(keys)), key=lambda i: len(keys[i]))
    pairs = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for pos, a in enumerate(order):
        matcher.set_seq2(keys[a])  # difflib caches what it learns of the second sequence
        for b in order[pos + 1 :]:
            short, long_ = len(keys[a]), len(keys[b])
            if 2 * short < threshold * (short + long_):
                break
            matcher.set_seq1(keys[b])
            if matcher.quick_ratio() < threshold:
                continue
            ratio = matcher.ratio()
            if ratio >= threshold:
                pairs.append((min(a, b), max(a, b), ratio))
    return sorted(pairs)


@dataclass
class CueReport:
    """Bank-wide figures and per-question warnings."""

    questions: int = 0
    spread: int = 0  # questions whose choices differ in length (longest > 1.2 × shortest)
    key_longest: list[str] = field(default_factory=list)  # ids, among `spread`
    mean_ratio: float = 1.0
    all_of_the_above: int = 0  # such choices in the bank
    all_of_the_above_keys: list[str] = field(default_factory=list)
    # The key's length rank (1..4) → ids, over questions with 4 choices of unequal length.
    ranks: dict[int, list[str]] = field(default_factory=lambda: {r: [] for r in RANK_NAMES})
    wording: list[str] = field(default_factory=list)  # ids with a wording cue
    unchecked: list[str] = field(default_factory=list)  # ids without a `checked` record
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ranked(self) -> int:
        return sum(len(ids) for ids in self.ranks.values())

    def rank_share(self, rank: int) -> float:
        return len(self.ranks[rank]) / self.ranked if self.ranked else 0.0

    @property
    def ranks_ok(self) -> bool:
        return (
            all(RANK_SHARE_MIN <= self.rank_share(r) <= RANK_SHARE_MAX for r in RANK_NAMES)
            or not self.ranked
        )

    @property
    def wording_ok(self) -> bool:
        return not self.questions or len(self.wording) <= WORDING_TARGET * self.questions

    @property
    def key_longest_share(self) -> float:
        return len(self.key_longest) / self.spread if self.spread else 0.0

    @property
    def key_longest_ok(self) -> bool:
        return self.key_longest_share <= KEY_LONGEST_TARGET

    @property
    def ratio_ok(self) -> bool:
        return self.mean_ratio <= LENGTH_RATIO_TARGET

    def _pct(self, part: int, whole: int) -> str:
        return f"{format_number(100 * part / whole, 1)} %" if whole else "—"

    def _rank_line(self) -> str:
        if not self.ranked:
            return (
                "Hạng độ dài của đáp án: không đo được — không câu nào có đúng 4 phương án "
                f"dài khác nhau (trong {self.questions} câu)."
            )
        shares = ", ".join(
            f"{name} {len(self.ranks[r])} ({self._pct(len(self.ranks[r]), self.ranked)})"
            + ("" if RANK_SHARE_MIN <= self.rank_share(r) <= RANK_SHARE_MAX else " VƯỢT NGƯỠNG")
            for r, name in RANK_NAMES.items()
        )
        return (
            f"Hạng độ dài của đáp án, trên {self.ranked}/{self.questions} câu có đúng 4 phương "
            f"án không dài bằng nhau: {shares} (mục tiêu mỗi hạng "
            f"{format_number(100 * RANK_SHARE_MIN)}–{format_number(100 * RANK_SHARE_MAX)} %)"
        )

    def summary(self) -> list[str]:
        """The figures, one line each, in Vietnamese; every count says what it counts."""
        checked = self.questions - len(self.unchecked)
        return [
            self._rank_line(),
            f"Độ dài đáp án / trung bình phương án nhiễu: {format_number(self.mean_ratio, 2)} "
            f"(trung bình trên {self.questions} câu)",
            f"Dấu hiệu trong lời văn: {len(self.wording)}/{self.questions} câu "
            f"({self._pct(len(self.wording), self.questions)}; mục tiêu ≤ "
            f"{format_number(100 * WORDING_TARGET)} %)"
            + ("" if self.wording_ok else " — VƯỢT NGƯỠNG"),
            f"Phương án «tất cả / cả … đều đúng»: {self.all_of_the_above}, trong đó "
            f"{len(self.all_of_the_above_keys)} là đáp án",
            f"Câu có ghi lần kiểm tra đáp án (checked): {checked}/{self.questions} "
            f"({self._pct(checked, self.questions)}); chưa có: {len(self.unchecked)}"
            + (f" — {', '.join(self.unchecked)}" if self.unchecked else ""),
        ]


def _wording_warnings(q: QuestionSpec) -> list[str]:
    messages = []
    repeated = key_repeats_stem(q.text, q.choices, q.answer)
    if repeated:
        messages.append(f"chỉ đáp án lặp lại từ «{repeated}» của câu hỏi: dễ đoán")
    if absolutes_only_in_distractors(q.choices, q.answer):
        messages.append(
            "từ tuyệt đối («chỉ», «mọi», «tất cả», «bắt buộc»…) chỉ có ở phương án nhiễu: dễ loại"
        )
    hedge = hedge_only_in_key(q.choices, q.answer)
    if hedge:
        messages.append(f"chỉ đáp án có cụm «{hedge}»: dễ đoán")
    return messages


def _answering(questions: Sequence[QuestionSpec]) -> list[tuple[QuestionSpec, str, str]]:
    """(question, letter, other id): a distractor equal or near-equal to the key of another
    question of the same topic (it gives that answer away when both are drawn).

    A difflib ratio of 0.9 needs lengths within a factor 0.9 / 1.1 of each other, so each
    distractor is only compared with the keys of about its length (sorted, by bisection)."""
    by_topic: dict[str, list[QuestionSpec]] = {}
    for q in questions:
        by_topic.setdefault(q.topic, []).append(q)
    found = []
    for group in by_topic.values():
        keys = sorted(
            (len(form.joined), o.id, form)
            for o in group
            for form in [answer_form(o.choices[o.answer])]
        )
        lengths = [k[0] for k in keys]
        for q in group:
            for i, choice in enumerate(q.choices):
                if i == q.answer:
                    continue
                form = answer_form(choice)
                low = bisect.bisect_left(lengths, len(form.joined) * 0.9 / 1.1)
                high = bisect.bisect_right(lengths, len(form.joined) * 1.1 / 0.9)
                other = next(
                    (
                        oid
                        for _, oid, key in keys[low:high]
                        if oid != q.id and answers_another(form, key)
                    ),
                    None,
                )
                if other:
                    found.append((q, "ABCDEF"[i], other))
    return found


def _question_warnings(q: QuestionSpec) -> list[str]:
    messages = []
    key = q.choices[q.answer]
    if is_all_of_the_above(key):
        messages.append(f"đáp án là phương án «{key}» (tất cả / cả … đều đúng)")
    word = giveaway_first_word(q.choices, q.answer)
    if word:
        messages.append(f"mọi phương án nhiễu đều bắt đầu bằng «{word}», đáp án thì không: dễ đoán")
    if not has_article(q.source):
        messages.append(f"căn cứ «{q.source}» không ghi điều (Điều N) cụ thể")
    return messages


def cue_report(questions: Sequence[QuestionSpec], threshold: float = STEM_RATIO) -> CueReport:
    """Every cue rule over a bank; the figures count NFC characters."""
    report = CueReport(questions=len(questions))
    ratios = []
    wording: set[str] = set()
    for q in questions:
        rank = key_length_rank(q.choices, q.answer)
        if rank is not None:
            report.ranks[rank].append(q.id)
        if q.checked_on is None:
            report.unchecked.append(q.id)
        cues = _wording_warnings(q)
        wording.update([q.id] if cues else [])
        report.warnings += [Problem(q.where, q.id, m) for m in cues]
        if lengths_differ(q.choices):
            report.spread += 1
            if key_is_single_longest(q.choices, q.answer):
                report.key_longest.append(q.id)
        ratios.append(key_length_ratio(q.choices, q.answer))
        report.all_of_the_above += sum(is_all_of_the_above(c) for c in q.choices)
        if is_all_of_the_above(q.choices[q.answer]):
            report.all_of_the_above_keys.append(q.id)
        report.warnings += [Problem(q.where, q.id, m) for m in _question_warnings(q)]
    report.mean_ratio = sum(ratios) / len(ratios) if ratios else 1.0
    for q, letter, other in _answering(questions):
        wording.add(q.id)
        message = f"phương án {letter} gần trùng đáp án của câu {other} cùng chủ đề: lộ đáp án"
        report.warnings.append(Problem(q.where, q.id, message))
    report.wording = [q.id for q in questions if q.id in wording]
    for i, j, ratio in similar_stems([q.text for q in questions], threshold):
        first, second = questions[i], questions[j]
        message = f"nội dung gần giống câu {first.id} ({ratio:.0%}): có thể gợi ý lẫn nhau"
        report.warnings.append(Problem(second.where, second.id, message))
    position = {q.id: i for i, q in enumerate(questions)}
    report.warnings.sort(key=lambda p: position[p.qid])
    return report
