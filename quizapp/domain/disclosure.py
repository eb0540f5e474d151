"""What may be shown of a round's results, to whom, at a given moment: the one rule every
surface asks (the public board and its API, one's rank, one's entries, the result page, the
contest ranking, every exported file and a liaison's lists). Pure: the caller passes the
round's facts, the viewer and `now`.

A result is *final* once the round is closed for good (under review, published or archived:
a closed round may still be reopened) and no attempt can still be answering (the grace window
after the close has passed). Before that:

- a participant sees their own score (and which attempt counts, and their rank) only if the
  round says scores are shown right after submit; otherwise nothing of it, since with several
  attempts a score would let them probe the key one answer at a time;
- anyone else (the public, a liaison) sees scores, ranks and times on the same terms; while
  they are hidden the public board shows turnout only;
- nobody but staff sees a key or an explanation.

Staff see everything at any moment (the console is theirs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from .timing import FINAL_STATES, save_window_end


class Viewer(StrEnum):
    ANONYMOUS = "anonymous"
    PARTICIPANT = "participant"  # the person whose attempts these are
    LIAISON = "liaison"
    STAFF = "staff"


class RoundLike(Protocol):
    status: str
    closes_at: datetime
    grace_seconds: int
    show_score_after_submit: bool


@dataclass(frozen=True)
class Disclosure:
    final: bool  # the result is final
    scores: bool  # scores of finished attempts (and which attempt counts)
    ranks: bool  # ranks and the order of the ranking
    times: bool  # time used by an attempt
    keys: bool  # the correct choice of each question
    explanations: bool  # explanations and legal sources


def result_final(status: str, closes_at: datetime, grace_seconds: int, now: datetime) -> bool:
    """The round is closed for good and its last answers in flight have landed."""
    return status in FINAL_STATES and now > save_window_end(closes_at, grace_seconds)


def disclose(
    status: str,
    closes_at: datetime,
    grace_seconds: int,
    show_score_after_submit: bool,
    viewer: Viewer,
    now: datetime,
) -> Disclosure:
    final = result_final(status, closes_at, grace_seconds, now)
    if viewer is Viewer.STAFF:
        return Disclosure(final, True, True, True, True, True)
    scores = final or bool(show_score_after_submit)
    # One's own time is no secret to oneself; others' times order the ranking, so they go
    # with the scores.
    times = scores or viewer is Viewer.PARTICIPANT
    return Disclosure(final, scores, scores, times, final, final)


def of_round(rnd: RoundLike, viewer: Viewer, now: datetime) -> Disclosure:
    """`disclose` for a round object (a model row or anything with the same attributes)."""
    return disclose(
        rnd.status, rnd.closes_at, rnd.grace_seconds, rnd.show_score_after_submit, viewer, now
    )
