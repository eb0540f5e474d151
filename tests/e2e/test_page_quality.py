"""The main pages on a phone: no serious or critical axe-core violation, and under 100 KB on a
first load (every response of the load, headers included, counted by the browser).

Each page's figures and every violation (any impact) go to test-artifacts/e2e-pages/<page>.json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from e2e_support import ROOT, LiveApp, watch
from playwright.sync_api import BrowserContext, Page, Response, expect

pytestmark = pytest.mark.e2e

Shot = Callable[[Page, str], Path]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
REPORTS = ROOT / "test-artifacts" / "e2e-pages"
MAX_BYTES = 100_000
BLOCKING = ("serious", "critical")

# name, path (formatted with the Scene), signed in as the participant?
PAGES = [
    ("trang-chu", "/", False),
    ("dang-ky", "/dang-ky", False),
    ("dang-nhap", "/dang-nhap", False),
    ("dot-thi", "/dot-thi", False),
    ("trang-dot-thi", "/dot-thi/{round_id}", True),
    ("lam-bai", "/luot-thi/{open_attempt}", True),
    ("ket-qua", "/luot-thi/{done_attempt}/ket-qua", True),
    ("bang-xep-hang", "/dot-thi/{round_id}/bang-xep-hang", False),
    ("luyen-tap", "/luyen-tap", False),
]

RUN_AXE = """async () => {
  const result = await axe.run(document);
  return {
    version: axe.version,
    rules_passed: result.passes.length,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({ target: n.target.join(" "), html: n.html.slice(0, 300) })),
    })),
  };
}"""
PERFORMANCE = """() => performance.getEntriesByType("navigation")
  .concat(performance.getEntriesByType("resource"))
  .map(e => ({ url: e.name, transfer: e.transferSize, body: e.encodedBodySize }))"""


@dataclass(frozen=True)
class Scene:
    phone: str
    round_id: int
    done_attempt: int
    open_attempt: int


@pytest.fixture(scope="module")
def scene(live: LiveApp) -> Scene:
    """A round with one finished attempt (on the board) and one in progress, of one person."""
    round_id = live.make_round("Đợt thử các trang chính", question_count=5)
    person = live.make_person("Hoàng Văn Truy Cập")
    done = live.take_round(person, round_id, submit=True)
    started = live.take_round(person, round_id, submit=False)
    return Scene(person.phone, round_id, done, started)


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


def run_axe(page: Page) -> dict[str, Any]:
    """axe-core's verdict on the page as loaded: its version, rules passed, violations."""
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') still holds.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    verdict = page.evaluate(RUN_AXE)
    assert verdict["rules_passed"] > 0, "axe-core did not run"
    return verdict


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): " + "; ".join(n["target"] for n in v["nodes"])
        for v in violations
    )


@pytest.mark.parametrize(("name", "path", "signed_in"), PAGES, ids=[p[0] for p in PAGES])
def test_page_passes_axe_and_weighs_under_100_kb(
    name: str,
    path: str,
    signed_in: bool,
    scene: Scene,
    live: LiveApp,
    context: BrowserContext,
    shot: Shot,
) -> None:
    if signed_in:
        live.api_login(context.request, scene.phone)
    page = context.new_page()
    problems = watch(page)
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(path.format(**vars(scene)))
    page.wait_for_load_state("networkidle")
    if name == "lam-bai":
        expect(page.locator("#attempt")).to_have_class(re.compile(r"\benhanced\b"))
    weight = weigh(page, responses)
    axe = run_axe(page)
    shot(page, name)
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = {"page": name, "url": page.url, "weight": weight, "axe": axe}
    (REPORTS / f"{name}.json").write_text(
        json.dumps(report | {"horizontal_overflow_px": overflow}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )

    blocking = [v for v in axe["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    assert max(weight["total"], weight["performance_total"]) < MAX_BYTES, weight
    assert not problems, problems
