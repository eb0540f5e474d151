"""The live monitor in Chromium: the figures change in place when someone starts and submits,
without a page reload; the refresh link stays for browsers without the script."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from e2e_support import PASSWORD, STAFF_USERNAME, LiveApp
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_the_monitor_refreshes_itself_without_reloading(
    page: Page, live: LiveApp, shot: Callable[[Page, str], Path]
) -> None:
    round_id = live.make_round("Tuần thi theo dõi trực tiếp")
    page.goto("/staff/login")
    page.get_by_label("Tên đăng nhập").fill(STAFF_USERNAME)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"/console/rounds/{round_id}/theo-doi/")
    expect(page.get_by_text("Số liệu tự cập nhật mỗi 5 giây.")).to_be_visible()
    expect(page.get_by_role("link", name="Cập nhật số liệu")).to_be_visible()
    started, finished = (
        page.locator('[data-figure="participants"]'),
        page.locator('[data-figure="finished"]'),
    )
    expect(started).to_have_text("0")
    page.evaluate("window.notReloaded = true")
    shot(page, "before")
    live.take_round(live.make_person("Nguyễn Văn Theo Dõi"), round_id, submit=True)
    live.take_round(live.make_person("Lê Thị Đang Làm"), round_id, submit=False)
    expect(started).to_have_text("2", timeout=15_000)
    expect(finished).to_have_text("1")
    expect(page.locator('[data-figure="in-progress"]')).to_have_text("1")
    assert page.evaluate("window.notReloaded") is True
    shot(page, "after")
