"""Every route × every role gets the status this table says; the table must cover the URL map.

The routes come from app.url_map, so a route added without an entry here fails, and so does an
entry for a route that is gone. A refused request changes nothing in the database, someone
else's object is "not found" exactly like a missing one, and every write needs a CSRF token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp import create_app
from quizapp.extensions import cache
from tests.conftest import FIXED_NOW, TEST_PASSWORD, FakeClock
from tests.seeding import (
    PEOPLE,
    Rows,
    World,
    WriteWatch,
    client_as,
    dispose,
    restore,
    scratch_app,
    seed_world,
    table_rows,
)

ROLES = ("anonymous", "participant", "other", "organiser", "admin", "liaison", "other_liaison")
WRITES = ("POST", "PUT", "PATCH", "DELETE")
STAFF_LOGIN, LOGIN = "→/staff/login", "→/dang-nhap"  # a 302 to that sign-in page
REFUSALS = (STAFF_LOGIN, LOGIN, 401, 403, 404)

# One status per role, in ROLES order. The two liaisons (one per seeded ward) may be left out:
# see with_liaisons() below for what they then get.
ALL_200, ALL_302 = (200,) * 5, (302,) * 5
STAFF = (STAFF_LOGIN, 403, 403, 200, 200)
STAFF_DONE = (STAFF_LOGIN, 403, 403, 302, 302)  # the action ran (or was refused with a flash)
OWN_UPLOAD = (STAFF_LOGIN, 403, 403, 200, 404)  # staged by the organiser; the admin is not them
OWN_UPLOAD_DONE = (STAFF_LOGIN, 403, 403, 302, 404)
MINE = (LOGIN, 200, 200, 403, 403)  # the signed-in participant's own page
OWN_ATTEMPT = (LOGIN, 200, 404, 403, 403)  # "participant" owns it; "other" must not see it
OWN_ATTEMPT_DONE = (LOGIN, 302, 404, 403, 403)
API_MINE = (401, 200, 200, 401, 401)
API_OWN_ATTEMPT = (401, 200, 404, 401, 401)
LIAISON = (STAFF_LOGIN, 403, 403, 403, 403, 200, 200)  # each liaison sees its own ward
LIAISON_WARD = (STAFF_LOGIN, 403, 403, 403, 403, 200, 404)  # the participant's ward's data


@dataclass(frozen=True)
class W:
    """A value taken from the seeded world."""

    key: str


@dataclass(frozen=True)
class Expect:
    statuses: dict[str, tuple[Any, ...]]  # by HTTP method
    args: dict[str, Any] = field(default_factory=dict)  # URL arguments beyond DEFAULT_ARGS
    body: dict[str, Any] = field(default_factory=dict)  # form fields or JSON of a write


DEFAULT_ARGS: dict[str, Any] = {
    "round_id": W("open_round"),
    "attempt_id": W("attempt"),
    "position": 1,
    "token_id": W("token"),
    "publication_id": W("publication"),
    "person_id": W("participant"),
    "participant_id": W("participant"),
    "version_id": W("version"),
    "entry_id": W("correction"),
    "external_id": W("external_id"),
    "topic_id": W("topic_id"),
    "key": W("practice_key"),
    "code": W("ward_code"),
    "name": "results.xlsx",
    "filename": "css/app.css",
    "contest_id": 1,  # the one contest the world holds
    "job_id": W("export_job"),  # a failed export of the closed round
}
ME = PEOPLE["participant"]
REASON = {"reason": "Kiểm tra phân quyền"}
CLOSED = {"round_id": W("closed_round")}
NEW_PERSON = {
    "full_name": "Hồ Thị Mới",
    "phone": "0399888777",
    "password": "mat-khau-moi-123",
    "birth_year": 1995,
    "ward_id": W("ward"),
    "group": "resident",
    "organisation_id": 0,
    "consent": True,
}

EXPECT: dict[str, Expect] = {
    # Public pages and files.
    "main.index": Expect({"GET": ALL_200}),
    "main.healthz": Expect({"GET": ALL_200}),
    "main.manifest": Expect({"GET": ALL_200}),
    "main.favicon": Expect({"GET": ALL_200}),
    "static": Expect({"GET": ALL_200}),
    "public.short_link": Expect({"GET": ALL_302}, {"kind": "p"}),
    "public.share": Expect({"GET": ALL_200}, {"kind": "phuong"}),
    "public.poster": Expect({"GET": ALL_200}, {"kind": "don-vi", "code": W("org_code")}),
    "public.share_card": Expect({"GET": ALL_200}, {"kind": "phuong"}),
    "public.round_card": Expect({"GET": ALL_200}),
    "public.leaderboard": Expect({"GET": ALL_200}),
    "public.publication": Expect({"GET": ALL_200}),
    "public.publication_data": Expect({"GET": ALL_200}),
    "quiz.rounds_list": Expect({"GET": ALL_200}),
    "quiz.round_page": Expect({"GET": ALL_200}),
    "practice.index": Expect({"GET": ALL_200}),
    "practice.start": Expect({"GET": ALL_302}),
    "practice.question": Expect({"GET": ALL_302}),  # no run in the cookie: back to the index
    "practice.answer": Expect({"POST": ALL_302}),
    "practice.summary": Expect({"GET": ALL_302}),
    # Accounts: signing in or registering again simply switches the session.
    "accounts.register": Expect({"GET": ALL_200, "POST": ALL_302}, body=NEW_PERSON),
    "accounts.login": Expect(
        {"GET": ALL_200, "POST": ALL_302}, body={"phone": ME.phone, "password": TEST_PASSWORD}
    ),
    "accounts.logout": Expect({"POST": ALL_302}),
    "accounts.my_entries": Expect({"GET": MINE}),
    "staff_auth.login": Expect(
        {"GET": ALL_200, "POST": ALL_302}, body={"username": "bantochuc", "password": TEST_PASSWORD}
    ),
    "staff_auth.logout": Expect({"POST": ALL_302}),
    # Taking a round through pages.
    "quiz.start": Expect({"POST": (LOGIN, 302, 302, 403, 403)}),
    "public.my_rank": Expect({"GET": MINE}),
    "quiz.attempt_page": Expect({"GET": OWN_ATTEMPT}),
    "quiz.save": Expect({"POST": OWN_ATTEMPT_DONE}, body={"choice": "1"}),
    "quiz.review": Expect({"GET": OWN_ATTEMPT}),
    "quiz.submit": Expect({"POST": OWN_ATTEMPT_DONE}),
    "quiz.result": Expect({"GET": OWN_ATTEMPT}, {"attempt_id": W("finished_attempt")}),
    # The JSON API.
    "api.csrf_token": Expect({"GET": ALL_200}),
    "api.openapi_json": Expect({"GET": ALL_200}),
    "api.wards": Expect({"GET": ALL_200}),
    "api.organisations": Expect({"GET": ALL_200}),
    "api.docs": Expect({"GET": ALL_302}),
    # A token is issued for a phone and password to anyone who has them (no session needed).
    "api.issue_token": Expect(
        {"POST": (201,) * 5}, body={"phone": ME.phone, "password": TEST_PASSWORD}
    ),
    "api.register_with_token": Expect({"POST": (201,) * 5}, body=NEW_PERSON),
    "api.list_tokens": Expect({"GET": API_MINE}),
    "api.revoke_token": Expect({"DELETE": (401, 200, 404, 401, 401)}),
    "api.rounds_list": Expect({"GET": ALL_200}),
    "api.round_detail": Expect({"GET": ALL_200}),
    "api.leaderboard": Expect({"GET": ALL_200}),
    "api.register": Expect({"POST": (201,) * 5}, body=NEW_PERSON),
    "api.login": Expect({"POST": ALL_200}, body={"phone": ME.phone, "password": TEST_PASSWORD}),
    "api.logout": Expect({"POST": ALL_200}),
    "api.logout_everywhere": Expect({"POST": API_MINE}),
    "api.me": Expect({"GET": API_MINE}),
    "api.my_attempts": Expect({"GET": API_MINE}),
    "api.start_attempt": Expect({"POST": API_MINE}),  # both have an attempt open: resumed
    "api.attempt_state": Expect({"GET": API_OWN_ATTEMPT}),
    "api.save_answer": Expect({"PUT": API_OWN_ATTEMPT}, body={"choice": 1}),
    "api.submit": Expect({"POST": API_OWN_ATTEMPT}),
    "api.result": Expect({"GET": API_OWN_ATTEMPT}, {"attempt_id": W("finished_attempt")}),
    # The organiser console.
    "console.index": Expect({"GET": STAFF}),
    "console_bank.index": Expect({"GET": STAFF}),
    "console_bank.question": Expect({"GET": STAFF}),
    "console_bank.impact": Expect({"GET": STAFF}),
    "console_bank.review": Expect({"GET": STAFF}),
    # Q-0001 is not under review: refused with a flash, then the page again.
    "console_bank.settle": Expect({"POST": STAFF_DONE}, body={"action": "confirm", "reason": "x"}),
    "console_bank.template": Expect({"GET": STAFF}),
    "console_bank.export": Expect({"GET": STAFF}),
    "console_bank.upload": Expect({"GET": STAFF, "POST": STAFF}),  # no file: the form again
    "console_bank.preview": Expect({"GET": OWN_UPLOAD}, {"upload_id": W("bank_upload")}),
    "console_bank.confirm": Expect({"POST": OWN_UPLOAD_DONE}, {"upload_id": W("bank_upload")}),
    "console_people.index": Expect({"GET": STAFF}),
    "console_people.detail": Expect({"GET": STAFF}),
    "console_people.new": Expect({"GET": STAFF, "POST": STAFF}),  # empty: the form again
    "console_people.reset_password": Expect(
        {"POST": STAFF_DONE}, body={"password": "mat-khau-moi-123"} | REASON
    ),
    "console_people.sign_out_everywhere": Expect({"POST": STAFF_DONE}, body=REASON),
    "console_people.template": Expect({"GET": STAFF}),
    "console_people.import_upload": Expect({"GET": STAFF, "POST": STAFF}),
    "console_people.import_review": Expect({"GET": OWN_UPLOAD}, {"upload_id": W("people_upload")}),
    # Confirming someone else's (or a finished) import flashes "already processed" and goes
    # back to the upload page instead of a 404; nothing is created either way.
    "console_people.import_confirm": Expect(
        {"POST": (STAFF_LOGIN, 403, 403, 200, 302)}, {"upload_id": W("people_upload")}
    ),
    "console_people.import_discard": Expect(
        {"POST": OWN_UPLOAD_DONE}, {"upload_id": W("people_upload")}
    ),
    "console_practice.index": Expect({"GET": STAFF}),
    "console_practice.topic": Expect({"POST": STAFF_DONE}, body={"action": "unmark"}),
    # A practice question already (a question an open round drew would be refused, and which
    # ones the open round drew is random).
    "console_practice.questions": Expect(
        {"POST": STAFF_DONE}, body={"action": "mark", "ids": "Q-0039"}
    ),
    "console_rounds.index": Expect({"GET": STAFF}),
    "console_rounds.new": Expect({"GET": STAFF, "POST": STAFF}),  # empty: the form again
    "console_rounds.edit": Expect({"GET": STAFF, "POST": STAFF}),
    # Unconfirmed: the confirmation page again (400), the round untouched for the next role.
    "console_lifecycle.confirm": Expect(
        {"GET": STAFF, "POST": (STAFF_LOGIN, 403, 403, 400, 400)}, CLOSED | {"name": "publish"}
    ),
    "console_rounds.freeze": Expect({"POST": STAFF_DONE}),
    "console_rounds.unfreeze": Expect({"POST": STAFF_DONE}, body=REASON),
    "console_exports.download": Expect({"GET": STAFF}, CLOSED),
    "console_exports.queue": Expect({"POST": STAFF_DONE}, CLOSED),
    "console_export_jobs.show": Expect({"GET": STAFF}, CLOSED),
    "console_export_jobs.status": Expect({"GET": STAFF}, CLOSED),
    "console_export_jobs.download": Expect({"GET": STAFF_DONE}, CLOSED),  # not done: its page
    "console_export_jobs.retry": Expect({"POST": STAFF_DONE}, CLOSED),
    "console_questions.index": Expect({"GET": STAFF}, CLOSED),
    "console_questions.detail": Expect({"GET": STAFF}, CLOSED),
    "console_questions.correct": Expect(
        {"POST": STAFF_DONE}, CLOSED, {"letter": "C", "reason": "Sửa đáp án"}
    ),
    "console_questions.correction": Expect({"GET": STAFF}, CLOSED),
    "console_review.index": Expect({"GET": STAFF}, CLOSED),
    "console_review.start": Expect({"POST": STAFF_DONE}, CLOSED),
    "console_review.exclude": Expect({"POST": STAFF_DONE}, CLOSED, REASON),
    "console_review.include": Expect(
        {"POST": STAFF_DONE}, CLOSED | {"participant_id": W("excluded")}, REASON
    ),
    "console_review.collective_metric": Expect({"POST": STAFF_DONE}, CLOSED, {"metric": "points"}),
    "console_review.decide_tie": Expect(
        {"POST": STAFF_DONE}, CLOSED, {"by": "ward", "key": "x", "reason": "thử"}
    ),
    "console_review.too_fast": Expect({"POST": STAFF_DONE}, CLOSED, {"seconds": "90"}),
    "console_prizes.index": Expect({"GET": STAFF}, CLOSED),
    "console_monitor.page": Expect({"GET": STAFF}),
    "console_monitor.figures": Expect({"GET": STAFF}),
    "console_prizes.adjust": Expect(
        {"POST": STAFF_DONE},
        CLOSED,
        {"kind": "withdraw", "participant_id": W("participant")} | REASON,
    ),
    "console.contest": Expect({"GET": STAFF, "POST": STAFF_DONE}, body={"combine": "best"}),
    "console.contests": Expect({"GET": STAFF, "POST": STAFF}),  # empty: the form again
    "public.site_card": Expect({"GET": ALL_200}),
    # Ward liaisons: their scope comes from the account; a person of another ward is missing.
    "liaison.index": Expect({"GET": LIAISON}),
    "liaison.round_turnout": Expect({"GET": LIAISON}),
    "liaison.people": Expect({"GET": LIAISON}),
    "liaison.person": Expect({"GET": LIAISON_WARD}),
    "liaison.export": Expect({"GET": LIAISON}, {"fmt": "xlsx"}),
    "liaison.round_export": Expect({"GET": LIAISON}, {"fmt": "xlsx"}),
    "liaison.register": Expect({"GET": LIAISON, "POST": LIAISON}),  # empty: the form again
}


def with_liaisons(endpoint: str, statuses: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row written for the first five roles: a liaison is refused the whole organiser
    console (403) and elsewhere is answered like any staff account (the organiser's status)."""
    if len(statuses) == len(ROLES):
        return statuses
    as_liaison = 403 if endpoint.startswith("console") else statuses[ROLES.index("organiser")]
    return (*statuses, as_liaison, as_liaison)


