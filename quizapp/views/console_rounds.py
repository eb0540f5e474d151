"""Console: contests and rounds — create, edit within the rules, freeze the public board
(changes of state: views/console_lifecycle.py)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from ..auth import current_staff, staff_required
from ..clock import now
from ..domain import quota_lines
from ..domain.formatting import DIFFICULTY_LABELS, format_datetime, parse_local
from ..domain.lifecycle import RULES, STATUS_LABELS, Action, Status, allowed
from ..domain.round_rules import RoundSettings, rules_text
from ..forms_console import NEW_CONTEST, ReasonForm, RoundForm
from ..services import bank_queries, board, round_queries, rounds
from ..services.errors import NotFound
from . import console_export_jobs
from .unit_of_work import Refused, act, perform

# Settings change in these states only; after review starts the rules are what was played.
EDITABLE = ("draft", "open", "closed")
# Review starts on the review page; a correction is offered there as "publish".
MANAGED_ELSEWHERE = (Action.REVIEW, Action.CORRECT)

bp = Blueprint("console_rounds", __name__, url_prefix="/console/rounds")


def _error(form: RoundForm, name: str, message: str) -> None:
    getattr(form, name).errors = [*getattr(form, name).errors, message]


def _times(form: RoundForm) -> tuple[datetime | None, datetime | None]:
    times = []
    for name in ("opens_at", "closes_at"):
        try:
            times.append(parse_local(getattr(form, name).data or ""))
        except ValueError as exc:
            times.append(None)
            _error(form, name, f"Thời điểm không hợp lệ: {exc}")
    opens, closes = times
    if opens and closes and closes <= opens:
        _error(form, "closes_at", "Thời điểm đóng phải sau thời điểm mở.")
    return opens, closes


def _settings(form: RoundForm, rnd=None) -> RoundSettings | None:
    """The form's settings, or None with every problem written at its field (lines numbered)."""
    form.validate()
    if form.csrf_token.errors:
        flash(form.csrf_token.errors[0], "error")
    opens, closes = _times(form)
    quotas = quota_lines.parse_quotas(form.quotas.data, {t.id for t in bank_queries.topics()})
    prizes = quota_lines.parse_prizes(form.prizes.data)
    for name, problems in (("quotas", quotas.problems), ("prizes", prizes.problems)):
        for problem in problems:
            _error(form, name, problem)
    if any(f.errors for f in form) or opens is None or closes is None:
        return None
    settings = RoundSettings(
        title=form.title.data,
        opens_at=opens,
        closes_at=closes,
        question_count=form.question_count.data,
        time_limit_seconds=form.time_limit_seconds.data,
        max_attempts=form.max_attempts.data or None,
        quotas=tuple(quotas.items),
        shuffle_questions=form.shuffle_questions.data,
        shuffle_choices=form.shuffle_choices.data,
        prediction_kind=form.prediction_kind.data or None,
        grace_seconds=form.grace_seconds.data,
        prizes=tuple(prizes.items),
        ranking_policy=form.ranking_policy.data,
        show_score_after_submit={"1": True, "0": False}.get(form.show_score.data or ""),
        allow_public_keys=form.allow_public_keys.data,
        prize_min_score=form.prize_min_score.data,
        collective_policy=form.collective_policy.data,
        collective_tie_rule=form.collective_tie_rule.data,
    )
    if rnd is None or rnd.status == "draft":
        for problem in rounds.draw_problems(settings):  # refused now, not only at open
            _error(form, "quotas", problem)
    return None if form.quotas.errors else settings


def _fill(form: RoundForm, rnd) -> None:
    s = rounds.settings_of(rnd)
    form.contest.data = str(rnd.contest_id)
    form.title.data = s.title
    form.opens_at.data, form.closes_at.data = (
        format_datetime(s.opens_at),
        format_datetime(s.closes_at),
    )
    form.question_count.data, form.time_limit_seconds.data = (
        s.question_count,
        (s.time_limit_seconds),
    )
    form.max_attempts.data = s.max_attempts
    form.quotas.data = "\n".join(
        f"{q.topic or '*'}:{DIFFICULTY_LABELS.get(q.difficulty or '', '*').lower()}:{q.count}"
        for q in s.quotas
    )
    form.shuffle_questions.data, form.shuffle_choices.data = (
        s.shuffle_questions,
        s.shuffle_choices,
    )
    form.prediction_kind.data = s.prediction_kind or ""
    form.grace_seconds.data = s.grace_seconds
    form.prizes.data = "\n".join(f"{p.name}: {p.count}" for p in s.prizes)
    form.ranking_policy.data = s.ranking_policy
    form.show_score.data = "1" if s.shows_score_after_submit else "0"
    form.allow_public_keys.data = s.allow_public_keys
    form.prize_min_score.data = s.prize_min_score
    form.collective_policy.data, form.collective_tie_rule.data = (
        s.collective_policy,
        s.collective_tie_rule,
    )


