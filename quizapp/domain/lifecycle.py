"""The round state machine: every change of a round's state is checked here, and only here.

States: draft → open → closed → review → published → archived, with reopen (closed → open,
before any review) and corrections (published → published, a new publication version).
Each transition names its guard and the inputs it requires (a reason, a confirmation, a new
close time). Pure: the caller passes the round's facts and `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    REVIEW = "review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


STATUS_LABELS = {
    Status.DRAFT: "Nháp",
    Status.OPEN: "Đang mở",
    Status.CLOSED: "Đã đóng",
    Status.REVIEW: "Đang xét duyệt",
    Status.PUBLISHED: "Đã công bố",
    Status.ARCHIVED: "Đã lưu trữ",
}


class Action(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    REOPEN = "reopen"
    REVIEW = "review"
    PUBLISH = "publish"
    CORRECT = "correct"
    ARCHIVE = "archive"


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status
    label: str  # the button, in Vietnamese
    reason: bool = False  # a reason is required (for close: only when early)
    confirm: bool = False  # an explicit confirmation is required
    close_time: bool = False  # a new close time in the future is required


def _rule(sources: tuple[Status, ...], target: Status, label: str, **needs: bool) -> Rule:
    return Rule(frozenset(sources), target, label, **needs)


RULES: dict[Action, Rule] = {
    Action.OPEN: _rule((Status.DRAFT,), Status.OPEN, "Mở đợt thi", confirm=True),
    Action.CLOSE: _rule((Status.OPEN,), Status.CLOSED, "Đóng đợt thi", reason=True, confirm=True),
    Action.REOPEN: _rule(
        (Status.CLOSED,), Status.OPEN, "Mở lại đợt thi", reason=True, confirm=True, close_time=True
    ),
    Action.REVIEW: _rule((Status.CLOSED,), Status.REVIEW, "Bắt đầu xét duyệt"),
    Action.PUBLISH: _rule(
        (Status.CLOSED, Status.REVIEW), Status.PUBLISHED, "Công bố kết quả", confirm=True
    ),
    Action.CORRECT: _rule(
        (Status.PUBLISHED,), Status.PUBLISHED, "Công bố đính chính", reason=True, confirm=True
    ),
    Action.ARCHIVE: _rule((Status.PUBLISHED,), Status.ARCHIVED, "Lưu trữ", confirm=True),
}


@dataclass(frozen=True)
class Facts:
    """What the guards read of a round."""

    status: Status
    opens_at: datetime
    closes_at: datetime
    grace_seconds: int = 0


@dataclass(frozen=True)
class Command:
    action: Action
    now: datetime
    reason: str = ""
    confirmed: bool = False
    closes_at: datetime | None = None  # reopen: the new close time
    scheduled: bool = False  # the close run by the clock at closes_at, not by a person


class Refused(Exception):
    """A transition the rules do not allow, with a Vietnamese message and the field at fault."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


def effective_status(facts: Facts, now: datetime) -> Status:
    """An open round whose close time has passed behaves as closed, before anything runs the
    scheduled close."""
    if facts.status is Status.OPEN and now >= facts.closes_at:
        return Status.CLOSED
    return facts.status


def is_early_close(facts: Facts, now: datetime) -> bool:
    return now < facts.closes_at


def close_due(facts: Facts, now: datetime) -> bool:
    """The scheduled close runs once the grace window after the close time has passed, so
    answers in flight at the close still land."""
    return facts.status is Status.OPEN and now > facts.closes_at + timedelta(
        seconds=facts.grace_seconds
    )


def allowed(status: Status) -> list[Action]:
    """The actions whose source state matches (inputs aside), in a stable order."""
    return [action for action, rule in RULES.items() if status in rule.sources]


def check(facts: Facts, command: Command) -> Status:
    """The state the round moves to, or `Refused` with what is missing or wrong."""
    rule = RULES[command.action]
    if facts.status not in rule.sources:
        sources = ", ".join(STATUS_LABELS[s].lower() for s in sorted(rule.sources))
        raise Refused(
            "invalid_transition",
            f"Không thể “{rule.label.lower()}” khi đợt thi {STATUS_LABELS[facts.status].lower()}"
            f" (chỉ khi {sources}).",
        )
    if command.action is Action.CLOSE and command.scheduled:
        if not close_due(facts, command.now):
            raise Refused("not_due", "Chưa đến thời điểm đóng theo lịch.")
        return rule.target
    if rule.confirm and not command.confirmed:
        raise Refused("confirmation_required", "Vui lòng xác nhận thao tác.", "confirm")
    needs_reason = rule.reason and (
        command.action is not Action.CLOSE or is_early_close(facts, command.now)
    )
    if needs_reason and not command.reason.strip():
        raise Refused("reason_required", "Vui lòng ghi lý do (được lưu vào nhật ký).", "reason")
    if rule.close_time and (command.closes_at is None or command.closes_at <= command.now):
        raise Refused(
            "close_time_required",
            "Vui lòng đặt thời điểm đóng mới ở tương lai.",
            "closes_at",
        )
    if command.action is Action.OPEN and facts.closes_at <= command.now:
        raise Refused("close_passed", "Thời điểm đóng đã qua; hãy dời thời điểm đóng trước khi mở.")
    return rule.target
