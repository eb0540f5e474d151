"""Prize allocation: tiers filled in ranking order, one prize per person, staff excluded."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
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


ADJUSTMENT_KINDS = {
    "move": "Chuyển sang giải khác",
    "withdraw": "Rút giải",
    "add": "Thêm giải",
}


@dataclass(frozen=True)
class Adjustment:
    """An organiser's change to the draft: move a winner to another tier, withdraw a prize,
    or add one for a ranked person. `name` is only for the notes."""

    kind: str
    participant_id: int
    tier: str | None
    name: str = ""


def adjustment_problem(
    draft: Draft, change: Adjustment, tiers: Sequence[PrizeTier], ranks: Mapping[int, int]
) -> str | None:
    """Why `change` does not fit the draft as it stands, or None."""
    held = next((a for a in draft.awards if a.participant_id == change.participant_id), None)
    if change.kind not in ADJUSTMENT_KINDS:
        return "loại điều chỉnh không hợp lệ"
    if change.kind != "withdraw" and change.tier not in {t.name for t in tiers}:
        return f"không có giải «{change.tier}» trong cơ cấu giải của đợt thi"
    if change.kind == "add":
        if held is not None:
            return f"người này đã có {held.tier} (mỗi người một giải)"
        if change.participant_id not in ranks:
            return "người này không được xét giải (chưa thi, đã bị loại hoặc thuộc ban tổ chức)"
    elif held is None:
        return "người này không có giải để chuyển hoặc rút"
    elif change.kind == "move" and held.tier == change.tier:
        return f"người này đã ở {held.tier}"
    return None


def adjust(
    draft: Draft,
    changes: Sequence[Adjustment],
    tiers: Sequence[PrizeTier],
    ranks: Mapping[int, int],
) -> Draft:
    """The draft after the organiser's adjustments, applied in order.

    Nothing moves by itself: a withdrawn prize is not passed down the ranking (the organiser
    adds it to someone, with a reason). A change that no longer fits — the person was since
    excluded, or already holds another prize — is skipped and said in the notes.
    """
    index = {t.name: i for i, t in enumerate(tiers)}
    awards, notes = list(draft.awards), list(draft.notes)
    for change in changes:
        problem = adjustment_problem(Draft(awards, []), change, tiers, ranks)
        who = change.name or "một người"
        if problem is not None:
            notes.append(f"Bỏ qua điều chỉnh cho {who}: {problem}.")
            continue
        awards = [a for a in awards if a.participant_id != change.participant_id]
        if change.kind != "withdraw":
            tier = change.tier or ""
            rank = ranks[change.participant_id]
            awards.append(Award(tier, index[tier], change.participant_id, rank))
    awards.sort(key=lambda a: (a.tier_index, a.rank, a.participant_id))
    return Draft(awards, notes)
