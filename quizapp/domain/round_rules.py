"""A round's settings: what makes them valid, what may change once open, and the rules text."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime

from . import collective, ranking
from .drawing import Quota
from .formatting import format_datetime

PREDICTION_LABELS = {
    "participants": "số người tham gia đợt thi",
    "entries": "số lượt dự thi của đợt thi",
    "perfect_scores": "số bài thi đạt điểm tối đa của đợt thi",
}
MAX_QUESTIONS = 100
MAX_TIME_LIMIT = 4 * 3600


@dataclass(frozen=True)
class PrizeTier:
    name: str
    count: int


DEFAULT_PRIZES = (
    PrizeTier("Giải Nhất", 1),
    PrizeTier("Giải Nhì", 2),
    PrizeTier("Giải Ba", 3),
    PrizeTier("Giải Khuyến khích", 5),
)


@dataclass(frozen=True)
class RoundSettings:
    title: str
    opens_at: datetime
    closes_at: datetime
    question_count: int = 20
    time_limit_seconds: int = 900
    max_attempts: int | None = 2
    quotas: tuple[Quota, ...] = ()
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    prediction_kind: str | None = None
    grace_seconds: int = 30
    prizes: tuple[PrizeTier, ...] = DEFAULT_PRIZES
    ranking_policy: str = ",".join(ranking.DEFAULT_POLICY)
    # None: the default for the round's attempts (see `shows_score_after_submit`).
    show_score_after_submit: bool | None = None
    # Draw questions whose key has been public (practice, a published review) too.
    allow_public_keys: bool = False
    # Not a setting: the day the bank's documents register was last checked (rules text).
    bank_checked_on: date | None = field(default=None, compare=False)
    # The fewest correct answers that may win a prize; None: half the questions.
    prize_min_score: int | None = None
    collective_policy: str = collective.DEFAULT_POLICY
    collective_tie_rule: str = collective.DEFAULT_TIE_RULE

    @property
    def min_prize_score(self) -> int:
        """The prize threshold in correct answers: the organiser's, or half the questions."""
        if self.prize_min_score is not None:
            return self.prize_min_score
        return (self.question_count + 1) // 2

    @property
    def policy(self) -> tuple[str, ...]:
        return ranking.effective_policy(self.ranking_policy, self.prediction_kind is not None)

    @property
    def shows_score_after_submit(self) -> bool:
        """Off by default when several attempts are allowed: a participant could otherwise
        probe the key by changing one answer at a time between attempts."""
        if self.show_score_after_submit is None:
            return self.max_attempts == 1
        return self.show_score_after_submit


# Changing these after opening would treat early and late participants differently.
PROTECTED = (
    "question_count",
    "time_limit_seconds",
    "max_attempts",
    "quotas",
    "shuffle_questions",
    "shuffle_choices",
    "prediction_kind",
    "opens_at",
    "ranking_policy",
    "show_score_after_submit",
    "allow_public_keys",
    "prize_min_score",
)
FIELD_LABELS = {
    "question_count": "số câu hỏi",
    "time_limit_seconds": "thời gian làm bài",
    "max_attempts": "số lượt thi",
    "quotas": "cơ cấu câu hỏi",
    "shuffle_questions": "đảo thứ tự câu hỏi",
    "shuffle_choices": "đảo phương án",
    "prediction_kind": "câu hỏi dự đoán",
    "opens_at": "thời điểm mở",
    "ranking_policy": "thứ tự xếp hạng",
    "show_score_after_submit": "hiện điểm ngay sau khi nộp",
    "allow_public_keys": "dùng cả câu đã công khai đáp án",
    "prize_min_score": "điểm tối thiểu để xét giải",
}


def resolved(s: RoundSettings) -> RoundSettings:
    """The settings with every default made explicit (as the round stores them)."""
    return replace(s, show_score_after_submit=s.shows_score_after_submit)


def settings_problems(s: RoundSettings) -> list[str]:
    """Every reason these settings cannot make a round (empty when they can)."""
    problems = []
    if not s.title.strip():
        problems.append("Tên đợt thi không được để trống.")
    if s.closes_at <= s.opens_at:
        problems.append("Thời điểm đóng phải sau thời điểm mở.")
    if not 1 <= s.question_count <= MAX_QUESTIONS:
        problems.append(f"Số câu hỏi phải từ 1 đến {MAX_QUESTIONS}.")
    if not 10 <= s.time_limit_seconds <= MAX_TIME_LIMIT:
        problems.append("Thời gian làm bài phải từ 10 giây đến 4 giờ.")
    if s.max_attempts is not None and s.max_attempts < 1:
        problems.append("Số lượt thi phải từ 1 trở lên (để trống nếu không giới hạn).")
    if sum(q.count for q in s.quotas) > s.question_count:
        problems.append("Tổng số câu theo cơ cấu vượt quá số câu hỏi của đợt.")
    if any(q.count < 1 for q in s.quotas):
        problems.append("Mỗi dòng cơ cấu phải có ít nhất 1 câu.")
    if s.prediction_kind is not None and s.prediction_kind not in PREDICTION_LABELS:
        problems.append("Loại câu hỏi dự đoán không hợp lệ.")
    if s.ranking_policy not in ranking.PRESETS:
        problems.append("Thứ tự xếp hạng phải là một trong các phương án có sẵn.")
    if not 0 <= s.grace_seconds <= 120:
        problems.append("Thời gian chờ lưu bài phải từ 0 đến 120 giây.")
    if any(p.count < 0 or not p.name.strip() for p in s.prizes):
        problems.append("Cơ cấu giải thưởng không hợp lệ.")
    if s.prize_min_score is not None and not 0 <= s.prize_min_score <= s.question_count:
        problems.append("Điểm tối thiểu để xét giải phải từ 0 đến số câu hỏi của đợt.")
    if s.collective_policy not in collective.PRESETS:
        problems.append("Thứ tự xếp hạng tập thể phải là một trong các phương án có sẵn.")
    if s.collective_tie_rule not in collective.TIE_RULES:
        problems.append("Cách xử lý tập thể bằng nhau không hợp lệ.")
    return problems


