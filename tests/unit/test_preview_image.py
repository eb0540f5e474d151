"""The Open Graph preview card: its size, its wrapping, and Vietnamese text drawn in full."""

import io

from PIL import Image

from quizapp.preview_image import _font, render_card, wrap


def test_card_is_a_1200_by_630_png() -> None:
    png = render_card("Đợt 1", "Phường Hạnh Thông", "Thi tìm hiểu Luật", "Bấm để dự thi")
    with Image.open(io.BytesIO(png)) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))


def test_wrap_keeps_every_word_and_each_line_within_the_width() -> None:
    font = _font(True, 64)
    text = "Tuần thi tìm hiểu Luật Thi đua, khen thưởng dành cho cán bộ, công chức, viên chức"
    lines = wrap(text, font, 600)
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(font.getlength(line) <= 600 for line in lines)


def test_a_longer_title_draws_more_ink_than_a_short_one() -> None:
    """The text really reaches the image (a font that lacked the glyphs would draw boxes of
    the same count, so compare the dark pixels of two titles)."""

    def ink(title: str) -> int:
        png = render_card(title, "", "Trang", "")
        with Image.open(io.BytesIO(png)) as image:
            region = image.convert("L").crop((0, 120, 1200, 470))
            return region.point(lambda v: 255 if v < 128 else 0).histogram()[255]

    assert ink("Đợt thi thứ nhất về Luật Thi đua, khen thưởng") > 2 * ink("Đợt 1")
