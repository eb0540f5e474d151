#!/usr/bin/env python3
"""Measure the answer cues of a question bank (issue 16); prints figures, changes nothing.

Usage: .venv/bin/python scripts/bank_cues.py [question_bank] [--list]

Figures, as issue 16 defines them:
- key-longest share: among questions whose choices differ in length (longest choice more than
  1.2 x the shortest), the share whose key is the single longest choice (target <= 28 %);
- length ratio: mean over all questions of len(key) / mean(len(distractors)) (target <= 1.05);
- "all of the above" choices ("Tất cả …", "Cả … đều đúng") and how many of them are the key;
- citations (`source`) without an article ("Điều");
- questions that still name Decree 98/2023 (repealed on 01/7/2025 by Decree 152/2025);
- near-duplicate pairs across the WHOLE bank (any two questions may land in one draw): the
  normalised stems (NFC, lower case, punctuation dropped) compared by difflib ratio (>= 0.8) or
  token Jaccard (>= 0.6), or the stems plus keys by difflib ratio (>= 0.8);
- key leaks: a question's key (normalised, at least 3 words or with a digit, and at least 12
  characters) written out in another question's stem, so one question answers the other.
--list also prints the ids behind each figure and every pair with its scores.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.domain.bank import load_bank  # noqa: E402

ALL_OF_ABOVE = re.compile(r"^(tất cả|cả .* đều (đúng|sai))|các phương án trên|đáp án trên", re.I)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


STEM_RATIO = 0.8
STEM_JACCARD = 0.6
WITH_KEY_RATIO = 0.8
_PUNCT = re.compile(r"[^\w\s/]", re.UNICODE)


def _plain(text: str) -> str:
    """Normalised text for comparison: NFC, lower case, punctuation and quotes dropped."""
    return " ".join(_PUNCT.sub(" ", _norm(text).lower()).split())


def _ratio(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
        return 0.0
    return matcher.ratio()


def similar_pairs(questions) -> list[tuple[str, str, float, float, float]]:
    """Pairs of questions whose stems (or stems plus keys) are near-duplicates.

    Each row: (id_a, id_b, stem ratio, stem token Jaccard, stem+key ratio).
    """
    rows = []
    prepared = []
    for q in questions:
        stem = _plain(q.text)
        prepared.append((q.id, stem, set(stem.split()), f"{stem} {_plain(q.choices[q.answer])}"))
    for (ida, sa, ta, ka), (idb, sb, tb, kb) in combinations(prepared, 2):
        jaccard = len(ta & tb) / len(ta | tb) if ta | tb else 0.0
        if jaccard < 0.3:  # no pair below this reached a ratio of 0.8 on this bank
            continue
        ratio = _ratio(sa, sb)
        with_key = _ratio(ka, kb)
        if ratio >= STEM_RATIO or jaccard >= STEM_JACCARD or with_key >= WITH_KEY_RATIO:
            rows.append((ida, idb, ratio, jaccard, with_key))
    return rows


LEAK_MAX_STEMS = 3


def key_leaks(questions) -> list[tuple[str, str, str]]:
    """(id whose key leaks, id whose stem states it, the key) for distinctive keys.

    A key is distinctive when it holds a number (at least 5 characters: "25 năm") or at
    least 3 words and 12 characters. A key written in more than LEAK_MAX_STEMS other stems
    is the bank's vocabulary (a title such as “Lao động tiên tiến”), not a leak.
    """
    rows = []
    stems = [(q.id, f" {_plain(q.text)} ") for q in questions]
    for q in questions:
        key = _plain(q.choices[q.answer])
        has_digit = any(ch.isdigit() for ch in key)
        if not ((has_digit and len(key) >= 5) or (len(key.split()) >= 3 and len(key) >= 12)):
            continue
        hits = [oid for oid, stem in stems if oid != q.id and f" {key} " in stem]
        if 0 < len(hits) <= LEAK_MAX_STEMS:
            rows.extend((q.id, oid, q.choices[q.answer]) for oid in hits)
    return rows


def measure(folder: Path) -> dict[str, object]:
    files = {p.name: p.read_bytes() for p in folder.glob("*.yaml")}
    report = load_bank(files)
    if report.errors:
        raise SystemExit(f"{len(report.errors)} lỗi: {report.errors[0]}")
    differing, key_longest, ratios = [], [], []
    all_above, all_above_keys, no_article, decree98 = [], [], [], []
    for q in report.questions:
        lengths = [len(_norm(c)) for c in q.choices]
        key_len = lengths[q.answer]
        others = [n for i, n in enumerate(lengths) if i != q.answer]
        ratios.append(key_len / (sum(others) / len(others)))
        if max(lengths) > 1.2 * min(lengths):
            differing.append(q.id)
            if key_len == max(lengths) and lengths.count(key_len) == 1:
                key_longest.append(q.id)
        for i, choice in enumerate(q.choices):
            if ALL_OF_ABOVE.search(_norm(choice)):
                all_above.append(q.id)
                if i == q.answer:
                    all_above_keys.append(q.id)
        if "Điều" not in q.source:
            no_article.append(q.id)
        if "98/2023" in q.text or "98/2023" in q.source:
            decree98.append(q.id)
    return {
        "questions": len(report.questions),
        "differing": differing,
        "key_longest": key_longest,
        "ratio": sum(ratios) / len(ratios),
        "all_above": all_above,
        "all_above_keys": all_above_keys,
        "no_article": no_article,
        "decree98": decree98,
        "similar": similar_pairs(report.questions),
        "leaks": key_leaks(report.questions),
    }


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    folder = Path(args[0]) if args else ROOT / "question_bank"
    m = measure(folder)
    share = len(m["key_longest"]) / len(m["differing"]) if m["differing"] else 0.0
    print(f"Số câu: {m['questions']}")
    print(
        f"Đáp án là phương án dài nhất duy nhất: {len(m['key_longest'])}/{len(m['differing'])}"
        f" câu có độ dài phương án chênh lệch = {share:.1%} (mục tiêu ≤ 28 %)"
    )
    print(f"Độ dài đáp án / độ dài trung bình phương án nhiễu: {m['ratio']:.3f} (mục tiêu ≤ 1,05)")
    print(
        f"Phương án «Tất cả / Cả … đều đúng»: {len(m['all_above'])}"
        f" (là đáp án: {len(m['all_above_keys'])})"
    )
    print(f"Căn cứ không ghi Điều: {len(m['no_article'])}")
    print(f"Câu còn nêu Nghị định 98/2023: {len(m['decree98'])}")
    print(
        f"Cặp câu gần trùng (tỉ lệ chuỗi ≥ {STEM_RATIO} hoặc Jaccard ≥ {STEM_JACCARD}"
        f" trên nội dung, hoặc nội dung + đáp án ≥ {WITH_KEY_RATIO}): {len(m['similar'])}"
    )
    print(f"Đáp án của câu này viết sẵn trong nội dung câu khác: {len(m['leaks'])}")
    if "--list" in argv:
        for key in ("key_longest", "all_above_keys", "no_article", "decree98"):
            print(f"{key}: {' '.join(m[key])}")
        for ida, idb, ratio, jaccard, with_key in m["similar"]:
            print(
                f"gần trùng: {ida} ~ {idb} (chuỗi {ratio:.2f}, Jaccard {jaccard:.2f},"
                f" kèm đáp án {with_key:.2f})"
            )
        for ida, idb, key in m["leaks"]:
            print(f"lộ đáp án: đáp án của {ida} «{key}» có trong nội dung {idb}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
