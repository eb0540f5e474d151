"""Share pages and A4 posters as a phone and a printer render them: each QR code, screenshotted
from Chromium, decodes with a real decoder to the page's own short link, and that link opens
registration with the ward or organisation already chosen."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from e2e_support import LiveApp, decode_qr
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

Shot = Callable[[Page, str], Path]
# kind in the share URL, unit code, short-link letter, the field registration preselects
UNITS = [
    ("phuong", "hanh-thong", "p", "Phường nơi cư trú hoặc làm việc", "Phường Hạnh Thông"),
    (
        "don-vi",
        "ubnd-an-nhon",
        "d",
        "Cơ quan, đơn vị (không bắt buộc)",
        "Ủy ban nhân dân phường An Nhơn",
    ),
]


@pytest.fixture(scope="module")
def open_round(live: LiveApp) -> int:
    return live.make_round("Đợt thử chia sẻ")


@pytest.mark.parametrize("poster", [False, True], ids=["trang-chia-se", "ap-phich"])
@pytest.mark.parametrize(
    ("kind", "code", "letter", "field", "chosen"), UNITS, ids=[u[0] for u in UNITS]
)
def test_qr_code_decodes_to_the_short_link(
    kind: str,
    code: str,
    letter: str,
    field: str,
    chosen: str,
    poster: bool,
    open_round: int,
    page: Page,
    live: LiveApp,
    shot: Shot,
    tmp_path: Path,
) -> None:
    page.goto(f"/chia-se/{kind}/{code}" + ("/ap-phich" if poster else ""))
    link = f"{live.url}/{letter}/{code}"
    expect(page.locator("body")).to_contain_text(link)
    qr = page.get_by_role("img", name=re.compile("Mã QR"))
    expect(qr).to_be_visible()
    # The browser really drew it: a broken SVG image has no natural size.
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, "trang")
    png = tmp_path / "qr.png"
    qr.screenshot(path=png)
    assert decode_qr(png) == [link]

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/dang-ky\?"))
    expect(page.get_by_label(field).locator("option:checked")).to_have_text(chosen)
