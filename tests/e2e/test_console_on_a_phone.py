"""The organiser's console and the liaison's pages on a 360 px phone, with the fonts phones use:
crawled from their home pages, every page fits the screen (a wide table scrolls inside its own
box or stacks, never the page) and every tap target is at least 44 px.

One page of each kind is visited (/console/rounds/7 and /console/rounds/9 are one kind), so
a page added later is checked without a change here. Figures go to
test-artifacts/e2e-pages/crawl-<role>.json.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urldefrag, urlsplit

import pytest
from e2e_support import LIAISON_USERNAME, PASSWORD, ROOT, STAFF_USERNAME, LiveApp
from page_checks import overflow_px, small_targets
from playwright.sync_api import Browser, BrowserContext, expect

pytestmark = pytest.mark.e2e

REPORTS = ROOT / "test-artifacts" / "e2e-pages"
AREAS = {STAFF_USERNAME: "/console", LIAISON_USERNAME: "/lien-lac"}
HOMES = {STAFF_USERNAME: r"/console/$", LIAISON_USERNAME: r"/lien-lac/$"}
MAX_PAGES = 90
# downloads and the JSON the monitor polls are not pages
NOT_PAGES = re.compile(r"\.(xlsx|csv|pdf|zip|png|json)$|/so-lieu$|/export|/tai-ve|/mau")
LINKS = "Array.from(document.querySelectorAll('main a[href]')).map(a => a.href)"


def sign_in(context: BrowserContext, username: str) -> None:
    page = context.new_page()
    page.goto("/staff/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(HOMES[username]))
    page.close()


def kind(path: str) -> str:
    return re.sub(r"/\d+", "/N", path)


@pytest.fixture(scope="module")
def rounds(live: LiveApp) -> None:
    """An open round with a finished attempt and a published one: the console's pages in use."""
    open_round = live.make_round("Đợt thử bảng điều khiển", question_count=5)
    person = live.make_person("Lê Văn Bảng Điều Khiển")
    live.take_round(person, open_round, submit=True)
    published = live.make_round("Đợt thử đã công bố (bảng điều khiển)", question_count=5)
    live.take_round(person, published, submit=True)
    live.publish_round(published)


@pytest.mark.parametrize(
    "username", [STAFF_USERNAME, LIAISON_USERNAME], ids=["console", "lien-lac"]
)
def test_console_pages_fit_a_phone(
    username: str, rounds: None, live: LiveApp, context: BrowserContext
) -> None:
    sign_in(context, username)
    page = context.new_page()
    area = AREAS[username]
    queue, seen, report = [f"{area}/"], set(), {}
    while queue and len(report) < MAX_PAGES:
        url = urldefrag(queue.pop(0))[0]
        path = urlsplit(url).path
        if not path.startswith(area) or NOT_PAGES.search(path) or kind(path) in seen:
            continue
        seen.add(kind(path))
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        problems = []
        if (extra := overflow_px(page)) > 0:
            problems.append(f"scrolls sideways by {extra} px")
        problems += [f"tap target under 44 px: {t}" for t in small_targets(page)]
        report[path] = problems
        queue.extend(page.evaluate(LINKS))
    REPORTS.mkdir(parents=True, exist_ok=True)
    name = "console" if username == STAFF_USERNAME else "lien-lac"
    (REPORTS / f"crawl-{name}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    assert len(report) >= (15 if username == STAFF_USERNAME else 3), sorted(report)
    failing = {path: problems for path, problems in report.items() if problems}
    assert not failing, json.dumps(failing, ensure_ascii=False, indent=2)


def test_on_a_laptop_the_console_uses_the_screen(
    rounds: None, browser: Browser, base_url: str
) -> None:
    """At 1366 px the console is not a 925 px column where headers and buttons wrap."""
    laptop = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 768})
    sign_in(laptop, STAFF_USERNAME)
    page = laptop.new_page()
    page.goto("/console/")
    width = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    assert width >= 1250, width
    # the home table's headers each on one line
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('table.rounds-overview th'))"
        ".map(th => th.getBoundingClientRect().height)"
    )
    assert heights and max(heights) < 2 * min(heights), heights
    laptop.close()
