"""The participant flow: register, sign in, start, save, submit, results."""

from __future__ import annotations

from flask import g
from flask_login import login_user, logout_user

from ... import ratelimits
from ...auth import current_participant, session_claim
from ...clock import now
from ...services import api_tokens, attempts, participant_results, participants, rounds, sessions
from ...services.answer_write import write_signed
from ...services.errors import Conflict
from ..helpers import client_ip, device_hash
from ..unit_of_work import commit
from .blueprint import bp
from .schemas import AnswerIn, LoginIn, OkOut, PageIn, RegisterIn, SubmitIn
from .schemas_flow import (
    AttemptOut,
    MeOut,
    MyRoundsOut,
    ResultOut,
    SavedOut,
    SignedInOut,
    StartedOut,
)
from .spec import Unauthorized, page_of, paged, parse_body, parse_query, reply, route


def require_me():
    participant = current_participant()
    if participant is None:
        raise Unauthorized("login_required", "Vui lòng đăng nhập bằng tài khoản người dự thi.")
    return participant


@route(
    bp,
    "POST",
    "/register",
    "register",
    "Đăng ký người dự thi (mở phiên cookie)",
    tag="account",
    body=RegisterIn,
    responses={201: SignedInOut},
    errors=(409, 429),
    auth="csrf",
    description="Ứng dụng và mini app dùng POST /register/token (nhận ngay mã truy cập).",
)
@ratelimits.register
def register():
    data = parse_body(RegisterIn)
    registration = participants.Registration(**data.model_dump())
    participant = participants.register(registration, now=now())
    commit()
    login_user(participant)
    return reply(SignedInOut, {"id": participant.id, "full_name": participant.full_name}, 201)


@route(
    bp,
    "POST",
    "/login",
    "login",
    "Đăng nhập cho trình duyệt (phiên cookie)",
    tag="account",
    body=LoginIn,
    responses={200: SignedInOut},
    errors=(401, 429),
    auth="csrf",
    description="Ứng dụng và mini app dùng POST /tokens thay cho lệnh này.",
)
@ratelimits.login
def login():
    data = parse_body(LoginIn)
    participant = participants.authenticate(data.phone, data.password)
    if participant is None:
        raise Unauthorized("bad_credentials", "Số điện thoại hoặc mật khẩu không đúng.")
    commit()  # a rehashed password (argon2id), before the session takes its stamp
    login_user(participant, remember=True)
    return reply(SignedInOut, {"id": participant.id, "full_name": participant.full_name})


@route(
    bp,
    "POST",
    "/logout",
    "logout",
    "Đăng xuất: kết thúc phiên cookie, hoặc thu hồi mã truy cập đang dùng",
    tag="account",
    responses={200: OkOut},
    auth="participant",
)
def logout():
    token = getattr(g, "api_token", None)
    if token is not None:
        api_tokens.revoke(token.participant, token.id, now())
        commit()
    else:
        me = current_participant()
        if me is not None:
            sessions.end_sessions(me)
            commit()
        logout_user()
    return reply(OkOut, {"ok": True})


@route(
    bp,
    "POST",
    "/logout/everywhere",
    "logoutEverywhere",
    "Đăng xuất mọi nơi: kết thúc mọi phiên và thu hồi mọi mã truy cập của tài khoản",
    tag="account",
    responses={200: OkOut},
    auth="participant",
)
def logout_everywhere():
    participants.sign_out_everywhere(require_me(), now())
    commit()
    logout_user()
    return reply(OkOut, {"ok": True})


@route(bp, "GET", "/me", "getMe", "Người dự thi đang đăng nhập", tag="account",
       responses={200: MeOut}, auth="participant")  # fmt: skip
def me():
    participant = require_me()
    return reply(
        MeOut,
        {
            "id": participant.id,
            "full_name": participant.full_name,
            "ward": participant.ward.name,
            "organisation": participant.organisation.name if participant.organisation else None,
        },
    )


@route(
    bp,
    "POST",
    "/rounds/<int:round_id>/attempts",
    "startAttempt",
    "Bắt đầu một lượt thi, hoặc mở lại lượt đang làm dở (200)",
    tag="attempt",
    responses={201: StartedOut, 200: StartedOut},
    errors=(404, 409, 429),
    auth="participant",
)
@ratelimits.start
def start_attempt(round_id: int):
    # A cookie session is checked on the participant's row, which the start locks anyway, in
    # the statement that reads the round and the participant's attempts of it.
    claim = session_claim()
    moment = now()
    where = {"client_ip": client_ip(), "device_hash": device_hash()}
    started = attempts.start_signed(claim, round_id, moment, **where) if claim else None
    if started is None:  # a token, or a session that no longer holds (401): as Flask-Login does
        participant = require_me()
        rnd = rounds.get_public_round(round_id)
        started = attempts.start_attempt(participant, rnd, moment, **where)
    # Read before the commit expires the rows read; a new attempt is read from what it wrote.
    state = participant_results.started_state(started, moment)
    commit()
    return reply(StartedOut, state | {"resumed": started.resumed}, 200 if started.resumed else 201)


