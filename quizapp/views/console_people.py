"""Console: participants — search, a person's record, assisted registration, password reset,
importing an organisation's staff from Excel."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from .. import ratelimits
from ..auth import current_staff, staff_required
from ..clock import now
from ..domain.people import GROUP_LABELS
from ..forms import EmptyForm, RegistrationForm
from ..forms_base import Form
from ..forms_console import PasswordResetForm, ReasonForm
from ..services import participants, people_admin, registry_queries
from ..services.errors import NotFound
from .helpers import upload_page, xlsx_response
from .unit_of_work import Refused, act, perform

bp = Blueprint("console_people", __name__, url_prefix="/console/people")


class AssistedRegistrationForm(RegistrationForm):
    consent = BooleanField(
        "Người đăng ký đã đọc thông báo về xử lý dữ liệu cá nhân và đồng ý.",
        validators=[DataRequired("Cần xác nhận người đăng ký đã đọc thông báo và đồng ý.")],
    )


class ImportForm(Form):
    file = FileField("Tệp Excel (.xlsx) theo mẫu", validators=[FileRequired("Vui lòng chọn tệp.")])


def _registration_form() -> AssistedRegistrationForm:
    form = AssistedRegistrationForm()
    form.submit.label.text = "Đăng ký cho người dự thi"
    form.ward_id.choices = [SelectChoice(0, "— Chọn phường —")] + [
        SelectChoice(w.id, w.name) for w in registry_queries.wards()
    ]
    form.organisation_id.choices = [SelectChoice(0, "— Không thuộc cơ quan, đơn vị nào —")] + [
        SelectChoice(o.id, o.name) for o in registry_queries.organisations()
    ]
    return form


@bp.after_request
def _no_store(response):
    """Personal data and initial passwords are never kept by a browser or a shared cache."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/")
@staff_required()
def index():
    filters = {
        "q": (request.args.get("q") or "").strip()[:100],
        "ward": request.args.get("ward", 0, type=int),
        "org": request.args.get("org", 0, type=int),
    }
    page = max(request.args.get("trang", 1, type=int), 1)
    found = people_admin.search(filters["q"], filters["ward"], filters["org"], page=page)
    return render_template(
        "console/people/index.html",
        found=found,
        filters=filters,
        wards=registry_queries.wards(),
        organisations=registry_queries.organisations(),
        groups=GROUP_LABELS,
    )


def _detail_page(person_id: int, reset_form: PasswordResetForm):
    try:
        person = people_admin.get_person(person_id)
    except NotFound:
        abort(404)
    return render_template(
        "console/people/detail.html",
        person=person,
        attempts=people_admin.attempts_of(person_id),
        groups=GROUP_LABELS,
        reset_form=reset_form,
    )


@bp.get("/<int:person_id>")
@staff_required()
def detail(person_id: int):
    return _detail_page(person_id, PasswordResetForm(formdata=None))


@bp.route("/new", methods=["GET", "POST"])
@staff_required()
def new():
    form = _registration_form()
    if form.validate_on_submit():
        person = perform(
            lambda: participants.register(form.registration(), now=now(), staff=current_staff())
        )
        if isinstance(person, Refused):
            form.refuse(person.error)
        else:
            flash(f"Đã đăng ký cho {person.full_name} ({person.phone}).", "success")
            return redirect(url_for("console_people.detail", person_id=person.id))
    return render_template("console/people/new.html", form=form)


@bp.post("/<int:person_id>/password")
@ratelimits.password_reset
@staff_required()
def reset_password(person_id: int):
    form = PasswordResetForm()
    if not form.validate_on_submit():
        return _detail_page(person_id, form)
    reset = perform(
        lambda: participants.reset_password(
            current_staff(), person_id, form.password.data, form.reason.data, now=now()
        ),
        missing_is_404=True,
    )
    if isinstance(reset, Refused):
        form.password.errors.append(reset.message)
        return _detail_page(person_id, form)
    flash(
        "Đã đặt lại mật khẩu. Hãy báo mật khẩu mới trực tiếp cho người dự thi; "
        "mật khẩu cũ không còn dùng được.",
        "success",
    )
    return redirect(url_for("console_people.detail", person_id=person_id))


@bp.post("/<int:person_id>/sign-out")
@staff_required()
def sign_out_everywhere(person_id: int):
    reason = ReasonForm().reason.data or ""
    act(
        lambda: participants.sign_out_everywhere_by_staff(
            current_staff(), person_id, reason, now()
        ),
        "Đã đăng xuất người này trên mọi thiết bị (phiên đăng nhập và mã truy cập ứng dụng).",
    )
    return redirect(url_for("console_people.detail", person_id=person_id))


@bp.route("/import", methods=["GET", "POST"])
@staff_required()
def import_upload():
    return upload_page(
        ImportForm(),
        people_admin.stage,
        "console_people.import_review",
        "console/people/import.html",
    )


@bp.get("/template.xlsx")
@staff_required()
def template():
    from ..formats.people_xlsx import template_xlsx

    wards, organisations = people_admin.registry_codes()
    return xlsx_response(template_xlsx(wards, organisations), "mau-danh-sach-nguoi-du-thi.xlsx")


@bp.get("/import/<int:upload_id>")
@staff_required()
def import_review(upload_id: int):
    try:
        upload = people_admin.get_upload(current_staff(), upload_id)
    except NotFound:
        abort(404)
    return render_template(
        "console/people/review.html",
        review=people_admin.review(upload, now()),
        groups=GROUP_LABELS,
        form=EmptyForm(),
    )


@bp.post("/import/<int:upload_id>/confirm")
@staff_required()
def import_confirm(upload_id: int):
    created = perform(lambda: people_admin.confirm(current_staff(), upload_id, now()))
    if isinstance(created, Refused) and isinstance(created.error, NotFound):
        flash("Tệp này đã được xử lý hoặc không còn nữa.", "error")
        return redirect(url_for("console_people.import_upload"))
    if isinstance(created, Refused):
        flash(created.message, "error")
        return redirect(url_for("console_people.import_review", upload_id=upload_id))
    # Shown once, in this response: the passwords are stored only hashed.
    return render_template("console/people/imported.html", created=created)


@bp.post("/import/<int:upload_id>/discard")
@staff_required()
def import_discard(upload_id: int):
    perform(lambda: people_admin.discard(current_staff(), upload_id), missing_is_404=True)
    flash("Đã hủy tệp tải lên; chưa nhập ai.", "success")
    return redirect(url_for("console_people.import_upload"))
