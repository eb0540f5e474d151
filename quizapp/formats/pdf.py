"""The award ceremony's running order as an A4 PDF, and the document base both PDFs share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import BinaryIO

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from ..domain.collective import UNIT_LABELS
from ..domain.formatting import format_datetime, format_number
from ..domain.prizes import Award
from ..domain.results import Person, RankRow, Results
from .rows import WITHHELD, awards_in_order, group_note, note, shown

MIMETYPE = "application/pdf"
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"
CEREMONY_COLUMNS = (
    ("STT", 10),
    ("Họ và tên", 44),
    ("Phường / Cơ quan, đơn vị", 58),
    ("Hạng", 12),
    ("Điểm", 14),
    ("Ghi chú", 42),
)
COLLECTIVE_COLUMNS = (
    ("STT", 10),
    ("Tên", 62),
    ("Xét theo", 28),
    ("Hạng", 12),
    ("Người tham gia", 22),
    ("Ghi chú", 46),
)


class Document(FPDF):
    """An A4 document with the vendored Unicode font (Vietnamese needs a TTF, not Helvetica)."""

    def __init__(
        self,
        orientation: str = "portrait",
        footer_text: str = "",
        mark: str = "",
        mark_top: float = 4,
    ) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_font(FONT, size=11)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_creator("quizapp")
        self.footer_text = footer_text
        self.mark = mark  # a draft's warning, printed at the top of every page
        self.mark_top = mark_top  # where it stands (mm): clear of a page's printed frame

    def header(self) -> None:
        if not self.mark:
            return
        self.set_xy(self.l_margin, self.mark_top)
        self.set_font(FONT, "B", 12)
        self.set_text_color(200, 0, 0)
        self.cell(0, 6, self.mark, align="C")
        self.set_text_color(0, 0, 0)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-12)
        self.set_font(FONT, size=8)
        mark = f"{self.mark} · " if self.mark else ""
        self.cell(0, 5, f"{mark}{self.footer_text} · Trang {self.page_no()}/{{nb}}", align="C")

    def line_of(self, text: str, size: float, bold: bool = False, height: float = 0) -> None:
        """One centred line (wrapped if long) across the printable width."""
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(
            0, height or size * 0.55, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )


def place_of(person: Person) -> str:
    """Where a winner comes from: their organisation (if any) and their ward."""
    if person.organisation:
        return f"{person.organisation}\n{person.ward}"
    return person.ward


def _title(pdf: Document, results: Results, organiser: str, generated_at: datetime) -> None:
    pdf.line_of(organiser.upper(), 11, bold=True)
    pdf.line_of(results.round.contest_title, 11)
    pdf.ln(4)
    pdf.line_of("DANH SÁCH TRAO GIẢI", 17, bold=True, height=10)
    pdf.line_of(results.round.title, 13, bold=True)
    pdf.line_of(f"Lập lúc {format_datetime(generated_at)}", 9)
    pdf.ln(4)


def _table(
    pdf: Document, heading: str, columns: Sequence[tuple[str, int]], rows: Sequence[list[str]]
) -> None:
    """A tier's heading and its winners (left-aligned text, centred numbers)."""
    pdf.set_font(FONT, "B", 13)
    pdf.cell(0, 9, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)
    centred = {"STT", "Hạng", "Điểm", "Người tham gia"}
    with pdf.table(
        col_widths=[width for _, width in columns],
        text_align=tuple("CENTER" if h in centred else "LEFT" for h, _ in columns),
        headings_style=FontFace(emphasis="BOLD", fill_color=(221, 235, 247)),
        line_height=5,
        padding=1.5,
    ) as table:
        table.row([header for header, _ in columns])
        for row in rows:
            table.row(row)
    pdf.ln(4)


def _tier(pdf: Document, results: Results, winners: Sequence[tuple[Award, RankRow]]) -> None:
    rows = []
    for number, (award, row) in enumerate(winners, start=1):
        person = results.people[award.participant_id]
        remarks = note(results.remarks_of(award.participant_id)) or ""
        score = str(shown(format_number(row.score), results.disclosure.scores))
        rows.append(
            [str(number), person.full_name, place_of(person), str(award.rank), score, remarks]
        )
    _table(pdf, f"{winners[0][0].tier} ({len(winners)} người)", CEREMONY_COLUMNS, rows)


def _collective(pdf: Document, results: Results) -> None:
    """The collective prizes, tier by tier, wards before organisations."""
    awards = results.collective_awards()
    if not awards:
        return
    pdf.line_of("GIẢI TẬP THỂ", 14, bold=True, height=10)
    ordered = sorted(awards, key=lambda pair: pair[1].tier_index)
    for _, same in groupby(ordered, key=lambda pair: pair[1].tier):
        winners = list(same)
        rows = [
            [
                str(number),
                a.group.name,
                UNIT_LABELS.get(by, by),
                str(a.group.rank),
                format_number(a.group.participants),
                group_note(a) or "",
            ]
            for number, (by, a) in enumerate(winners, start=1)
        ]
        _table(pdf, f"{winners[0][1].tier} ({len(winners)} tập thể)", COLLECTIVE_COLUMNS, rows)


def _list(pdf: Document, title: str, lines: Sequence[str]) -> None:
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)
    for line in lines:
        pdf.multi_cell(0, 5.5, f"• {line}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def changes_by_hand(results: Results) -> list[str]:
    """Every prize the organiser changed by hand, with the person and the reason: a withdrawn
    prize is named here though its holder is no longer on the list."""
    return [
        f"{results.people[pid].full_name}: {remark}"
        for pid, remarks in results.draft.remarks.items()
        for remark in remarks
    ]


def write_ceremony(
    results: Results, out: BinaryIO, *, organiser: str, generated_at: datetime
) -> None:
    """Tiers from the highest down, winners in ranking order, then the collective prizes, the
    prizes changed by hand with their reasons, and (in a draft only) its open questions; while
    the ranks are withheld from the reader, a line saying so instead."""
    pdf = Document(footer_text=f"{results.round.title} — danh sách trao giải", mark=results.mark)
    pdf.set_title(f"Danh sách trao giải — {results.round.title}")
    pdf.add_page()
    _title(pdf, results, organiser, generated_at)
    if not results.disclosure.ranks:
        pdf.line_of(f"Danh sách đoạt giải: {WITHHELD}.", 12)
        out.write(pdf.output())
        return
    ordered = awards_in_order(results)
    if not ordered:
        pdf.line_of("Chưa có người đoạt giải.", 12)
    for _, winners in groupby(ordered, key=lambda pair: pair[0].tier_index):
        _tier(pdf, results, list(winners))
    _collective(pdf, results)
    if changes := changes_by_hand(results):
        _list(pdf, "Điều chỉnh giải của Ban tổ chức", changes)
    if results.notes() and not results.stamp.published:
        _list(pdf, "Lưu ý của bản dự thảo giải", results.notes())
    out.write(pdf.output())
