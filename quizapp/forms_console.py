"""Forms of the organiser console."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .domain.ranking import PRESETS
from .domain.round_rules import PREDICTION_LABELS
from .forms_base import Form


class RoundForm(Form):
    contest_title = StringField(
        "Cuộc thi", validators=[DataRequired("Vui lòng nhập tên cuộc thi."), Length(max=300)]
    )
    title = StringField(
        "Tên đợt thi", validators=[DataRequired("Vui lòng nhập tên đợt thi."), Length(max=300)]
    )
    opens_at = StringField(
        "Mở lúc (dd/mm/yyyy HH:MM, giờ Việt Nam)",
        validators=[DataRequired("Vui lòng nhập thời điểm mở.")],
    )
    closes_at = StringField(
        "Đóng lúc (dd/mm/yyyy HH:MM, giờ Việt Nam)",
        validators=[DataRequired("Vui lòng nhập thời điểm đóng.")],
    )
    question_count = IntegerField(
        "Số câu hỏi mỗi lượt", default=20, validators=[InputRequired("Vui lòng nhập số câu hỏi.")]
    )
    time_limit_seconds = IntegerField(
        "Thời gian làm bài (giây)",
        default=900,
        validators=[InputRequired("Vui lòng nhập thời gian.")],
    )
    max_attempts = IntegerField(
        "Số lượt thi tối đa (để trống: không giới hạn)",
        default=2,
        validators=[Optional(), NumberRange(min=1)],
    )
    quotas = TextAreaField("Cơ cấu câu hỏi: mỗi dòng CHỦ_ĐỀ:MỨC_ĐỘ:SỐ_CÂU (* là bất kỳ)")
    shuffle_questions = BooleanField("Đảo thứ tự câu hỏi", default=True)
    shuffle_choices = BooleanField("Đảo thứ tự phương án", default=True)
    allow_public_keys = BooleanField(
        "Dùng cả câu đã công khai đáp án (luyện tập, đợt thi đã xét duyệt)", default=False
    )
    prediction_kind = SelectField(
        "Câu hỏi dự đoán",
        choices=[SelectChoice("", "Không có")]
        + [SelectChoice(k, f"Dự đoán {v}") for k, v in PREDICTION_LABELS.items()],
    )
    grace_seconds = IntegerField(
        "Thời gian chờ lưu bài cuối (giây)", default=30, validators=[InputRequired()]
    )
    ranking_policy = SelectField(
        "Thứ tự xếp hạng",
        choices=[SelectChoice(k, v) for k, v in PRESETS.items()],
        default=next(iter(PRESETS)),
    )
    show_score = SelectField(
        "Hiện số câu đúng ngay sau khi nộp",
        choices=[
            SelectChoice("", "Mặc định: chỉ khi mỗi người thi một lượt"),
            SelectChoice("1", "Có"),
            SelectChoice("0", "Không (thông báo sau khi đợt thi kết thúc)"),
        ],
        default="",
    )
    prizes = TextAreaField(
        "Cơ cấu giải: mỗi dòng TÊN GIẢI: SỐ LƯỢNG",
        default="Giải Nhất: 1\nGiải Nhì: 2\nGiải Ba: 3\nGiải Khuyến khích: 5",
    )
    reason = StringField("Lý do thay đổi (ghi nhật ký)", validators=[Length(max=500)])


class ReasonForm(Form):
    reason = StringField("Lý do", validators=[Length(max=500)])


class PasswordResetForm(Form):
    password = StringField(
        "Mật khẩu mới (ít nhất 8 ký tự)", validators=[DataRequired("Vui lòng nhập mật khẩu mới.")]
    )
    reason = StringField("Lý do", validators=[DataRequired("Vui lòng ghi lý do."), Length(max=500)])


class TransitionForm(Form):
    """A change of a round's state, confirmed on its own page (reason and time as required)."""

    reason = TextAreaField("Lý do (được lưu vào nhật ký)", validators=[Length(max=2000)])
    closes_at = StringField("Thời điểm đóng mới (dd/mm/yyyy HH:MM)", validators=[Length(max=20)])
    confirm = BooleanField("Tôi đã đọc và xác nhận thao tác này")


class TooFastForm(Form):
    seconds = IntegerField(
        "Ngưỡng “làm quá nhanh” (giây; để trống: mặc định)",
        validators=[Optional(), NumberRange(min=1, message="Ngưỡng phải lớn hơn 0 giây.")],
    )
