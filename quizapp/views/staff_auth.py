"""Staff sign-in and sign-out."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from .. import ratelimits
from ..clock import now
from ..forms import StaffLoginForm
from ..services import sessions
from ..services.staff import authenticate_staff
from .helpers import safe_next
from .unit_of_work import commit

bp = Blueprint("staff_auth", __name__, url_prefix="/staff")


@bp.route("/login", methods=["GET", "POST"])
@ratelimits.login
def login():
    form = StaffLoginForm()
    if form.validate_on_submit():
        staff = authenticate_staff(form.username.data, form.password.data, now=now())
        if staff is not None:
            commit()
            login_user(staff)
            flash("Đăng nhập thành công.", "success")
            home = "liaison.index" if staff.role == "liaison" else "console.index"
            return redirect(safe_next(request.args.get("next"), home))
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
def logout():
    account = current_user._get_current_object()
    if account.is_authenticated:
        # Every session of the account ends, the remember cookie included (not only this one).
        sessions.end_sessions(account)
        commit()
    logout_user()
    flash("Bạn đã đăng xuất.", "success")
    return redirect(url_for("main.index"))
