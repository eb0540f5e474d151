"""Every export asks the one disclosure rule: a table over (round state × scores shown after
submit × viewer) × export kind, read back from the real file (openpyxl, the CSV text,
pdftotext).

The expectation is written out here, not computed by the rule: staff see everything; anyone
else sees scores, ranks and times once the result is final, or before that only where the
round shows scores right after submit — but a participant always sees times (the rule gives
one's own time to oneself; no file is made for a participant, services.exports.viewer_of
never names one, and the builders follow the rule's fields as they are). A withheld cell
says «Chưa công bố»; a file printed before the result is final carries the provisional mark.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

import openpyxl
import pytest

from quizapp.domain.disclosure import Disclosure, Viewer, disclose
from quizapp.domain.prizes import Award
from quizapp.domain.results import (
    DRAFT_MARK,
    PROVISIONAL_MARK,
    Results,
    Stamp,
    provisional_mark,
)
from quizapp.formats import certificates, pdf, rows, xlsx
from quizapp.formats import csv as csv_export
from tests.unit.test_exports import NOW, PUBLISHED, fake_results, pdf_text

CLOSES_AT = NOW
GRACE = 60
NAMES = ["Nguyễn Thị Ánh", "Trần Văn Bình", "Lê Thị Cúc"]
# What the fake results hold, as each file writes it: scores 19, 18, 17; times 61,234 s…;
# the ward's mean score 12,35. None of these strings occurs elsewhere in the files.
SCORES = [19, 18, 17]
TIMES = [61.234, 62.468, 63.702]
MEAN = 12.35


@dataclass(frozen=True)
class State:
    status: str
    moment: timedelta  # from the close
    final: bool  # the result is final (written out, not asked of the rule)
    published: bool = False


STATES = {
    "open": State("open", -timedelta(hours=1), False),
    "closed_in_grace": State("closed", timedelta(seconds=GRACE // 2), False),
    "review": State("review", timedelta(hours=1), True),
    "published": State("published", timedelta(days=1), True, published=True),
}
KINDS = ["xlsx", "csv", "ceremony", "certificates", "scope_xlsx", "scope_csv"]


def expected_shown(state: State, show_after_submit: bool, viewer: Viewer) -> bool:
    """Scores and ranks."""
    return viewer is Viewer.STAFF or state.final or show_after_submit


def expected_times(state: State, show_after_submit: bool, viewer: Viewer) -> bool:
    return expected_shown(state, show_after_submit, viewer) or viewer is Viewer.PARTICIPANT


def results_for(state: State, show_after_submit: bool, viewer: Viewer) -> Results:
    shows = disclose(
        state.status, CLOSES_AT, GRACE, show_after_submit, viewer, CLOSES_AT + state.moment
    )
    stamp = PUBLISHED if state.published else Stamp()
    return fake_results(NAMES, [Award("Giải Nhất", 0, 101, 1)], stamp=stamp, disclosure=shows)


def scope_lines(results: Results) -> list[rows.ScopeLine]:
    return [
        rows.ScopeLine(r.full_name, "09xx xxx 001", "Phường Hạnh Thông", None, NOW, NOW, r)
        for r in results.ranking
    ]


def xlsx_cells(data: bytes) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def csv_table(data: bytes) -> list[list[str]]:
    text = io.StringIO(data.decode("utf-8-sig"), newline="")
    return list(csv.reader(text, delimiter=csv_export.DELIMITER))


def column(table: list[list[object]], header: str) -> list[object]:
    """The values under `header` (the header row found below any mark), up to a blank line."""
    at = next(n for n, line in enumerate(table) if header in line)
    index = table[at].index(header)
    values = []
    for line in table[at + 1 :]:
        if not any(v not in (None, "") for v in line):
            break
        values.append(line[index])
    return values


def written(kind: str, results: Results) -> bytes | None:
    """The file of `kind`, or None where the writer refuses it (certificates without ranks)."""
    out = io.BytesIO()
    if kind == "xlsx":
        xlsx.write_results(results, out)
    elif kind == "csv":
        csv_export.write_ranking(results, out)
    elif kind == "ceremony":
        pdf.write_ceremony(results, out, organiser="BTC", generated_at=NOW)
    elif kind == "certificates":
        try:
            certificates.write_certificates(
                results, out, verify_url="https://x.vn/", organiser="BTC", issued_at=NOW
            )
        except ValueError:
            return None
    else:  # as views/liaison.round_export writes it
        shows = results.disclosure
        table, mark = (
            rows.scope_round_rows(scope_lines(results), shows),
            provisional_mark(shows.final),
        )
        if kind == "scope_xlsx":
            xlsx.write_table(out, "Người dự thi", rows.SCOPE_ROUND_COLUMNS, table, mark)
        else:
            csv_export.write_table(out, rows.SCOPE_ROUND_COLUMNS, table, mark)
    return out.getvalue()


def check_sheets(kind: str, data: bytes, shown: bool, times: bool) -> str:
    """The score, time and rank columns hold the values or say they are withheld; returns the
    file's text for the checks every kind shares."""
    if kind in ("xlsx", "scope_xlsx"):
        sheets = xlsx_cells(data)
        table = sheets[xlsx.RANKING_SHEET if kind == "xlsx" else "Người dự thi"]
        text = "\n".join(str(v) for s in sheets.values() for line in s for v in line)
        numbers: list[object] = [*SCORES, *TIMES, MEAN]
    else:
        table = csv_table(data)  # type: ignore[assignment]
        text = data.decode("utf-8-sig")
        numbers = [*map(str, SCORES), *(f"{t}".replace(".", ",") for t in TIMES)]
    rank_header = "Hạng" if kind in ("xlsx", "csv") else "Hạng trong đợt thi"
    as_written = (lambda v: v) if kind.endswith("xlsx") else str
    words = text.replace("\n", " ").split(" ")
    time_column = column(table, "Thời gian làm bài (giây)")
    assert time_column == (numbers[3:6] if times else [rows.WITHHELD] * 3)
    if shown:
        assert column(table, "Điểm") == [as_written(s) for s in SCORES]
        assert column(table, rank_header) == [as_written(n) for n in (1, 2, 3)]
    else:
        for header in ("Điểm", rank_header):
            assert column(table, header) == [rows.WITHHELD] * 3, header
        withheld = numbers if not times else [*numbers[:3], *numbers[6:]]
        found = [n for n in withheld if f"{n}" in words]
        assert not found, f"a withheld value is in the file: {found}"
    if kind == "xlsx":
        winners = sheets[xlsx.WINNERS_SHEET]
        assert (NAMES[0] in [v for line in winners for v in line]) is shown
        assert (column(sheets[xlsx.WARDS_SHEET], "Điểm trung bình") == [MEAN]) is shown
    return text


