"""Console: prizes adjusted by hand — move, withdraw or add a prize, each with a reason."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..auth import current_staff, staff_required
from ..clock import now
from ..domain.prizes import ADJUSTMENT_KINDS, Adjustment
from ..forms_base import Form
from ..services import prize_adjustments, results, rounds
from .helpers import round_or_404
from .unit_of_work import act

bp = Blueprint("console_prizes", __name__, url_prefix="/console/rounds/<int:round_id>/giai")

CANDIDATES = 50  # people offered for an added prize: the best ranked without one


class AdjustmentForm(Form):
    kind = SelectField(
        "Điều chỉnh", choices=[SelectChoice(k, label) for k, label in ADJUSTMENT_KINDS.items()]
    )
    participant_id = IntegerField("Người dự thi", validators=[Optional()])
    tier = StringField("Giải", validators=[Length(max=100)])
    reason = StringField(
        "Lý do (bắt buộc, được công bố cùng kết quả)", validators=[Length(max=500)]
    )


@bp.get("/")
@staff_required()
def index(round_id: int):
    rnd = round_or_404(round_id)
    data = results.gather(rnd)
    winners = {a.participant_id for a in data.draft.awards}
    ranks = results.eligible_ranks(data.ranking)
    candidates = [
        r for r in data.ranking if r.participant_id in ranks and r.participant_id not in winners
    ]
    return render_template(
        "console/prizes/index.html",
        round=rnd,
        data=data,
        tiers=[t.name for t in rounds.settings_of(rnd).prizes],
        candidates=candidates[:CANDIDATES],
        adjustments=prize_adjustments.adjustments_of(rnd),
        kinds=ADJUSTMENT_KINDS,
        form=AdjustmentForm(formdata=None),
        adjustable=rnd.status in prize_adjustments.ADJUSTABLE,
    )


@bp.post("/dieu-chinh")
@staff_required()
def adjust(round_id: int):
    rnd = round_or_404(round_id)
    form = AdjustmentForm()
    form.validate()  # the service checks every value and says what is wrong in Vietnamese

    def record():
        data = results.gather(rnd)
        change = Adjustment(form.kind.data, form.participant_id.data or 0, form.tier.data or None)
        prize_adjustments.add_adjustment(
            current_staff(),
            rnd,
            data.draft,
            results.eligible_ranks(data.ranking),
            change,
            form.reason.data or "",
            now(),
        )

    act(record, "Đã ghi điều chỉnh giải; bản dự kiến trao giải đã cập nhật.")
    return redirect(url_for("console_prizes.index", round_id=round_id))
