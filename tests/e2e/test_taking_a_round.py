"""A resident takes a round on a phone: offline answers are kept and resent, a reload resumes,
and the countdown reaching zero hands in the saved answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from e2e_support import PASSWORD, LiveApp, plan_answers
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.e2e

Shot = Callable[[Page, str], Path]
KEPT_OFFLINE = "câu trả lời được giữ trên máy"


def register(page: Page, full_name: str, phone: str) -> None:
    page.get_by_label("Họ và tên").fill(full_name)
    page.get_by_label("Số điện thoại di động").fill(phone)
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill(PASSWORD)
    page.get_by_label("Năm sinh").fill("1978")
    page.get_by_label("Phường nơi cư trú hoặc làm việc").select_option(label="Phường Gò Vấp")
    page.get_by_label("Đối tượng").select_option(label="Người dân")
    page.get_by_label("Tôi đồng ý").check()
    page.get_by_role("button", name="Đăng ký").click()


def start(page: Page) -> int:
    """Press the start button of the round page; → the attempt id, once the script runs."""
    page.get_by_role("button", name="Bắt đầu / tiếp tục làm bài").click()
    expect(page).to_have_url(re.compile(r"/luot-thi/\d+"))
    expect(page.locator("#attempt")).to_have_class(re.compile(r"\benhanced\b"))
    match = re.search(r"/luot-thi/(\d+)", page.url)
    assert match
    return int(match.group(1))


def choose(page: Page, position: int, count: int, choice: int) -> None:
    expect(page.locator("#question-form legend")).to_have_text(f"Câu {position}/{count}")
    page.locator("#choices label.choice").nth(choice).click()


def next_question(page: Page) -> None:
    page.get_by_role("button", name="Lưu và tiếp →").click()


def queued(page: Page, attempt_id: int) -> int:
    key = f"attempt-{attempt_id}-queue"
    return page.evaluate("k => JSON.parse(localStorage.getItem(k) || '[]').length", key)


def wait_until_sent(page: Page, attempt_id: int) -> None:
    """Every queued answer acknowledged by the server (the script drops it only then)."""
    key = f"attempt-{attempt_id}-queue"
    page.wait_for_function("k => JSON.parse(localStorage.getItem(k) || '[]').length === 0", arg=key)


def countdown_seconds(page: Page) -> int:
    text = page.locator("#countdown").inner_text()
    match = re.fullmatch(r"(\d+):(\d\d)", text.strip())
    assert match, f"countdown shows {text!r}"
    return 60 * int(match.group(1)) + int(match.group(2))


def test_offline_answers_are_kept_and_a_reload_resumes_them(
    page: Page, context: BrowserContext, live: LiveApp, shot: Shot
) -> None:
    count = 6
    live.make_round(
        "Đợt thử mất kết nối",
        question_count=count,
        time_limit_seconds=900,
        show_score_after_submit=True,  # the score is checked on the result page
    )
    page.goto("/dang-ky")
    shot(page, "dang-ky")
    register(page, "Lê Văn Mạng Yếu", live.next_phone())
    expect(page).to_have_url(re.compile(r"/dot-thi$"))
    expect(page.locator(".flashes")).to_contain_text("Đăng ký thành công")
    shot(page, "danh-sach-dot-thi")
    page.get_by_role("link", name="Đợt thử mất kết nối").click()
    shot(page, "trang-dot-thi")
    attempt_id = start(page)
    plan, expected = plan_answers(live.key(attempt_id))

    for position in (1, 2):
        choose(page, position, count, plan[position])
        wait_until_sent(page, attempt_id)
        next_question(page)
    assert [live.saved(attempt_id)[p] for p in (1, 2)] == [plan[1], plan[2]]
    shot(page, "hai-cau-da-luu")

    context.set_offline(True)
    for position in range(3, count + 1):
        choose(page, position, count, plan[position])
        expect(page.locator("#save-status")).to_contain_text(KEPT_OFFLINE)
        if position < count:
            next_question(page)
    expect(page.locator(".navigator button.answered")).to_have_count(count)
    assert queued(page, attempt_id) == count - 2
    assert all(live.saved(attempt_id)[p] is None for p in range(3, count + 1))
    shot(page, "mat-ket-noi-van-tra-loi")

    context.set_offline(False)
    page.reload()
    expect(page.locator("#attempt")).to_have_class(re.compile(r"\benhanced\b"))
    wait_until_sent(page, attempt_id)
    expect(page.locator(".navigator button.answered")).to_have_count(count)
    assert live.saved(attempt_id) == plan
    shot(page, "tai-lai-tiep-tuc")

    for position in range(1, count + 1):
        page.locator(f".navigator button[value='{position}']").click()
        expect(page.locator("#question-form legend")).to_have_text(f"Câu {position}/{count}")
        expect(page.locator("#choices input:checked")).to_have_value(str(plan[position]))

    server_left = live.attempt(attempt_id).remaining_seconds
    api_left = context.request.get(f"{live.url}/api/v1/attempts/{attempt_id}").json()
    assert abs(countdown_seconds(page) - server_left) <= 3, (countdown_seconds(page), server_left)
    assert abs(api_left["remaining_seconds"] - server_left) <= 2

    page.get_by_role("button", name="Xem lại và nộp bài").click()
    expect(page).to_have_url(re.compile(r"/nop$"))
    expect(page.locator("main")).to_contain_text(f"Đã trả lời {count}/{count} câu")
    shot(page, "xem-lai")
    page.get_by_role("button", name="Nộp bài").click()
    expect(page).to_have_url(re.compile(r"/ket-qua$"))
    expect(page.locator(".score")).to_contain_text(f"{expected}/{count}")
    shot(page, "ket-qua")
    row = live.attempt(attempt_id)
    assert (row.score, row.finish_reason) == (expected, "submitted")


def test_navigator_tells_screen_readers_which_questions_are_answered(
    page: Page, context: BrowserContext, live: LiveApp
) -> None:
    round_id = live.make_round("Đợt thử trình đọc màn hình", question_count=3)
    person = live.make_person("Ngô Thị Nghe Đọc")
    live.api_login(context.request, person.phone)
    page.goto(f"/dot-thi/{round_id}")
    attempt_id = start(page)
    choose(page, 1, 3, 0)
    wait_until_sent(page, attempt_id)
    first = page.locator(".navigator button[value='1']")
    expect(first).to_have_class(re.compile(r"\banswered\b"))
    expect(first).to_have_attribute("aria-label", re.compile("đã trả lời"), timeout=2000)


def test_countdown_reaching_zero_hands_in_the_saved_answers(
    page: Page, live: LiveApp, shot: Shot
) -> None:
    count, limit = 4, 20
    round_id = live.make_round(
        "Đợt thử hết giờ",
        question_count=count,
        time_limit_seconds=limit,
        show_score_after_submit=True,  # the score is checked on the result page
    )
    person = live.make_person("Phạm Văn Hết Giờ")
    page.goto(f"/dang-nhap?next=/dot-thi/{round_id}")
    page.get_by_label("Số điện thoại").fill(person.phone)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(rf"/dot-thi/{round_id}$"))
    attempt_id = start(page)
    key = live.key(attempt_id)

    choose(page, 1, count, key[1][0])
    wait_until_sent(page, attempt_id)
    next_question(page)
    choose(page, 2, count, (key[2][0] + 1) % key[2][1])
    wait_until_sent(page, attempt_id)
    shot(page, "hai-cau-da-luu")

    expect(page.locator("#countdown")).to_have_text(re.compile(r"^0:0[1-5]$"), timeout=limit * 1000)
    expect(page.locator("#attempt")).to_have_class(re.compile(r"\bhurry\b"))
    shot(page, "sap-het-gio")
    page.wait_for_url(re.compile(r"/ket-qua$"), timeout=(limit + 15) * 1000)
    shot(page, "ket-qua-het-gio")
    expect(page.locator(".score")).to_contain_text(f"1/{count}")
    row = live.attempt(attempt_id)
    assert row.submitted and row.score == 1
    assert row.finish_reason == "timeout", f"finished as {row.finish_reason!r}"
    expect(page.locator(".result")).to_contain_text("hết giờ")


def test_title_follows_the_question_and_the_submit_page_hands_in_at_zero(
    page: Page, context: BrowserContext, live: LiveApp, shot: Shot
) -> None:
    limit = 20
    round_id = live.make_round(
        "Đợt thử trang nộp bài",
        question_count=3,
        time_limit_seconds=limit,
        prediction_kind="participants",
    )
    person = live.make_person("Trịnh Văn Nộp Bài")
    live.api_login(context.request, person.phone)
    page.goto(f"/dot-thi/{round_id}")
    attempt_id = start(page)
    expect(page).to_have_title(re.compile(r"^Câu 1 · Đợt thử trang nộp bài"))
    next_question(page)
    expect(page).to_have_title(re.compile(r"^Câu 2 · Đợt thử trang nộp bài"))
    page.locator(".navigator button[value='3']").click()
    expect(page).to_have_title(re.compile(r"^Câu 3 · "))

    page.goto(f"/luot-thi/{attempt_id}/nop")
    left = page.locator("#con-lai")
    first = left.inner_text()
    expect(left).not_to_have_text(first, timeout=3000)  # it counts down, live
    jump = page.locator(".jump-links a").first
    box = jump.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, box
    page.get_by_label("Dự đoán của bạn").fill("1.500")
    shot(page, "trang-nop-bai")
    page.wait_for_url(re.compile(r"/ket-qua$"), timeout=(limit + 15) * 1000)
    row = live.attempt(attempt_id)
    assert row.submitted and row.finish_reason == "timeout", row
