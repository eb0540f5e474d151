"""Every console and liaison page, crawled as its user: Vietnamese only — no internal codes
(difficulties, states, groups, topic ids, "#12"), dates dd/mm/yyyy."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from flask import Flask

from tests.functional.test_privacy_crawl import LINK, url_map_seeds
from tests.seeding import World, client_as, seed_world

AREAS = ("/console", "/lien-lac")
CODE_WORDS = "easy|medium|hard|draft|open|closed|review|published|archived"
CODE_WORDS += "|civil_servant|worker|student|resident|chung|rieng|liaison|organiser|admin"
# A code shown as the whole text of an element, a "#12" id, or an ISO date in the text.
CODES = re.compile(rf">\s*({CODE_WORDS})\s*<|(?<![&\w])#\d+|>\s*\d{{4}}-\d\d-\d\d")


@pytest.fixture
def world(app: Flask, clock) -> World:
    return seed_world(app)


def console_pages(client, seeds: list[str]) -> dict[str, str]:
    """GET every console page reachable from the seeds (HTML only; downloads are skipped)."""
    queue, seen = deque(seeds), {}
    while queue:
        url = urldefrag(queue.popleft())[0]
        path = urlsplit(url).path
        if url in seen or not path.startswith(AREAS):
            continue
        response = client.get(url)
        seen[url] = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()
        queue.extend(urljoin(url, link) for link in LINK.findall(seen[url]))
    return seen


@pytest.mark.parametrize("role", ["organiser", "liaison"])
def test_the_console_speaks_vietnamese(app: Flask, world: World, role: str) -> None:
    client = client_as(app, world, role)
    seeds = [u for u in url_map_seeds(app, world) if u.startswith(AREAS)]
    pages = console_pages(client, seeds)
    visible = {
        url: re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
        for url, text in pages.items()
    }
    found = {
        url: sorted({m.group(0) for m in CODES.finditer(text)})
        for url, text in visible.items()
        if CODES.search(text)
    }
    assert found == {}
    assert len([t for t in pages.values() if t]) > (40 if role == "organiser" else 5)


def test_the_check_sees_codes() -> None:
    for text in ("<td>hard</td>", "<td> open </td>", "tài khoản #12", "<td>2026-11-20</td>"):
        assert CODES.search(text), text
    for text in ("&#39;", "<td>Khó</td>", "Đang mở", "<a href='#noi-dung'>"):
        assert not CODES.search(text), text
