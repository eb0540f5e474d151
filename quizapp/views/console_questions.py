"""Console: how each question of a round performed; correcting a wrong key before publication."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..auth import current_staff, staff_required
from ..clock import now
from ..domain.bank_types import LETTERS
from ..domain.item_analysis import LOW_P, MIN_FLAG_N, TAIL_PERCENT
from ..forms_base import Form
from ..services import question_stats, regrade, rounds
from ..services.errors import NotFound
from .unit_of_work import Refused, perform

bp = Blueprint("console_questions", __name__, url_prefix="/console/rounds/<int:round_id>/questions")

LOCKED_STATUSES = ("published", "archived")


class CorrectKeyForm(Form):
    letter = SelectField("Đáp án đúng (theo thứ tự gốc trong ngân hàng câu hỏi)")
    reason = TextAreaField(
        "Lý do sửa đáp án (ghi nhật ký)",
        validators=[DataRequired("Vui lòng ghi lý do sửa đáp án."), Length(max=2000)],
    )


def _round(round_id: int):
    try:
        return rounds.get_round(round_id)
    except NotFound:
        abort(404)


def _with_choices(form: CorrectKeyForm, version) -> CorrectKeyForm:
    form.letter.choices = [
        (
            LETTERS[i],
            f"{LETTERS[i]}. {text}" + (" (đáp án hiện tại)" if i == version.correct_index else ""),
        )
        for i, text in enumerate(version.choices)
    ]
    return form


def _detail(rnd, version_id: int, form: CorrectKeyForm | None = None):
    try:
        row = question_stats.version_stats(rnd, version_id)
    except NotFound:
        abort(404)
    return render_template(
        "console/questions/detail.html",
        round=rnd,
        row=row,
        form=_with_choices(form or CorrectKeyForm(), row.version),
        letters=LETTERS,
        locked=rnd.status in LOCKED_STATUSES,
        min_flag_n=MIN_FLAG_N,
    )


@bp.get("/")
@staff_required()
def index(round_id: int):
    rnd = _round(round_id)
    rows = question_stats.round_stats(rnd)
    return render_template(
        "console/questions/index.html",
        round=rnd,
        rows=rows,
        flagged=sum(r.flagged for r in rows),
        letters=LETTERS,
        min_flag_n=MIN_FLAG_N,
        low_p=LOW_P,
        tail_percent=TAIL_PERCENT,
    )


@bp.get("/<int:version_id>")
@staff_required()
def detail(round_id: int, version_id: int):
    return _detail(_round(round_id), version_id)


@bp.post("/<int:version_id>/correct")
@staff_required()
def correct(round_id: int, version_id: int):
    rnd = _round(round_id)
    form = CorrectKeyForm()
    # Any letter passes the form; the service checks it against the question's choices.
    form.letter.choices = list(LETTERS)
    if not form.validate_on_submit():
        return _detail(rnd, version_id, form), 400
    entry = perform(
        lambda: regrade.correct_key(
            current_staff(), rnd, version_id, form.letter.data, form.reason.data, now()
        ),
        missing_is_404=True,
    )
    if isinstance(entry, Refused):
        flash(entry.message, "error")
        return redirect(url_for(".detail", round_id=round_id, version_id=version_id))
    flash("Đã sửa đáp án và chấm lại các bài thi của đợt.", "success")
    return redirect(url_for(".correction", round_id=round_id, entry_id=entry.id))


@bp.get("/corrections/<int:entry_id>")
@staff_required()
def correction(round_id: int, entry_id: int):
    rnd = _round(round_id)
    try:
        entry, changes = regrade.get_correction(rnd, entry_id)
    except NotFound:
        abort(404)
    return render_template(
        "console/questions/correction.html",
        round=rnd,
        entry=entry,
        changes=changes,
        top=regrade.TOP,
    )
