"""Collective prizes down a collective ranking, and what a true tie does to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

from .collective import Group
from .round_rules import PrizeTier


@dataclass(frozen=True)
class Decision:
    """The organiser's choice for one group of a contested tie ("" tier: no prize)."""

    tier: str
    reason: str


@dataclass(frozen=True)
class GroupAward:
    tier: str
    tier_index: int
    group: Group
    shared: bool = False  # đồng giải: equal on the whole chain with another winner
    reason: str = ""  # the organiser's reason, when a tie was decided by hand


@dataclass(frozen=True)
class Tie:
    """Groups equal on the whole chain whose places carry a prize."""

    rank: int
    names: tuple[str, ...]
    keys: tuple[str, ...]
    tiers: tuple[str, ...]  # the prizes their places span, best first ("" where none)
    settled: str  # how the tie is settled, in words

    @property
    def open(self) -> bool:
        return self.settled == UNDECIDED

    @property
    def contested(self) -> bool:
        """Settled (or to be settled) by the organiser, not by the shared-prize rule."""
        return self.settled != SHARED


@dataclass
class GroupDraft:
    awards: list[GroupAward]
    ties: list[Tie]
    notes: list[str]


UNDECIDED = "chưa quyết định"
SHARED = "đồng giải"


@dataclass(frozen=True)
class CollectiveDraft:
    """A unit's collective ranking and its prizes, as the review page and the files read it."""

    by: str
    policy: tuple[str, ...]
    tie_rule: str
    groups: list[Group]
    awards: list[GroupAward]
    ties: list[Tie]
    notes: list[str]

    @property
    def metric(self) -> str:
        return self.policy[0]

    @property
    def points(self) -> dict[str, int]:
        return {g.key: g.points for g in self.groups}

    def award_of(self, key: str) -> GroupAward | None:
        return next((a for a in self.awards if a.group.key == key), None)


def tier_at(tiers: Sequence[PrizeTier], position: int) -> int | None:
    """The tier holding the `position`-th prize (0-based), or None past the last prize."""
    end = 0
    for index, tier in enumerate(tiers):
        end += tier.count
        if position < end:
            return index
    return None


def allocate(
    ranked: Sequence[Group],
    lead: str,
    tiers: Sequence[PrizeTier],
    tie_rule: str,
    decisions: Mapping[str, Decision] | None = None,
) -> GroupDraft:
    """Prizes down the ranking to the groups with something on the lead criterion.

    A group takes the tier of its rank's place. Groups equal on the whole chain share the
    rank: under "shared" they all take the tier of that place (đồng giải); under "organiser",
    when their places span different tiers (or the end of the prizes), none gets a prize
    until the organiser decides, with a reason, for each of them.
    """
    decisions = decisions or {}
    draft = GroupDraft([], [], [])
    eligible = [g for g in ranked if g.metric(lead) > 0]
    for rank, same in groupby(eligible, key=lambda g: g.rank):
        members = list(same)
        span = [tier_at(tiers, p) for p in range(rank - 1, rank - 1 + len(members))]
        if span[0] is None:
            break
        names = tuple(g.name for g in members)
        tier_names = tuple(tiers[i].name if i is not None else "" for i in span)
        contested = len(set(span)) > 1 and tie_rule == "organiser"
        if len(members) > 1 and not contested:
            draft.notes.append(
                f"{tiers[span[0]].name}: đồng giải cho {', '.join(names)} "
                "(bằng nhau ở mọi tiêu chí xếp hạng)."
            )
            draft.ties.append(Tie(rank, names, _keys(members), tier_names, SHARED))
        if not contested:
            index = span[0]
            draft.awards += [
                GroupAward(tiers[index].name, index, g, len(members) > 1) for g in members
            ]
            continue
        settled = _decide(draft, members, tiers, decisions)
        draft.ties.append(Tie(rank, names, _keys(members), tier_names, settled))
        if settled == UNDECIDED:
            draft.notes.append(
                f"{', '.join(names)} bằng nhau ở mọi tiêu chí xếp hạng, tranh "
                f"{' / '.join(t for t in dict.fromkeys(tier_names) if t)}: "
                "cần Ban tổ chức quyết định (ghi rõ lý do)."
            )
    return draft


def _keys(members: Sequence[Group]) -> tuple[str, ...]:
    return tuple(g.key for g in members)


def _decide(
    draft: GroupDraft,
    members: Sequence[Group],
    tiers: Sequence[PrizeTier],
    decisions: Mapping[str, Decision],
) -> str:
    """Award a contested tie as the organiser decided; UNDECIDED until every group has a
    decision (nothing is given for the tie before that)."""
    chosen = [decisions.get(g.key) for g in members]
    if any(d is None for d in chosen):
        return UNDECIDED
    index = {t.name: i for i, t in enumerate(tiers)}
    for group, decision in zip(members, chosen, strict=True):
        if decision is not None and decision.tier in index:
            draft.awards.append(
                GroupAward(decision.tier, index[decision.tier], group, False, decision.reason)
            )
    draft.awards.sort(key=lambda a: (a.tier_index, a.group.rank, a.group.key))
    return "Ban tổ chức quyết định: " + "; ".join(
        f"{g.name} — {d.tier or 'không có giải'} ({d.reason})"
        for g, d in zip(members, chosen, strict=True)
        if d is not None
    )
