"""Changes of a round's state: each one checked by domain.lifecycle, the only code that assigns
`Round.status`; the use-cases that move a round (open, close, reopen, review, publish, archive)
call `apply` first and then do their own part in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..domain import lifecycle
from ..domain.drawing import window_problems
from ..domain.lifecycle import Action, Command, Facts, Refused, Status
from ..extensions import db
from ..models import Attempt, Round, StaffUser
from . import attempts, audit, bank_marks, rankings, rounds
from .errors import Conflict, ServiceError


def facts_of(rnd: Round) -> Facts:
    return Facts(Status(rnd.status), rnd.opens_at, rnd.closes_at, rnd.grace_seconds)


def effective_status(rnd: Round, now: datetime) -> Status:
    """The state a round behaves as: open past its close time is closed."""
    return lifecycle.effective_status(facts_of(rnd), now)


def apply(actor: StaffUser | None, rnd: Round, command: Command, **details: object) -> Status:
    """Check the transition, then move the round and write the audit record."""
    try:
        target = lifecycle.check(facts_of(rnd), command)
    except Refused as refused:
        error = Conflict if refused.code == "invalid_transition" else ServiceError
        raise error(refused.code, refused.message, field=refused.field) from refused
    before = rnd.status
    rnd.status = target.value
    rnd.updated_at = command.now
    audit.record(
        actor,
        f"round.{command.action.value}",
        rnd,
        reason=command.reason.strip(),
        previous=before,
        scheduled=command.scheduled,
        **details,
    )
    return target


def open_round(
    actor: StaffUser | None, rnd: Round, now: datetime, *, confirmed: bool = False
) -> Round:
    """Draft → open, once the bank can satisfy the round's quotas."""
    if rnd.status == Status.DRAFT:
        s = rounds.settings_of(rnd)
        window = rounds.draw_window(rnd, now)
        problems = window_problems(rounds.candidates(), s.quotas, s.question_count, window)
        if problems:
            raise ServiceError("invalid_settings", " ".join(problems))
    apply(actor, rnd, Command(Action.OPEN, now, confirmed=confirmed))
    return rnd


def in_progress(rnd: Round) -> int:
    """Attempts of the round not finished yet (shown on the close confirmation)."""
    return (
        db.session.scalar(
            db.select(db.func.count(Attempt.id)).where(
                Attempt.round_id == rnd.id, Attempt.submitted_at.is_(None)
            )
        )
        or 0
    )


def close_round(
    actor: StaffUser | None,
    rnd: Round,
    now: datetime,
    reason: str = "",
    *,
    confirmed: bool = False,
    scheduled: bool = False,
) -> int:
    """Open → closed, early or at the close time, as one event: every attempt still in
    progress is finished at the close with the answers saved until then, and the prediction's
    true value is fixed. Returns how many attempts the close finished."""
    early = lifecycle.is_early_close(facts_of(rnd), now)
    command = Command(Action.CLOSE, now, reason, confirmed, scheduled=scheduled)
    apply(actor, rnd, command, early=early, closes_at=rnd.closes_at.isoformat())
    if early:
        # The close moves to now; a round closed before it opened keeps a one-second window.
        rnd.closes_at = max(now, rnd.opens_at + timedelta(seconds=1))
    finished = attempts.finish_at_close(rnd, now)
    rnd.prediction_actual = rounds.prediction_actual(rnd) if rnd.prediction_kind else None
    if "prediction" in rankings.policy_of(rnd):
        # The prediction's true value is known only now: it may change which attempt of a
        # participant counts (kept entries already follow every other key exactly).
        rankings.rebuild_entries(rnd)
    return finished


def reopen_round(
    actor: StaffUser | None,
    rnd: Round,
    now: datetime,
    closes_at: datetime | None,
    reason: str,
    *,
    confirmed: bool = False,
) -> Round:
    """Closed (not yet reviewed) → open until a new close time; attempts finished at the close
    stay finished, and the prediction's true value is counted again at the next close."""
    command = Command(Action.REOPEN, now, reason, confirmed, closes_at=closes_at)
    apply(actor, rnd, command, closes_at=closes_at.isoformat() if closes_at else None)
    assert closes_at is not None  # checked by the state machine
    if problems := rounds.extension_problems(rnd, closes_at):
        raise ServiceError("invalid_settings", " ".join(problems), field="closes_at")
    rnd.closes_at = closes_at
    rnd.prediction_actual = None
    return rnd


def start_review(actor: StaffUser | None, rnd: Round, now: datetime) -> None:
    """Closed → under review: the public board is frozen (if it is not already) while
    complaints are settled."""
    settle(rnd, now)
    apply(actor, rnd, Command(Action.REVIEW, now))
    bank_marks.mark_drawn_by_round(rnd, now)  # the keys are published from now on
    if rnd.board_frozen_at is None:
        from . import board

        board.freeze_at(rnd, rnd.closes_at)


def archive_round(actor: StaffUser | None, rnd: Round, now: datetime, *, confirmed: bool) -> None:
    apply(actor, rnd, Command(Action.ARCHIVE, now, confirmed=confirmed))


def settle(rnd: Round, now: datetime) -> bool:
    """Run the scheduled close of a round found past its close time (and grace window)."""
    if not lifecycle.close_due(facts_of(rnd), now):
        return False
    close_round(None, rnd, now, scheduled=True)
    return True


def close_due_rounds(now: datetime) -> int:
    """The clock's part: close every open round whose close time and grace window passed."""
    due = db.session.scalars(
        db.select(Round)
        .where(Round.status == Status.OPEN.value, Round.closes_at < now)
        .order_by(Round.id)
        .with_for_update(skip_locked=True)
    ).all()
    return sum(settle(rnd, now) for rnd in due)
