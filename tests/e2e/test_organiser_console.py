"""The organiser, on a phone: a bank upload with a mistake is refused with file:line, the fixed
one imported; a round is created, opened, closed early, reviewed, published and exported."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from e2e_support import BANK, PASSWORD, ROOT, STAFF_USERNAME, LiveApp
from playwright.sync_api import Page, expect

from quizapp import clock

pytestmark = pytest.mark.e2e

Shot = Callable[[Page, str], Path]
DOWNLOADS = ROOT / "test-artifacts" / "downloads"
EDITED_FILE = "11-xu-ly-vi-pham.yaml"
NEW_QUESTION = """\
  - id: E2E-0001
    text: Theo Luật Thi đua, khen thưởng, hành vi gian dối để được khen thưởng thì bị xử lý thế nào?
    choices:
      - Không bị xử lý nếu đã nộp lại hiện vật
      - Bị hủy bỏ quyết định khen thưởng và thu hồi hiện vật, tiền thưởng
      - Chỉ bị nhắc nhở trong cơ quan, đơn vị
      - Bị phạt tiền nhưng giữ nguyên danh hiệu
    answer: {answer}
    topic: xu-ly-vi-pham
    difficulty: easy
    source: Điều 93 Luật số 06/2022/QH15
    explanation: Câu hỏi thêm trong kiểm thử trên trình duyệt.
"""


def bank_zip(answer: str) -> tuple[bytes, int]:
    """The shipped bank zipped as an organiser would, one question added; → (zip, answer line)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # the whole folder, as a file manager zips it: the shipped copies in sources/ too
        for path in sorted(p for p in BANK.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if path.name == EDITED_FILE:
                data = data.rstrip(b"\n") + b"\n"
                line = (
                    data.count(b"\n") + 1 + NEW_QUESTION.splitlines().index("    answer: {answer}")
                )
                data += NEW_QUESTION.format(answer=answer).encode("utf-8")
            archive.writestr(f"question_bank/{path.relative_to(BANK).as_posix()}", data)
    return buffer.getvalue(), line


def upload(page: Page, data: bytes) -> None:
    page.get_by_label("Tệp ngân hàng câu hỏi").set_input_files(
        {"name": "ngan-hang-cau-hoi.zip", "mimeType": "application/zip", "buffer": data}
    )
    page.get_by_role("button", name="Kiểm tra tệp").click()


def flash(page: Page, text: str) -> None:
    expect(page.locator(".flashes")).to_contain_text(text)


def console_link(page: Page, name: str) -> None:
    page.locator("nav.console-nav").get_by_role("link", name=name, exact=True).click()


def fix_and_import_bank(page: Page, shot: Shot) -> None:
    console_link(page, "Nạp câu hỏi")
    broken, line = bank_zip(answer="E")
    upload(page, broken)
    problems = page.locator("#loi")
    expect(problems).to_contain_text(f"{EDITED_FILE}:{line}: E2E-0001")
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)
    shot(page, "tep-co-loi")
    page.get_by_role("link", name="Tải lên tệp đã sửa").click()
    fixed, _ = bank_zip(answer="B")
    upload(page, fixed)
    expect(page.locator("#thay-doi")).to_contain_text("1 câu thêm mới: E2E-0001")
    shot(page, "xem-truoc-thay-doi")
    page.get_by_role("button", name="Xác nhận nhập").click()
    flash(page, "Đã nhập ngân hàng câu hỏi")
    shot(page, "da-nhap")


