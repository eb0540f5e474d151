"""Exports: workbook sheets and headers, the formula-injection guard read back, CSV, PDFs."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils.escape import unescape

from quizapp.domain.collective import Group
from quizapp.domain.collective_prizes import CollectiveDraft, GroupAward
from quizapp.domain.disclosure import Disclosure
from quizapp.domain.prizes import Award, Draft
from quizapp.domain.results import DRAFT_MARK, Person, RankRow, Results, RoundInfo, Stamp
from quizapp.formats import certificates, pdf, rows, xlsx
from quizapp.formats import csv as csv_export
from quizapp.formats.sheets import clean_text, csv_text, is_plain, is_risky

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
HARMLESS = "Nguyễn Thị Ánh Tuyết"
RISKY = ["=1+2", "+84 912 345 678", "-Lê Văn", "@SUM(A1:A9)", "\t=1+2", "\r=1+2"]
# Text only a workbook treats specially: error codes, array formulas, rich-string XML (which
# XlsxWriter copied unescaped unless guarded) and OOXML's own _xHHHH_ escapes.
XLSX_ONLY = [
    "#N/A",
    "{=HYPERLINK(A1)}",
    '<r><t>a</t></r></is></c><c r="D2"><f>1+1</f></c><c r="E2" t="inlineStr"><is><r><t>b</t></r>',
    "<b>An</b>",
    "_x0041_ Bình",
    "",
]
PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


PUBLISHED = Stamp(published=True, digest="ab" * 32, sequence=1)
EVERYTHING = Disclosure(True, True, True, True, True, True)  # staff, once the result is final


def fake_results(
    names: list[str],
    awards: list[Award] | None = None,
    prediction: bool = False,
    stamp: Stamp = PUBLISHED,
    collective: bool = True,
    disclosure: Disclosure = EVERYTHING,
):
    """Results as gather() returns them, without a database: one participant per name
    (built from a publication unless `stamp` says it is a draft)."""
    rnd = RoundInfo(
        id=7,
        title="Đợt 1: Tuần thi thứ nhất",
        contest_title="Cuộc thi tìm hiểu Luật Thi đua, khen thưởng",
        question_count=20,
        prediction_kind="participants" if prediction else None,
    )
    ranking, people = [], {}
    for n, name in enumerate(names, start=1):
        pid = 100 + n
        ranking.append(
            RankRow(
                position=n,
                rank=n,
                participant_id=pid,
                attempt_id=200 + n,
                score=20 - n,
                time_used_ms=60_000 + n * 1234,
                prediction_error=3 if prediction else None,
                attempts_used=1,
                submitted_at=NOW,
                full_name=name,
                phone=f"09{n:08d}",
                ward_id=1,
                organisation_id=None,
                is_organiser_staff=n == len(names) > 3,  # the last of four or more is staff
            )
        )
        org = "UBND phường An Hội Đông" if n % 2 else None
        people[pid] = Person(
            name,
            f"09{n:08d}",
            f"0791850000{n:02d}",
            1990,
            "civil_servant",
            "Phường Hạnh Thông",
            org,
        )
    if awards is None:
        awards = [Award("Giải Nhất", 0, 101, 1)] if names else []
    wards = [
        Group("hanh-thong", "Phường Hạnh Thông", len(names), len(names) + 1, 12.345, None, 10, 1)
    ]
    orgs = [Group("ubnd-ahd", "UBND phường An Hội Đông", 2, 3, 10.0, 8, 30, 1)]
    prize = GroupAward("Giải Nhất tập thể", 0, wards[0])
    prizes = [prize] if collective else []
    collective = {
        "ward": CollectiveDraft("ward", ("participants",), "shared", wards, prizes, [], []),
        "organisation": CollectiveDraft(
            "organisation", ("participants",), "shared", orgs, [], [], []
        ),
    }
    return Results(
        rnd,
        ranking,
        Draft(awards, []),
        wards,
        orgs,
        people,
        stamp,
        collective=collective,
        disclosure=disclosure,
    )


def workbook(results: Results) -> tuple[openpyxl.Workbook, bytes]:
    out = io.BytesIO()
    xlsx.write_results(results, out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue())), out.getvalue()


def csv_lines(results: Results) -> tuple[bytes, list[list[str]]]:
    out = io.BytesIO()
    csv_export.write_ranking(results, out)
    data = out.getvalue()
    text = io.StringIO(data.decode("utf-8-sig"), newline="")
    return data, list(csv.reader(text, delimiter=csv_export.DELIMITER))


def no_formula(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheets = [package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/")]
    return all(b"<f>" not in xml and b"<f " not in xml for xml in sheets)


@pytest.mark.parametrize("name", [*RISKY, *XLSX_ONLY, HARMLESS])
def test_xlsx_keeps_every_name_as_text_never_a_formula(name: str) -> None:
    results = fake_results([name], [Award("Giải Nhất", 0, 101, 1)])
    wb, data = workbook(results)
    for sheet in (xlsx.WINNERS_SHEET, xlsx.RANKING_SHEET):
        cell = wb[sheet]["C2"]
        assert cell.data_type == "s" or (name == "" and cell.value is None)  # "" is a blank
        # A CR is stored as OOXML's _x000D_, which Excel decodes and openpyxl leaves as it is.
        assert unescape(cell.value or "") == name
        assert cell.quotePrefix is is_risky(name)
        assert wb[sheet]["D2"].value == "0900000001"  # nothing slipped in after the name
    assert no_formula(data)


def test_xlsx_drops_control_characters_a_workbook_cannot_hold() -> None:
    wb, _ = workbook(fake_results(["Lê\x00 Văn\x1f An\x0b", "\x01=1+2"]))
    ranking = wb[xlsx.RANKING_SHEET]
    assert [ranking["C2"].value, ranking["C3"].value] == ["Lê Văn An", "=1+2"]
    assert ranking["C3"].data_type == "s" and ranking["C3"].quotePrefix


@pytest.mark.parametrize("name", [*RISKY, HARMLESS])
def test_csv_prefixes_risky_text_with_a_single_quote(name: str) -> None:
    _, lines = csv_lines(fake_results([name]))
    expected = name if name == HARMLESS else "'" + name
    assert lines[1][2] == expected


def test_csv_is_utf8_with_bom_and_the_full_ranking() -> None:
    results = fake_results([HARMLESS, "Trần Văn Bình", "Lê Thị Cúc", "Phạm Đức Duy"])
    data, lines = csv_lines(results)
    assert data.startswith(codecs.BOM_UTF8)
    assert lines[0] == rows.headers(rows.ranking_columns(results))
    assert [line[2] for line in lines[1:5]] == [r.full_name for r in results.ranking]
    # Organiser data in full; digits in groups, so a vi-VN spreadsheet keeps them as text.
    assert lines[1][3] == "0900 000 001" and lines[1][4] == "079 185 000 001"
    assert lines[1][10] == "61,234"  # seconds with the decimal comma
    assert lines[1][-2] == "Giải Nhất" and lines[4][-1] == rows.ORGANISER_STAFF_NOTE
    # Below the ranking, after an empty line: the collective prizes.
    assert lines[5:8] == [
        [],
        ["GIẢI TẬP THỂ"],
        rows.headers(rows.COLLECTIVE_PRIZE_COLUMNS),
    ]
    assert lines[8][:5] == ["Giải Nhất tập thể", "1", "Phường", "hanh-thong", "Phường Hạnh Thông"]
    assert len(lines) == 9


def test_workbook_sheets_headers_and_widths() -> None:
    results = fake_results([HARMLESS, "Trần Văn Bình"])
    wb, _ = workbook(results)
    assert wb.sheetnames == [
        "Đoạt giải",
        "Giải tập thể",
        "Xếp hạng cá nhân",
        "Xếp hạng phường",
        "Xếp hạng cơ quan, đơn vị",
    ]
    expected = {
        "Đoạt giải": rows.WINNER_COLUMNS,
        "Giải tập thể": rows.COLLECTIVE_PRIZE_COLUMNS,
        "Xếp hạng cá nhân": rows.ranking_columns(results),
        "Xếp hạng phường": rows.group_columns("Phường"),
        "Xếp hạng cơ quan, đơn vị": rows.group_columns("Cơ quan, đơn vị"),
    }
    for title, columns in expected.items():
        ws = wb[title]
        assert [c.value for c in ws[1]] == rows.headers(columns)
        # Widths are in characters; the file holds them with Excel's cell padding added.
        assert columns[2].width < ws.column_dimensions["C"].width < columns[2].width + 1
        assert ws.freeze_panes == "A2"
        last = openpyxl.utils.get_column_letter(len(columns))
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}"  # the header and the data
        for cell in ws[1]:
            assert cell.font.b and cell.alignment.wrap_text and not cell.quotePrefix
            assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == "FFDDEBF7"
        assert not ws["A2"].font.b and ws["A2"].fill.fill_type is None
    assert [c.value for c in wb["Đoạt giải"][2]] == [
        "Giải Nhất",
        1,
        HARMLESS,
        "0900000001",
        "079185000001",
        1990,
        "Phường Hạnh Thông",
        "UBND phường An Hội Đông",
        19,
        61.234,
        None,  # Ghi chú: no change by hand, no flag
    ]
    assert [c.value for c in wb["Xếp hạng phường"][2]] == [
        1,
        "hanh-thong",
        "Phường Hạnh Thông",
        2,
        3,
        12.35,
        None,
        None,
        10,  # points
        1,  # rank
        "Giải Nhất tập thể",
        None,  # Ghi chú: not shared, not decided by hand
    ]
    assert [c.value for c in wb["Xếp hạng cơ quan, đơn vị"][2]][6:8] == [8, 25.0]


@pytest.mark.parametrize("prediction", [False, True])
def test_prediction_column_only_when_the_round_asks(prediction: bool) -> None:
    results = fake_results([HARMLESS], prediction=prediction)
    header = rows.headers(rows.ranking_columns(results))
    assert ("Sai số dự đoán" in header) is prediction
    assert all(len(row) == len(header) for row in rows.ranking_rows(results))


def test_empty_tables_keep_their_header_and_only_risky_rows_are_quoted() -> None:
    wb, _ = workbook(fake_results([HARMLESS, "=1+2", "Trần Văn Bình"], awards=[]))
    winners = wb[xlsx.WINNERS_SHEET]
    assert [c.value for c in winners[1]] == rows.headers(rows.WINNER_COLUMNS)
    assert all(c.value is None for r in winners.iter_rows(min_row=2) for c in r)
    ranking = wb[xlsx.RANKING_SHEET]
    assert [ranking[f"C{n}"].quotePrefix for n in (2, 3, 4)] == [False, True, False]
    assert ranking["C3"].value == "=1+2" and ranking["C3"].data_type == "s"


def test_winners_run_from_the_highest_tier_in_ranking_order() -> None:
    awards = [
        Award("Giải Ba", 2, 104, 4),
        Award("Giải Nhì", 1, 103, 3),
        Award("Giải Nhất", 0, 101, 1),
        Award("Giải Nhì", 1, 102, 2),
    ]
    results = fake_results(["An", "Bình", "Cúc", "Dung"], awards)
    order = [(a.tier, a.participant_id) for a, _ in rows.awards_in_order(results)]
    assert order == [("Giải Nhất", 101), ("Giải Nhì", 102), ("Giải Nhì", 103), ("Giải Ba", 104)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1", "'=1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Bình", "Bình"),
        (-5, -5),
        (1.5, 1.5),
        (None, ""),
    ],
)
def test_csv_text(value: object, expected: object) -> None:
    assert csv_text(value) == expected


@pytest.mark.parametrize(
    "text",
    [*RISKY, *XLSX_ONLY, *ERROR_CODES, HARMLESS, "Lê\x00Văn", "a\nb", "\u00a0An", "1990", "(x)"],
)
def test_is_plain_only_for_text_the_guard_leaves_alone(text: str) -> None:
    if is_plain(text):
        assert clean_text(text) == text and not is_risky(text)


def test_ordinary_text_is_plain() -> None:
    assert all(map(is_plain, [HARMLESS, "UBND phường An Hội Đông", "1990", "(x)", "a b"]))


def test_ceremony_list_is_an_a4_pdf() -> None:
    awards = [Award("Giải Nhất", 0, 101, 1), Award("Giải Nhì", 1, 102, 2)]
    out = io.BytesIO()
    pdf.write_ceremony(
        fake_results([HARMLESS, "Trần Văn Bình"], awards), out, organiser="BTC", generated_at=NOW
    )
    data = out.getvalue()
    assert data.startswith(b"%PDF")
    assert len(PAGE.findall(data)) == 1
    assert re.search(rb"/MediaBox \[0 0 595\.28 841\.89\]", data)  # A4 portrait, in points


def test_ceremony_list_without_winners_still_prints() -> None:
    out = io.BytesIO()
    pdf.write_ceremony(fake_results([], []), out, organiser="BTC", generated_at=NOW)
    assert out.getvalue().startswith(b"%PDF")


def test_certificates_one_page_per_winner() -> None:
    awards = [
        Award("Giải Nhất", 0, 101, 1),
        Award("Giải Nhì", 1, 102, 2),
        Award("Giải Ba", 2, 103, 3),
    ]
    results = fake_results([HARMLESS, "Trần Văn Bình", "=Lê Thị Cúc"], awards)
    out = io.BytesIO()
    pages = certificates.write_certificates(
        results,
        out,
        verify_url="https://thi.example.vn/ket-qua/cong-bo/1",
        organiser="BTC",
        issued_at=NOW,
    )
    data = out.getvalue()
    assert data.startswith(b"%PDF") and pages == 4  # three people and one ward
    assert len(PAGE.findall(data)) == 4
    assert len(re.findall(rb"/Subtype\s*/Image", data)) == 1  # one QR image, drawn on each page


def test_certificates_need_a_winner() -> None:
    with pytest.raises(ValueError, match="no winners"):
        certificates.write_certificates(
            fake_results([HARMLESS], [], collective=False),
            io.BytesIO(),
            verify_url="https://x.vn/",
            organiser="BTC",
            issued_at=NOW,
        )


def test_qr_code_is_a_png_and_the_date_line_is_in_vietnam_time() -> None:
    assert certificates.qr_png("https://thi.example.vn/").getvalue().startswith(b"\x89PNG")
    late = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)  # already the 21st in Vietnam
    assert certificates.date_line(late) == "Ngày 21 tháng 11 năm 2026"


def _as_text(value: object) -> str | None:
    """A cell as the golden file holds it; the Rust writer stores every number as a float
    (1 is 1.0, the same number to a spreadsheet)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if value is None else str(value)


