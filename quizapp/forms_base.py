"""The base of every form: Flask-WTF with WTForms' own messages in Vietnamese (WTForms ships
no Vietnamese translation, and an organiser must never meet "Not a valid integer value")."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.widgets import TextInput

MESSAGES = {
    "This field is required.": "Vui lòng nhập trường này.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số.",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Not a valid date value.": "Ngày không hợp lệ (dd/mm/yyyy).",
    "Not a valid datetime value.": "Thời điểm không hợp lệ (dd/mm/yyyy HH:MM).",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Field must be equal to %(other_name)s.": "Hai trường phải giống nhau.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải có đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Phải có đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Phải có từ %(min)d đến %(max)d ký tự."
    ),
    "The CSRF token is missing.": "Phiên làm việc đã hết hạn; vui lòng tải lại trang.",
    "The CSRF token is invalid.": "Phiên làm việc đã hết hạn; vui lòng tải lại trang.",
    "The CSRF token has expired.": "Phiên làm việc đã hết hạn; vui lòng tải lại trang.",
    "The CSRF tokens do not match.": "Phiên làm việc đã hết hạn; vui lòng tải lại trang.",
}


class VietnameseMessages:
    """The gettext interface WTForms asks its Meta for."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


VIETNAMESE = VietnameseMessages()


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form: object) -> VietnameseMessages:
            return VIETNAMESE


class GroupedIntegerField(IntegerField):
    """A whole number as Vietnamese write it: "1.500", "1 500" (and "1,500") are 1500.

    Rendered as a text input with a numeric keypad, so the browser never answers "1.500" with
    its own English message; the value is checked here, in Vietnamese.
    """

    widget = TextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            valuelist = [re.sub(r"(?<=\d)[.,\s](?=\d{3}\b)", "", valuelist[0].strip())]
        super().process_formdata(valuelist)
