"""The export tables as columns (Vietnamese header, width) and rows of plain values.

Rows are generated one at a time from the gathered results, so a writer never holds a second
copy of a large ranking. Values are str, int, float or None; the writers apply the
formula-injection guard.

Every builder shows only what `results.disclosure` (the one rule, domain/disclosure.py, asked
for the round, the file's reader and the moment) allows: a withheld score, rank or time keeps
its column and says WITHHELD, never an empty cell that reads like a zero. Without ranks the
rows come in name order (the ranking's order would tell the ranks), and the prize lists are
withheld whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from ..domain.collective import UNIT_LABELS, Group
from ..domain.collective_prizes import CollectiveDraft, GroupAward
from ..domain.disclosure import Disclosure
from ..domain.formatting import format_datetime
from ..domain.people import GROUP_LABELS
from ..domain.prizes import Award
from ..domain.results import RankRow, Results
from ..domain.vnsort import name_key

Value = str | int | float | None
# A writer reports rows written through this callback (a background export's progress bar).
Progress = Callable[[int], None]
PROGRESS_EVERY = 1000
T = TypeVar("T")
ORGANISER_STAFF_NOTE = "Thành viên ban tổ chức (không xét giải)"
WITHHELD = "Chưa công bố"  # a score, rank, time or prize the reader may not see yet


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


def shown(value: Value, allowed: bool) -> Value:
    """The value where the disclosure allows it, else the words saying it is withheld."""
    return value if allowed else WITHHELD


def withheld_row(columns: Sequence[Column]) -> list[Value]:
    """The one row of a table withheld whole (a prize list before the ranks are disclosed)."""
    return [WITHHELD] * len(columns)


def awards_in_order(results: Results) -> list[tuple[Award, RankRow]]:
    """Winners in the ceremony's running order: highest tier first, then ranking order; none
    while the ranks are withheld."""
    if not results.disclosure.ranks:
        return []
    rows = {r.participant_id: r for r in results.ranking}
    awarded = [(a, rows[a.participant_id]) for a in results.draft.awards]
    return sorted(awarded, key=lambda pair: (pair[0].tier_index, pair[1].position))


def winner_rows(results: Results) -> Iterator[list[Value]]:
    shows = results.disclosure
    if not shows.ranks:
        yield withheld_row(WINNER_COLUMNS)
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
            shown(row.score, shows.scores),
            shown(seconds(row.time_used_ms), shows.times),
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


def in_shown_order(rows: Sequence[RankRow], shows: Disclosure) -> Iterator[tuple[int, RankRow]]:
    """(STT, row): the ranking's order, or name order while the ranks are withheld."""
    if shows.ranks:
        return ((row.position, row) for row in rows)
    by_name = sorted(rows, key=lambda r: (name_key(r.full_name), r.participant_id))
    return enumerate(by_name, start=1)


def ranking_rows(results: Results) -> Iterator[list[Value]]:
    with_prediction, shows = bool(results.round.prediction_kind), results.disclosure
    for number, row in in_shown_order(results.ranking, shows):
        person = results.people[row.participant_id]
        award = results.award_of(row.participant_id)
        # the prediction error breaks ties: it goes with the ranks
        prediction = [shown(row.prediction_error, shows.ranks)] if with_prediction else []
        yield [
            shown(row.rank, shows.ranks),
            number,
            person.full_name,
            person.phone,
            person.cccd,
            person.birth_year,
            GROUP_LABELS.get(person.group, person.group),
            person.ward,
            person.organisation,
            shown(row.score, shows.scores),
            shown(seconds(row.time_used_ms), shows.times),
            *prediction,
            row.attempts_used,
            format_datetime(row.submitted_at, seconds=True),
            shown(award.tier if award else None, shows.ranks),
            note(
                ([ORGANISER_STAFF_NOTE] if row.is_organiser_staff else [])
                # prize changes by hand and integrity flags: the organiser's, with the prizes
                + (results.remarks_of(row.participant_id) if shows.ranks else [])
            ),
        ]