def create_and_open_round(page: Page, shot: Shot) -> int:
    from quizapp.domain.formatting import format_datetime

    console_link(page, "Đợt thi")
    page.get_by_role("link", name="Tạo đợt thi").click()
    moment = clock.now()
    page.get_by_label("Cuộc thi", exact=True).select_option("moi")  # a new one, on purpose
    page.get_by_label("Tên cuộc thi mới").fill("Cuộc thi do ban tổ chức tạo trên điện thoại")
    page.get_by_label("Tên đợt thi", exact=True).fill("Tuần thi thứ nhất (e2e)")
    page.get_by_label("Mở lúc").fill(format_datetime(moment - timedelta(minutes=1)))
    page.get_by_label("Đóng lúc").fill(format_datetime(moment + timedelta(days=7)))
    page.get_by_label("Số câu hỏi mỗi lượt").fill("5")
    page.get_by_label("Thời gian làm bài (giây)").fill("300")
    shot(page, "tao-dot-thi")
    page.get_by_role("button", name="Tạo đợt thi").click()
    flash(page, "Đã tạo đợt thi (nháp).")
    match = re.search(r"/console/rounds/(\d+)$", page.url)
    assert match, page.url
    page.get_by_role("link", name="Mở đợt thi").click()
    expect(page.locator("main")).to_contain_text("Người dự thi có thể bắt đầu làm bài")
    confirm(page, "Mở đợt thi")
    flash(page, "Đã mở đợt thi.")
    shot(page, "da-mo")
    return int(match.group(1))


def confirm(page: Page, button: str) -> None:
    """Tick the confirmation a change of a round's state asks for, then press its button."""
    page.get_by_label("Tôi đã đọc và xác nhận thao tác này").check()
    page.get_by_role("button", name=button).click()


def review_and_publish(page: Page, shot: Shot, winner: str) -> None:
    page.get_by_role("link", name="Xếp hạng, xét duyệt và công bố").click()
    expect(page.locator("main table").nth(1)).to_contain_text(winner)
    page.get_by_role("button", name="Chuyển sang xét duyệt").click()
    flash(page, "Đợt thi chuyển sang xét duyệt")
    shot(page, "xet-duyet")
    page.get_by_role("link", name="Công bố kết quả…").click()
    # The confirmation names the winners and says a publication cannot be changed.
    expect(page.locator("main")).to_contain_text(winner)
    expect(page.locator("main")).to_contain_text("Bản công bố không thể sửa")
    # All correct in no time: the open flag is listed and published over only with a reason.
    expect(page.locator("#can-luu-y")).to_contain_text("làm quá nhanh")
    page.get_by_label("Lý do vẫn công bố").fill("Kiểm thử trên trình duyệt: bài làm tự động")
    confirm(page, "Công bố kết quả")
    flash(page, "Đã công bố kết quả.")
    page.get_by_role("link", name="Xếp hạng, xét duyệt và công bố").click()
    expect(page.locator("main")).to_contain_text("Bản công bố số 1")
    shot(page, "da-cong-bo")


def download_results(page: Page) -> Path:
    page.get_by_role("link", name="← Đợt thi").click()
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Bảng tính kết quả \(\.xlsx")).click()
    download = info.value
    target = DOWNLOADS / download.suggested_filename
    download.save_as(target)
    return target


def cells(path: Path) -> set[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        }
    finally:
        book.close()


def test_organiser_imports_a_fixed_bank_and_publishes_a_round(
    page: Page, live: LiveApp, shot: Shot
) -> None:
    page.goto("/staff/login")
    page.get_by_label("Tên đăng nhập").fill(STAFF_USERNAME)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/console/$"))
    shot(page, "bang-dieu-khien")
    fix_and_import_bank(page, shot)

    round_id = create_and_open_round(page, shot)
    person = live.make_person("Võ Thị Dự Thi")
    live.take_round(person, round_id, submit=True)
    page.get_by_role("link", name="Đóng đợt thi").click()
    expect(page.locator("main")).to_contain_text("lượt thi đang làm dở sẽ được kết thúc ngay")
    page.get_by_label("Lý do").fill("Kết thúc sớm để kiểm thử trên trình duyệt")
    confirm(page, "Đóng đợt thi")
    flash(page, "Đã đóng đợt thi")
    shot(page, "da-dong")

    review_and_publish(page, shot, person.full_name)
    sheet = download_results(page)
    assert sheet.suffix == ".xlsx" and sheet.stat().st_size > 0
    found = cells(sheet)
    assert person.full_name in found
    assert any(person.phone in value for value in found), "the organiser export has full phones"