def refused_changes(old: RoundSettings, new: RoundSettings) -> list[str]:
    """The protected settings that differ: refused once a round has opened."""
    return [
        f"Không thể thay đổi {FIELD_LABELS[name]} sau khi đợt thi đã mở "
        "(mọi người dự thi phải cùng một điều kiện)."
        for name in PROTECTED
        if getattr(old, name) != getattr(new, name)
    ]


def changed_fields(old: RoundSettings, new: RoundSettings) -> list[str]:
    return [
        f.name
        for f in fields(RoundSettings)
        if f.compare and getattr(old, f.name) != getattr(new, f.name)
    ]


def describe_duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return f"{minutes} phút {rest} giây"
    return f"{minutes} phút" if minutes else f"{rest} giây"


# The limits on start, save and submit count each account (ratelimits.py, config LIMIT_*).
CLASSROOM_RULE = (
    "Việc bắt đầu, lưu câu trả lời và nộp bài được giới hạn theo từng tài khoản, không theo "
    "mạng: cả lớp học hay hội trường dùng chung một mạng vẫn thi cùng lúc được."
)


def rules_text(s: RoundSettings) -> list[str]:
    """The "thể lệ" of the round, generated from the very settings the engine applies."""
    attempts = (
        "không giới hạn số lượt" if s.max_attempts is None else f"tối đa {s.max_attempts} lượt"
    )
    counted = "lượt có kết quả tốt nhất theo thứ tự xếp hạng dưới đây được tính"
    lines = [
        f"Thời gian: từ {format_datetime(s.opens_at)} đến {format_datetime(s.closes_at)} "
        "(giờ Việt Nam).",
        f"Mỗi lượt thi gồm {s.question_count} câu hỏi trắc nghiệm, mỗi câu có một đáp án đúng, "
        f"làm trong {describe_duration(s.time_limit_seconds)}.",
        "Mỗi người được thi một lượt duy nhất; kết quả của lượt đó được tính."
        if s.max_attempts == 1
        else f"Mỗi người được thi {attempts}; {counted}.",
        "Thời gian được tính trên máy chủ từ lúc bắt đầu; nếu bắt đầu gần giờ đóng, thời gian "
        "làm bài kết thúc khi đợt thi đóng. Hết giờ, bài được nộp tự động với các câu đã lưu.",
        "Mỗi câu trả lời được lưu ngay khi chọn; tải lại trang hay đổi thiết bị vẫn tiếp tục "
        "đúng lượt thi đang làm.",
        CLASSROOM_RULE,
    ]
    if s.shuffle_questions or s.shuffle_choices:
        lines.append(
            "Câu hỏi được chọn ngẫu nhiên từ ngân hàng; thứ tự câu hỏi và phương án "
            "được đảo cho từng lượt thi."
        )
    if s.prediction_kind:
        lines.append(f"Câu hỏi dự đoán: {PREDICTION_LABELS[s.prediction_kind]}.")
    lines.append(f"Xếp hạng theo {ranking.describe(s.policy)}.")
    prizes = ", ".join(f"{p.count} {p.name}" for p in s.prizes if p.count)
    if prizes:
        lines.append(f"Cơ cấu giải thưởng: {prizes}.")
    if s.min_prize_score:
        lines.append(
            f"Chỉ xét giải cá nhân cho bài thi đạt từ {s.min_prize_score}/{s.question_count} "
            "câu đúng trở lên."
        )
    lines += collective.rules_lines(s.collective_policy, s.collective_tie_rule)
    if s.shows_score_after_submit:
        lines.append("Số câu đúng được hiển thị ngay sau khi nộp bài.")
    else:
        lines.append("Điểm của từng lượt thi được thông báo sau khi đợt thi kết thúc.")
    lines.append(
        "Đáp án và giải thích được công bố khi đợt thi đã đóng và Ban tổ chức bắt đầu xét duyệt."
    )
    if s.bank_checked_on is not None:
        lines.append(
            "Câu hỏi được đối chiếu với văn bản pháp luật đến ngày "
            f"{s.bank_checked_on.strftime('%d/%m/%Y')} (ngày kiểm tra gần nhất ghi trong danh "
            "mục văn bản làm căn cứ của ngân hàng câu hỏi); chỉ dùng câu có căn cứ còn hiệu "
            "lực trong suốt thời gian đợt thi."
        )
    return lines
