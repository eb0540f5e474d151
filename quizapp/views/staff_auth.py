"""Staff sign-in and sign-out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from ..extensions import db
from ..forms import StaffLoginForm
from ..models import utcnow
from ..services.staff import authenticate_staff

bp = Blueprint("staff_auth", __name__, url_prefix="/staff")


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("console.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = StaffLoginForm()
    if form.validate_on_submit():
        staff = authenticate_staff(form.username.data, form.password.data, now=utcnow())
        if staff is not None:
            db.session.commit()
            login_user(staff)
            flash("Đăng nhập thành công.", "success")
            return redirect(_safe_next(request.args.get("next")))
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash("Bạn đã đăng xuất.", "success")
    return redirect(url_for("main.index"))