for _endpoint, _expect in EXPECT.items():
    for _method, _statuses in _expect.statuses.items():
        _expect.statuses[_method] = with_liaisons(_endpoint, _statuses)

# (endpoint, method, role) → why the app does not yet give the status EXPECT says.
KNOWN_HOLES: dict[tuple[str, str, str], str] = {}


def _url_map() -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
    """Every (endpoint, method) the app serves, and each endpoint's URL arguments."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    rules = list(app.url_map.iter_rules())
    methods = {(r.endpoint, m) for r in rules for m in r.methods - {"HEAD", "OPTIONS"}}
    return sorted(methods), {r.endpoint: set(r.arguments) for r in rules}


ROUTES, ARGUMENTS = _url_map()
CASES = [
    pytest.param(
        endpoint,
        method,
        role,
        id=f"{endpoint}-{method}-{role}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_HOLES[endpoint, method, role])]
        if (endpoint, method, role) in KNOWN_HOLES
        else [],
    )
    for endpoint, method in ROUTES
    for role in ROLES
]


@dataclass
class Matrix:
    """One app and seeded database for the whole module; each test leaves the world as found."""

    app: Flask
    world: World
    rows: Rows
    watch: WriteWatch

    def changed(self) -> bool:
        return self.watch.seen and table_rows(self.app) != self.rows


@pytest.fixture(scope="module")
def seeded(schema_source: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    # Building the app costs ~0.2 s and seeding ~2 s: 500 cases share them and restore instead.
    app = scratch_app(schema_source, tmp_path_factory.mktemp("matrix"))
    world = seed_world(app)
    yield Matrix(app, world, table_rows(app), WriteWatch(app))
    dispose(app)


@pytest.fixture
def matrix(seeded: Matrix) -> Iterator[Matrix]:
    seeded.app.config["CLOCK"] = FakeClock(FIXED_NOW)
    with seeded.app.app_context():
        cache.clear()
    seeded.watch.seen = False
    yield seeded
    if seeded.watch.seen:
        restore(seeded.app, seeded.rows)


def resolve(world: World, value: Any) -> Any:
    return world[value.key] if isinstance(value, W) else value


def url_of(app: Flask, world: World, endpoint: str, method: str, **override: Any) -> str:
    expect = EXPECT[endpoint]
    rule = next(r for r in app.url_map.iter_rules(endpoint) if method in r.methods)
    known = DEFAULT_ARGS | expect.args
    assert rule.arguments <= known.keys(), f"give {endpoint}'s URL arguments a seeded value"
    values = {a: resolve(world, known[a]) for a in rule.arguments}
    return app.url_map.bind("localhost").build(endpoint, values | override, method=method)


def send(client: FlaskClient, method: str, url: str, body: dict[str, Any], token: str | None):
    """A browser-like request: form fields (or JSON under /api/) with the CSRF token."""
    if method == "GET":
        response = client.get(url)
    elif url.startswith("/api/"):
        headers = {"X-CSRFToken": token} if token else {}
        response = client.open(url, method=method, json=body, headers=headers)
    else:
        form = body | ({"csrf_token": token} if token else {})
        response = client.open(url, method=method, data=form)
    response.close()
    return response


def token_of(client: FlaskClient) -> str:
    return client.get("/api/v1/csrf").get_json()["csrf_token"]


def outcome(response) -> int | str:
    if response.status_code == 302:
        target = urlsplit(response.headers["Location"]).path
        if f"→{target}" in (STAFF_LOGIN, LOGIN):
            return f"→{target}"
    return response.status_code


IDS = {"round_id", "attempt_id", "position", "publication_id", "person_id", "participant_id"}
IDS |= {"token_id"}
IDS |= {"version_id", "entry_id", "upload_id", "contest_id", "job_id"}
CODES = {"code", "kind", "name", "filename", "external_id", "topic_id", "key", "fmt"}


def test_the_table_covers_exactly_the_url_map() -> None:
    table = {(e, m) for e, expect in EXPECT.items() for m in expect.statuses}
    assert sorted(set(ROUTES) - table) == [], "routes without an expectation: add them to EXPECT"
    assert sorted(table - set(ROUTES)) == [], "expectations for routes that no longer exist"
    assert all(len(s) == len(ROLES) for e in EXPECT.values() for s in e.statuses.values())
    assert {(e, m) for e, m, _ in KNOWN_HOLES} <= table
    # Each URL argument is an id (probed with a missing value below) or a known code.
    arguments = set().union(*ARGUMENTS.values())
    assert arguments <= IDS | CODES, f"is {arguments - IDS - CODES} an id? add it to IDS or CODES"


@pytest.mark.parametrize(("endpoint", "method", "role"), CASES)
def test_access(matrix: Matrix, endpoint: str, method: str, role: str) -> None:
    app, world = matrix.app, matrix.world
    expect = EXPECT.get(endpoint)
    assert expect is not None and method in expect.statuses, f"add {method} {endpoint} to EXPECT"
    wanted = expect.statuses[method][ROLES.index(role)]
    url = url_of(app, world, endpoint, method)
    client = client_as(app, world, role)
    token = token_of(client) if method in WRITES else None
    body = {k: resolve(world, v) for k, v in expect.body.items()}
    got = outcome(send(client, method, url, body, token))
    assert got == wanted, f"{role}: {method} {url} gave {got}, expected {wanted}"
    if wanted in REFUSALS:
        assert not matrix.changed(), f"refused {method} {url} changed the database"


# --- identifiers in URLs ----------------------------------------------------------------------

MISSING = 999_999
# A missing id answered with a flash and a redirect (the console's pattern for actions).
FLASHED = {
    ("console_people.import_confirm", "upload_id"),
    ("console_review.exclude", "participant_id"),
    ("console_review.include", "participant_id"),
    ("console_people.sign_out_everywhere", "person_id"),
}
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="[^"]*"|"csrf_token": ?"[^"]*"')


def let_in(endpoint: str, method: str) -> str:
    """The role a check runs as: the owner when there is one, else the first role let in."""
    statuses = EXPECT[endpoint].statuses[method]
    order = ("participant", "organiser", "liaison", "anonymous", "other", "admin")
    return next(r for r in order if statuses[ROLES.index(r)] not in REFUSALS)


def request_as(matrix: Matrix, role: str, endpoint: str, method: str, **override: Any):
    client = client_as(matrix.app, matrix.world, role)
    token = token_of(client) if method in WRITES else None
    body = {k: resolve(matrix.world, v) for k, v in EXPECT[endpoint].body.items()}
    url = url_of(matrix.app, matrix.world, endpoint, method, **override)
    return send(client, method, url, body, token)


@pytest.mark.parametrize(
    ("endpoint", "method", "argument"),
    [(e, m, a) for e, m in ROUTES for a in sorted(ARGUMENTS[e] & IDS)],
)
def test_a_missing_id_is_not_found(
    matrix: Matrix, endpoint: str, method: str, argument: str
) -> None:
    response = request_as(matrix, let_in(endpoint, method), endpoint, method, **{argument: MISSING})
    assert response.status_code == (302 if (endpoint, argument) in FLASHED else 404)
    assert not matrix.changed()


ATTEMPT_ROUTES = [(e, m) for e, m in ROUTES if "attempt_id" in ARGUMENTS[e]]


@pytest.mark.parametrize(("endpoint", "method"), ATTEMPT_ROUTES)
def test_someone_elses_attempt_looks_exactly_like_a_missing_one(
    matrix: Matrix, endpoint: str, method: str
) -> None:
    theirs = request_as(matrix, "other", endpoint, method)
    missing = request_as(matrix, "other", endpoint, method, attempt_id=MISSING)
    assert theirs.status_code == missing.status_code == 404
    same = [CSRF_INPUT.sub("", r.get_data(as_text=True)) for r in (theirs, missing)]
    assert same[0] == same[1]


PUBLIC_ROUND_ROUTES = [
    (e, m) for e, m in ROUTES if "round_id" in ARGUMENTS[e] and not e.startswith("console")
]


@pytest.mark.parametrize(("endpoint", "method"), PUBLIC_ROUND_ROUTES)
def test_a_draft_round_does_not_exist_outside_the_console(
    matrix: Matrix, endpoint: str, method: str
) -> None:
    draft = matrix.world["draft_round"]
    response = request_as(matrix, let_in(endpoint, method), endpoint, method, round_id=draft)
    assert response.status_code == 404
    assert not matrix.changed()


@pytest.mark.parametrize(
    ("endpoint", "method"), [("console_bank.preview", "GET"), ("console_bank.confirm", "POST")]
)
def test_a_people_import_is_not_a_bank_upload(matrix: Matrix, endpoint: str, method: str) -> None:
    """Same owner, other kind: a staged staff list never opens as a question bank."""
    upload = matrix.world["people_upload"]
    response = request_as(matrix, "organiser", endpoint, method, upload_id=upload)
    assert response.status_code == 404


@pytest.mark.parametrize("round_key", ["closed_round", "open_round"])
def test_only_someone_who_took_part_can_be_excluded(matrix: Matrix, round_key: str) -> None:
    """Not even in advance, in a round still open that they might enter later."""
    outsider = {"round_id": matrix.world[round_key], "participant_id": matrix.world["student"]}
    request_as(matrix, "organiser", "console_review.exclude", "POST", **outsider)
    assert not matrix.changed(), "an exclusion was recorded for someone with no entry"


# --- CSRF ---------------------------------------------------------------------------------------

# Issuing a token takes a password and answers with the token in the body, not a cookie: a
# forged cross-site request gains nothing, and apps have no CSRF token to send.
TOKEN_ISSUERS = {"api.issue_token", "api.register_with_token"}
WRITE_ROUTES = [(e, m) for e, m in ROUTES if m in WRITES and e not in TOKEN_ISSUERS]


@pytest.mark.parametrize("token", ["none", "forged", "another session's"])
@pytest.mark.parametrize(("endpoint", "method"), WRITE_ROUTES)
def test_a_write_without_its_sessions_csrf_token_is_refused(
    matrix: Matrix, endpoint: str, method: str, token: str
) -> None:
    """Run as a role that would succeed, so the refusal can only come from the token."""
    app, world = matrix.app, matrix.world
    client = client_as(app, world, let_in(endpoint, method))
    sent = {
        "none": None,
        "forged": "IjRhZjU0ZDJmNDk1ZGIzOTY4In0.aT3qMA.Zm9yZ2VkLXNpZ25hdHVyZQ",
        "another session's": token_of(client_as(app, world, "anonymous")),
    }[token]
    body = {k: resolve(world, v) for k, v in EXPECT[endpoint].body.items()}
    response = send(client, method, url_of(app, world, endpoint, method), body, sent)
    assert response.status_code == 403
    if endpoint.startswith("api."):
        assert response.get_json()["error"]["code"] == "csrf"
    assert not matrix.watch.seen, "a write reached the database without a valid token"


# --- sessions -----------------------------------------------------------------------------------


def test_a_password_reset_signs_the_account_out_everywhere(matrix: Matrix) -> None:
    """A reset because the account was taken over must end the taker's session too."""
    device = matrix.app.test_client()
    signed_in = device.post(
        "/api/v1/login",
        json={"phone": ME.phone, "password": TEST_PASSWORD},
        headers={"X-CSRFToken": token_of(device)},
    )
    assert signed_in.status_code == 200
    reset = request_as(matrix, "organiser", "console_people.reset_password", "POST")
    assert reset.status_code == 302 and matrix.changed()
    assert device.get("/api/v1/me").status_code == 401


