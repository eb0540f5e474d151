"""The ranking policy, defined once: an ordered list of keys, each with its direction.

The SQL that ranks (services/rankings.py) is derived from these keys, and `rank` below is the
plain-Python reference of the same policy that the tests hold the SQL to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# key -> (Vietnamese label, True when a smaller value ranks higher)
KEYS: dict[str, tuple[str, bool]] = {
    "score": ("số câu đúng", False),
    "time": ("thời gian làm bài", True),
    "prediction": ("độ chênh của dự đoán", True),
    "attempts": ("số lượt đã thi", True),
    "submitted": ("thời điểm nộp bài", True),
}
# How each key reads in the rules text: which way ranks higher.
_ORDER_TEXT = {
    "score": "số câu đúng (nhiều hơn xếp trên)",
    "time": "thời gian làm bài (ít hơn xếp trên)",
    "prediction": "dự đoán (gần đúng hơn xếp trên)",
    "attempts": "số lượt đã thi (ít hơn xếp trên)",
    "submitted": "thời điểm nộp bài (sớm hơn xếp trên)",
}
DEFAULT_POLICY = ("score", "time", "prediction", "submitted")
# The orders an organiser may choose, named in Vietnamese (Round.ranking_policy holds the key).
PRESETS = {
    "score,time,prediction,submitted": "Điểm → thời gian → dự đoán → nộp sớm (mặc định)",
    "score,time,attempts,submitted": "Điểm → thời gian → ít lượt thi hơn → nộp sớm",
    "score,prediction,time,submitted": "Điểm → dự đoán → thời gian → nộp sớm",
}
MISSING = 2**62  # an entry without a prediction ranks after every entry with one


class PolicyError(ValueError):
    """A ranking policy naming unknown or repeated keys."""


def parse_policy(text: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in keys if k not in KEYS]
    if unknown or not keys or len(set(keys)) != len(keys):
        raise PolicyError(f"Thứ tự xếp hạng không hợp lệ: «{text}».")
    return keys


def effective_policy(text: str, has_prediction: bool) -> tuple[str, ...]:
    """The keys a round ranks by: its chosen order, without the prediction if it asks none."""
    return tuple(k for k in parse_policy(text) if has_prediction or k != "prediction")


def describe(policy: Sequence[str]) -> str:
    """The tie-break order in words, for the rules text and the publication page."""
    return ", rồi ".join(_ORDER_TEXT[k] for k in policy)


@dataclass(frozen=True)
class Entry:
    """A participant's counted attempt in a round, with the values every key reads."""

    participant_id: int
    attempt_id: int
    score: int
    time_ms: int
    prediction_error: int | None
    attempts: int
    submitted_ms: int

    def value(self, key: str) -> int:
        if key == "score":
            return self.score
        if key == "time":
            return self.time_ms
        if key == "prediction":
            return MISSING if self.prediction_error is None else self.prediction_error
        if key == "attempts":
            return self.attempts
        return self.submitted_ms


def sort_key(entry: Entry, policy: Sequence[str]) -> tuple[int, ...]:
    """Ascending sort key: larger-is-better values are negated; the participant id ends ties."""
    return (
        *(entry.value(k) if KEYS[k][1] else -entry.value(k) for k in policy),
        entry.participant_id,
    )


def best_attempts(attempts: Sequence[Entry], policy: Sequence[str]) -> list[Entry]:
    """Each participant's best attempt under the same policy (the attempts key does not apply)."""
    per_attempt = [k for k in policy if k != "attempts"]
    best: dict[int, Entry] = {}
    for entry in attempts:
        current = best.get(entry.participant_id)
        if current is None or (sort_key(entry, per_attempt), entry.attempt_id) < (
            sort_key(current, per_attempt),
            current.attempt_id,
        ):
            best[entry.participant_id] = entry
    return list(best.values())


@dataclass(frozen=True)
class Ranked:
    rank: int
    entry: Entry


def rank(entries: Sequence[Entry], policy: Sequence[str]) -> list[Ranked]:
    """Competition ranking (1, 2, 2, 4): equal on every key means the same rank."""
    ordered = sorted(entries, key=lambda e: sort_key(e, policy))
    ranked: list[Ranked] = []
    for position, entry in enumerate(ordered, start=1):
        previous = ranked[-1] if ranked else None
        same = previous is not None and all(
            previous.entry.value(k) == entry.value(k) for k in policy
        )
        ranked.append(Ranked(previous.rank if same and previous else position, entry))
    return ranked


def separating_key(above: Entry, below: Entry, policy: Sequence[str]) -> str | None:
    """The first key of the policy on which two entries differ: why one ranks above the other."""
    for key in policy:
        if above.value(key) != below.value(key):
            return key
    return None
