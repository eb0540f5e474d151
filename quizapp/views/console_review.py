"""Console: review a closed round (ranking, flags, exclusions, prize draft) and publish it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..auth import current_staff, staff_required
from ..clock import now
from ..domain import collective as collective_rules
from ..domain.integrity import default_too_fast_seconds
from ..domain.prizes import ADJUSTMENT_KINDS
from ..domain.round_rules import rules_text
from ..forms_console import ReasonForm, TooFastForm
from ..services import (
    collective_prizes,
    lifecycle,
    prize_adjustments,
    publication,
    results,
    review,
    rounds,
)
from ..services.errors import NotFound
from .unit_of_work import act

bp = Blueprint("console_review", __name__, url_prefix="/console/rounds/<int:round_id>/review")

PAGE = 100


def _round(round_id: int):
    try:
        return rounds.get_round(round_id)
    except NotFound:
        abort(404)


@bp.get("/")
@staff_required()
def index(round_id: int):
    rnd = _round(round_id)
    data = results.gather(rnd)
    flags = data.flags
    only_flagged = request.args.get("co-canh-bao") == "1"
    rows = [r for r in data.ranking if r.participant_id in flags] if only_flagged else data.ranking
    return render_template(
        "console/review/index.html",
        round=rnd,
        data=data,
        rows=rows[:PAGE],
        total=len(rows),
        flags=flags,
        exclusions=review.exclusions(rnd),
        form=ReasonForm(),
        history=publication.history(rnd.id),
        rules=rules_text(rounds.settings_of(rnd)),
        only_flagged=only_flagged,
        collective_rules=collective_rules.rules_lines(
            rnd.collective_policy, rnd.collective_tie_rule
        ),
        presets=collective_rules.PRESETS,
        tie_rules=collective_rules.TIE_RULES,
        adjustments=prize_adjustments.adjustments_of(rnd),
        kinds=ADJUSTMENT_KINDS,
        too_fast={
            "form": TooFastForm(formdata=None, seconds=rnd.too_fast_seconds),
            "seconds": review.too_fast_threshold(rnd),
            "default": default_too_fast_seconds(rnd.question_count, rnd.time_limit_seconds),
            "custom": rnd.too_fast_seconds is not None,
        },
    )


def _reason() -> str | None:
    """The reason typed (checked: at most 500 characters), or None with the problem flashed."""
    form = ReasonForm()
    if not form.validate():
        flash(" ".join(form.reason.errors or form.csrf_token.errors), "error")
        return None
    return form.reason.data or ""


def _act(round_id: int, action, message: str):
    rnd = _round(round_id)
    act(lambda: action(rnd), message)
    return redirect(url_for("console_review.index", round_id=round_id))


@bp.post("/start")
@staff_required()
def start(round_id: int):
    return _act(
        round_id,
        lambda rnd: lifecycle.start_review(current_staff(), rnd, now()),
        "Đợt thi chuyển sang xét duyệt; bảng công khai được đóng băng.",
    )


@bp.post("/exclude/<int:participant_id>")
@staff_required()
def exclude(round_id: int, participant_id: int):
    reason = _reason()
    if reason is None:
        return redirect(url_for("console_review.index", round_id=round_id))
    return _act(
        round_id,
        lambda rnd: review.exclude(current_staff(), rnd, participant_id, reason, now()),
        "Đã loại bài thi; xếp hạng đã được tính lại.",
    )


@bp.post("/include/<int:participant_id>")
@staff_required()
def include(round_id: int, participant_id: int):
    reason = _reason()
    if reason is None:
        return redirect(url_for("console_review.index", round_id=round_id))
    return _act(
        round_id,
        lambda rnd: review.include(current_staff(), rnd, participant_id, reason),
        "Đã khôi phục bài thi.",
    )


@bp.post("/collective")
@staff_required()
def collective_metric(round_id: int):
    """The collective chain (a preset, or a criterion alone) and the tie rule."""
    policy, metric = request.form.get("policy", ""), request.form.get("metric", "")
    tie_rule = request.form.get("tie_rule") or None

    def choose(rnd) -> None:
        if metric and not policy:
            collective_prizes.choose_metric(current_staff(), rnd, metric)
        else:
            collective_prizes.choose_policy(current_staff(), rnd, policy, tie_rule)

    return _act(round_id, choose, "Đã chọn tiêu chí trao giải tập thể.")


@bp.post("/collective/tie")
@staff_required()
def decide_tie(round_id: int):
    """The organiser's prize for one group of a contested collective tie, with a reason."""
    form = request.form
    return _act(
        round_id,
        lambda rnd: collective_prizes.decide_tie(
            current_staff(),
            rnd,
            form.get("by", ""),
            form.get("key", ""),
            form.get("tier", ""),
            form.get("reason", ""),
        ),
        "Đã ghi quyết định giải tập thể.",
    )


@bp.post("/too-fast")
@staff_required()
def too_fast(round_id: int):
    """Tune the "too fast" threshold: it flags attempts for review and never excludes any."""
    form = TooFastForm()
    if not form.validate_on_submit():
        flash("Ngưỡng phải là một số nguyên giây lớn hơn 0 (hoặc để trống).", "error")
        return redirect(url_for("console_review.index", round_id=round_id))
    return _act(
        round_id,
        lambda rnd: review.set_too_fast_threshold(current_staff(), rnd, form.seconds.data),
        "Đã đổi ngưỡng cảnh báo làm quá nhanh.",
    )
