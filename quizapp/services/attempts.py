"""Taking a round: start (or resume), save answers one by one, submit, finish on time."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..domain import scoring, timing
from ..domain.formatting import format_time
from ..extensions import db
from ..models import Answer, Attempt, AttemptQuestion, Participant, QuestionVersion, Round
from ..models.people import credential_stamp
from . import rankings
from .answer_write import SessionClaim, write_answer
from .errors import Conflict, NotFound, ServiceError
from .rounds import public_or_404
from .start_write import (
    NewAttempt,
    NewItem,
    StartRound,
    attempt_row,
    draw_for,
    insert_attempt,
    insert_items,
    latest,
    start_read,
    start_round,
    unfinished,
)

MAX_PREDICTION = 100_000_000


@dataclass(frozen=True)
class Started:
    # The ORM's attempt, except for a new one started by `start_signed` (the row it wrote).
    attempt: Attempt | NewAttempt
    resumed: bool
    round: Round | StartRound
    # A new attempt's questions as written (the reply's); None when resumed: `attempt.items`.
    items: list[NewItem] | None = None


def _check_open(rnd: Round | StartRound, now: datetime) -> None:
    state = timing.round_state(rnd.status, rnd.opens_at, rnd.closes_at, now)
    if state is timing.RoundState.NOT_OPEN:
        raise Conflict("round_not_open", "Đợt thi chưa mở.")
    if state is timing.RoundState.CLOSED:
        raise Conflict("round_closed", "Đợt thi đã kết thúc.")


def start_attempt(
    participant: Participant,
    rnd: Round,
    now: datetime,
    seed: str | None = None,
    client_ip: str | None = None,
    device_hash: str | None = None,
) -> Started:
    """Resume the unfinished attempt, or start a new one within the round's attempt limit.

    The limit holds in the database: attempt numbers are unique per participant and round, so
    two simultaneous starts cannot both take the last free number. The participant's row is
    locked first, so starts of one person run one after the other and always see each other's
    attempt (two open attempts at once cannot happen).
    """
    _check_open(rnd, now)
    db.session.execute(
        db.select(Participant.id).where(Participant.id == participant.id).with_for_update()
    )
    started = _started(participant.id, rnd, now, seed, client_ip, device_hash)
    if isinstance(started.attempt, NewAttempt):  # the ORM's object, for callers that go on
        attempt = db.session.get_one(Attempt, started.attempt.id)
        set_committed_value(attempt, "round", rnd)
        started = replace(started, attempt=attempt)
    return started


def start_signed(
    claim: SessionClaim,
    round_id: int,
    now: datetime,
    client_ip: str | None,
    device_hash: str | None,
) -> Started | None:
    """`start_attempt` for a cookie session (the API's start): one statement reads the round,
    the participant's attempts of it, and the participant's row, locked, on which the session
    is checked; a new start then writes its attempt and questions and loads no ORM object.

    None, with nothing done, when the session no longer holds or the statement found nothing
    (no such account or round): the caller loads the account as Flask-Login does (401) and the
    round as every other page does (404).
    """
    found = db.session.execute(
        start_read(), {"round": round_id, "participant": claim.participant_id}
    ).first()
    if found is None or found.session_version != claim.version:
        return None
    if credential_stamp(found.password_hash) != claim.stamp:
        return None
    rnd = public_or_404(start_round(found))
    _check_open(rnd, now)
    if found.unfinished is not None:  # to resume, or to finish first: read again, as a start
        return _started(claim.participant_id, rnd, now, None, client_ip, device_hash)
    return _new(claim.participant_id, rnd, found.used or 0, now, None, client_ip, device_hash)


def _started(
    participant_id: int,
    rnd: Round | StartRound,
    now: datetime,
    seed: str | None,
    client_ip: str | None,
    device_hash: str | None,
) -> Started:
    current, used = latest(participant_id, rnd.id)
    if current is not None:
        if not timing.is_overdue(current.deadline_at, rnd.grace_seconds, now):
            return Started(current, resumed=True, round=rnd)
        finish_if_overdue(current, now)
    return _new(participant_id, rnd, used, now, seed, client_ip, device_hash)


def _new(
    participant_id: int,
    rnd: Round | StartRound,
    used: int,
    now: datetime,
    seed: str | None,
    client_ip: str | None,
    device_hash: str | None,
) -> Started:
    """A new attempt after `used` ones, within the round's limit, and its drawn questions."""
    if rnd.max_attempts is not None and used >= rnd.max_attempts:
        raise Conflict("attempt_limit", f"Bạn đã dùng hết {rnd.max_attempts} lượt thi của đợt này.")
    row = attempt_row(participant_id, rnd, used + 1, now, seed or secrets.token_hex(16))
    row |= {"client_ip": client_ip, "device_hash": device_hash}
    drawn = draw_for(rnd, row["seed"])
    attempt = insert_attempt(row)
    if attempt is None:
        # Another request of the same person started this number first: resume that one.
        other = unfinished(participant_id, rnd.id)
        if other is not None:
            return Started(other, resumed=True, round=rnd)
        raise Conflict("attempt_limit", "Lượt thi vừa được bắt đầu ở nơi khác.")
    return Started(attempt, resumed=False, round=rnd, items=insert_items(attempt, drawn))


def lock_attempt(participant: Participant, attempt_id: int, shared: bool = False) -> Attempt:
    """The participant's own attempt, locked for the rest of the transaction (FOR SHARE with
    `shared`: enough to keep a submit or a close, which lock FOR UPDATE, out).

    Someone else's attempt is "not found", exactly like one that does not exist.
    """
    attempt = db.session.scalar(
        db.select(Attempt)
        .options(joinedload(Attempt.round, innerjoin=True))  # its windows: no second query
        .where(Attempt.id == attempt_id, Attempt.participant_id == participant.id)
        .with_for_update(of=Attempt, read=shared)
        .execution_options(populate_existing=True)
    )
    if attempt is None:
        raise NotFound("attempt_not_found", "Không tìm thấy lượt thi.")
    return attempt


def get_attempt(participant: Participant, attempt_id: int) -> Attempt:
    attempt = db.session.scalar(
        db.select(Attempt).where(Attempt.id == attempt_id, Attempt.participant_id == participant.id)
    )
    if attempt is None:
        raise NotFound("attempt_not_found", "Không tìm thấy lượt thi.")
    return attempt


def deadline_of(attempt: Attempt) -> datetime:
    """The attempt's effective deadline: its own, or its round's close if that is earlier."""
    return timing.effective_deadline(attempt.deadline_at, attempt.round.closes_at)


def _round_ended(rnd: Round, now: datetime) -> bool:
    return rnd.status not in ("open",) or not timing.accepts_answers(
        rnd.closes_at, rnd.grace_seconds, now
    )


def _check_accepting(attempt: Attempt, now: datetime) -> None:
    rnd = attempt.round
    if _round_ended(rnd, now):
        raise Conflict(
            "round_closed",
            f"Đợt thi đã kết thúc lúc {format_time(rnd.closes_at)}; "
            "các câu trả lời đã lưu trước đó được tính.",
        )
    if attempt.submitted_at is not None:
        raise Conflict("attempt_finished", "Bài thi đã được nộp, không thể thay đổi.")
    if not timing.accepts_answers(deadline_of(attempt), rnd.grace_seconds, now):
        raise Conflict("deadline_passed", "Đã hết giờ làm bài; các câu đã lưu trước đó được tính.")


@dataclass(frozen=True)
class Saved:
    deadline_at: datetime  # the effective deadline (the attempt's, or the round's close)
    answered: int  # questions with a choice, this save included
    questions: int


def save_answer(
    participant: Participant,
    attempt_id: int,
    position: int,
    choice: int | None,
    now: datetime,
    flagged: bool | None = None,
) -> Saved:
    """Save (or clear) the choice shown at `choice` for the question at `position`.

    A save lands before grading or is refused. This is the hottest path of a round: one
    statement checks every rule and writes (answer_write.py); only a refused save takes the
    checks below, one by one, to say why (they raise), or saves if the state changed between.
    """
    written = write_answer(participant.id, attempt_id, position, choice, now, flagged)
    if written is not None:
        return Saved(written.deadline_at, written.answered, written.questions)
    return _save_checked(participant, attempt_id, position, choice, now, flagged)


def _save_checked(
    participant: Participant,
    attempt_id: int,
    position: int,
    choice: int | None,
    now: datetime,
    flagged: bool | None,
) -> Saved:
    """The same save, rule by rule with the attempt locked, raising the first refusal.

    The lock is FOR SHARE, like the one the one-statement save may already hold: taking FOR
    UPDATE here would upgrade it, and two saves upgrading at once deadlock on PostgreSQL.
    """
    attempt = lock_attempt(participant, attempt_id, shared=True)
    _check_accepting(attempt, now)
    answered_before = (
        db.select(db.func.count(Answer.id))
        .where(Answer.attempt_id == attempt.id, Answer.chosen_index.is_not(None))
        .scalar_subquery()
    )
    found = db.session.execute(
        db.select(AttemptQuestion, Answer, answered_before)
        .outerjoin(Answer, Answer.attempt_question_id == AttemptQuestion.id)
        .where(AttemptQuestion.attempt_id == attempt.id, AttemptQuestion.position == position)
    ).first()
    if found is None:
        raise NotFound("question_not_in_attempt", "Câu hỏi không thuộc lượt thi này.")
    item, answer, answered = found
    if choice is not None and not 0 <= choice < len(item.choice_order):
        raise ServiceError("choice_out_of_range", "Phương án trả lời không hợp lệ.")
    if answer is None:
        answer = Answer(attempt_id=attempt.id, attempt_question_id=item.id, chosen_index=None)
        db.session.add(answer)
    answered -= answer.chosen_index is not None
    if choice is not None or flagged is None:
        answer.chosen_index = None if choice is None else item.choice_order[choice]
    if flagged is not None:
        answer.flagged = flagged
    answer.saved_at = now
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # the same question saved at this instant elsewhere
        raise Conflict(
            "save_conflict", "Câu trả lời vừa được lưu ở nơi khác; hãy thử lại."
        ) from exc
    answered += answer.chosen_index is not None
    return Saved(deadline_of(attempt), answered, len(attempt.items))


def submit_attempt(
    participant: Participant, attempt_id: int, now: datetime, prediction: int | None = None
) -> Attempt:
    """Finish and grade; submitting twice is harmless (the first result stands)."""
    attempt = lock_attempt(participant, attempt_id)
    rnd = attempt.round
    if _round_ended(rnd, now):
        _check_accepting(attempt, now)  # refused: the round's close finished it
    if attempt.submitted_at is not None:
        return attempt
    if now > deadline_of(attempt):
        # Time is up (the countdown reached zero, or a late request): the saved answers count.
        finish(attempt, now)
        return attempt
    if rnd.prediction_kind:
        if prediction is None:
            raise ServiceError(
                "prediction_required", "Vui lòng trả lời câu hỏi dự đoán.", field="prediction"
            )
        if not 0 <= prediction <= MAX_PREDICTION:
            raise ServiceError(
                "prediction_invalid", "Giá trị dự đoán không hợp lệ.", field="prediction"
            )
        attempt.prediction = prediction
    finish(attempt, now, reason="submitted")
    return attempt


def finish(attempt: Attempt, now: datetime, reason: str = "timeout") -> None:
    """Grade with the answers saved so far; a timed-out attempt ends at its deadline.

    One read (each drawn question's key beside its saved choice) and one write marking the
    saved answers: a round start's submits come together, so grading must not cost a query
    per question.
    """
    with db.session.no_autoflush:  # the attempt's own pending changes go in its one UPDATE below
        drawn = db.session.execute(
            db.select(QuestionVersion.correct_index, Answer.id, Answer.chosen_index)
            .select_from(AttemptQuestion)
            .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
            .outerjoin(Answer, Answer.attempt_question_id == AttemptQuestion.id)
            .where(AttemptQuestion.attempt_id == attempt.id)
            .order_by(AttemptQuestion.position)
        ).all()
        marks = scoring.grade([d.correct_index for d in drawn], [d.chosen_index for d in drawn])
        marked = [(d.id, mark) for d, mark in zip(drawn, marks, strict=True) if d.id is not None]
        if marked:
            right = [answer_id for answer_id, mark in marked if mark]
            db.session.execute(
                db.update(Answer)
                .where(Answer.id.in_([answer_id for answer_id, _ in marked]))
                .values(is_correct=Answer.id.in_(right))
            )
    end = now if reason == "submitted" else deadline_of(attempt)
    attempt.submitted_at = end
    attempt.finish_reason = reason
    attempt.score = scoring.score(marks)
    attempt.time_used_ms = timing.time_used_ms(attempt.started_at, end, attempt.deadline_at)
    db.session.flush()
    rankings.record_finished(attempt)


def finish_if_overdue(attempt: Attempt, now: datetime) -> bool:
    """The lazy part of the server-kept deadline: finish an attempt found past its window.

    The row is locked and read again first, so simultaneous requests grade it once.
    """
    if attempt.submitted_at is not None or not timing.is_overdue(
        deadline_of(attempt), attempt.round.grace_seconds, now
    ):
        return False
    locked = db.session.scalar(
        db.select(Attempt)
        .where(Attempt.id == attempt.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None or locked.submitted_at is not None:
        return False
    finish(locked, now)
    return True


def finish_overdue(now: datetime, limit: int = 1000) -> int:
    """Finish every unfinished attempt past its window (the `flask attempts` sweep)."""
    rows = db.session.scalars(
        db.select(Attempt)
        .join(Round, Round.id == Attempt.round_id)
        .where(
            Attempt.submitted_at.is_(None),
            (Attempt.deadline_at < now) | (Round.closes_at < now),
        )
        .order_by(Attempt.deadline_at)
        .limit(limit)
        .with_for_update(of=Attempt, skip_locked=True)
    ).all()
    return sum(finish_if_overdue(attempt, now) for attempt in rows)


def finish_at_close(rnd: Round, now: datetime) -> int:
    """Finish every attempt of `rnd` still in progress, at the round's close, with the answers
    saved until then (the round's close event; rows locked, so a save in flight waits and is
    then refused)."""
    rows = db.session.scalars(
        db.select(Attempt)
        .where(Attempt.round_id == rnd.id, Attempt.submitted_at.is_(None))
        .order_by(Attempt.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    for attempt in rows:
        finish(attempt, now, reason="closed")
    return len(rows)