def _loaded(attempt_id: int):
    attempt = attempts.get_attempt(require_me(), attempt_id)
    if attempts.finish_if_overdue(attempt, now()):
        commit()
    return attempt


@route(
    bp,
    "GET",
    "/attempts/<int:attempt_id>",
    "getAttempt",
    "Trạng thái lượt thi: câu hỏi, câu đã chọn, thời gian còn lại",
    tag="attempt",
    responses={200: AttemptOut},
    errors=(404,),
    auth="participant",
)
def attempt_state(attempt_id: int):
    return reply(AttemptOut, participant_results.attempt_state(_loaded(attempt_id), now()))


@route(
    bp,
    "PUT",
    "/attempts/<int:attempt_id>/answers/<int:position>",
    "saveAnswer",
    "Lưu câu trả lời (choice: vị trí phương án như hiển thị, null để bỏ chọn) hoặc đánh dấu",
    tag="attempt",
    body=AnswerIn,
    responses={200: SavedOut},
    errors=(404, 409, 429),
    auth="participant",
)
@ratelimits.save
def save_answer(attempt_id: int, position: int):
    data = parse_body(AnswerIn)
    moment = now()
    args = (attempt_id, position, data.choice, moment)
    # A cookie session is checked inside the save's one statement: no read of the account.
    claim = session_claim()
    signed = write_signed(claim, *args, data.flagged) if claim is not None else None
    # A token, or a refusal: the account as Flask-Login loads it, and why.
    saved = (
        signed
        if signed is not None
        else attempts.save_answer(require_me(), *args, flagged=data.flagged)
    )
    # The summary comes from the write itself (deadline, count): nothing is read again.
    summary = participant_results.save_summary(saved.deadline_at, saved.answered, moment)
    commit()
    return reply(SavedOut, {"saved": True, "position": position, **summary})


@route(
    bp,
    "POST",
    "/attempts/<int:attempt_id>/submit",
    "submitAttempt",
    "Nộp bài (lần nộp thứ hai trả lại kết quả đã có)",
    tag="attempt",
    body=SubmitIn,
    responses={200: ResultOut},
    errors=(404, 409, 429),
    auth="participant",
)
@ratelimits.submit
def submit(attempt_id: int):
    data = parse_body(SubmitIn)
    moment = now()
    attempt = attempts.submit_attempt(require_me(), attempt_id, moment, prediction=data.prediction)
    # Read before the commit, while the attempt is current: the commit would expire it.
    result = participant_results.attempt_result(attempt, moment)
    commit()
    return reply(ResultOut, result)


@route(
    bp,
    "GET",
    "/attempts/<int:attempt_id>/result",
    "getResult",
    "Kết quả; đáp án chỉ có sau khi đợt thi kết thúc",
    tag="attempt",
    responses={200: ResultOut},
    errors=(404, 409),
    auth="participant",
)
def result(attempt_id: int):
    attempt = _loaded(attempt_id)
    if attempt.submitted_at is None:
        raise Conflict("not_finished", "Lượt thi chưa nộp.")
    return reply(ResultOut, participant_results.attempt_result(attempt, now()))


@route(
    bp,
    "GET",
    "/me/attempts",
    "listMyAttempts",
    "Các lượt thi của tôi, theo đợt (mới nhất trước)",
    tag="attempt",
    query=PageIn,
    responses={200: MyRoundsOut},
    auth="participant",
)
def my_attempts():
    page = parse_query(PageIn)
    entries, total = page_of(participant_results.my_entries(require_me().id, now()), page)
    items = [
        {
            "round_id": e.round.id,
            "title": e.round.title,
            "counted_attempt": e.counted_id,
            "attempts": [
                {
                    "id": a.id,
                    "number": a.number,
                    "score": a.score,
                    "time_used_ms": a.time_used_ms,
                    "finished": a.finished,
                }
                for a in e.attempts
            ],
        }
        for e in entries
    ]
    return reply(MyRoundsOut, paged(items, page, total))
