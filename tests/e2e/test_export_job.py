"""A large round's export in Chromium at 360 px: the button queues a background job, the job
page's bar moves to done by itself once the worker has run, and the download link appears."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from e2e_support import PASSWORD, STAFF_USERNAME, LiveApp
from page_checks import overflow_px
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def every_round_is_large(live: LiveApp, tmp_path: Path) -> Iterator[None]:
    """Threshold 0 rows (every round goes to the background), files in a temporary folder."""
    saved = {k: live.app.config[k] for k in ("EXPORT_BACKGROUND_ROWS", "EXPORTS_FOLDER")}
    live.app.config.update(EXPORT_BACKGROUND_ROWS=0, EXPORTS_FOLDER=str(tmp_path / "exports"))
    yield
    live.app.config.update(saved)


def test_the_job_page_moves_to_done_after_the_worker_runs(
    page: Page, live: LiveApp, every_round_is_large: None, shot: Callable[[Page, str], Path]
) -> None:
    round_id = live.make_round("Tuần thi xuất tệp nền")
    for name in ("Nguyễn Văn Một", "Lê Thị Hai"):
        live.take_round(live.make_person(name), round_id, submit=True)
    page.goto("/staff/login")
    page.get_by_label("Tên đăng nhập").fill(STAFF_USERNAME)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"/console/rounds/{round_id}")
    page.get_by_role("button", name="Bảng tính kết quả").click()
    expect(page.get_by_text("Đang chờ tới lượt")).to_be_visible()
    bar = page.locator("progress#tien-do")
    assert bar.get_attribute("value") == "0"
    assert overflow_px(page) == 0
    shot(page, "queued")

    result = live.app.test_cli_runner().invoke(args=["exports", "work", "--once"])
    assert result.exit_code == 0, result.output
    link = page.get_by_role("link", name="Tải về")
    expect(link).to_be_visible(timeout=15_000)  # polled, then the page reloads itself
    expect(page.get_by_text("Đã xong, sẵn sàng tải về")).to_be_visible()
    assert bar.get_attribute("value") == bar.get_attribute("max") == "2"
    expect(page.get_by_text("2 / 2 dòng (100 %)")).to_be_visible()
    assert overflow_px(page) == 0
    shot(page, "done")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
