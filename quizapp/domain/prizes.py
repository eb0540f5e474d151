"""Prize allocation: tiers filled in ranking order, one prize per person, staff excluded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from .round_rules import PrizeTier


@dataclass(frozen=True)
class Candidate:
    participant_id: int
    rank: int
    eligible: bool = True  # False for organisers' staff
    qualifies: bool = True  # False below the round's minimum score for a prize


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
    # What the organiser changed by hand, per person, with the reason (the files' "Ghi chú").
    remarks: dict[int, list[str]] = field(default_factory=dict)


def allocate(
    ranked: Sequence[Candidate],
    tiers: Sequence[PrizeTier],
    already_awarded: Collection[int] = (),
    min_score: int = 0,
) -> Draft:
    """Give each tier its count of prizes down the ranking; never extend a tier silently.

    Skipped: organisers' staff, people who already hold a prize (one prize per person), and
    entries below the round's minimum score (`min_score` only words the note).
    A tie across a tier's last place is reported in the notes for the organiser to settle.
    """
    awards: list[Award] = []
    notes: list[str] = []
    allowed = [c for c in ranked if c.eligible and c.participant_id not in already_awarded]
    pool = [c for c in allowed if c.qualifies]
    skipped = len(ranked) - len(allowed)
    if skipped:
        notes.append(
            f"{skipped} người không được xét giải (thành viên ban tổ chức hoặc đã nhận giải)."
        )
    if len(allowed) > len(pool):
        notes.append(
            f"{len(allowed) - len(pool)} người chưa đạt {min_score} câu đúng, "
            "mức tối thiểu để xét giải."
        )
    cursor = 0
    for index, tier in enumerate(tiers):
        taken = pool[cursor : cursor + tier.count]
        awards += [Award(tier.name, index, c.participant_id, c.rank) for c in taken]
        cursor += len(taken)
        if taken and cursor < len(pool) and pool[cursor].rank == taken[-1].rank:
            notes.append(tie_note(tier.name, taken[-1].rank))
    return Draft(awards, notes + shortfalls(awards, tiers))


def tie_note(tier: str, rank: int) -> str:
    return (
        f"{tier}: người hạng {rank} bằng điểm với người ngay sau ở mọi tiêu chí; "
        "cần ban tổ chức quyết định."
    )


def shortfalls(awards: Sequence[Award], tiers: Sequence[PrizeTier]) -> list[str]:
    """The tiers given to fewer people than the structure says (after any adjustment)."""
    given = Counter(a.tier for a in awards)
    return [
        f"{t.name}: chỉ có {given[t.name]}/{t.count} người đủ điều kiện."
        for t in tiers
        if given[t.name] < t.count
    ]


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
    reason: str = ""


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
    stale = set(shortfalls(draft.awards, tiers))
    awards, notes = list(draft.awards), [n for n in draft.notes if n not in stale]
    remarks: dict[int, list[str]] = {}
    for change in changes:
        problem = adjustment_problem(Draft(awards, []), change, tiers, ranks)
        who = change.name or "một người"
        if problem is not None:
            notes.append(f"Bỏ qua điều chỉnh cho {who}: {problem}.")
            continue
        held = next((a for a in awards if a.participant_id == change.participant_id), None)
        remarks.setdefault(change.participant_id, []).append(_remark(change, held))
        awards = [a for a in awards if a.participant_id != change.participant_id]
        if change.kind != "withdraw":
            tier = change.tier or ""
            rank = ranks[change.participant_id]
            awards.append(Award(tier, index[tier], change.participant_id, rank))
    awards.sort(key=lambda a: (a.tier_index, a.rank, a.participant_id))
    return Draft(awards, notes + shortfalls(awards, tiers), remarks)


def _remark(change: Adjustment, held: Award | None) -> str:
    """One adjustment in a winner's "Ghi chú": what changed, by hand, and why."""
    before = held.tier if held is not None else ""
    what = {
        "move": f"Chuyển từ {before} sang {change.tier}",
        "withdraw": f"Rút {before}",
        "add": f"Thêm {change.tier}",
    }[change.kind]
    return f"{what} (Ban tổ chức điều chỉnh; lý do: {change.reason})" if change.reason else what


@dataclass(frozen=True)
class PrizeTie:
    """People equal on every ranking key, at least one of them holding a prize."""

    rank: int
    participant_ids: tuple[int, ...]
    tiers: tuple[str, ...]  # each one's prize ("" for none)


def prize_ties(ranked: Sequence[Candidate], awards: Sequence[Award]) -> list[PrizeTie]:
    """Every shared rank that touches a prize: for the organiser to see before publishing."""
    held = {a.participant_id: a.tier for a in awards}
    by_rank: dict[int, list[int]] = {}
    for candidate in ranked:
        if candidate.eligible:
            by_rank.setdefault(candidate.rank, []).append(candidate.participant_id)
    return [
        PrizeTie(rank, tuple(ids), tuple(held.get(i, "") for i in ids))
        for rank, ids in by_rank.items()
        if len(ids) > 1 and any(i in held for i in ids)
    ]
