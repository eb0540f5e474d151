"""Certificates («Giấy chứng nhận»): one A4 landscape page per winner, with a QR code.

The QR code opens the public page where anyone can check the result: the round's publication
when there is one, its leaderboard before that. The caller decides which URL that is.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import BinaryIO

import segno
from fpdf.enums import XPos, YPos

from ..domain.collective import UNIT_LABELS
from ..domain.collective_prizes import GroupAward
from ..domain.formatting import format_number, local_time
from ..domain.prizes import Award
from ..domain.results import RankRow, Results
from .pdf import FONT, Document
from .rows import awards_in_order, shown

QR_SIZE_MM = 34


def qr_png(url: str) -> io.BytesIO:
    """The URL as a PNG QR code, made in memory (medium error correction survives a scuff)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2)
    buffer.seek(0)
    return buffer


def date_line(moment: datetime) -> str:
    day = local_time(moment)
    return f"Ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


FRAME_OUTER, FRAME_INNER = 8, 11  # mm from the page's edge
FRAME_INSIDE = FRAME_INNER + 1.5  # the first line clear of the frame (the heading is at 18)


def _frame(pdf: Document) -> None:
    pdf.set_draw_color(153, 27, 30)
    pdf.set_line_width(1.2)
    pdf.rect(FRAME_OUTER, FRAME_OUTER, pdf.w - 2 * FRAME_OUTER, pdf.h - 2 * FRAME_OUTER)
    pdf.set_line_width(0.4)
    pdf.rect(FRAME_INNER, FRAME_INNER, pdf.w - 2 * FRAME_INNER, pdf.h - 2 * FRAME_INNER)


def _heading(pdf: Document, organiser: str) -> None:
    """Issuer on the left, the national motto on the right, as on official documents."""
    half = (pdf.w - 40) / 2
    pdf.set_font(FONT, "B", 11)
    pdf.set_xy(20, 18)
    pdf.multi_cell(half, 5.5, organiser.upper(), align="C")
    pdf.set_xy(20 + half, 18)
    pdf.cell(
        half, 5.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT
    )
    pdf.cell(half, 5.5, "Độc lập – Tự do – Hạnh phúc", align="C")


def _body(pdf: Document, results: Results, who: str, place: str, tier: str, detail: str) -> None:
    pdf.set_xy(pdf.l_margin, 48)
    pdf.set_text_color(153, 27, 30)
    pdf.line_of("GIẤY CHỨNG NHẬN", 30, bold=True, height=16)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    pdf.line_of(f"Ban Tổ chức {results.round.contest_title} chứng nhận", 13, height=7)
    pdf.ln(2)
    pdf.line_of(who, 24, bold=True, height=13)
    pdf.line_of(place, 12, height=7)
    pdf.ln(3)
    pdf.line_of(f"Đã đạt {tier}", 20, bold=True, height=11)
    pdf.line_of(results.round.title, 13, height=7)
    pdf.line_of(detail, 11, height=7)


def _person(results: Results, award: Award, row: RankRow) -> tuple[str, str, str, str]:
    person = results.people[award.participant_id]
    place = f"{person.organisation} – {person.ward}" if person.organisation else person.ward
    score = shown(format_number(row.score), results.disclosure.scores)
    detail = f"Điểm: {score} · Xếp hạng: {award.rank}"
    return person.full_name, place, award.tier, detail


def _unit(by: str, award: GroupAward) -> tuple[str, str, str, str]:
    group = award.group
    detail = f"Số người tham gia: {format_number(group.participants)} · Xếp hạng: {group.rank}"
    return group.name, f"Tập thể ({UNIT_LABELS.get(by, by).lower()})", award.tier, detail


def _footer(pdf: Document, qr: io.BytesIO, verify_url: str, number: str, issued: str) -> None:
    bottom = pdf.h - 20
    pdf.image(qr, x=22, y=bottom - QR_SIZE_MM - 8, w=QR_SIZE_MM, h=QR_SIZE_MM)
    pdf.set_font(FONT, size=7)
    pdf.set_xy(22, bottom - 7)
    pdf.multi_cell(90, 3.5, f"Quét mã để kiểm tra kết quả: {verify_url}", align="L")
    pdf.set_font(FONT, size=9)
    pdf.set_xy(22, bottom - QR_SIZE_MM - 15)
    pdf.cell(90, 5, f"Số: {number}")
    pdf.set_font(FONT, size=12)
    pdf.set_xy(pdf.w / 2, bottom - 30)
    pdf.cell(pdf.w / 2 - 22, 7, issued, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(pdf.w / 2 - 22, 7, "TRƯỞNG BAN TỔ CHỨC", align="C")


def write_certificates(
    results: Results, out: BinaryIO, *, verify_url: str, organiser: str, issued_at: datetime
) -> int:
    """One page per winner in the ceremony's running order, people then collective winners
    (wards, organisations); returns the number of pages. None while the ranks are withheld."""
    if not results.disclosure.ranks:
        raise ValueError("ranks withheld: no certificate can be printed for this reader")
    winners = [_person(results, a, row) for a, row in awards_in_order(results)]
    winners += [_unit(by, a) for by, a in results.collective_awards()]
    if not winners:
        raise ValueError("no winners: a certificates file would have no page")
    # The frame's lines run at 8 and 11 mm: the draft mark stands inside it, above the heading.
    pdf = Document(orientation="landscape", mark=results.mark, mark_top=FRAME_INSIDE)
    pdf.set_title(f"Giấy chứng nhận — {results.round.title}")
    pdf.set_auto_page_break(False)
    qr, issued = qr_png(verify_url), date_line(issued_at)
    for serial, lines in enumerate(winners, start=1):
        pdf.add_page()
        _frame(pdf)
        _heading(pdf, organiser)
        _body(pdf, results, *lines)
        qr.seek(0)
        _footer(pdf, qr, verify_url, f"{results.round.id}-{serial:03d}/GCN", issued)
    out.write(pdf.output())
    return len(winners)
