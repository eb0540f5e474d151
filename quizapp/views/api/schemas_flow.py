"""Response models of the participant flow, the public board and the tokens (see schemas.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .schemas import Moment, Paged, Response, _example

MS = Field(ge=0, description="Mili giây")
# As the attempts table's check constraint allows (tests/functional/test_api_contract.py).
FinishReason = Literal["submitted", "timeout", "closed"]


class MeOut(Response):
    id: int
    full_name: str
    ward: str
    organisation: str | None
    model_config = Response.model_config | _example(
        id=12, full_name="Trần Thị Bình", ward="Phường An Nhơn", organisation=None
    )


class SignedInOut(Response):
    id: int
    full_name: str
    model_config = Response.model_config | _example(id=12, full_name="Trần Thị Bình")


class QuestionOut(Response):
    position: int = Field(ge=1)
    text: str
    choices: list[str] = Field(min_length=2, max_length=6)
    answer: Annotated[int, Field(ge=0, le=5)] | None = Field(
        description="Phương án đã chọn (vị trí hiển thị)"
    )
    flagged: bool


class RoundRef(Response):
    id: int
    title: str


class AttemptRoundRef(RoundRef):
    prediction_kind: str | None


QUESTION_EXAMPLE = {
    "position": 1,
    "text": "Luật Thi đua, khen thưởng số 06/2022/QH15 có hiệu lực từ ngày nào?",
    "choices": ["01/01/2023", "01/01/2024", "01/07/2024", "01/01/2025"],
    "answer": None,
    "flagged": False,
}
STATE_EXAMPLE = {
    "id": 41,
    "round": {"id": 7, "title": "Tuần 1", "prediction_kind": "entries"},
    "number": 1,
    "started_at": "2026-12-01T03:00:00+00:00",
    "deadline": "2026-12-01T03:10:00+00:00",
    "remaining_seconds": 600,
    "remaining_ms": 600000,
    "finished": False,
    "answered": 0,
    "questions": [QUESTION_EXAMPLE],
}


class AttemptOut(Response):
    id: int
    round: AttemptRoundRef
    number: int = Field(ge=1)
    started_at: Moment
    deadline: Moment
    remaining_seconds: int = Field(ge=0)
    remaining_ms: int = MS
    finished: bool
    answered: int = Field(ge=0)
    questions: list[QuestionOut]
    model_config = Response.model_config | _example(**STATE_EXAMPLE)


class StartedOut(AttemptOut):
    resumed: bool = Field(description="true: lượt đang làm dở được mở lại (trả về 200, không 201)")
    model_config = Response.model_config | _example(**STATE_EXAMPLE, resumed=False)


class SavedOut(Response):
    saved: Literal[True]
    position: int = Field(ge=1)
    remaining_seconds: int = Field(ge=0)
    remaining_ms: int = MS
    deadline: Moment
    answered: int = Field(ge=0)
    model_config = Response.model_config | _example(
        saved=True,
        position=1,
        remaining_seconds=580,
        remaining_ms=580000,
        deadline="2026-12-01T03:10:00+00:00",
        answered=1,
    )


class ReviewOut(Response):
    position: int = Field(ge=1)
    text: str
    choices: list[str]
    answer: int | None
    correct: int = Field(ge=0, le=5)
    explanation: str
    source: str


class ResultOut(Response):
    id: int
    round: RoundRef
    finished: bool
    score_shown: bool = Field(description="false: điểm chưa được công bố (score là null)")
    score: Annotated[int, Field(ge=0)] | None
    total: int = Field(ge=0)
    time_used_ms: Annotated[int, MS] | None
    finish_reason: FinishReason | None = Field(
        description="submitted: tự nộp; timeout: hết giờ; closed: đợt thi đóng khi đang làm"
    )
    prediction: int | None
    key_revealed: bool = Field(description="Đáp án chỉ có sau khi đợt thi kết thúc")
    review: list[ReviewOut] = Field(description="Rỗng cho đến khi đáp án được công bố")
    model_config = Response.model_config | _example(
        id=41,
        round={"id": 7, "title": "Tuần 1"},
        finished=True,
        score_shown=True,
        score=18,
        total=20,
        time_used_ms=412000,
        finish_reason="submitted",
        prediction=25699,
        key_revealed=False,
        review=[],
    )


class MyAttemptOut(Response):
    id: int
    number: int = Field(ge=1)
    score: int | None = Field(description="null khi điểm chưa được công bố")
    time_used_ms: int | None
    finished: bool


class MyRoundOut(Response):
    round_id: int
    title: str
    counted_attempt: int | None = Field(
        description="Lượt được tính vào xếp hạng; null khi điểm chưa được công bố"
    )
    attempts: list[MyAttemptOut]


class MyRoundsOut(Paged):
    items: list[MyRoundOut]
    model_config = Response.model_config | _example(
        items=[
            {
                "round_id": 7,
                "title": "Tuần 1",
                "counted_attempt": 41,
                "attempts": [
                    {"id": 41, "number": 1, "score": 18, "time_used_ms": 412000, "finished": True}
                ],
            }
        ],
        page=1,
        size=20,
        total=1,
    )


class BoardRow(Response):
    rank: int = Field(ge=1)
    name: str
    phone: str = Field(description="Đã che: 09xx xxx 123")
    ward: str
    organisation: str | None
    score: int
    time_used_ms: int = MS


class BoardWard(Response):
    code: str
    name: str
    participants: int = Field(ge=0)
    entries: int = Field(ge=0)


class BoardOrganisation(Response):
    code: str
    name: str
    participants: int = Field(ge=0)
    headcount: int | None
    rate: float | None


class BoardOut(Response):
    round_id: int
    as_of: Moment = Field(description="Số liệu tính đến thời điểm này")
    frozen_at: Moment | None = Field(description="Thời điểm đóng băng bảng (nếu có)")
    updated_at: Moment
    scores_shown: bool = Field(
        description="false: điểm được công bố khi đợt thi kết thúc; top rỗng, chỉ có số người "
        "tham gia"
    )
    participants: int = Field(ge=0)
    entries: int = Field(ge=0)
    top: list[BoardRow] = Field(
        description="Tối đa BOARD_TOP người (mặc định 20), theo hạng; rỗng khi điểm chưa được "
        "công bố"
    )
    wards: list[BoardWard] = Field(description="Mọi phường (danh mục có hạn)")
    organisations: list[BoardOrganisation] = Field(max_length=30)
    model_config = Response.model_config | _example(
        round_id=7,
        as_of="2026-12-01T03:00:00+00:00",
        frozen_at=None,
        updated_at="2026-12-01T03:00:00+00:00",
        scores_shown=True,
        participants=1,
        entries=1,
        top=[
            {
                "rank": 1,
                "name": "Trần Thị Bình",
                "phone": "0912 xxx 111",
                "ward": "Phường An Nhơn",
                "organisation": None,
                "score": 18,
                "time_used_ms": 412000,
            }
        ],
        wards=[{"code": "an-nhon", "name": "Phường An Nhơn", "participants": 1, "entries": 1}],
        organisations=[],
    )


TOKEN_EXAMPLE = {
    "id": 3,
    "label": "Zalo mini app — điện thoại của Bình",
    "created_at": "2026-12-01T03:00:00+00:00",
    "expires_at": "2026-12-31T03:00:00+00:00",
    "last_used_at": None,
    "current": True,
}


class TokenOut(Response):
    id: int
    label: str
    created_at: Moment
    expires_at: Moment
    last_used_at: Moment | None
    current: bool = Field(description="true: mã của chính yêu cầu này")


class TokensOut(Paged):
    items: list[TokenOut]
    model_config = Response.model_config | _example(items=[TOKEN_EXAMPLE], page=1, size=20, total=1)


class IssuedOut(Response):
    token: str = Field(description="Chỉ hiện một lần; gửi ở tiêu đề Authorization: Bearer …")
    token_type: Literal["Bearer"]
    id: int
    label: str
    expires_at: Moment
    participant: SignedInOut
    model_config = Response.model_config | _example(
        token="qz_Jt3…",
        token_type="Bearer",
        id=3,
        label=TOKEN_EXAMPLE["label"],
        expires_at=TOKEN_EXAMPLE["expires_at"],
        participant={"id": 12, "full_name": "Trần Thị Bình"},
    )