def _mean_rate(group: Group, shows: Disclosure) -> tuple[Value, float | None]:
    """A unit's mean score (a score: disclosed with them) and its turnout rate (public)."""
    mean = round(group.mean_score, 2) if group.mean_score is not None else None
    rate = round(group.rate * 100, 1) if group.rate is not None else None
    return shown(mean, shows.scores), rate


def group_rows(
    groups: Sequence[Group], shows: Disclosure, awards: Mapping[str, GroupAward] | None = None
) -> Iterator[list[Value]]:
    """A collective ranking with each unit's rank under the round's chain and its prize; in
    name order, ranks and prizes withheld, while the ranks are."""
    awards = awards if shows.ranks and awards else {}
    ordered = groups if shows.ranks else sorted(groups, key=lambda g: (name_key(g.name), g.key))
    for position, group in enumerate(ordered, start=1):
        award, (mean, rate) = awards.get(group.key), _mean_rate(group, shows)
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
            shown(group.rank or position, shows.ranks),
            shown(award.tier if award else None, shows.ranks),
            group_note(award),
        ]


def awards_by_key(draft: CollectiveDraft | None) -> dict[str, GroupAward]:
    return {a.group.key: a for a in draft.awards} if draft is not None else {}


def collective_prize_rows(results: Results) -> Iterator[list[Value]]:
    """Every collective prize: by ward, then by organisation, highest tier first."""
    shows = results.disclosure
    if not shows.ranks:
        yield withheld_row(COLLECTIVE_PRIZE_COLUMNS)
        return
    for by, award in results.collective_awards():
        group = award.group
        yield [
            award.tier,
            group.rank,
            UNIT_LABELS.get(by, by),
            group.key,
            group.name,
            group.participants,
            *_mean_rate(group, shows),
            group.points,
            group_note(award),
        ]


# A liaison's list of its own people in one round (names and masked phones, as on its page).
SCOPE_ROUND_COLUMNS = (
    Column("STT", 6),
    Column("Họ và tên", 28),
    Column("Số điện thoại (đã che)", 16),
    Column("Phường", 22),
    Column("Cơ quan, đơn vị", 32),
    Column("Bắt đầu lúc", 18),
    Column("Nộp bài lúc", 18),
    Column("Điểm", 7),
    Column("Thời gian làm bài (giây)", 13),
    Column("Hạng trong đợt thi", 9),
)
NOT_RANKED = "Không có bài được tính"  # not finished, or excluded: no score to show
NOT_SUBMITTED = "Chưa nộp"


@dataclass(frozen=True)
class ScopeLine:
    """One person's part in a round as a liaison's list shows it (the phone already masked;
    `ranked`: the counted entry, None when there is none or nothing of it may be shown)."""

    full_name: str
    masked_phone: str
    ward: str
    organisation: str | None
    started_at: datetime
    submitted_at: datetime | None
    ranked: RankRow | None


def entry_cells(row: RankRow | None, shows: Disclosure) -> list[Value]:
    """One person's counted entry as its reader may see it: score, time used, rank."""
    if row is None:
        return [shown(NOT_RANKED, allowed) for allowed in (shows.scores, shows.times, shows.ranks)]
    return [
        shown(row.score, shows.scores),
        shown(seconds(row.time_used_ms), shows.times),
        shown(row.rank, shows.ranks),
    ]


def scope_round_rows(lines: Iterable[ScopeLine], shows: Disclosure) -> Iterator[list[Value]]:
    """A liaison's people in one round (SCOPE_ROUND_COLUMNS), in the order given."""
    for number, line in enumerate(lines, start=1):
        submitted = line.submitted_at
        yield [
            number,
            line.full_name,
            line.masked_phone,
            line.ward,
            line.organisation,
            format_datetime(line.started_at),
            format_datetime(submitted) if submitted is not None else NOT_SUBMITTED,
            *entry_cells(line.ranked, shows),
        ]
