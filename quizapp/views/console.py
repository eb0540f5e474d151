"""The organiser console (behind staff sign-in)."""

from flask import Blueprint, abort, redirect, render_template, request, url_for

from ..auth import current_staff, staff_required
from ..clock import now
from ..domain.lifecycle import STATUS_LABELS
from ..domain.monitoring import next_step
from ..extensions import db
from ..forms import EmptyForm
from ..forms_console import ContestForm
from ..models import Contest, Organisation, Question, Ward
from ..services import contest_ranking, lifecycle, round_queries, rounds
from .unit_of_work import act

bp = Blueprint("console", __name__, url_prefix="/console")


@bp.get("/")
@staff_required()
def index():
    counts = {
        "wards": db.session.scalar(db.select(db.func.count(Ward.id))),
        "organisations": db.session.scalar(db.select(db.func.count(Organisation.id))),
        "questions": db.session.scalar(
            db.select(db.func.count(Question.id)).where(Question.retired_at.is_(None))
        ),
    }
    moment = now()
    rows = [
        {**row, "status": status, "step": next_step(status)}
        for row in round_queries.overview()
        for status in [lifecycle.effective_status(row["round"], moment)]
    ]
    return render_template(
        "console/index.html",
        staff=current_staff(),
        counts=counts,
        rows=rows,
        labels=STATUS_LABELS,
    )


@bp.route("/contests", methods=["GET", "POST"])
@staff_required()
def contests():
    """Every contest with its rounds; a new contest is made here, by name, on purpose."""
    form = ContestForm()
    listed = rounds.contests()
    if form.validate_on_submit():
        title = form.title.data.strip()
        if any(c.title.casefold() == title.casefold() for c in listed):
            form.title.errors = [f"Đã có cuộc thi «{title}»; hãy chọn nó khi tạo đợt thi."]
        elif act(
            lambda: rounds.create_contest(current_staff(), round_queries.new_slug(title), title),
            f"Đã tạo cuộc thi «{title}».",
        ):
            return redirect(url_for("console.contests"))
    return render_template("console/contests.html", contests=listed, form=form)


@bp.route("/contests/<int:contest_id>", methods=["GET", "POST"])
@staff_required()
def contest(contest_id: int):
    """The contest ranking: every round's counted entry combined per participant."""
    found = db.session.get(Contest, contest_id)
    if found is None:
        abort(404)
    if request.method == "POST":
        combine = request.form.get("combine", "")
        act(
            lambda: contest_ranking.choose_combination(current_staff(), found, combine),
            "Đã đổi cách cộng kết quả các đợt.",
        )
        return redirect(url_for("console.contest", contest_id=contest_id))
    moment = now()
    return render_template(
        "console/contest.html",
        contest=found,
        rows=contest_ranking.contest_ranking(found, moment),
        split=contest_ranking.contest_rounds(found, moment),
        combinations=contest_ranking.COMBINATIONS,
        form=EmptyForm(),
    )
