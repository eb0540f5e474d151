"""Console: the question bank — browse, preview, upload with a diff, Excel in and out."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf.file import FileField, FileRequired

from ..auth import current_staff, staff_required
from ..clock import now
from ..forms import EmptyForm
from ..forms_base import Form
from ..services import bank_impact, bank_queries, bank_uploads
from ..services.errors import NotFound, ServiceError
from .helpers import upload_page, xlsx_response
from .unit_of_work import Refused, perform

bp = Blueprint("console_bank", __name__, url_prefix="/console/bank")


class UploadForm(Form):
    file = FileField(
        "Tệp ngân hàng câu hỏi (.yaml, .zip hoặc .xlsx)",
        validators=[FileRequired("Vui lòng chọn tệp.")],
    )


@bp.get("/")
@staff_required()
def index():
    page = max(request.args.get("trang", 1, type=int), 1)
    filters = {k: request.args.get(k) or None for k in ("topic", "difficulty", "text", "source")}
    rows, total = bank_queries.search(**filters, page=page)
    return render_template(
        "console/bank/index.html",
        rows=rows,
        total=total,
        page=page,
        filters=filters,
        topics=bank_queries.topics(),
        stats=bank_queries.stats(),
    )


@bp.get("/q/<external_id>")
@staff_required()
def question(external_id: str):
    found = bank_queries.get_question(external_id)
    if found is None:
        abort(404)
    q, version = found
    return render_template("console/bank/question.html", question=q, version=version)


@bp.get("/impact")
@staff_required()
def impact():
    text = (request.args.get("q") or "").strip()[:200]
    retired = request.args.get("ngung") == "1"
    found, error = None, None
    if text:
        try:
            found = bank_impact.impact(text, include_retired=retired)
        except ServiceError as exc:
            error = exc.message
    status = 400 if error else 200
    page = render_template(
        "console/bank/impact.html", text=text, retired=retired, found=found, error=error
    )
    return page, status


@bp.route("/upload", methods=["GET", "POST"])
@staff_required()
def upload():
    return upload_page(
        UploadForm(), bank_uploads.stage, "console_bank.preview", "console/bank/upload.html"
    )


@bp.get("/upload/<int:upload_id>")
@staff_required()
def preview(upload_id: int):
    try:
        upload = bank_uploads.get_upload(current_staff(), upload_id)
    except NotFound:
        abort(404)
    review = bank_uploads.review(upload)
    return render_template(
        "console/bank/preview.html",
        review=review,
        near_copies=bank_queries.near_copies(review.report.questions),
        form=EmptyForm(),
    )


@bp.post("/upload/<int:upload_id>/confirm")
@staff_required()
def confirm(upload_id: int):
    plan = perform(
        lambda: bank_uploads.confirm(current_staff(), upload_id, now()), missing_is_404=True
    )
    if isinstance(plan, Refused):
        flash(plan.message, "error")
        return redirect(url_for("console_bank.preview", upload_id=upload_id))
    flash(f"Đã nhập ngân hàng câu hỏi: {plan.summary()}.", "success")
    return redirect(url_for("console_bank.index"))


@bp.get("/template.xlsx")
@staff_required()
def template():
    from ..formats.bank_xlsx import template_xlsx

    return xlsx_response(template_xlsx(bank_queries.topic_specs()), "mau-ngan-hang-cau-hoi.xlsx")


@bp.get("/export.xlsx")
@staff_required()
def export():
    from ..formats.bank_xlsx import bank_to_xlsx

    questions, topics = bank_queries.current_specs()
    return xlsx_response(bank_to_xlsx(questions, topics), "ngan-hang-cau-hoi.xlsx")
