"""Collective measures of wards, organisations and clusters, and the points formula."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

METRICS = {
    "participants": "Số người tham gia",
    "rate": "Tỷ lệ tham gia",
    "mean_score": "Điểm trung bình",
    "entries": "Số lượt thi",
}


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    participants: int
    entries: int
    mean_score: float | None
    headcount: int | None

    @property
    def rate(self) -> float | None:
        """Participants ÷ headcount, where the registry knows the headcount."""
        return self.participants / self.headcount if self.headcount else None

    def metric(self, name: str) -> float:
        value = getattr(self, name)
        return -1.0 if value is None else float(value)


def order_by(groups: Sequence[Group], metric: str) -> list[Group]:
    """Best first on the metric; unknown values (no headcount, no entries) last, then by key."""
    return sorted(groups, key=lambda g: (-g.metric(metric), g.key))


def points(groups: Sequence[Group], metrics: Sequence[str], top: int = 10) -> dict[str, int]:
    """Top `top` groups on each metric get top…1 points (equal values share), summed."""
    totals = {g.key: 0 for g in groups}
    for metric in metrics:
        ordered = [g for g in order_by(groups, metric) if g.metric(metric) > 0]
        previous_value, previous_points = None, 0
        for position, group in enumerate(ordered[:top]):
            value = group.metric(metric)
            awarded = previous_points if value == previous_value else top - position
            totals[group.key] += awarded
            previous_value, previous_points = value, awarded
    return totals
