"""Crawl every public page and public API read: no phone, CCCD or birth year ever shows.

The seeded people have full phones, CCCDs and birth years chosen to appear nowhere else
(1931, 1933…), with finished attempts on a live board, a closed round and a published one.
The crawl starts from the home page and from every GET route of the URL map (with every
seeded id), follows same-site links and redirects, and searches each body and header.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections import deque
from collections.abc import Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import BuildError

from tests.seeding import PEOPLE, Person, World, client_as, seed_world

MAX_PAGES = 600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINK = re.compile(r'(?:href|src|action)="([^"]+)"')
ROUNDS = ("open_round", "closed_round", "published_round", "draft_round")
ATTEMPTS = ("attempt", "finished_attempt", "other_attempt")
PEOPLE_IDS = tuple(PEOPLE)
NEAR = 160  # characters either side of a name that must hold no birth year
YEAR = re.compile(r"(?<![\w.,/:-])(19\d\d|200\d|201[0-2])(?![\w])")


def candidates(world: World) -> dict[str, list[object]]:
    """Every value a URL argument can take in the seeded world."""
    return {
        "round_id": [world[k] for k in ROUNDS],
        "attempt_id": [world[k] for k in ATTEMPTS],
        "publication_id": [world["publication"]],
        "contest_id": [1],  # the one contest the world holds
        "position": [1],
        "code": [world["ward_code"], world["org_code"]],
        "kind": ["p", "d", "phuong", "don-vi"],
        "name": ["results.xlsx", "results.csv", "ceremony.pdf", "certificates.pdf"],
        "fmt": ["xlsx", "csv"],
        "filename": ["css/app.css", "css/poster.css", "js/attempt.js"],
        "key": [world["practice_key"], "ngau-nhien"],
        "external_id": [world["external_id"]],
        "topic_id": [world["topic_id"]],
        "person_id": [world[k] for k in PEOPLE_IDS],
        "participant_id": [world[k] for k in PEOPLE_IDS],
        "upload_id": [world["bank_upload"], world["people_upload"]],
        "version_id": [world["version"]],
        "entry_id": [world["correction"]],
        "job_id": [world["export_job"]],
    }


def url_map_seeds(app: Flask, world: World) -> list[str]:
    """Every GET route built with every combination of seeded values."""
    values = candidates(world)
    adapter = app.url_map.bind("localhost")
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        names = sorted(rule.arguments)
        for combo in itertools.product(*(values[n] for n in names)):
            try:
                urls.append(adapter.build(rule.endpoint, dict(zip(names, combo, strict=True))))
            except (BuildError, ValueError):  # a value its any() converter refuses
                continue
    return urls


def crawl(client: FlaskClient, seeds: Iterable[str]) -> dict[str, str]:
    """GET every same-site page reachable from `seeds`: url → status, headers and body."""
    queue, seen = deque(seeds), {}
    while queue and len(seen) < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        parts = urlsplit(url)
        if url in seen or parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            continue
        response = client.get(url)
        body = as_text(response.get_data(), response.mimetype)
        response.close()
        if response.is_json:  # names are \u-escaped in JSON: search the decoded text
            body = json.dumps(response.get_json(), ensure_ascii=False)
        seen[url] = f"{response.status_code}\n{response.headers}\n{body}"
        if "Location" in response.headers:
            queue.append(urljoin(url, response.headers["Location"]))
        if response.mimetype == "text/html":
            queue.extend(urljoin(url, link) for link in LINK.findall(body))
    assert len(seen) < MAX_PAGES, "the crawl did not finish: is a page linking to itself?"
    return seen


def as_text(data: bytes, mimetype: str) -> str:
    """A page or a download as text: a workbook's cells one per line; an image (the favicon,
    a preview card, drawn from round and unit names only) as its type."""
    if mimetype.startswith("image/"):
        return f"<{mimetype}>"
    if mimetype != XLSX:
        return data.decode("utf-8-sig")
    sheets = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets
    return "\n".join(str(v) for ws in sheets for row in ws.iter_rows(values_only=True) for v in row)


def spaced(digits: str) -> re.Pattern[str]:
    """The digits, in order, with any spaces, dots or dashes between them."""
    return re.compile(r"(?<!\d)" + r"[\s.\-]?".join(digits) + r"(?!\d)")


def leaks(person: Person, text: str) -> list[str]:
    """What of this person's private data `text` shows."""
    patterns = {
        "phone": spaced(person.phone),
        "phone (+84)": re.compile(r"\+?84[\s.\-]?" + spaced(person.phone[1:]).pattern),
    }
    if person.cccd:
        patterns["CCCD"] = spaced(person.cccd)
    found = [label for label, pattern in patterns.items() if pattern.search(text)]
    if person.cccd and person.cccd[-6:] in text:
        found.append("end of CCCD")
    if re.search(rf"(?<![\w]){person.birth_year}(?![\w])", text):
        found.append(f"birth year {person.birth_year}")
    return found


def years_near_names(text: str) -> list[str]:
    """Any year a birth year could be, shown close to a seeded person's name."""
    found = []
    for person in PEOPLE.values():
        for match in re.finditer(re.escape(person.full_name), text):
            window = text[max(0, match.start() - NEAR) : match.end() + NEAR]
            found += [f"{person.full_name} … {y}" for y in YEAR.findall(window)]
    return found


@pytest.fixture
def world(app: Flask, clock) -> World:
    return seed_world(app)


@pytest.mark.parametrize("role", ["anonymous", "other", "liaison", "other_liaison"])
def test_no_personal_data_on_any_page_anyone_can_reach(app: Flask, world: World, role: str) -> None:
    """Anonymous visitors see nobody's data; a signed-in participant sees only their own; a
    ward liaison sees its own people's names with phones masked, like a public list."""
    client = client_as(app, world, role)
    api = [f"/api/v1/rounds/{world[k]}" for k in ROUNDS]
    api += [f"/api/v1/rounds/{world[k]}/leaderboard" for k in ROUNDS]
    pages = crawl(client, ["/", *url_map_seeds(app, world), "/api/v1/rounds", *api])
    problems = [
        f"{url}: {key} — {leak}"
        for url, text in pages.items()
        for key, person in PEOPLE.items()
        if key != role
        for leak in leaks(person, text)
    ]
    problems += [f"{url}: {hit}" for url, text in pages.items() for hit in years_near_names(text)]
    assert problems == []
    # The crawl really went where people are listed, with their names and masked phones.
    public = {u for u, t in pages.items() if t.startswith("200")}
    for path in (f"/ket-qua/cong-bo/{world['publication']}", "/api/v1/organisations"):
        assert path in public
    board = pages[f"/dot-thi/{world['published_round']}/bang-xep-hang"]
    assert PEOPLE["clerk"].full_name in board and "09xx" in "".join(pages.values())


def test_the_checks_would_see_a_leak() -> None:
    """The detectors themselves: each format a page might use is caught."""
    person = PEOPLE["participant"]
    for text in (
        "0913579246",
        "0913 579 246",
        "091.357.9246",
        "+84 913 579 246",
        "CCCD 079131864205",
        "079 131 864 205",
        "xxxxxx864205",
        "(1931)",
        "sinh năm 1931.",
    ):
        assert leaks(person, f"<td>{text}</td>"), text
    assert years_near_names(f"<td>{person.full_name}</td><td>1987</td>")
    assert not leaks(person, "09xx xxx 246 · 20/11/2026 · digest a19310f2")
