"""Hostile input: schemathesis over /api/v1/openapi.json against a live gunicorn server.

Every operation gets a bounded, seeded set of generated requests (valid and invalid data),
sent with a signed-in participant's cookie session and CSRF header. The app answers bad input
with 4xx JSON errors; any 5xx is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from quizapp.views.api.openapi import document
from tests.system.support import Api, seed

CONFIG = {
    "seed": 20261120,
    "generation": {
        "mode": "all",
        "max-examples": 25,
        "database": "none",
        # The CSRF header is the session's own (below), never a generated one.
        "with-security-parameters": False,
    },
}


@dataclass(frozen=True)
class Live:
    api_base: str
    signed_in: Api
    real_ids: dict[str, int]

    def session(self) -> requests.Session:
        """A new session with the participant's cookies: a logout in one case ends only it."""
        return self.signed_in.clone().session


@pytest.fixture(scope="module")
def live(module_database: str, serve_module) -> Live:
    seeded = seed(module_database, max_attempts=None)
    server = serve_module(module_database, workers=2)
    # The cases come from the document in the code: check the server serves that very one.
    assert requests.get(f"{server.base}/api/v1/openapi.json", timeout=30).json() == document()
    api = Api.login(server.base, seeded.phones[0])
    started = api.start(seeded.round_id)
    assert started.status_code == 201
    ids = {"round_id": seeded.round_id, "attempt_id": started.json()["id"], "position": 1}
    return Live(f"{server.base}/api/v1", api, ids)


# Loaded from the code at import (the lazy fixture loader needs a pytest internal that pytest 9
# no longer has); every call goes to the live server.
schema = schemathesis.openapi.from_dict(document(), config=SchemathesisConfig.from_dict(CONFIG))


def _aimed(name: str, value: object, live: Live) -> object:
    """An even generated id becomes the live round's or attempt's, so that hostile bodies reach
    real rows; an odd one is left as generated (any size: larger than the columns is a 404)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return value
    return live.real_ids[name] if value % 2 == 0 else value


@schema.parametrize()
def test_no_generated_request_makes_a_server_error(case, live: Live) -> None:
    path = case.path_parameters or {}
    case.path_parameters = {name: _aimed(name, value, live) for name, value in path.items()}
    response = case.call(
        base_url=live.api_base,
        session=live.session(),
        headers={"X-CSRFToken": live.signed_in.token},
    )
    case.validate_response(response, checks=[not_a_server_error])


ID_ROUTES = [
    ("GET", "/rounds/{}"),
    ("GET", "/rounds/{}/leaderboard"),
    ("POST", "/rounds/{}/attempts"),
    ("GET", "/attempts/{}"),
    ("PUT", "/attempts/{}/answers/1"),
    ("POST", "/attempts/{}/submit"),
    ("GET", "/attempts/{}/result"),
]


@pytest.mark.parametrize(("method", "path"), ID_ROUTES)
def test_an_id_past_the_integer_range_is_not_found(live: Live, method: str, path: str) -> None:
    api = live.signed_in.clone()
    response = api.call(method, "/api/v1" + path.format(2**63), {"choice": 1})
    assert response.status_code == 404, response.text