def test_the_cell_values_are_those_written_before_the_formats_moved() -> None:
    """The workbook of one published round, cell by cell, as the encoder wrote it before the
    encoders moved into quizapp/formats (tests/data/exports)."""
    import json
    from pathlib import Path

    names = [HARMLESS, "=1+2", "+84 912 345 678", "Lê Văn Bình", "<b>An</b>"]
    awards = [Award("Giải Nhất", 0, 101, 1), Award("Giải Nhì", 1, 102, 2)]
    wb, _ = workbook(fake_results(names, awards, prediction=True))
    cells = {
        ws.title: [[_as_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for ws in wb.worksheets
    }
    before = Path(__file__).parent.parent / "data" / "exports" / "results-cells-before-move.json"
    old = json.loads(before.read_text(encoding="utf-8"))
    # Since then: the collective prizes' sheet, and columns added at the right of three sheets.
    added = {
        "Đoạt giải": ["Ghi chú"],
        "Xếp hạng phường": ["Điểm cộng", "Hạng", "Giải", "Ghi chú"],
        "Xếp hạng cơ quan, đơn vị": ["Điểm cộng", "Hạng", "Giải", "Ghi chú"],
    }
    assert [title for title in cells if title != xlsx.COLLECTIVE_WINNERS_SHEET] == list(old)
    for title, rows_before in old.items():
        extra = len(added.get(title, []))
        assert [row[: len(row) - extra] for row in cells[title]] == rows_before
        assert cells[title][0][len(rows_before[0]) :] == added.get(title, [])


def test_a_draft_says_so_on_every_sheet_page_and_line() -> None:
    draft = fake_results([HARMLESS, "Trần Văn Bình"], stamp=Stamp())
    wb, _ = workbook(draft)
    for ws in wb.worksheets:
        assert ws.cell(1, 1).value == DRAFT_MARK and ws.cell(2, 1).value  # then the header
    _, lines = csv_lines(draft)
    assert lines[0] == [DRAFT_MARK]
    out = io.BytesIO()
    pdf.write_ceremony(draft, out, organiser="BTC", generated_at=NOW)
    pages = len(PAGE.findall(out.getvalue()))
    text = pdf_text(out.getvalue())
    assert text.count(DRAFT_MARK) >= pages >= 1
    assert Stamp().filename("dot-thi-7-ket-qua.xlsx") == (
        "dot-thi-7-ket-qua-ban-nhap-chua-cong-bo.xlsx"
    )
    assert PUBLISHED.filename("dot-thi-7-ket-qua.xlsx") == "dot-thi-7-ket-qua.xlsx"


def pdf_text(data: bytes) -> str:
    """The PDF's text as a reader extracts it (Debian's pdftotext)."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (0, "0"),
        (1234567, "1234567"),
        (61.234, "61,234"),
        (100.0, "100"),
        (0.5, "0,5"),
        ("0913579246", "0913 579 246"),
        ("079131864205", "079 131 864 205"),
        ("7", "7"),
        ("Phường 1", "Phường 1"),
        ("=1+2", "'=1+2"),
        ("٣٤٥", "٣٤٥"),  # not ASCII digits: left as typed
    ],
)
def test_csv_cells_for_a_vietnamese_spreadsheet(value: object, expected: str) -> None:
    assert csv_export.vi_cell(value) == expected


def test_the_guards_copies_of_openpyxls_constants_are_openpyxls() -> None:
    """The guard keeps its own copies so that exports need not load openpyxl."""
    from openpyxl.cell import cell

    from quizapp.formats import sheets

    assert sheets.ERROR_CODES == cell.ERROR_CODES
    assert sheets.ILLEGAL_CHARACTERS_RE.pattern == cell.ILLEGAL_CHARACTERS_RE.pattern


def test_a_certificates_draft_mark_stands_clear_of_its_frame() -> None:
    """The red draft line of a certificate is read where it is printed: inside the frame (its
    lines at 8 and 11 mm), above the heading (18 mm), not struck through by a border."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    draft = fake_results([HARMLESS], [Award("Giải Nhất", 0, 101, 1)], stamp=Stamp())
    out = io.BytesIO()
    certificates.write_certificates(
        draft, out, verify_url="https://x.vn/", organiser="BTC", issued_at=NOW
    )
    done = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"],
        input=out.getvalue(),
        capture_output=True,
        check=True,
    )
    first_word = DRAFT_MARK.split()[0]
    found = re.search(
        rf'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">{re.escape(first_word)}</word>',
        done.stdout.decode("utf-8"),
    )
    assert found, "the draft mark is on the certificate"
    top, bottom = (float(v) * 25.4 / 72 for v in found.groups())  # points to mm
    assert top > certificates.FRAME_INNER and bottom < 18
