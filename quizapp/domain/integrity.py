"""Integrity flags for a human to judge: never an automatic exclusion."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MIN_SECONDS_PER_QUESTION = 3
SHARED_SOURCE_THRESHOLD = 3


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


def flags(
    attempts: Sequence[AttemptFacts],
    people: Sequence[PersonFacts],
    min_seconds_per_question: int = MIN_SECONDS_PER_QUESTION,
    threshold: int = SHARED_SOURCE_THRESHOLD,
) -> dict[int, list[str]]:
    """Reasons to look twice at a participant's entry, keyed by participant id."""
    result: dict[int, list[str]] = defaultdict(list)
    for a in attempts:
        limit_ms = a.question_count * min_seconds_per_question * 1000
        if a.score == a.question_count and a.time_used_ms < limit_ms:
            message = (
                f"đúng hết {a.question_count} câu trong {a.time_used_ms / 1000:.1f} giây "
                f"(dưới {min_seconds_per_question} giây mỗi câu)"
            )
            if message not in result[a.participant_id]:
                result[a.participant_id].append(message)
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
                others = ", ".join(f"#{o}" for o in ids if o != pid)
                result[pid].append(f"trùng họ tên, năm sinh và phường với tài khoản {others}")
    return dict(result)