@bp.get("/")
@staff_required()
def index():
    return render_template("console/rounds/index.html", rows=round_queries.overview(), now=now())


def _with_contests(form: RoundForm) -> RoundForm:
    choices = [(str(c.id), c.title) for c in rounds.contests()]
    form.contest.choices = [("", "— Chọn cuộc thi —"), *choices]
    form.contest.choices.append((NEW_CONTEST, "+ Tạo cuộc thi mới (nhập tên bên dưới)"))
    if not form.is_submitted() and not form.contest.data:
        form.contest.data = choices[0][0] if len(choices) == 1 else "" if choices else NEW_CONTEST
    return form


def _contest_choice(form: RoundForm) -> int | str | None:
    """The chosen contest's id, or the new contest's title (else None, with a field error)."""
    chosen, title = form.contest.data or "", (form.new_contest_title.data or "").strip()
    if chosen == NEW_CONTEST:
        if title:
            return title
        _error(form, "new_contest_title", "Vui lòng nhập tên cuộc thi mới.")
    elif chosen and chosen in {value for value, _ in form.contest.choices}:
        return int(chosen)
    else:
        _error(form, "contest", "Vui lòng chọn cuộc thi trong danh sách.")
    return None


def _create(choice: int | str, settings: RoundSettings):
    if isinstance(choice, str):
        contest = rounds.create_contest(current_staff(), round_queries.new_slug(choice), choice)
    else:
        contest = rounds.get_contest(choice)
    return rounds.create_round(current_staff(), contest, settings, now())


def _refused(form: RoundForm, refused: Refused) -> None:
    """A service refusal: at its field when it names one, else at the top."""
    name = refused.error.field
    if name and hasattr(form, name):
        _error(form, name, refused.message)
    else:
        flash(refused.message, "error")


@bp.route("/new", methods=["GET", "POST"])
@staff_required()
def new():
    form = _with_contests(RoundForm())
    if form.is_submitted():
        settings, choice = _settings(form), _contest_choice(form)
        if settings is not None and choice is not None:
            rnd = perform(lambda: _create(choice, settings))
            if not isinstance(rnd, Refused):
                flash("Đã tạo đợt thi (nháp).", "success")
                return redirect(url_for("console_rounds.edit", round_id=rnd.id))
            _refused(form, rnd)
    return render_template(
        "console/rounds/edit.html", form=form, round=None, rules=None, topics=bank_queries.topics()
    )


def _round(round_id: int):
    try:
        return rounds.get_round(round_id)
    except NotFound:
        abort(404)


@bp.route("/<int:round_id>", methods=["GET", "POST"])
@staff_required()
def edit(round_id: int):
    rnd = _round(round_id)
    form = RoundForm()
    form.contest.choices = [(str(rnd.contest_id), rnd.contest.title)]
    if form.is_submitted() and rnd.status in EDITABLE:
        settings = _settings(form, rnd)
        if settings is not None:
            reason = form.reason.data or ""
            updated = perform(
                lambda: rounds.update_round(current_staff(), rnd, settings, now(), reason=reason)
            )
            if not isinstance(updated, Refused):
                flash("Đã lưu thay đổi.", "success")
                return redirect(url_for("console_rounds.edit", round_id=round_id))
            _refused(form, updated)
            rnd = _round(round_id)
    elif not form.is_submitted():
        _fill(form, rnd)
    return render_template(
        "console/rounds/edit.html",
        form=form,
        round=rnd,
        topics=bank_queries.topics(),
        rules=rules_text(rounds.settings_of(rnd)),
        action_form=ReasonForm(),
        stats=round_queries.participation(rnd.id),
        status_label=STATUS_LABELS[Status(rnd.status)],
        actions=[
            a for a in allowed(Status(rnd.status)) if a not in (Action.REVIEW, Action.CORRECT)
        ],
        transition_rules=RULES,
        now=now(),
        exports=console_export_jobs.round_panel(rnd),
    )


def _transition(round_id: int, change, message: str):
    rnd = _round(round_id)
    act(lambda: change(rnd), message)
    return redirect(url_for("console_rounds.edit", round_id=round_id))


@bp.post("/<int:round_id>/freeze")
@staff_required()
def freeze(round_id: int):
    return _transition(
        round_id,
        lambda rnd: board.freeze(current_staff(), rnd, now()),
        "Đã đóng băng bảng xếp hạng công khai.",
    )


@bp.post("/<int:round_id>/unfreeze")
@staff_required()
def unfreeze(round_id: int):
    reason = ReasonForm().reason.data or ""
    return _transition(
        round_id,
        lambda rnd: board.unfreeze(current_staff(), rnd, reason),
        "Bảng xếp hạng công khai đã cập nhật trở lại.",
    )
