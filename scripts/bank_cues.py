#!/usr/bin/env python3
"""Measure the answer cues of a question bank (issue 16); prints figures, changes nothing.

Usage: .venv/bin/python scripts/bank_cues.py [question_bank] [--list]

Figures, as issue 16 defines them:
- key-longest share: among questions whose choices differ in length (longest choice more than
  1.2 x the shortest), the share whose key is the single longest choice (target <= 28 %);
- length ratio: mean over all questions of len(key) / mean(len(distractors)) (target <= 1.05);
- "all of the above" choices ("Tất cả …", "Cả … đều đúng") and how many of them are the key;
- citations (`source`) without an article ("Điều");
- questions that still name Decree 98/2023 (repealed on 01/7/2025 by Decree 152/2025).
--list also prints the ids behind each figure.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.domain.bank import load_bank  # noqa: E402

ALL_OF_ABOVE = re.compile(r"^(tất cả|cả .* đều (đúng|sai))|các phương án trên|đáp án trên", re.I)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


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
    if "--list" in argv:
        for key in ("key_longest", "all_above_keys", "no_article", "decree98"):
            print(f"{key}: {' '.join(m[key])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
