"""What every page a resident sees must pass on a 360 px phone, as the browser measures it:
axe-core (no serious or critical violation, in normal and in high contrast), no sideways
scrolling, and tap targets of at least 44 × 44 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")
MIN_TARGET_PX = 44

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

# Interactive elements smaller than the minimum. Exempt, as WCAG 2.5.5 allows: a link inside a
# sentence (its block has other text; a list of links is no sentence). A radio or checkbox
# counts by its label, the real target.
SMALL_TARGETS = """(min) => {
  const small = [];
  const visible = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  // A link list ("Câu 5, Câu 12"; "Xuất Excel · Nạp câu hỏi") is no sentence: its block has
  // several links and more link text than other text.
  const letters = text => text.replace(/[\\s,.;:·|/–-]+/g, "").length;
  const inSentence = a => {
    const block = a.parentElement;
    if (!block) return false;
    const links = Array.from(block.querySelectorAll("a"));
    const linkText = letters(links.map(l => l.textContent).join(""));
    const other = letters(block.textContent) - linkText;
    return links.length > 1 ? other > linkText : other > 0;
  };
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const el of document.querySelectorAll(selector)) {
    if (!visible(el) || el.closest(".skip")) continue;
    if (el.tagName === "A" && inSentence(el)) continue;
    const box = (el.type === "radio" || el.type === "checkbox") && el.closest("label")
      ? el.closest("label") : el;
    const r = box.getBoundingClientRect();
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      small.push(`${el.outerHTML.slice(0, 120)} → ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return small;
}"""


def run_axe(page: Page) -> dict[str, Any]:
    """axe-core's verdict on the page as loaded: its version, rules passed, violations."""
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') still holds.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    verdict = page.evaluate(RUN_AXE)
    assert verdict["rules_passed"] > 0, "axe-core did not run"
    return verdict


def blocking(verdict: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in verdict["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): " + "; ".join(n["target"] for n in v["nodes"])
        for v in violations
    )


def overflow_px(page: Page) -> int:
    """How far the page is wider than the phone's screen (0 when it fits). Measured against
    the viewport Playwright set: a mobile browser widens innerWidth to fit a page that is too
    wide, so scrollWidth - innerWidth alone would say 0."""
    assert page.viewport_size is not None
    screen = page.viewport_size["width"]
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]"
    )
    return max(widths) - screen


def small_targets(page: Page) -> list[str]:
    return page.evaluate(SMALL_TARGETS, MIN_TARGET_PX)


def set_high_contrast(page: Page, on: bool) -> None:
    """Press the header's high-contrast switch until it is `on` (site.js keeps it)."""
    switch = page.locator("#tuy-chon-hien-thi [data-contrast]")
    if (switch.get_attribute("aria-pressed") == "true") != on:
        switch.click()
    wanted = "cao" if on else "thuong"
    page.wait_for_function("w => document.documentElement.dataset.tuongPhan === w", arg=wanted)


def check_page(page: Page, contrast: bool = True, targets: bool = True) -> dict[str, Any]:
    """Every check on the page as loaded (and again in high contrast); → a report, with the
    problems under "problems" (empty when the page passes)."""
    problems: list[str] = []
    report: dict[str, Any] = {"url": page.url, "overflow_px": overflow_px(page)}
    if report["overflow_px"] > 0:
        problems.append(f"scrolls sideways by {report['overflow_px']} px")
    if targets:
        report["small_targets"] = small_targets(page)
        problems += [f"tap target under {MIN_TARGET_PX} px: {t}" for t in report["small_targets"]]
    report["axe"] = run_axe(page)
    problems += [describe(blocking(report["axe"]))] if blocking(report["axe"]) else []
    if contrast:
        set_high_contrast(page, True)
        report["axe_high_contrast"] = run_axe(page)
        if blocking(report["axe_high_contrast"]):
            problems.append("high contrast: " + describe(blocking(report["axe_high_contrast"])))
        set_high_contrast(page, False)
    report["problems"] = problems
    return report
