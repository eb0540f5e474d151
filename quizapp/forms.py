"""WTForms forms (Flask-WTF adds CSRF to each)."""

from __future__ import annotations

from datetime import datetime

from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .domain.people import GROUP_LABELS
from .forms_base import Form, GroupedIntegerField
from .services import participants
from .services.errors import ServiceError
from .services.participants import Registration


class StaffLoginForm(Form):
    username = StringField(
        "Tên đăng nhập",
        validators=[DataRequired("Vui lòng nhập tên đăng nhập."), Length(max=64)],
    )
    password = PasswordField(
        "Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu."), Length(max=200)]
    )
    submit = SubmitField("Đăng nhập")


class RegistrationForm(Form):
    full_name = StringField(
        "Họ và tên", validators=[DataRequired("Vui lòng nhập họ và tên."), Length(max=120)]
    )
    phone = StringField(
        "Số điện thoại di động",
        validators=[DataRequired("Vui lòng nhập số điện thoại."), Length(max=20)],
    )
    password = PasswordField(
        "Mật khẩu (ít nhất 8 ký tự)",
        validators=[DataRequired("Vui lòng đặt mật khẩu."), Length(max=200)],
    )
    birth_year = IntegerField(
        "Năm sinh",
        validators=[InputRequired("Vui lòng nhập năm sinh (4 chữ số).")],
        invalid_value_message="Năm sinh phải là một số gồm 4 chữ số, ví dụ 1978.",
    )
    ward_id = SelectField("Phường nơi cư trú hoặc làm việc", coerce=int)
    group = SelectField(
        "Đối tượng",
        choices=[SelectChoice("", "— Chọn —")]
        + [SelectChoice(key, label) for key, label in GROUP_LABELS.items()],
        validators=[DataRequired("Vui lòng chọn đối tượng.")],
    )
    organisation_id = SelectField("Cơ quan, đơn vị (không bắt buộc)", coerce=int)
    cccd = StringField("Số CCCD (không bắt buộc, 12 chữ số)", validators=[Length(max=20)])
    consent = BooleanField(
        "Tôi đồng ý cho Ban Tổ chức xử lý dữ liệu cá nhân nêu trên để tổ chức cuộc thi, "
        "xét và trao giải."
    )
    submit = SubmitField("Đăng ký")

    def registration(self) -> Registration:
        """The typed-in data, for services.participants.register (which checks it)."""
        return Registration(
            full_name=self.full_name.data,
            phone=self.phone.data,
            password=self.password.data,
            birth_year=self.birth_year.data,
            ward_id=self.ward_id.data,
            group=self.group.data,
            organisation_id=self.organisation_id.data or None,
            cccd=self.cccd.data,
            consent=self.consent.data,
        )

    def refuse(self, error: ServiceError) -> None:
        """Show a service's refusal next to the field(s) it names (the phone when none)."""
        problems = getattr(error, "problems", None) or {error.field or "phone": error.message}
        self.add_problems(problems)

    def add_problems(self, problems: dict[str, str]) -> None:
        """The service's problems, under each field the form itself found no fault with."""
        for name, message in problems.items():
            field = getattr(self, name, None) or self.phone
            if not field.errors:
                field.errors = [message]

    def check_all(self, now: datetime) -> bool:
        """Validate the form and, in the same pass, the service's rules on every field the
        form accepted: a person sees every problem at once. → True when nothing is wrong."""
        if self.validate():
            return True
        if not getattr(self, "csrf_token", None) or not self.csrf_token.errors:
            self.add_problems(participants.registration_problems(self.registration(), now))
        return False

    def problems(self) -> list[tuple[str, str]]:
        """(field id, first message) of each field in error, in the form's order; the messages
        say which field they are about, so they stand alone in the summary."""
        hidden = ("CSRFTokenField", "HiddenField")
        return [(f.id, f.errors[0]) for f in self if f.errors and f.type not in hidden]


class ParticipantLoginForm(Form):
    phone = StringField(
        "Số điện thoại", validators=[DataRequired("Vui lòng nhập số điện thoại."), Length(max=20)]
    )
    password = PasswordField(
        "Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu."), Length(max=200)]
    )
    submit = SubmitField("Đăng nhập")


class EmptyForm(Form):
    """A form with only its CSRF token: for buttons that change state."""


class PredictionForm(Form):
    prediction = GroupedIntegerField(
        "Dự đoán của bạn", validators=[Optional(), NumberRange(min=0, max=100_000_000)]
    )
