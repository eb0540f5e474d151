"""Collective rankings of wards, organisations and clusters: the criteria, the tie-break
chains an organiser chooses from, the points formula, and the plain-Python reference of the
ranking that services/collective.py computes in SQL (the tests hold the SQL to it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

# criterion -> its label (every criterion ranks the larger value higher)
CRITERIA = {
    "participants": "Số người tham gia",
    "rate": "Tỷ lệ tham gia",
    "mean_score": "Điểm trung bình",
    "entries": "Số lượt thi",
    "points": "Điểm cộng (10…1 theo từng tiêu chí)",
}
# The units collective prizes are given to, as the files and pages name them.
UNIT_LABELS = {"ward": "Phường", "organisation": "Cơ quan, đơn vị"}
METRICS = {k: CRITERIA[k] for k in ("participants", "rate", "mean_score", "entries")}
# The criteria whose rankings give points (10 to the first … 1 to the tenth).
POINT_METRICS = ("participants", "rate", "mean_score")
POINTS_TOP = 10
_ORDER_TEXT = {
    "participants": "số người tham gia (nhiều hơn xếp trên)",
    "rate": "tỷ lệ tham gia so với số cán bộ, người lao động (cao hơn xếp trên)",
    "mean_score": "điểm trung bình của người tham gia (cao hơn xếp trên)",
    "entries": "số lượt thi (nhiều hơn xếp trên)",
    "points": "điểm cộng 10…1 theo số người, tỷ lệ và điểm trung bình (cao hơn xếp trên)",
}
# The chains an organiser may choose (Round.collective_policy holds the key): the first
# criterion awards the collective prizes, the others break its ties, in order.
PRESETS = {
    "participants,mean_score,rate": "Số người tham gia → điểm trung bình → tỷ lệ tham gia",
    "participants,rate,mean_score": "Số người tham gia → tỷ lệ tham gia → điểm trung bình",
    "rate,participants,mean_score": "Tỷ lệ tham gia → số người tham gia → điểm trung bình",
    "mean_score,participants,rate": "Điểm trung bình → số người tham gia → tỷ lệ tham gia",
    "points,mean_score,participants": "Điểm cộng → điểm trung bình → số người tham gia",
    "entries,participants,mean_score": "Số lượt thi → số người tham gia → điểm trung bình",
}
DEFAULT_POLICY = "participants,mean_score,rate"
# What a true tie (equal on the whole chain) does to the prizes.
TIE_RULES = {
    "shared": "Đồng giải: các tập thể bằng nhau ở mọi tiêu chí cùng hạng và cùng nhận giải "
    "của hạng đó",
    "organiser": "Ban tổ chức quyết định (ghi rõ lý do) khi các tập thể bằng nhau ở mọi tiêu "
    "chí tranh nhau một giải",
}
DEFAULT_TIE_RULE = "shared"
# Each rule as the rules text states it.
_TIE_RULE_TEXT = {
    "shared": "Các tập thể bằng nhau ở mọi tiêu chí trên được xếp cùng hạng và cùng nhận giải "
    "của hạng đó (đồng giải).",
    "organiser": "Các tập thể bằng nhau ở mọi tiêu chí trên được xếp cùng hạng; nếu họ tranh "
    "nhau một giải, Ban Tổ chức quyết định và công bố lý do.",
}


def parse_policy(text: str) -> tuple[str, ...]:
    """A chain of criteria: one or more known keys, none repeated."""
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    if not keys or any(k not in CRITERIA for k in keys) or len(set(keys)) != len(keys):
        raise ValueError(f"Thứ tự xếp hạng tập thể không hợp lệ: «{text}».")
    return keys


def preset_for(metric: str) -> str:
    """The first preset led by `metric` (the review page's choice of criterion)."""
    return next(k for k in PRESETS if k.split(",")[0] == metric)


def describe(policy: Sequence[str]) -> str:
    return ", rồi ".join(_ORDER_TEXT[k] for k in policy)


def rules_lines(policy: str, tie_rule: str) -> list[str]:
    """How collective prizes are decided, for the rules text and the review page."""
    keys = parse_policy(policy)
    return [
        f"Giải tập thể (phường, cơ quan, đơn vị) xét theo {describe(keys)}.",
        _TIE_RULE_TEXT[tie_rule],
    ]


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    participants: int
    entries: int
    mean_score: float | None
    headcount: int | None
    points: int = 0
    rank: int = 0

    @property
    def rate(self) -> float | None:
        """Participants ÷ headcount, where the registry knows the headcount."""
        return self.participants / self.headcount if self.headcount else None

    def metric(self, name: str) -> float:
        """The value a criterion ranks by; unknown (no headcount, nobody) below every known."""
        value = getattr(self, name)
        return -1.0 if value is None else float(value)


def mean(score_sum: int, count: int) -> float | None:
    """The mean score as both databases compute it: a float division of two integers."""
    return float(score_sum) / float(count) if count else None


def points(
    groups: Sequence[Group], metrics: Sequence[str], top: int = POINTS_TOP
) -> dict[str, int]:
    """On each metric, the groups with a value above 0 ranked 1…`top` (equal values share the
    rank) get top + 1 − rank points; the points of every metric are summed."""
    totals = {g.key: 0 for g in groups}
    for metric in metrics:
        values = sorted((g.metric(metric) for g in groups if g.metric(metric) > 0), reverse=True)
        for group in groups:
            value = group.metric(metric)
            if value > 0 and (rank := values.index(value) + 1) <= top:
                totals[group.key] += top + 1 - rank
    return totals


def rank_groups(groups: Sequence[Group], policy: Sequence[str]) -> list[Group]:
    """The reference ranking: points filled in, best first on the chain, competition ranks
    (1, 1, 3) for groups equal on every criterion of the chain; then by key."""
    scores = points(groups, POINT_METRICS)
    scored = [replace(g, points=scores[g.key]) for g in groups]
    ordered = sorted(scored, key=lambda g: (*(-g.metric(k) for k in policy), g.key))
    ranked: list[Group] = []
    for position, group in enumerate(ordered, start=1):
        previous = ranked[-1] if ranked else None
        same = previous is not None and all(previous.metric(k) == group.metric(k) for k in policy)
        ranked.append(replace(group, rank=previous.rank if same and previous else position))
    return ranked
