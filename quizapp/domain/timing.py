"""Time rules of a round and an attempt, all kept by the server; `now` is always passed in."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum


class RoundState(Enum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


def round_state(status: str, opens_at: datetime, closes_at: datetime, now: datetime) -> RoundState:
    """A round takes entries only when opened by the organiser and inside its window."""
    if status != "open" or now < opens_at:
        return RoundState.CLOSED if status not in ("draft", "open") else RoundState.NOT_OPEN
    if now >= closes_at:
        return RoundState.CLOSED
    return RoundState.OPEN


def attempt_deadline(
    started_at: datetime, time_limit_seconds: int, closes_at: datetime
) -> datetime:
    """The earlier of start + time limit and the round's close: a late starter gets less time."""
    return min(started_at + timedelta(seconds=time_limit_seconds), closes_at)


def effective_deadline(deadline: datetime, closes_at: datetime) -> datetime:
    """An attempt ends at its own deadline or at the round's close, whichever comes first (an
    early close moves the round's close; the attempt's own deadline is not rewritten)."""
    return min(deadline, closes_at)


def save_window_end(deadline: datetime, grace_seconds: int) -> datetime:
    """Saves and submits arriving up to this instant count (in-flight requests at 0:00)."""
    return deadline + timedelta(seconds=grace_seconds)


def accepts_answers(deadline: datetime, grace_seconds: int, now: datetime) -> bool:
    return now <= save_window_end(deadline, grace_seconds)


def is_overdue(deadline: datetime, grace_seconds: int, now: datetime) -> bool:
    """An unfinished attempt past its window is finished by the server with its saved answers."""
    return not accepts_answers(deadline, grace_seconds, now)


def remaining_seconds(deadline: datetime, now: datetime) -> int:
    """Whole seconds left, never negative, shown without JavaScript."""
    return max(0, int((deadline - now).total_seconds()))


def remaining_ms(deadline: datetime, now: datetime) -> int:
    """Milliseconds left, never negative: the countdown re-syncs to this on every save."""
    return max(0, int((deadline - now) / timedelta(milliseconds=1)))


def time_used_ms(started_at: datetime, finished_at: datetime, deadline: datetime) -> int:
    """Time counted for ranking: from start to submission, never more than the allowed time."""
    end = min(finished_at, deadline)
    return max(0, int((end - started_at) / timedelta(milliseconds=1)))


# Once a round reaches these states it cannot be reopened, and its close finished every attempt.
FINAL_STATES = ("review", "published", "archived")
