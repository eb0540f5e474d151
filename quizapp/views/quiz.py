"""Taking a round through plain pages (the script in static/js/attempt.js enhances them)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from .. import ratelimits
from ..auth import current_participant, participant_required
from ..clock import now
from ..domain import round_rules, timing
from ..forms import EmptyForm, PredictionForm
from ..services import announcements, attempts, participant_results, rounds
from ..services.errors import NotFound
from .helpers import client_ip, device_hash
from .unit_of_work import Refused, commit, perform

bp = Blueprint("quiz", __name__)


@bp.get("/dot-thi")
def rounds_list():
    shown = rounds.public_rounds()
    return render_template(
        "quiz/rounds.html",
        rounds=shown,
        now=now(),
        publications=announcements.latest_publications(r.id for r in shown),
    )


def _round_or_404(round_id: int):
    try:
        return rounds.get_public_round(round_id)
    except NotFound:
        abort(404)


@bp.get("/dot-thi/<int:round_id>")
def round_page(round_id: int):
    rnd = _round_or_404(round_id)
    moment = now()
    state = timing.round_state(rnd.status, rnd.opens_at, rnd.closes_at, moment)
    return render_template(
        "quiz/round.html",
        round=rnd,
        state=state.value,
        form=EmptyForm(),
        rules=round_rules.rules_text(rounds.settings_of(rnd)),
        publication_id=announcements.latest_publications([rnd.id]).get(rnd.id),
    )


@bp.post("/dot-thi/<int:round_id>/bat-dau")
@ratelimits.start
@participant_required
def start(round_id: int):
    rnd = _round_or_404(round_id)
    started = perform(
        lambda: attempts.start_attempt(
            current_participant(), rnd, now(), client_ip=client_ip(), device_hash=device_hash()
        )
    )
    if isinstance(started, Refused):
        flash(started.message, "error")
        return redirect(url_for("quiz.round_page", round_id=round_id))
    if started.resumed:
        flash("Bạn đang có một lượt thi chưa nộp: tiếp tục lượt thi này.", "info")
    return redirect(url_for("quiz.attempt_page", attempt_id=started.attempt.id))


def _load(attempt_id: int):
    """The participant's attempt (404 otherwise), finished first if its time ran out."""
    try:
        attempt = attempts.get_attempt(current_participant(), attempt_id)
    except NotFound:
        abort(404)
    if attempts.finish_if_overdue(attempt, now()):
        commit()
    return attempt


@bp.get("/luot-thi/<int:attempt_id>")
@participant_required
def attempt_page(attempt_id: int):
    attempt = _load(attempt_id)
    if attempt.submitted_at is not None:
        return redirect(url_for("quiz.result", attempt_id=attempt_id))
    state = participant_results.attempt_state(attempt, now())
    count = len(state["questions"])
    position = min(max(request.args.get("cau", 1, type=int), 1), count)
    return render_template(
        "quiz/attempt.html",
        state=state,
        position=position,
        question=state["questions"][position - 1],
        form=EmptyForm(),
    )


def _next_position(position: int, count: int) -> str | int:
    go = request.form.get("go", "next")
    if go == "review":
        return "review"
    if go == "prev":
        return max(1, position - 1)
    if go.isdigit():
        return min(max(int(go), 1), count)
    return min(position + 1, count) if position < count else "review"


@bp.post("/luot-thi/<int:attempt_id>/cau/<int:position>")
@ratelimits.save
@participant_required
def save(attempt_id: int, position: int):
    raw = request.form.get("choice", "")
    choice = int(raw) if raw.isdigit() else None
    flagged = request.form.get("flagged") == "1"
    saved = perform(
        lambda: attempts.save_answer(
            current_participant(), attempt_id, position, choice, now(), flagged=flagged
        ),
        missing_is_404=True,
    )
    if isinstance(saved, Refused):
        flash(saved.message, "error")
        return redirect(url_for("quiz.attempt_page", attempt_id=attempt_id))
    target = _next_position(position, saved.questions)
    if target == "review":
        return redirect(url_for("quiz.review", attempt_id=attempt_id))
    return redirect(url_for("quiz.attempt_page", attempt_id=attempt_id, cau=target))


@bp.get("/luot-thi/<int:attempt_id>/nop")
@participant_required
def review(attempt_id: int):
    attempt = _load(attempt_id)
    if attempt.submitted_at is not None:
        return redirect(url_for("quiz.result", attempt_id=attempt_id))
    state = participant_results.attempt_state(attempt, now())
    return render_template(
        "quiz/review.html",
        state=state,
        form=PredictionForm(),
        prediction_label=round_rules.PREDICTION_LABELS.get(attempt.round.prediction_kind or "", ""),
    )


@bp.post("/luot-thi/<int:attempt_id>/nop")
@ratelimits.submit
@participant_required
def submit(attempt_id: int):
    form = PredictionForm()
    if not form.validate():
        flash("Giá trị dự đoán phải là số nguyên không âm.", "error")
        return redirect(url_for("quiz.review", attempt_id=attempt_id))
    submitted = perform(
        lambda: attempts.submit_attempt(
            current_participant(), attempt_id, now(), prediction=form.prediction.data
        ),
        missing_is_404=True,
    )
    if isinstance(submitted, Refused):
        flash(submitted.message, "error")
        return redirect(url_for("quiz.review", attempt_id=attempt_id))
    return redirect(url_for("quiz.result", attempt_id=attempt_id))


@bp.get("/luot-thi/<int:attempt_id>/ket-qua")
@participant_required
def result(attempt_id: int):
    attempt = _load(attempt_id)
    if attempt.submitted_at is None:
        return redirect(url_for("quiz.attempt_page", attempt_id=attempt_id))
    moment, rnd = now(), attempt.round
    return render_template(
        "quiz/result.html",
        result=participant_results.attempt_result(attempt, moment),
        outlook=participant_results.round_entry(attempt.participant_id, attempt.round_id, moment),
        ended=rnd.status != "open" or moment >= rnd.closes_at,  # closed early too
    )