# --- liaisons: one ward's data, never another's ----------------------------------------------

# Every liaison page, and the exports in both formats.
LIAISON_FILES = ("liaison.export", "liaison.round_export")
LIAISON_READS = [(e, "html") for e, m in ROUTES if e.startswith("liaison.") and m == "GET"]
LIAISON_READS = [(e, f) for e, f in LIAISON_READS if e not in LIAISON_FILES] + [
    (e, f) for e in LIAISON_FILES for f in ("xlsx", "csv")
]
WARD_OF = {"liaison": ("participant", "excluded", "clerk"), "other_liaison": ("other", "student")}


@pytest.mark.parametrize(("endpoint", "fmt"), LIAISON_READS)
@pytest.mark.parametrize("role", ["liaison", "other_liaison"])
def test_a_liaison_sees_nothing_of_another_ward(
    matrix: Matrix, role: str, endpoint: str, fmt: str
) -> None:
    """Every liaison page and export, read as text: no name, phone or CCCD of anyone
    outside the liaison's ward, and phones of its own people only masked."""
    client = client_as(matrix.app, matrix.world, role)
    override = {"fmt": fmt} if endpoint in LIAISON_FILES else {}
    response = client.get(url_of(matrix.app, matrix.world, endpoint, "GET", **override))
    data = response.get_data()
    response.close()
    if response.status_code == 404:  # the person of the other ward
        return
    assert response.status_code == 200
    text = _as_text(data, fmt)
    mine = WARD_OF[role]
    for key, person in PEOPLE.items():
        spaced = " ".join((person.phone[:4], person.phone[4:7], person.phone[7:]))
        numbers = [n for n in (person.phone, person.cccd, spaced) if n]
        assert not any(n in text for n in numbers), f"{role} sees {key}'s phone or CCCD"
        if key not in mine:
            assert person.full_name not in text, f"{role} sees {key} of another ward"
    if endpoint in ("liaison.people", "liaison.export"):
        assert all(PEOPLE[key].full_name in text for key in mine)


