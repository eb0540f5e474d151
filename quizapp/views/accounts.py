"""Participants: register, sign in, sign out, see their entries."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from .. import ratelimits
from ..auth import current_participant, participant_required
from ..clock import now
from ..forms import ParticipantLoginForm, RegistrationForm
from ..services import participant_results, participants, registry_queries, sessions
from .helpers import safe_next, safe_path
from .unit_of_work import Refused, commit, perform

bp = Blueprint("accounts", __name__)


def _registration_form() -> RegistrationForm:
    form = RegistrationForm()
    form.ward_id.choices = [SelectChoice(0, "— Chọn phường —")] + [
        SelectChoice(w.id, w.name) for w in registry_queries.wards()
    ]
    form.organisation_id.choices = [SelectChoice(0, "— Không thuộc cơ quan, đơn vị nào —")] + [
        SelectChoice(o.id, o.name) for o in registry_queries.organisations()
    ]
    if request.method == "GET":
        ward = registry_queries.ward_by_code(request.args.get("phuong"))
        org = registry_queries.organisation_by_code(request.args.get("don-vi"))
        if org is not None:
            form.organisation_id.data = org.id
            form.group.data = "civil_servant"
            ward = ward or org.ward
        if ward is not None:
            form.ward_id.data = ward.id
    return form


@bp.route("/dang-ky", methods=["GET", "POST"])
@ratelimits.register
def register():
    form = _registration_form()
    back = safe_path(request.args.get("next"))
    if form.is_submitted() and form.check_all(now()):
        participant = perform(lambda: participants.register(form.registration(), now=now()))
        if isinstance(participant, Refused):
            form.refuse(participant.error)
        else:
            login_user(participant)
            flash("Đăng ký thành công. Chúc bạn thi tốt!", "success")
            return redirect(back or url_for("quiz.rounds_list"))
    return render_template("accounts/register.html", form=form, next=back)


@bp.route("/dang-nhap", methods=["GET", "POST"])
@ratelimits.login
def login():
    form = ParticipantLoginForm()
    if form.validate_on_submit():
        participant = participants.authenticate(form.phone.data, form.password.data)
        if participant is not None:
            commit()  # a rehashed password (argon2id), before the session takes its stamp
            login_user(participant, remember=True)
            flash(f"Đã đăng nhập. Xin chào {participant.full_name}.", "success")
            return redirect(safe_next(request.args.get("next"), "quiz.rounds_list"))
        flash("Số điện thoại hoặc mật khẩu không đúng.", "error")
    return render_template(
        "accounts/login.html", form=form, next=safe_path(request.args.get("next"))
    )


@bp.post("/dang-xuat")
def logout():
    account = current_user._get_current_object()
    if account.is_authenticated:
        # Every session of the account ends, the remember cookie included (not only this one).
        sessions.end_sessions(account)
        commit()
    logout_user()
    flash("Bạn đã đăng xuất.", "success")
    return redirect(url_for("main.index"))


@bp.get("/cua-toi")
@participant_required
def my_entries():
    participant = current_participant()
    entries = participant_results.my_entries(participant.id, now())
    return render_template("accounts/mine.html", participant=participant, entries=entries)
