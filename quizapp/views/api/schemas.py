"""The API's request and response models: they validate what comes in, shape what goes out and
are the one source of the OpenAPI document (JSON Schema 2020-12, as OpenAPI 3.1 uses).

Requests are strict (a string is not a number, true is not 1, unknown fields are refused), as
their schema says, except that a whole number written as 25699.0 is an integer, as JSON Schema
counts it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ...models.people import PARTICIPANT_GROUPS

MAX_ID = 2**31 - 1


def _whole(value: Any) -> Any:
    """25699.0 is the integer 25699 (JSON Schema: a number with a zero fractional part)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def Int(**limits: Any) -> Any:
    """An integer field with its limits; the limits come before the validator so that they
    stay JSON Schema keywords (minimum, maximum) in the document."""
    return Annotated[int, Field(**limits), BeforeValidator(_whole)]


Id = Int(ge=1, le=MAX_ID, examples=[1])
Moment = Annotated[
    str, Field(json_schema_extra={"format": "date-time"}, examples=["2026-12-01T01:00:00+00:00"])
]
Group = Literal["civil_servant", "worker", "student", "resident"]
assert set(Group.__args__) == set(PARTICIPANT_GROUPS)  # type: ignore[attr-defined]


def _example(**values: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [values]})


class Request(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class Response(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Requests


REGISTER_EXAMPLE = {
    "full_name": "Trần Thị Bình",
    "phone": "0912000111",
    "password": "matkhau123",
    "birth_year": 1985,
    "ward_id": 1,
    "group": "resident",
    "consent": True,
}


class RegisterIn(Request):
    full_name: str = Field(min_length=1, max_length=120)
    phone: str = Field(min_length=1, max_length=20, description="Số di động Việt Nam")
    password: str = Field(min_length=1, max_length=128, description="Ít nhất 8 ký tự")
    birth_year: Int(ge=1900, le=2100)
    ward_id: Id
    group: Group
    organisation_id: Int(ge=0, le=MAX_ID) | None = Field(
        default=None, description="null hoặc 0: không thuộc cơ quan, đơn vị nào"
    )
    cccd: Annotated[str, Field(max_length=20)] | None = Field(default=None, description="12 chữ số")
    consent: bool = Field(description="Phải là true: đồng ý xử lý dữ liệu cá nhân")
    model_config = Request.model_config | _example(**REGISTER_EXAMPLE)


LABEL = Field(
    default="Ứng dụng",
    min_length=1,
    max_length=80,
    description="Tên thiết bị hoặc ứng dụng, để nhận ra mã khi thu hồi",
)


class RegisterTokenIn(RegisterIn):
    label: str = LABEL
    model_config = Request.model_config | _example(**REGISTER_EXAMPLE, label="Zalo mini app")


class LoginIn(Request):
    phone: str = Field(min_length=1, max_length=20)
    password: str = Field(min_length=1, max_length=128)
    model_config = Request.model_config | _example(phone="0912000111", password="matkhau123")


class TokenIn(LoginIn):
    label: str = LABEL
    model_config = Request.model_config | _example(
        phone="0912000111", password="matkhau123", label="Zalo mini app — điện thoại của Bình"
    )


class AnswerIn(Request):
    choice: Int(ge=0, le=5) | None = Field(
        default=None, description="Vị trí phương án như hiển thị; null để bỏ chọn"
    )
    flagged: bool | None = None
    model_config = Request.model_config | ConfigDict(
        json_schema_extra={
            "anyOf": [{"required": ["choice"]}, {"required": ["flagged"]}],
            "examples": [{"choice": 2}, {"flagged": True}],
        }
    )

    @model_validator(mode="after")
    def _something(self) -> AnswerIn:
        if not self.model_fields_set:
            raise ValueError("missing")
        return self


class SubmitIn(Request):
    prediction: Int(ge=0, le=MAX_ID) | None = Field(
        default=None, description="Dự đoán số lượt tham gia (nếu đợt có câu hỏi)"
    )
    model_config = Request.model_config | _example(prediction=25699)


class PageIn(Request):
    page: Int(ge=1, le=100_000) = 1
    size: Int(ge=1, le=100) = 20


class OrganisationsIn(PageIn):
    ward_id: Id | None = None


# Responses


class FieldError(Response):
    field: str
    code: str
    message: str


class ErrorDetail(Response):
    code: str = Field(description="Mã ổn định để chương trình xử lý")
    message: str = Field(description="Thông báo tiếng Việt cho người dùng")
    field: str | None = Field(default=None, description="Trường cần sửa (nếu có)")
    fields: list[FieldError] | None = Field(default=None, description="Mọi trường sai")


class ErrorOut(Response):
    error: ErrorDetail
    model_config = Response.model_config | _example(
        error={
            "code": "bad_field",
            "message": "Trường “birth_year” không hợp lệ.",
            "field": "birth_year",
            "fields": [
                {"field": "birth_year", "code": "bad_field", "message": "Trường “birth_year” …"}
            ],
        }
    )


class Paged(Response):
    page: int = Field(ge=1)
    size: int = Field(ge=1, le=100)
    total: int = Field(ge=0)


class CsrfOut(Response):
    csrf_token: str
    model_config = Response.model_config | _example(csrf_token="IjY0ZjM…")


class OkOut(Response):
    ok: Literal[True]
    model_config = Response.model_config | _example(ok=True)


class WardOut(Response):
    id: int
    code: str
    name: str


class WardsOut(Paged):
    items: list[WardOut]
    model_config = Response.model_config | _example(
        items=[{"id": 1, "code": "an-nhon", "name": "Phường An Nhơn"}], page=1, size=20, total=1
    )


class OrganisationOut(Response):
    id: int
    code: str
    name: str
    kind: str
    ward_id: int | None


class OrganisationsOut(Paged):
    items: list[OrganisationOut]
    model_config = Response.model_config | _example(
        items=[
            {
                "id": 3,
                "code": "ubnd-an-nhon",
                "name": "UBND phường An Nhơn",
                "kind": "ward_committee",
                "ward_id": 1,
            }
        ],
        page=1,
        size=20,
        total=1,
    )


ROUND_EXAMPLE = {
    "id": 7,
    "contest": "Tìm hiểu Luật Thi đua, khen thưởng 2026",
    "title": "Tuần 1",
    "opens_at": "2026-12-01T01:00:00+00:00",
    "closes_at": "2026-12-08T01:00:00+00:00",
    "state": "open",
    "question_count": 20,
    "time_limit_seconds": 600,
    "max_attempts": 2,
    "prediction_kind": "entries",
}


class RoundOut(Response):
    id: int
    contest: str
    title: str
    opens_at: Moment
    closes_at: Moment
    state: str = Field(examples=["upcoming", "open", "closed"])
    question_count: int = Field(ge=0)
    time_limit_seconds: int = Field(ge=0)
    max_attempts: Annotated[int, Field(ge=1)] | None = Field(description="null: không giới hạn")
    prediction_kind: str | None


class RoundDetailOut(RoundOut):
    rules: list[str] = Field(description="Thể lệ, sinh từ cấu hình đợt thi")
    model_config = Response.model_config | _example(
        **ROUND_EXAMPLE, rules=["Mỗi lượt thi có 20 câu hỏi, làm trong 10 phút."]
    )


class RoundsOut(Paged):
    items: list[RoundOut]
    model_config = Response.model_config | _example(items=[ROUND_EXAMPLE], page=1, size=20, total=1)
