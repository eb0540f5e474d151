"""The export tables as columns (Vietnamese header, width) and rows of plain values.

Rows are generated one at a time from the gathered results, so a writer never holds a second
copy of a large ranking. Values are str, int, float or None; the writers apply the
formula-injection guard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..domain.collective import UNIT_LABELS, Group
from ..domain.collective_prizes import CollectiveDraft, GroupAward
from ..domain.formatting import format_datetime
from ..domain.people import GROUP_LABELS
from ..domain.prizes import Award
from ..domain.results import RankRow, Results

Value = str | int | float | None
# A writer reports rows written through this callback (a background export's progress bar).
Progress = Callable[[int], None]
PROGRESS_EVERY = 1000
T = TypeVar("T")
ORGANISER_STAFF_NOTE = "Thành viên ban tổ chức (không xét giải)"


@dataclass(frozen=True)
class Column:
    header: str
    width: int


WINNER_COLUMNS = (
    Column("Giải", 18),
    Column("Hạng", 7),
    Column("Họ và tên", 28),
    Column("Số điện thoại", 14),
    Column("Số CCCD", 15),
    Column("Năm sinh", 9),
    Column("Phường", 22),
    Column("Cơ quan, đơn vị", 32),
    Column("Điểm", 7),
    Column("Thời gian làm bài (giây)", 13),
    Column("Ghi chú", 40),
)
COLLECTIVE_PRIZE_COLUMNS = (
    Column("Giải", 22),
    Column("Hạng", 7),
    Column("Xét theo", 16),
    Column("Mã", 16),
    Column("Tên", 36),
    Column("Số người tham gia", 12),
    Column("Điểm trung bình", 10),
    Column("Tỷ lệ tham gia (%)", 11),
    Column("Điểm cộng", 9),
    Column("Ghi chú", 40),
)
PREDICTION_COLUMN = Column("Sai số dự đoán", 10)


def ranking_columns(results: Results) -> tuple[Column, ...]:
    """The full personal ranking; the prediction column only where the round asks one."""
    prediction = (PREDICTION_COLUMN,) if results.round.prediction_kind else ()
    return (
        Column("Hạng", 7),
        Column("STT", 7),
        Column("Họ và tên", 28),
        Column("Số điện thoại", 14),
        Column("Số CCCD", 15),
        Column("Năm sinh", 9),
        Column("Đối tượng", 24),
        Column("Phường", 22),
        Column("Cơ quan, đơn vị", 32),
        Column("Điểm", 7),
        Column("Thời gian làm bài (giây)", 13),
        *prediction,
        Column("Số lượt đã thi", 9),
        Column("Nộp bài lúc", 20),
        Column("Giải", 18),
        Column("Ghi chú", 24),
    )


def group_columns(unit: str) -> tuple[Column, ...]:
    """A collective ranking: `unit` names the kind of group (Phường, Cơ quan, đơn vị)."""
    return (
        Column("Thứ tự", 8),
        Column("Mã", 16),
        Column(unit, 36),
        Column("Số người tham gia", 12),
        Column("Số lượt thi", 10),
        Column("Điểm trung bình", 10),
        Column("Số cán bộ, người lao động", 14),
        Column("Tỷ lệ tham gia (%)", 11),
        Column("Điểm cộng", 9),
        Column("Hạng", 7),
        Column("Giải", 22),
        Column("Ghi chú", 30),
    )


def counted(rows: Iterable[T], progress: Progress, every: int = PROGRESS_EVERY) -> Iterator[T]:
    """`rows` unchanged; progress(n) once every `every` rows written, and after the last one.

    A row counts as written when the writer asks for the next one (or stops asking).
    """
    done = 0
    for done, row in enumerate(rows, start=1):
        yield row
        if done % every == 0:
            progress(done)
    if done % every:
        progress(done)


def headers(columns: Sequence[Column]) -> list[str]:
    return [c.header for c in columns]


def seconds(milliseconds: int) -> float:
    """Time used in seconds, to the millisecond the ranking compares."""
    return milliseconds / 1000


def awards_in_order(results: Results) -> list[tuple[Award, RankRow]]:
    """Winners in the ceremony's running order: highest tier first, then ranking order."""
    rows = {r.participant_id: r for r in results.ranking}
    awarded = [(a, rows[a.participant_id]) for a in results.draft.awards]
    return sorted(awarded, key=lambda pair: (pair[0].tier_index, pair[1].position))


def winner_rows(results: Results) -> Iterator[list[Value]]:
    for award, row in awards_in_order(results):
        person = results.people[award.participant_id]
        yield [
            award.tier,
            award.rank,
            person.full_name,
            person.phone,
            person.cccd,
            person.birth_year,
            person.ward,
            person.organisation,
            row.score,
            seconds(row.time_used_ms),
            note(results.remarks_of(award.participant_id)),
        ]


def note(remarks: Sequence[str]) -> str | None:
    """A "Ghi chú" cell: the remarks one after another, or empty."""
    return "; ".join(remarks) or None


def group_note(award: GroupAward | None) -> str | None:
    """A collective winner's "Ghi chú": a shared prize, or the organiser's decision."""
    if award is None:
        return None
    if award.reason:
        return f"Ban tổ chức quyết định khi bằng nhau; lý do: {award.reason}"
    return "Đồng giải (bằng nhau ở mọi tiêu chí xếp hạng)" if award.shared else None


def ranking_rows(results: Results) -> Iterator[list[Value]]:
    with_prediction = bool(results.round.prediction_kind)
    for row in results.ranking:
        person = results.people[row.participant_id]
        award = results.award_of(row.participant_id)
        prediction: list[Value] = [row.prediction_error] if with_prediction else []
        yield [
            row.rank,
            row.position,
            person.full_name,
            person.phone,
            person.cccd,
            person.birth_year,
            GROUP_LABELS.get(person.group, person.group),
            person.ward,
            person.organisation,
            row.score,
            seconds(row.time_used_ms),
            *prediction,
            row.attempts_used,
            format_datetime(row.submitted_at, seconds=True),
            award.tier if award else None,
            note(
                ([ORGANISER_STAFF_NOTE] if row.is_organiser_staff else [])
                + results.remarks_of(row.participant_id)
            ),
        ]


def _mean_rate(group: Group) -> tuple[float | None, float | None]:
    mean = round(group.mean_score, 2) if group.mean_score is not None else None
    rate = round(group.rate * 100, 1) if group.rate is not None else None
    return mean, rate


def group_rows(
    groups: Sequence[Group], awards: Mapping[str, GroupAward] | None = None
) -> Iterator[list[Value]]:
    """A collective ranking with each unit's rank under the round's chain and its prize."""
    awards = awards or {}
    for position, group in enumerate(groups, start=1):
        award, (mean, rate) = awards.get(group.key), _mean_rate(group)
        yield [
            position,
            group.key,
            group.name,
            group.participants,
            group.entries,
            mean,
            group.headcount,
            rate,
            group.points,
            group.rank or position,
            award.tier if award else None,
            group_note(award),
        ]


def awards_by_key(draft: CollectiveDraft | None) -> dict[str, GroupAward]:
    return {a.group.key: a for a in draft.awards} if draft is not None else {}


def collective_prize_rows(results: Results) -> Iterator[list[Value]]:
    """Every collective prize: by ward, then by organisation, highest tier first."""
    for by, award in results.collective_awards():
        group = award.group
        yield [
            award.tier,
            group.rank,
            UNIT_LABELS.get(by, by),
            group.key,
            group.name,
            group.participants,
            *_mean_rate(group),
            group.points,
            group_note(award),
        ]
