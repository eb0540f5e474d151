"""Console: the question bank — browse, preview, upload with a diff, Excel in and out."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf.file import FileField, FileRequired

from ..auth import staff_required, staff_user
from ..clock import now
from ..forms import EmptyForm
from ..forms_base import Form
from ..forms_console import ReasonForm
from ..services import bank_impact, bank_queries, bank_review, bank_uploads
from ..services.errors import NotFound, ServiceError
from .helpers import upload_page, xlsx_response
from .unit_of_work import Refused, act, perform_after_reading, read_only

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
    return render_template(
        "console/bank/question.html",
        question=q,
        version=version,
        footing=bank_review.footing(q, version),
    )


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
        upload = bank_uploads.get_upload(staff_user(), upload_id)
    except NotFound:
        abort(404)
    if upload.review is None:
        # Parsed once, in this GET's read transaction (no write lock), then kept.
        summary = bank_uploads.summarise(bank_uploads.review(upload))
        perform_after_reading(
            lambda: bank_uploads.keep_review(staff_user(), upload_id, summary),
            missing_is_404=True,
        )
        upload = bank_uploads.get_upload(staff_user(), upload_id)
    return render_template(
        "console/bank/preview.html",
        review=bank_uploads.StoredReview.of(upload),
        form=EmptyForm(),
        shown=bank_uploads.SHOWN,
    )


@bp.post("/upload/<int:upload_id>/confirm")
@staff_required()
def confirm(upload_id: int):
    # Parsed in a read transaction (no write lock held meanwhile), imported in a short write.
    checked = read_only(lambda: bank_uploads.checked_for_import(staff_user(), upload_id))
    plan = perform_after_reading(
        lambda: bank_uploads.confirm(staff_user(), upload_id, now(), checked), missing_is_404=True
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


@bp.get("/review")
@staff_required()
def review():
    """Questions under review after a change of the law: confirm or retire, with a reason."""
    return render_template(
        "console/bank/review.html", items=bank_review.under_review(), form=ReasonForm()
    )


@bp.post("/review/<external_id>")
@staff_required()
def settle(external_id: str):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    reason = form.reason.data or ""
    if request.form.get("action") == "retire":
        done = act(
            lambda: bank_review.retire(staff_user(), external_id, reason, now()),
            f"Đã ngừng sử dụng {external_id}. Hãy bỏ câu khỏi tệp ngân hàng trước lần nạp sau.",
        )
    else:
        done = act(
            lambda: bank_review.confirm(staff_user(), external_id, reason),
            f"Đã xác nhận {external_id}: đợt thi mới lại được rút câu này.",
        )
    if done:
        return redirect(url_for("console_bank.review"))
    return redirect(url_for("console_bank.review", loi=external_id))
