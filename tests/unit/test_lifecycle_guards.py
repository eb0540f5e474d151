"""The round's guards one by one: (state, action, inputs) → the state reached, or the refusal
with its code. Every state × action pair is listed (nothing left to a default), and each input
guard is probed at its boundary: the grace window of the scheduled close, the close time when
opening, the new close time of a reopen, and the instant an open round behaves as closed."""

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.lifecycle import (
    RULES,
    Action,
    Command,
    Facts,
    Refused,
    Status,
    allowed,
    check,
    close_due,
    effective_status,
)

OPENS = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CLOSES = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
GRACE = 30
SECOND = timedelta(seconds=1)
DURING = CLOSES - timedelta(minutes=30)

D, OP, C, R, P, A = (
    Status.DRAFT,
    Status.OPEN,
    Status.CLOSED,
    Status.REVIEW,
    Status.PUBLISHED,
    Status.ARCHIVED,
)

# Which state each action may start from, and where it leads (None: refused as
# invalid_transition whatever the inputs).
MOVES: dict[Action, dict[Status, Status | None]] = {
    Action.OPEN: {D: OP, OP: None, C: None, R: None, P: None, A: None},
    Action.CLOSE: {D: None, OP: C, C: None, R: None, P: None, A: None},
    Action.REOPEN: {D: None, OP: None, C: OP, R: None, P: None, A: None},
    Action.REVIEW: {D: None, OP: None, C: R, R: None, P: None, A: None},
    Action.PUBLISH: {D: None, OP: None, C: P, R: P, P: None, A: None},
    Action.CORRECT: {D: None, OP: None, C: None, R: None, P: P, A: None},
    Action.ARCHIVE: {D: None, OP: None, C: None, R: None, P: A, A: None},
}


def _facts(status: Status, closes_at: datetime = CLOSES) -> Facts:
    return Facts(status, OPENS, closes_at, GRACE)


def _complete(action: Action, now: datetime) -> Command:
    """Every input the action could ask for, well formed."""
    return Command(action, now, reason="lý do", confirmed=True, closes_at=now + timedelta(hours=1))


def test_the_table_covers_every_state_and_action() -> None:
    assert set(MOVES) == set(Action)
    assert all(set(row) == set(Status) for row in MOVES.values())


@pytest.mark.parametrize(
    ("status", "action"), [(s, a) for a in Action for s in Status], ids=lambda v: str(v)
)
def test_each_state_and_action(status: Status, action: Action) -> None:
    target = MOVES[action][status]
    command = _complete(action, DURING)
    if target is None:
        with pytest.raises(Refused) as refused:
            check(_facts(status), command)
        assert refused.value.code == "invalid_transition"
        assert action not in allowed(status)
    else:
        assert check(_facts(status), command) is target
        assert action in allowed(status)
        assert RULES[action].target is target