def _as_text(data: bytes, fmt: str) -> str:
    if fmt != "xlsx":
        return data.decode("utf-8-sig")
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row)


def test_a_liaison_cannot_register_someone_in_another_ward(matrix: Matrix) -> None:
    """The form offers only its ward; a hand-made request for another ward is refused too."""
    body = {k: resolve(matrix.world, v) for k, v in NEW_PERSON.items()}
    client = client_as(matrix.app, matrix.world, "other_liaison")
    form = body | {"csrf_token": token_of(client)}
    response = send(client, "POST", "/lien-lac/dang-ky-ho", form, None)
    assert response.status_code == 200
    assert not matrix.changed()


# --- personal data by role: the README's table, checked on the pages of each role ----------

README = Path(__file__).resolve().parents[2] / "README.md"
# The README table's columns, in order, and the pages where each role sees someone's data.
ROLE_PAGES = {
    "participant": ("/cua-toi", "/luot-thi/{finished_attempt}/ket-qua"),
    "anonymous": (
        "/dot-thi/{closed_round}/bang-xep-hang",
        "/dot-thi/{open_round}/bang-xep-hang",
        "/ket-qua/cong-bo/{publication}",
    ),
    "liaison": (
        "/lien-lac/nguoi-du-thi",
        "/lien-lac/nguoi-du-thi/{participant}",
        "/lien-lac/dot-thi/{closed_round}",
        "/lien-lac/nguoi-du-thi.csv",
    ),
    "organiser": ("/console/people/", "/console/people/{participant}"),
}
FIELDS = {"Họ và tên": "name", "Số điện thoại": "phone", "CCCD": "cccd", "Năm sinh": "year"}


