"""For the elderly: the text-size and high-contrast switches are kept from page to page (and
applied before the first paint), and "Đọc câu hỏi" reads the question and its choices in
Vietnamese — offered only when the browser has a Vietnamese voice."""

from __future__ import annotations

import re

import pytest
from e2e_support import LiveApp
from page_checks import overflow_px
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.e2e

# speechSynthesis as a browser with these voices would have it; what it is asked to say is kept
# in window.spoken. (Headless Chromium has no voices of its own to listen to.)
FAKE_SPEECH = """(langs => {
  window.spoken = [];
  const voices = langs.map(lang => ({ lang, name: "Giọng " + lang }));
  const synth = {
    speaking: false,
    getVoices: () => voices,
    speak(u) { this.speaking = true; window.spoken.push({ text: u.text, lang: u.lang,
      voice: u.voice && u.voice.name, rate: u.rate }); },
    cancel() { this.speaking = false; },
    addEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})(%s)"""


def font_px(page: Page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")


def test_text_size_and_contrast_are_kept_from_page_to_page(page: Page) -> None:
    page.goto("/")
    switches = page.get_by_role("group", name="Cỡ chữ và độ tương phản")
    expect(switches).to_be_visible()
    base = font_px(page)
    assert base == 17
    expect(switches.get_by_role("button", name="Chữ nhỏ hơn")).to_be_disabled()
    switches.get_by_role("button", name="Chữ lớn hơn").click()
    switches.get_by_role("button", name="Chữ lớn hơn").click()
    assert font_px(page) == pytest.approx(21, abs=0.5)
    contrast = switches.get_by_role("button", name="Tương phản cao")
    contrast.click()
    expect(contrast).to_have_attribute("aria-pressed", "true")

    # The next page starts with them: set from localStorage before the body is drawn.
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Đợt thi"
    ).click()
    expect(page).to_have_url(re.compile(r"/dot-thi$"))
    assert page.evaluate("document.documentElement.dataset.coChu") == "2"
    assert page.evaluate("document.documentElement.dataset.tuongPhan") == "cao"
    assert font_px(page) == pytest.approx(21, abs=0.5)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(255, 255, 255)"
    expect(page.get_by_role("button", name="Tương phản cao")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("button", name="Chữ nhỏ hơn").click()
    page.get_by_role("button", name="Chữ nhỏ hơn").click()
    page.get_by_role("button", name="Tương phản cao").click()
    page.reload()
    assert font_px(page) == base
    assert page.evaluate("document.documentElement.dataset.tuongPhan") == "thuong"


@pytest.fixture
def attempt_url(live: LiveApp, context: BrowserContext) -> str:
    round_id = live.make_round("Đợt thử đọc câu hỏi", question_count=2)
    person = live.make_person("Lý Thị Nghe")
    attempt_id = live.take_round(person, round_id, submit=False)
    live.api_login(context.request, person.phone)
    return f"/luot-thi/{attempt_id}"


def test_read_aloud_reads_the_question_and_its_choices_in_vietnamese(
    page: Page, attempt_url: str
) -> None:
    page.add_init_script(FAKE_SPEECH % '["en-US", "vi-VN"]')
    page.goto(attempt_url)
    expect(page.locator("#attempt")).to_have_class(re.compile(r"\benhanced\b"))
    button = page.locator("#doc-cau-hoi")
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Đọc câu hỏi")
    button.click()
    expect(button).to_have_text("Dừng đọc")
    spoken = page.evaluate("window.spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "vi-VN"
    assert spoken[0]["voice"] == "Giọng vi-VN"
    question = page.locator("#question-text").inner_text().strip()
    choices = page.locator("#choices .choice-text").all_inner_texts()
    text = spoken[0]["text"]
    assert text.startswith(question)
    for letter, choice in zip("ABCDEF", choices, strict=False):
        assert f"{letter}. {' '.join(choice.split())}" in text
    button.click()  # a second press stops it
    expect(button).to_have_text("Đọc câu hỏi")


def test_read_aloud_is_not_offered_without_a_vietnamese_voice(page: Page, attempt_url: str) -> None:
    page.add_init_script(FAKE_SPEECH % '["en-US", "fr-FR"]')
    page.goto(attempt_url)
    expect(page.locator("#attempt")).to_have_class(re.compile(r"\benhanced\b"))
    expect(page.locator("#doc-cau-hoi")).to_be_hidden()


def test_the_largest_text_still_fits_a_360_px_screen(
    page: Page, live: LiveApp, context: BrowserContext, shot
) -> None:
    round_id = live.make_round("Đợt thử chữ lớn nhất trên màn hình hẹp", question_count=2)
    person = live.make_person("Trương Thị Chữ To")
    attempt_id = live.take_round(person, round_id, submit=False)
    page.goto("/")
    for _ in range(3):
        page.get_by_role("button", name="Chữ lớn hơn").click()
    expect(page.get_by_role("button", name="Chữ lớn hơn")).to_be_disabled()
    assert font_px(page) == 24
    live.api_login(context.request, person.phone)
    for name, path in [
        ("trang-chu", "/"),
        ("dang-ky", "/dang-ky"),
        ("trang-dot-thi", f"/dot-thi/{round_id}"),
        ("lam-bai", f"/luot-thi/{attempt_id}"),
        ("cua-toi", "/cua-toi"),
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        shot(page, name)
        assert overflow_px(page) == 0, f"{path} scrolls sideways at the largest text size"
