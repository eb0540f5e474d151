"""Prize allocation: tiers filled in ranking order, one prize per person, staff excluded."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .round_rules import PrizeTier


@dataclass(frozen=True)
class Candidate:
    participant_id: int
    rank: int
    eligible: bool = True  # False for organisers' staff


@dataclass(frozen=True)
class Award:
    tier: str
    tier_index: int
    participant_id: int
    rank: int


@dataclass
class Draft:
    awards: list[Award]
    notes: list[str]


def allocate(
    ranked: Sequence[Candidate], tiers: Sequence[PrizeTier], already_awarded: Collection[int] = ()
) -> Draft:
    """Give each tier its count of prizes down the ranking; never extend a tier silently.

    Skipped: organisers' staff and people who already hold a prize (one prize per person).
    A tie across a tier's last place is reported in the notes for the organiser to settle.
    """
    awards: list[Award] = []
    notes: list[str] = []
    pool = [c for c in ranked if c.eligible and c.participant_id not in already_awarded]
    skipped = len(ranked) - len(pool)
    if skipped:
        notes.append(
            f"{skipped} người không được xét giải (thành viên ban tổ chức hoặc đã nhận giải)."
        )
    cursor = 0
    for index, tier in enumerate(tiers):
        taken = pool[cursor : cursor + tier.count]
        awards += [Award(tier.name, index, c.participant_id, c.rank) for c in taken]
        cursor += len(taken)
        if taken and cursor < len(pool) and pool[cursor].rank == taken[-1].rank:
            notes.append(
                f"{tier.name}: người hạng {taken[-1].rank} bằng điểm với người ngay "
                "sau ở mọi tiêu chí; cần ban tổ chức quyết định."
            )
        if len(taken) < tier.count:
            notes.append(f"{tier.name}: chỉ có {len(taken)}/{tier.count} người đủ điều kiện.")
    return Draft(awards, notes)