def personal_data_table() -> dict[tuple[str, str], str]:
    """(field, role) → "full", "masked" or "none", read from the README's table."""
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- personal-data-by-role -->")[1].split("<!-- /personal-data-by-role")[0]
    rows = [line.strip("|").split("|") for line in block.strip().splitlines()[2:]]
    kinds = {"đầy đủ": "full", "che": "masked", "không": "none"}
    found = {}
    for cells in rows:
        field_name = FIELDS[cells[0].strip()]
        for role, cell in zip(ROLE_PAGES, cells[1:], strict=True):
            found[field_name, role] = next(
                v for k, v in kinds.items() if cell.strip().startswith(k)
            )
    return found


def test_the_readme_table_names_every_field_for_every_role() -> None:
    assert len(personal_data_table()) == len(FIELDS) * len(ROLE_PAGES)


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_each_role_sees_personal_data_as_the_readme_says(matrix: Matrix, role: str) -> None:
    from quizapp.domain.people import mask_phone

    person = PEOPLE["participant"]
    client = client_as(matrix.app, matrix.world, role)
    pages = []
    for page in ROLE_PAGES[role]:
        response = client.get(page.format_map(matrix.world.ids))
        assert response.status_code == 200, page
        pages.append(response.data.decode("utf-8-sig"))
    text = "\n".join(pages)
    phone = person.phone
    spaced = f"{phone[:4]} {phone[4:7]} {phone[7:]}"
    shown = {
        "name": (person.full_name in text, False),
        "phone": (phone in text or spaced in text, mask_phone(phone) in text),
        "cccd": (person.cccd in text, person.cccd[-4:] in text),
        "year": (str(person.birth_year) in text, False),
    }
    for (field_name, table_role), kind in personal_data_table().items():
        if table_role != role:
            continue
        full, masked = shown[field_name]
        seen = "full" if full else "masked" if masked else "none"
        assert seen == kind, (field_name, role, seen, kind)