def check_pdf(kind: str, data: bytes | None, shown: bool) -> str:
    if kind == "certificates" and not shown:
        assert data is None  # no certificate while the ranks are withheld
        return ""
    assert data is not None
    text = pdf_text(data)
    assert (NAMES[0] in text) is shown  # the winner, named only once the ranks are shown
    if kind == "certificates":
        assert f"Điểm: {SCORES[0]}" in text
    elif shown:
        assert "Giải Nhất" in text and str(SCORES[0]) in text.split()
    else:
        assert rows.WITHHELD in text and "Giải Nhất" not in text
        assert str(SCORES[0]) not in text.split() and "61,234" not in text
    return text


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", list(Viewer))
@pytest.mark.parametrize("show_after_submit", [False, True])
@pytest.mark.parametrize("state", list(STATES))
def test_every_file_shows_only_what_the_rule_allows(
    state: str, show_after_submit: bool, viewer: Viewer, kind: str
) -> None:
    facts = STATES[state]
    results = results_for(facts, show_after_submit, viewer)
    shown = expected_shown(facts, show_after_submit, viewer)
    data = written(kind, results)
    if kind in ("ceremony", "certificates"):
        text = check_pdf(kind, data, shown)
    else:
        assert data is not None
        text = check_sheets(kind, data, shown, expected_times(facts, show_after_submit, viewer))
    if data is None:
        return
    # Provisional until the result is final (the rule's `final`), a draft until published.
    first = text.splitlines()[0] if kind not in ("ceremony", "certificates") else text
    if not facts.final:
        assert PROVISIONAL_MARK in first
    elif kind.startswith("scope_"):
        assert DRAFT_MARK not in text  # a liaison's list has no prizes to publish
    else:
        assert (DRAFT_MARK in first) is not facts.published


def test_the_table_covers_withheld_and_shown_for_every_non_staff_viewer() -> None:
    """The table is not one-sided: each viewer but staff meets both a withheld and a shown
    file, and the rule agrees with the expectation written out above."""
    for viewer in Viewer:
        outcomes = set()
        for facts in STATES.values():
            for show in (False, True):
                shows: Disclosure = results_for(facts, show, viewer).disclosure
                expected = expected_shown(facts, show, viewer)
                times = expected_times(facts, show, viewer)
                assert (shows.scores, shows.ranks, shows.times, shows.final) == (
                    expected,
                    expected,
                    times,
                    facts.final,
                )
                outcomes.add(expected)
        assert outcomes == ({True} if viewer is Viewer.STAFF else {False, True})
