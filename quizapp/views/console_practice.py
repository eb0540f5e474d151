"""Console: the practice set — mark or unmark whole topics or single questions as practice."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..auth import current_staff, staff_required
from ..clock import now
from ..forms import EmptyForm
from ..forms_base import Form
from ..services import practice
from .unit_of_work import Refused, perform

bp = Blueprint("console_practice", __name__, url_prefix="/console/practice")

ACTIONS = {"mark": True, "unmark": False}


class PracticeIdsForm(Form):
    ids = TextAreaField(
        "Mã câu hỏi (cách nhau bởi dấu phẩy, dấu cách hoặc xuống dòng)",
        validators=[DataRequired("Vui lòng nhập ít nhất một mã câu hỏi."), Length(max=20_000)],
    )
    reason = StringField("Lý do (ghi nhật ký)", validators=[Length(max=500)])


def _action() -> bool:
    action = request.form.get("action", "")
    if action not in ACTIONS:
        abort(400)
    return ACTIONS[action]


def _done(changed: list[str], marking: bool) -> None:
    if not changed:
        flash("Không có câu nào thay đổi.", "info")
        return
    verb = "Đã đánh dấu luyện tập" if marking else "Đã bỏ đánh dấu luyện tập"
    still_public = (
        ""
        if marking
        else " Đáp án của các câu này đã công khai: đợt thi mới vẫn không rút chúng, trừ khi "
        "đợt cho phép dùng câu đã công khai đáp án."
    )
    flash(
        f"{verb} {len(changed)} câu: {', '.join(changed[:20])}"
        + ("…" if len(changed) > 20 else ".")
        + still_public,
        "success",
    )


def _page(ids_form: PracticeIdsForm):
    return render_template(
        "console/practice/index.html",
        topics=practice.topic_counts(),
        questions=practice.practice_questions(),
        ids_form=ids_form,
        topic_form=EmptyForm(),
    )


@bp.get("/")
@staff_required()
def index():
    return _page(PracticeIdsForm(formdata=None))


@bp.post("/topic/<topic_id>")
@staff_required()
def topic(topic_id: str):
    marking = _action()
    changed = perform(
        lambda: practice.set_topic_practice(current_staff(), topic_id, marking, now()),
        missing_is_404=True,
    )
    if isinstance(changed, Refused):
        flash(changed.message, "error")
    else:
        _done(changed, marking)
    return redirect(url_for("console_practice.index"))


@bp.post("/questions")
@staff_required()
def questions():
    form = PracticeIdsForm()
    marking = _action()
    if not form.validate_on_submit():
        return _page(form)
    changed = perform(
        lambda: practice.set_questions_practice(
            current_staff(),
            practice.parse_ids(form.ids.data),
            marking,
            now(),
            reason=form.reason.data or "",
        )
    )
    if isinstance(changed, Refused):
        form.ids.errors.append(changed.message)
        return _page(form)
    _done(changed, marking)
    return redirect(url_for("console_practice.index"))
