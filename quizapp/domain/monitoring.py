"""What the live monitor shows: a round's next step, and events counted minute by minute."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .lifecycle import Status


@dataclass(frozen=True)
class Step:
    """The organiser's next step for a round: a key the view turns into a link, and a label."""

    key: str
    label: str


NEXT_STEP = {
    Status.DRAFT: Step("open", "Mở đợt thi"),
    Status.OPEN: Step("close", "Đóng đợt thi"),
    Status.CLOSED: Step("review", "Xét duyệt kết quả"),
    Status.REVIEW: Step("publish", "Công bố kết quả"),
    Status.PUBLISHED: Step("results", "Xem kết quả đã công bố"),
    Status.ARCHIVED: Step("results", "Xem kết quả đã công bố"),
}


def next_step(status: Status) -> Step:
    """What an organiser does next with a round in this (effective) state."""
    return NEXT_STEP[status]


@dataclass(frozen=True)
class Minute:
    start: datetime
    starts: int
    submits: int


def per_minute(
    starts: Iterable[datetime], submits: Iterable[datetime], now: datetime, minutes: int = 10
) -> list[Minute]:
    """The last `minutes` whole minutes up to now's (oldest first), with how many attempts
    started and were submitted in each; events outside that window are ignored."""
    current = now.replace(second=0, microsecond=0)
    first = current - timedelta(minutes=minutes - 1)
    counts = {first + timedelta(minutes=i): [0, 0] for i in range(minutes)}
    for column, moments in enumerate((starts, submits)):
        for moment in moments:
            bucket = moment.replace(second=0, microsecond=0)
            if bucket in counts and moment <= now:
                counts[bucket][column] += 1
    return [Minute(start, s, f) for start, (s, f) in counts.items()]
