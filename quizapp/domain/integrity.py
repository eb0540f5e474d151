"""Integrity flags for a human to judge: never an automatic exclusion."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .formatting import format_number

MIN_SECONDS_PER_QUESTION = 3
SHARED_SOURCE_THRESHOLD = 3
# Reading a question and its choices takes a few seconds even for someone who knows the law.
READING_SECONDS_PER_QUESTION = 4


def default_too_fast_seconds(question_count: int, time_limit_seconds: int) -> int:
    """The default "too fast" threshold of a round: 4 s per question, but at least a tenth
    of the time limit and at most half of it (never below 1 s)."""
    reading = question_count * READING_SECONDS_PER_QUESTION
    return max(1, min(time_limit_seconds // 2, max(reading, time_limit_seconds // 10)))


def too_fast(time_used_ms: int, threshold_seconds: int) -> bool:
    """Finished in strictly less than the threshold: a reason to look, never to exclude."""
    return time_used_ms < threshold_seconds * 1000


@dataclass(frozen=True)
class AttemptFacts:
    participant_id: int
    score: int
    question_count: int
    time_used_ms: int
    device_hash: str | None
    client_ip: str | None


@dataclass(frozen=True)
class PersonFacts:
    participant_id: int
    full_name: str
    birth_year: int
    ward_id: int


def _identity(person: PersonFacts) -> tuple[str, int, int]:
    name = unicodedata.normalize("NFC", " ".join(person.full_name.split())).casefold()
    return name, person.birth_year, person.ward_id


def _shared(
    attempts: Iterable[AttemptFacts], attribute: str, label: str, threshold: int
) -> dict[int, list[str]]:
    users: dict[str, set[int]] = defaultdict(set)
    for a in attempts:
        value = getattr(a, attribute)
        if value:
            users[value].add(a.participant_id)
    found: dict[int, list[str]] = defaultdict(list)
    for group in users.values():
        if len(group) >= threshold:
            for pid in group:
                found[pid].append(f"{len(group)} tài khoản cùng {label}")
    return found


def _timing(
    attempts: Sequence[AttemptFacts], min_seconds_per_question: int, too_fast_seconds: int | None
) -> dict[int, list[str]]:
    result: dict[int, list[str]] = defaultdict(list)
    for a in attempts:
        used = format_number(a.time_used_ms / 1000, 1)
        messages = []
        if too_fast_seconds is not None and too_fast(a.time_used_ms, too_fast_seconds):
            messages.append(
                f"làm quá nhanh: nộp bài sau {used} giây (ngưỡng {too_fast_seconds} giây)"
            )
        limit_ms = a.question_count * min_seconds_per_question * 1000
        if a.score == a.question_count and a.time_used_ms < limit_ms:
            messages.append(
                f"đúng hết {a.question_count} câu trong {used} giây "
                f"(dưới {min_seconds_per_question} giây mỗi câu)"
            )
        for message in messages:
            if message not in result[a.participant_id]:
                result[a.participant_id].append(message)
    return result


def flags(
    attempts: Sequence[AttemptFacts],
    people: Sequence[PersonFacts],
    min_seconds_per_question: int = MIN_SECONDS_PER_QUESTION,
    threshold: int = SHARED_SOURCE_THRESHOLD,
    too_fast_seconds: int | None = None,
) -> dict[int, list[str]]:
    """Reasons to look twice at a participant's entry, keyed by participant id.

    With `too_fast_seconds`, every finished attempt faster than that is flagged too.
    """
    result = _timing(attempts, min_seconds_per_question, too_fast_seconds)
    for source in (
        _shared(attempts, "device_hash", "thiết bị", threshold),
        _shared(attempts, "client_ip", "địa chỉ mạng", threshold),
    ):
        for pid, messages in source.items():
            result[pid] += messages
    same: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for person in people:
        same[_identity(person)].append(person.participant_id)
    for ids in same.values():
        if len(ids) > 1:
            for pid in ids:
                result[pid].append(
                    f"trùng họ tên, năm sinh và phường với {len(ids) - 1} tài khoản khác"
                )
    return dict(result)