REFUSALS = [
    # (state, command, closes_at of the round) → code
    (D, Command(Action.OPEN, DURING), CLOSES, "confirmation_required"),
    (D, Command(Action.OPEN, CLOSES, confirmed=True), CLOSES, "close_passed"),  # at the close
    (D, Command(Action.OPEN, CLOSES + SECOND, confirmed=True), CLOSES, "close_passed"),
    (OP, Command(Action.CLOSE, DURING, reason="x"), CLOSES, "confirmation_required"),
    (OP, Command(Action.CLOSE, DURING, confirmed=True), CLOSES, "reason_required"),  # early
    (OP, Command(Action.CLOSE, DURING, reason="  ", confirmed=True), CLOSES, "reason_required"),
    # The scheduled close waits for the grace window: not at the close, not at its last second.
    (OP, Command(Action.CLOSE, DURING, scheduled=True), CLOSES, "not_due"),
    (OP, Command(Action.CLOSE, CLOSES, scheduled=True), CLOSES, "not_due"),
    (OP, Command(Action.CLOSE, CLOSES + SECOND, scheduled=True), CLOSES, "not_due"),
    (OP, Command(Action.CLOSE, CLOSES + GRACE * SECOND, scheduled=True), CLOSES, "not_due"),
    # A reopen needs a confirmation, a reason and a new close time strictly in the future.
    (C, Command(Action.REOPEN, DURING, "x", False, DURING + SECOND), CLOSES,
     "confirmation_required"),
    (C, Command(Action.REOPEN, DURING, "", True, DURING + SECOND), CLOSES, "reason_required"),
    (C, Command(Action.REOPEN, DURING, "x", True, None), CLOSES, "close_time_required"),
    (C, Command(Action.REOPEN, DURING, "x", True, DURING - SECOND), CLOSES, "close_time_required"),
    (C, Command(Action.REOPEN, DURING, "x", True, DURING), CLOSES, "close_time_required"),
    (C, Command(Action.PUBLISH, DURING), CLOSES, "confirmation_required"),
    (R, Command(Action.PUBLISH, DURING), CLOSES, "confirmation_required"),
    (P, Command(Action.CORRECT, DURING, confirmed=True), CLOSES, "reason_required"),
    (P, Command(Action.CORRECT, DURING, reason="x"), CLOSES, "confirmation_required"),
    (P, Command(Action.ARCHIVE, DURING), CLOSES, "confirmation_required"),
    # A reopen from review is no reopen at all, however complete.
    (R, Command(Action.REOPEN, DURING, "x", True, DURING + timedelta(hours=1)), CLOSES,
     "invalid_transition"),
]  # fmt: skip


@pytest.mark.parametrize(("status", "command", "closes_at", "code"), REFUSALS)
def test_each_refusal_names_its_code(status, command, closes_at, code) -> None:
    with pytest.raises(Refused) as refused:
        check(_facts(status, closes_at), command)
    assert refused.value.code == code


ALLOWED = [
    (D, Command(Action.OPEN, CLOSES - SECOND, confirmed=True), OP),  # the last second before
    (OP, Command(Action.CLOSE, CLOSES, confirmed=True), C),  # at the close: no reason needed
    (OP, Command(Action.CLOSE, DURING, "đóng sớm", True), C),
    (OP, Command(Action.CLOSE, CLOSES + (GRACE + 1) * SECOND, scheduled=True), C),
    (C, Command(Action.REOPEN, DURING, "x", True, DURING + SECOND), OP),
    (C, Command(Action.REVIEW, DURING), R),
    (C, Command(Action.PUBLISH, DURING, confirmed=True), P),
    (R, Command(Action.PUBLISH, DURING, confirmed=True), P),
    (P, Command(Action.CORRECT, DURING, "đính chính", True), P),
    (P, Command(Action.ARCHIVE, DURING, confirmed=True), A),
]


@pytest.mark.parametrize(("status", "command", "target"), ALLOWED)
def test_each_allowed_move(status, command, target) -> None:
    assert check(_facts(status), command) is target


@pytest.mark.parametrize(
    ("status", "now", "due"),
    [
        (OP, CLOSES - SECOND, False),
        (OP, CLOSES, False),
        (OP, CLOSES + GRACE * SECOND, False),
        (OP, CLOSES + GRACE * SECOND + timedelta(microseconds=1), True),
        (OP, CLOSES + (GRACE + 1) * SECOND, True),
        (C, CLOSES + timedelta(hours=1), False),
        (D, CLOSES + timedelta(hours=1), False),
    ],
)
def test_the_scheduled_close_is_due_only_after_the_grace_window(status, now, due) -> None:
    assert close_due(_facts(status), now) is due


@pytest.mark.parametrize(
    ("status", "now", "behaves_as"),
    [
        (OP, CLOSES - timedelta(microseconds=1), OP),
        (OP, CLOSES, C),  # at the close time itself the round takes no new attempt
        (OP, CLOSES + SECOND, C),
        (D, CLOSES + SECOND, D),
        (C, CLOSES - SECOND, C),
        (R, CLOSES - SECOND, R),
    ],
)
def test_an_open_round_behaves_as_closed_from_its_close_time(status, now, behaves_as) -> None:
    assert effective_status(_facts(status), now) is behaves_as
