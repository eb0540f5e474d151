"""Console: every change of a round's state on a confirmation page that says what will happen
(open, close, reopen, publish or correct, archive), checked by the round state machine."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from ..auth import current_staff, staff_required
from ..clock import now
from ..domain.collective import rules_lines
from ..domain.formatting import parse_local
from ..domain.lifecycle import RULES, STATUS_LABELS, Action, Status, is_early_close
from ..domain.publication import checklist
from ..forms_console import TransitionForm
from ..services import lifecycle, publication, results, rounds
from ..services.errors import NotFound, ServiceError
from .unit_of_work import Refused, perform

bp = Blueprint("console_lifecycle", __name__, url_prefix="/console/rounds/<int:round_id>")

DONE = {
    Action.OPEN: "Đã mở đợt thi.",
    Action.CLOSE: "Đã đóng đợt thi; các lượt đang làm đã được kết thúc với câu trả lời đã lưu.",
    Action.REOPEN: "Đã mở lại đợt thi.",
    Action.PUBLISH: "Đã công bố kết quả.",
    Action.ARCHIVE: "Đã lưu trữ đợt thi.",
}


def _round(round_id: int):
    try:
        return rounds.get_round(round_id)
    except NotFound:
        abort(404)


def _action(name: str, rnd) -> Action:
    try:
        action = Action(name)
    except ValueError:
        abort(404)
    if action is Action.PUBLISH and rnd.status == Status.PUBLISHED:
        return Action.CORRECT
    if action in (Action.REVIEW, Action.CORRECT):
        abort(404)  # review starts from the review page; a correction is a publish
    return action


def _perform(rnd, action: Action, form: TransitionForm) -> None:
    staff, moment, confirmed = current_staff(), now(), bool(form.confirm.data)
    reason = form.reason.data or ""
    if action is Action.OPEN:
        lifecycle.open_round(staff, rnd, moment, confirmed=confirmed)
    elif action is Action.CLOSE:
        lifecycle.close_round(staff, rnd, moment, reason, confirmed=confirmed)
    elif action is Action.REOPEN:
        try:
            closes_at = parse_local(form.closes_at.data) if form.closes_at.data else None
        except ValueError as exc:
            raise ServiceError(
                "invalid_time", f"Thời điểm không hợp lệ: {exc}", "closes_at"
            ) from exc
        lifecycle.reopen_round(staff, rnd, moment, closes_at, reason, confirmed=confirmed)
    elif action in (Action.PUBLISH, Action.CORRECT):
        publication.publish(
            staff,
            rnd,
            moment,
            reason,
            confirmed=confirmed,
            acknowledgement=form.acknowledgement.data or "",
        )
    else:
        lifecycle.archive_round(staff, rnd, moment, confirmed=confirmed)


@bp.route("/<string:name>", methods=["GET", "POST"])
@staff_required()
def confirm(round_id: int, name: str):
    rnd = _round(round_id)
    action = _action(name, rnd)
    form = TransitionForm()
    status = 200
    if form.validate_on_submit():
        done = perform(lambda: _perform(rnd, action, form))
        if isinstance(done, Refused):
            rnd = _round(round_id)
            field = getattr(form, done.error.field or "", None)
            (field.errors if field is not None else form.form_errors).append(done.message)
            status = done.error.status
        else:
            flash(DONE[Action.PUBLISH if action is Action.CORRECT else action], "success")
            return redirect(url_for("console_rounds.edit", round_id=round_id))
    moment = now()
    data = results.gather(rnd) if action in (Action.PUBLISH, Action.CORRECT) else None
    return render_template(
        "console/rounds/confirm.html",
        round=rnd,
        action=action,
        rule=RULES[action],
        form=form,
        status_label=STATUS_LABELS[Status(rnd.status)],
        early=is_early_close(lifecycle.facts_of(rnd), moment),
        in_progress=lifecycle.in_progress(rnd),
        data=data,
        checklist=checklist(data) if data is not None else [],
        collective_rules=rules_lines(rnd.collective_policy, rnd.collective_tie_rule),
        now=moment,
    ), status
