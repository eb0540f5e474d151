"""Every page a resident, the public or an organiser opens, on a 360 × 740 phone: no sideways
scrolling, tap targets of 44 px (the console's too), no serious or critical axe-core violation in
normal and in high contrast, and under 100 KB on a first load (every response of the load,
headers included, counted by the browser).

Each page's figures, every violation (any impact) and its screenshot go to
test-artifacts/e2e-pages/<page>.json and test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from e2e_support import PASSWORD, ROOT, STAFF_USERNAME, LiveApp, watch
from page_checks import check_page
from playwright.sync_api import BrowserContext, Page, Response, expect

pytestmark = pytest.mark.e2e

Shot = Callable[[Page, str], Path]
REPORTS = ROOT / "test-artifacts" / "e2e-pages"
MAX_BYTES = 100_000
RESIDENT, STAFF = "resident", "staff"

# name, path (formatted with the Scene), signed in as whom
PAGES = [
    ("trang-chu", "/", None),
    ("dang-ky", "/dang-ky", None),
    ("dang-nhap", "/dang-nhap", None),
    ("dot-thi", "/dot-thi", None),
    ("trang-dot-thi-khach", "/dot-thi/{round_id}", None),
    ("trang-dot-thi", "/dot-thi/{round_id}", RESIDENT),
    ("lam-bai", "/luot-thi/{open_attempt}", RESIDENT),
    ("nop-bai", "/luot-thi/{open_attempt}/nop", RESIDENT),
    ("ket-qua", "/luot-thi/{done_attempt}/ket-qua", RESIDENT),
    ("cua-toi", "/cua-toi", RESIDENT),
    ("thu-hang", "/dot-thi/{round_id}/thu-hang", RESIDENT),
    ("bang-xep-hang", "/dot-thi/{round_id}/bang-xep-hang", None),
    ("luyen-tap", "/luyen-tap", None),
    ("luyen-tap-cau", "/luyen-tap/ngau-nhien", None),
    ("chia-se-phuong", "/chia-se/phuong/hanh-thong", None),
    ("chia-se-don-vi", "/chia-se/don-vi/ubnd-an-nhon", None),
    ("ap-phich", "/chia-se/phuong/hanh-thong/ap-phich", None),
    ("cong-bo", "/ket-qua/cong-bo/{publication}", None),
    ("ket-qua-da-cong-bo", "/luot-thi/{published_attempt}/ket-qua", RESIDENT),
    ("console", "/console/", STAFF),
    ("console-dot-thi", "/console/rounds/", STAFF),
    ("console-nguoi-du-thi", "/console/people/", STAFF),
    ("console-ngan-hang", "/console/bank/", STAFF),
    ("console-xet-duyet", "/console/rounds/{published_round}/review/", STAFF),
    ("console-tao-dot-thi", "/console/rounds/new", STAFF),
    ("console-cuoc-thi", "/console/contests", STAFF),
    ("console-theo-doi", "/console/rounds/{round_id}/theo-doi/", STAFF),
]
# Pages built without the site's layout (no display switches): the A4 poster.
WITHOUT_SWITCHES = {"ap-phich"}

PERFORMANCE = """() => performance.getEntriesByType("navigation")
  .concat(performance.getEntriesByType("resource"))
  .map(e => ({ url: e.name, transfer: e.transferSize, body: e.encodedBodySize }))"""


@dataclass(frozen=True)
class Scene:
    phone: str
    round_id: int
    done_attempt: int
    open_attempt: int
    published_round: int
    published_attempt: int
    publication: int


@pytest.fixture(scope="module")
def scene(live: LiveApp) -> Scene:
    """A round with one finished attempt (on the board) and one in progress, of one person;
    and a published round the same person took, with a long-named winner."""
    round_id = live.make_round("Đợt thử các trang chính", question_count=5)
    person = live.make_person("Hoàng Văn Truy Cập")
    done = live.take_round(person, round_id, submit=True)
    started = live.take_round(person, round_id, submit=False)
    published_round = live.make_round("Đợt thử đã công bố kết quả", question_count=5)
    published_attempt = live.take_round(person, published_round, submit=True)
    winner = live.make_person("Nguyễn Thị Thanh Thảo Phương Nguyên Hạnh")
    live.take_round(winner, published_round, submit=True)
    publication = live.publish_round(published_round)
    return Scene(
        person.phone, round_id, done, started, published_round, published_attempt, publication
    )


def weigh(page: Page, responses: list[Response]) -> dict[str, Any]:
    """Bytes of the load as Playwright saw them (headers + body) and as the page's own
    performance entries report them (transferSize)."""
    seen = []
    for response in responses:
        sizes = response.request.sizes()
        size = sizes["responseHeadersSize"] + sizes["responseBodySize"]
        seen.append({"url": response.url, "status": response.status, "bytes": size})
    entries = page.evaluate(PERFORMANCE)
    return {
        "responses": seen,
        "total": sum(r["bytes"] for r in seen),
        "performance": entries,
        "performance_total": sum(e["transfer"] for e in entries),
    }


def sign_in_staff(context: BrowserContext) -> None:
    page = context.new_page()
    page.goto("/staff/login")
    page.get_by_label("Tên đăng nhập").fill(STAFF_USERNAME)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/console/$"))
    page.close()


@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_page_on_a_phone(
    name: str,
    path: str,
    who: str | None,
    scene: Scene,
    live: LiveApp,
    context: BrowserContext,
    shot: Shot,
) -> None:
    if who == RESIDENT:
        live.api_login(context.request, scene.phone)
    elif who == STAFF:
        sign_in_staff(context)
    page = context.new_page()
    problems = watch(page)
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(path.format(**vars(scene)))
    page.wait_for_load_state("networkidle")
    if name == "lam-bai":
        expect(page.locator("#attempt")).to_have_class(re.compile(r"\benhanced\b"))
    weight = weigh(page, responses)
    shot(page, name)
    checks = check_page(page, contrast=name not in WITHOUT_SWITCHES)
    if name not in WITHOUT_SWITCHES:
        page.locator("#tuy-chon-hien-thi [data-contrast]").click()
        shot(page, f"{name}-tuong-phan-cao")
        page.locator("#tuy-chon-hien-thi [data-contrast]").click()
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = {"page": name, "weight": weight} | checks
    (REPORTS / f"{name}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )

    assert not checks["problems"], "\n".join(checks["problems"])
    assert max(weight["total"], weight["performance_total"]) < MAX_BYTES, weight
    assert not problems, problems
