"""Practice mode (luyện tập): untimed, never ranked, no account; the run lives in the cookie.

These pages only read the database; the visitor's progress is kept in the signed session.
"""

import random

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from ..forms import EmptyForm
from ..services import practice
from ..services.errors import NotFound, ServiceError

bp = Blueprint("practice", __name__, url_prefix="/luyen-tap")

STATE_KEY = "practice"


def _run():
    return practice.PracticeRun.from_cookie(session.get(STATE_KEY))


def _keep(run) -> None:
    session[STATE_KEY] = run.to_cookie()


def _drop(message: str):
    session.pop(STATE_KEY, None)
    flash(message, "info")
    return redirect(url_for("practice.index"))


EXPIRED = "Lượt luyện tập đã kết thúc hoặc đã hết hạn. Mời bạn chọn chủ đề để bắt đầu lại."


@bp.get("")
def index():
    topics = practice.practice_topics()
    return render_template(
        "practice/index.html",
        topics=topics,
        total=sum(t.practice for t in topics),
        random_key=practice.RANDOM_KEY,
        random_size=practice.RANDOM_SIZE,
        max_questions=practice.MAX_QUESTIONS,
        run=_run(),
    )


@bp.get("/<key>")
def start(key: str):
    try:
        run = practice.start_practice(key, random.Random())
    except NotFound as exc:
        return _drop(exc.message)
    _keep(run)
    return redirect(url_for("practice.question"))


@bp.get("/cau")
def question():
    run = _run()
    if run is None:
        return _drop(EXPIRED)
    if run.finished:
        return redirect(url_for("practice.summary"))
    try:
        shown = practice.current_question(run)
    except ServiceError as exc:
        return _drop(exc.message)
    return render_template(
        "practice/question.html",
        run=run,
        question=shown,
        title=practice.topic_title(run.key),
        form=EmptyForm(),
    )


@bp.post("/cau")
def answer():
    run = _run()
    if run is None:
        return _drop(EXPIRED)
    if run.finished:
        return redirect(url_for("practice.summary"))
    if request.form.get("q") != str(run.ids[run.pos]):
        # Another tab, the back button, or a forged id: only the run's own question counts.
        flash("Câu hỏi đó không phải câu đang làm; mời bạn tiếp tục từ câu dưới đây.", "info")
        return redirect(url_for("practice.question"))
    raw = request.form.get("choice", "")
    try:
        if request.form.get("action") == "next":
            run = practice.next_question(run)
        else:
            run = practice.answer(run, int(raw) if raw.isdigit() else None)
    except NotFound as exc:
        return _drop(exc.message)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("practice.question"))
    _keep(run)
    if run.finished:
        return redirect(url_for("practice.summary"))
    return redirect(url_for("practice.question"))


@bp.get("/ket-qua")
def summary():
    run = _run()
    if run is None:
        return _drop(EXPIRED)
    if not run.finished:
        return redirect(url_for("practice.question"))
    return render_template("practice/summary.html", run=run, title=practice.topic_title(run.key))
