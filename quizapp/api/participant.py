"""The participant flow: register, sign in, start, save, submit, results."""

from __future__ import annotations

from flask import jsonify
from flask_login import login_user, logout_user

from .. import ratelimits
from ..auth import current_participant
from ..clock import now
from ..extensions import db
from ..services import attempt_views, attempts, participants, rounds
from ..services.errors import Conflict, ServiceError
from ..views.helpers import client_ip, device_hash
from . import BadInput, bp, field, json_body


class LoginRequired(ServiceError):
    status = 401


def _require_me():
    participant = current_participant()
    if participant is None:
        raise LoginRequired("login_required", "Vui lòng đăng nhập bằng tài khoản người dự thi.")
    return participant


@bp.post("/register")
@ratelimits.register
def register():
    data = json_body()
    registration = participants.Registration(
        full_name=field(data, "full_name", str),
        phone=field(data, "phone", str),
        password=field(data, "password", str),
        birth_year=field(data, "birth_year", int),
        ward_id=field(data, "ward_id", int),
        group=field(data, "group", str),
        organisation_id=field(data, "organisation_id", int, required=False),
        cccd=field(data, "cccd", str, required=False),
        consent=field(data, "consent", bool),
    )
    participant = participants.register(registration, now=now())
    db.session.commit()
    login_user(participant)
    return jsonify({"id": participant.id, "full_name": participant.full_name}), 201


@bp.post("/login")
@ratelimits.login
def login():
    data = json_body()
    participant = participants.authenticate(field(data, "phone", str), field(data, "password", str))
    if participant is None:
        raise LoginRequired("bad_credentials", "Số điện thoại hoặc mật khẩu không đúng.")
    db.session.commit()  # a rehashed password (argon2id), before the session takes its stamp
    login_user(participant, remember=True)
    return jsonify({"id": participant.id, "full_name": participant.full_name})


@bp.post("/logout")
def logout():
    logout_user()
    return jsonify({"ok": True})


@bp.get("/me")
def me():
    participant = _require_me()
    return jsonify(
        {
            "id": participant.id,
            "full_name": participant.full_name,
            "ward": participant.ward.name,
            "organisation": participant.organisation.name if participant.organisation else None,
        }
    )


@bp.post("/rounds/<int:round_id>/attempts")
@ratelimits.start
def start_attempt(round_id: int):
    participant = _require_me()
    rnd = rounds.get_public_round(round_id)
    moment = now()
    started = attempts.start_attempt(
        participant, rnd, moment, client_ip=client_ip(), device_hash=device_hash()
    )
    # Read before the commit expires the new rows; a new attempt has no saved answers yet.
    state = attempt_views.attempt_state(
        started.attempt, moment, answers=None if started.resumed else {}
    )
    db.session.commit()
    return jsonify(state | {"resumed": started.resumed}), 200 if started.resumed else 201


def _loaded(attempt_id: int):
    attempt = attempts.get_attempt(_require_me(), attempt_id)
    if attempts.finish_if_overdue(attempt, now()):
        db.session.commit()
    return attempt


@bp.get("/attempts/<int:attempt_id>")
def attempt_state(attempt_id: int):
    return jsonify(attempt_views.attempt_state(_loaded(attempt_id), now()))


@bp.put("/attempts/<int:attempt_id>/answers/<int:position>")
def save_answer(attempt_id: int, position: int):
    data = json_body()
    if "choice" not in data and "flagged" not in data:
        raise BadInput("missing_field", "Cần ít nhất một trong hai trường “choice”, “flagged”.")
    choice = field(data, "choice", int, required=False)
    flagged = field(data, "flagged", bool, required=False)
    moment = now()
    saved = attempts.save_answer(
        _require_me(), attempt_id, position, choice, moment, flagged=flagged
    )
    # The summary comes from the write itself (deadline, count): nothing is read again.
    summary = attempt_views.save_summary(saved.deadline_at, saved.answered, moment)
    db.session.commit()
    return jsonify({"saved": True, "position": position, **summary})


@bp.post("/attempts/<int:attempt_id>/submit")
def submit(attempt_id: int):
    data = json_body()
    prediction = field(data, "prediction", int, required=False)
    attempt = attempts.submit_attempt(_require_me(), attempt_id, now(), prediction=prediction)
    db.session.commit()
    return jsonify(attempt_views.attempt_result(attempt, now()))


@bp.get("/attempts/<int:attempt_id>/result")
def result(attempt_id: int):
    attempt = _loaded(attempt_id)
    if attempt.submitted_at is None:
        raise Conflict("not_finished", "Lượt thi chưa nộp.")
    return jsonify(attempt_views.attempt_result(attempt, now()))


@bp.get("/me/attempts")
def my_attempts():
    entries = attempt_views.my_entries(_require_me().id)
    return jsonify(
        {
            "rounds": [
                {
                    "round_id": e.round.id,
                    "title": e.round.title,
                    "counted_attempt": e.best_id,
                    "attempts": [
                        {
                            "id": a.id,
                            "number": a.number,
                            "score": a.score,
                            "time_used_ms": a.time_used_ms,
                            "finished": a.submitted_at is not None,
                        }
                        for a in e.attempts
                    ],
                }
                for e in entries
            ]
        }
    )
