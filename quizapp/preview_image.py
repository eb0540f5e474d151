"""The preview card a shared link shows in Zalo or Facebook (og:image): a 1200 × 630 PNG with
the round's name and the ward or organisation, drawn with the bundled DejaVu fonts."""

from __future__ import annotations

import io
import unicodedata
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONT_DIR = Path(__file__).resolve().parent / "fonts"
RED, INK, MUTED, WHITE = "#a4161a", "#1b1f23", "#57606a", "#ffffff"
TITLE_SIZES = (64, 56, 48, 42)  # the largest that fits in three lines wins
MAX_TITLE_LINES = 3


@cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Words laid into lines no wider than `width` (a word longer than a line stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit(
    text: str, sizes: tuple[int, ...], max_lines: int, width: int = WIDTH - 2 * MARGIN
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest bold size at which `text` fits in `max_lines`; at the smallest, the lines
    beyond are cut with an ellipsis."""
    for size in sizes:
        font = _font(True, size)
        lines = wrap(text, font, width)
        if len(lines) <= max_lines:
            return font, lines
    lines = lines[:max_lines]
    lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return font, lines


QR_SIZE = 264  # px, quiet zone included: about 7 px a module for a short link


def _draw_qr(image: Image.Image, text: str, left: int, top: int) -> None:
    """`text` as a QR code (error level M, 4-module quiet zone) in a white square."""
    import segno

    rows = [list(row) for row in segno.make(text, error="m").matrix_iter(scale=1, border=4)]
    module = QR_SIZE // len(rows)
    draw = ImageDraw.Draw(image)
    draw.rectangle([left, top, left + module * len(rows), top + module * len(rows)], fill=WHITE)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                x0, y0 = left + x * module, top + y * module
                draw.rectangle([x0, y0, x0 + module - 1, y0 + module - 1], fill=INK)


def render_card(title: str, unit: str, site_name: str, footer: str, qr: str = "") -> bytes:
    """The card as PNG bytes: the site's name on a red band, the round's `title` large, the
    ward or organisation (`unit`) below it, and a `footer` call to action. Text is NFC. With
    `qr`, that link as a QR code at the right (the text wraps beside it)."""
    title, unit, site_name, footer = (
        unicodedata.normalize("NFC", " ".join(t.split())) for t in (title, unit, site_name, footer)
    )
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 96], fill=RED)
    band = _font(True, 30)
    draw.text(
        (MARGIN, 48),
        wrap(site_name, band, WIDTH - 2 * MARGIN)[0],
        font=band,
        fill=WHITE,
        anchor="lm",
    )
    width = WIDTH - 2 * MARGIN - (QR_SIZE + 24 if qr else 0)
    if qr:
        _draw_qr(image, qr, WIDTH - MARGIN - QR_SIZE, 120)
    font, lines = _fit(title, TITLE_SIZES, MAX_TITLE_LINES, width)
    y = 150
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=INK)
        y += int(font.size * 1.25)
    if unit:
        unit_font = _font(True, 40)
        for line in wrap(unit, unit_font, width)[:2]:
            y += 8
            draw.text((MARGIN, y), line, font=unit_font, fill=RED)
            y += 48
    draw.rectangle([MARGIN, HEIGHT - 110, WIDTH - MARGIN, HEIGHT - 106], fill=RED)
    draw.text((MARGIN, HEIGHT - 60), footer, font=_font(False, 32), fill=MUTED, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
