"""Every console and liaison form, submitted with malformed values: answered, never a 5xx.

The crawl finds the forms by reading the pages (so a new form is covered without a change
here), fills every field with one kind of bad value at a time, keeps the CSRF token, and
posts. A state-changing form may well succeed on some value; what may never happen is a 500.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask

from tests.functional.test_console_vietnamese import AREAS, console_pages
from tests.functional.test_privacy_crawl import url_map_seeds
from tests.seeding import World, client_as, seed_world

# one bad value at a time, in one field at a time (the others keep the page's own values)
MALFORMED = {
    "empty": "",
    "words": "abc xyz",
    "negative": "-1",
    "huge": "99999999999999999999999",
    "typo_difficulty": "chung:de:2",  # no diacritics: once a 500 (ck_round_quotas_difficulty)
    "unknown_topic": "chu-de-sai:*:1",  # once a 500 (foreign key)
    "lines": "chung:*:1\n:::\nGiải: x\n*:rất khó:-3",
    "date": "31/02/2026 25:61",
    "long": "ạ" * 5000,
    "markup": '<script>alert(1)</script>"; DROP TABLE rounds; --',
}
# a form the page shows empty gets a valid baseline, so that each bad value is what is judged
BASELINES = {
    "/console/rounds/new": {
        "contest": "moi",
        "new_contest_title": "Cuộc thi thử",
        "contest_title": "Cuộc thi thử",
        "title": "Đợt thử",
        "opens_at": "01/12/2026 08:00",
        "closes_at": "08/12/2026 17:00",
        "question_count": "5",
        "quotas": "chung:*:1",
    }
}
# forms that end the session or cannot be judged by their answer alone
SKIPPED = ("dang-xuat", "logout")


class Forms(HTMLParser):
    """The POST forms of a page: action, fields with the values the page gives, file inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None
        self._text: str | None = None  # the textarea being read
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._open = {"action": a.get("action", ""), "fields": {}, "files": []}
            self.forms.append(self._open)
        elif self._open is None:
            return
        elif tag == "option" and self._select is not None:
            chosen = self._open["fields"]
            if "selected" in a or chosen.get(self._select) is None:
                chosen[self._select] = a.get("value", "")
        elif tag in ("input", "select", "textarea") and "name" in a and "disabled" not in a:
            self._field(tag, a)

    def _field(self, tag: str, a: dict[str, str]) -> None:
        name, kind = a["name"], a.get("type", "")
        if kind == "file":
            self._open["files"].append(name)
        elif kind in ("checkbox", "radio"):
            if "checked" in a or kind == "checkbox":
                self._open["fields"].setdefault(name, a.get("value", "y"))
        elif kind not in ("submit", "button"):
            self._open["fields"][name] = None if tag == "select" else a.get("value", "")
            self._text = name if tag == "textarea" else None
            self._select = name if tag == "select" else None

    def handle_data(self, data: str) -> None:
        if self._open is not None and self._text is not None:
            self._open["fields"][self._text] = (self._open["fields"][self._text] or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None
        if tag in ("textarea", "select"):
            self._text = self._select = None


def _forms(pages: dict[str, str]) -> dict[str, dict]:
    """Each kind of form once (/questions/7/correct and /questions/9/correct are one kind)."""
    found: dict[str, dict] = {}
    for url, html in pages.items():
        parser = Forms()
        parser.feed(html)
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            path = urlsplit(action).path
            if path.startswith(AREAS) and not any(s in path for s in SKIPPED):
                # every round's own settings form (one per state); one of each other kind
                own = re.fullmatch(r"/console/rounds/\d+", path)
                kind = path if own else re.sub(r"/\d+", "/N", path)
                found.setdefault(kind, form | {"action": action})
    return found


def _posts(form: dict):
    """(what, data): every field in turn given every malformed value."""
    path = urlsplit(form["action"]).path
    base = {k: v or "" for k, v in form["fields"].items()} | BASELINES.get(path, {})
    for name in [*form["fields"], *form["files"]]:
        for kind, value in MALFORMED.items():
            data = dict(base)
            for upload in form["files"]:
                content = value.encode() if upload == name else b"["
                data[upload] = (io.BytesIO(content), f"{kind}.yaml")
            if name in base:
                data[name] = value
            yield f"{name}={kind}", data


@pytest.mark.parametrize("role", ["organiser", "liaison"])
def test_no_console_form_answers_5xx_to_malformed_values(app: Flask, clock, role: str) -> None:
    world: World = seed_world(app)
    client = client_as(app, world, role)
    seeds = [u for u in url_map_seeds(app, world) if u.startswith(AREAS)]
    forms = _forms(console_pages(client, seeds))
    assert len(forms) >= (25 if role == "organiser" else 1), sorted(forms)
    assert role != "organiser" or "/console/rounds/new" in forms
    failures = []
    for _kind, form in sorted(forms.items()):
        for what, data in _posts(form):
            try:  # under TESTING an unhandled error reaches the test instead of a 500 page
                response = client.post(
                    form["action"], data=data, content_type="multipart/form-data"
                )
            except Exception as exc:  # every crash is a finding
                failures.append(f"{form['action']} [{what}] → {type(exc).__name__}: {exc}"[:300])
                continue
            if response.status_code >= 500:
                failures.append(f"{form['action']} [{what}] → {response.status_code}")
            response.close()
    assert failures == [], "\n".join(failures)
