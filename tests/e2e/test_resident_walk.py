"""The residents' acceptance walk on a 360 × 740 phone: home → "Vào thi" → registration with
three mistakes, all shown at once and fixed in one pass → back to the round → answer → submit →
after publication, "Kiểm tra" says the digest matches → the poster's QR decodes to its link.
On every page: no sideways scrolling, 44 px tap targets, no serious or critical axe-core
violation (normal and high contrast), and a screenshot under test-artifacts/."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from e2e_support import PASSWORD, ROOT, LiveApp, decode_qr, plan_answers
from page_checks import check_page
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.e2e

Shot = Callable[[Page, str], Path]
REPORTS = ROOT / "test-artifacts" / "e2e-walk"
WARD_CODE, WARD = "hanh-thong", "Phường Hạnh Thông"


class Walk:
    """The page under test, checked and photographed at each step."""

    def __init__(self, page: Page, shot: Shot) -> None:
        self.page, self.shot, self.reports = page, shot, []

    def step(self, name: str, contrast: bool = True) -> None:
        self.page.wait_for_load_state("networkidle")
        self.shot(self.page, name)
        report = check_page(self.page, contrast=contrast)
        self.reports.append({"step": name} | report)
        assert not report["problems"], f"{name}: " + "\n".join(report["problems"])


def register_with_three_mistakes(page: Page) -> None:
    page.get_by_label("Họ và tên").fill("Võ Thị Bảy Mươi")
    page.get_by_label("Số điện thoại di động").fill("0912 345")  # too short
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill("ngan")  # too short
    page.get_by_label("Năm sinh").fill("1951")
    page.get_by_label("Phường nơi cư trú hoặc làm việc").select_option(label=WARD)
    page.get_by_label("Đối tượng").select_option(label="Người dân")
    # The consent box is left unticked: the third mistake.
    page.get_by_role("button", name="Đăng ký").click()


def answer_every_question(page: Page, live: LiveApp, attempt_id: int, count: int) -> None:
    plan, _ = plan_answers(live.key(attempt_id))
    for position in range(1, count + 1):
        expect(page.locator("#question-form legend")).to_have_text(f"Câu {position}/{count}")
        page.locator("#choices label.choice").nth(plan[position]).click()
        page.wait_for_function(
            "k => JSON.parse(localStorage.getItem(k) || '[]').length === 0",
            arg=f"attempt-{attempt_id}-queue",
        )
        if position < count:
            page.get_by_role("button", name="Lưu và tiếp →").click()
    assert live.saved(attempt_id) == plan


def test_a_resident_goes_from_the_home_page_to_a_verified_publication(
    page: Page, live: LiveApp, shot: Shot, tmp_path: Path
) -> None:
    count, title = 4, "Đợt thi dành cho người dân"
    round_id = live.make_round(title, question_count=count)
    walk = Walk(page, shot)

    page.goto("/")
    card = page.locator("section.open-round").filter(has=page.get_by_role("heading", name=title))
    expect(card).to_contain_text("Còn")
    expect(card.get_by_role("link", name=f"Thể lệ {title}")).to_be_visible()
    walk.step("trang-chu")
    card.get_by_role("link", name="Vào thi").click()
    expect(page).to_have_url(re.compile(rf"/dot-thi/{round_id}$"))
    walk.step("trang-dot-thi")

    page.get_by_role("link", name="Đăng ký dự thi").click()
    expect(page).to_have_url(re.compile(rf"/dang-ky\?next=/dot-thi/{round_id}$"))
    register_with_three_mistakes(page)
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(3)
    for field, words in (
        ("phone", "Số điện thoại di động không hợp lệ"),
        ("password", "ít nhất 8 ký tự"),
        ("consent", "Bạn cần đồng ý"),
    ):
        expect(summary.locator(f"a[href='#{field}']")).to_contain_text(words)
    expect(page.get_by_label("Họ và tên")).to_have_value("Võ Thị Bảy Mươi")
    expect(page.get_by_label("Năm sinh")).to_have_value("1951")
    expect(page.get_by_label("Mật khẩu (ít nhất 8 ký tự)")).to_have_value("")
    walk.step("dang-ky-ba-loi", contrast=False)  # a POST's page: checked, not resubmitted
    summary.locator("a[href='#phone']").click()
    expect(page.get_by_label("Số điện thoại di động")).to_be_focused()

    phone = live.next_phone()
    page.get_by_label("Số điện thoại di động").fill(phone)
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill(PASSWORD)
    page.get_by_label("Tôi đồng ý").check()
    page.get_by_role("button", name="Đăng ký").click()
    expect(page).to_have_url(re.compile(rf"/dot-thi/{round_id}$"))
    expect(page.locator(".flashes")).to_contain_text("Đăng ký thành công")
    assert live.person_by_phone(phone).full_name == "Võ Thị Bảy Mươi"
    walk.step("tro-lai-dot-thi")

    page.get_by_role("button", name="Bắt đầu / tiếp tục làm bài").click()
    expect(page.locator("#attempt")).to_have_class(re.compile(r"\benhanced\b"))
    attempt_id = int(re.search(r"/luot-thi/(\d+)", page.url).group(1))
    walk.step("lam-bai")
    answer_every_question(page, live, attempt_id, count)
    page.get_by_role("button", name="Xem lại và nộp bài").click()
    expect(page.locator("main")).to_contain_text(f"Đã trả lời {count}/{count} câu")
    walk.step("xem-lai")
    page.get_by_role("button", name="Nộp bài").click()
    expect(page).to_have_url(re.compile(r"/ket-qua$"))
    assert live.attempt(attempt_id).submitted
    walk.step("ket-qua")

    publication_id = live.publish_round(round_id)
    page.goto(f"/ket-qua/cong-bo/{publication_id}")
    expect(page.locator("table.stack").first).to_contain_text("Võ Thị Bảy Mươi")
    walk.step("cong-bo")
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.locator("#ket-qua-kiem-tra")).to_contain_text("Khớp")
    shot(page, "kiem-tra-khop")

    page.goto(f"/chia-se/phuong/{WARD_CODE}/ap-phich")
    link = f"{live.url}/p/{WARD_CODE}"
    png = tmp_path / "qr.png"
    page.get_by_role("img", name=re.compile("Mã QR")).screenshot(path=png)
    assert decode_qr(png) == [link]
    walk.step("ap-phich", contrast=False)  # the poster has no display switches

    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "walk.json").write_text(
        json.dumps(walk.reports, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def test_kiem_tra_says_so_when_the_file_does_not_match(page: Page, live: LiveApp) -> None:
    """The browser's check can fail: a file altered on the way is reported, with its digest."""
    round_id = live.make_round("Đợt thử tệp bị sửa", question_count=3)
    live.take_round(live.make_person("Đặng Văn Đối Chứng"), round_id, submit=True)
    publication_id = live.publish_round(round_id)

    def altered(route: Route) -> None:
        original = route.fetch()
        route.fulfill(response=original, body=original.body() + b" ")

    page.route(re.compile(r"/xep-hang\.json$"), altered)
    page.goto(f"/ket-qua/cong-bo/{publication_id}")
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.locator("#ket-qua-kiem-tra")).to_contain_text("Không khớp")
