"""Conformance and hostile input: schemathesis over /api/v1/openapi.json against a live gunicorn.

Every operation gets a bounded, seeded set of generated requests (valid and invalid data).
Operations a token may call are sent with a participant's bearer token (no cookie, no CSRF);
the browser-only ones (register, cookie login) with a cookie session and its CSRF header.
Each response must be what the document says: a documented status, the documented content
type and headers, a body valid by the response's schema; invalid data must be refused; and
no 5xx, ever.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from quizapp.views.api.openapi import document
from tests.conftest import TEST_PASSWORD
from tests.system.support import Api, seed

CONFIG = {
    "seed": 20261120,
    "generation": {
        "mode": "all",
        "max-examples": 25,
        "database": "none",
        # Credentials are the client's own (below), never generated ones.
        "with-security-parameters": False,
    },
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Calls that end the credential they are sent with get a throwaway token of their own.
SELF_ENDING = {"logout", "revokeToken"}


@dataclass(frozen=True)
class Live:
    base: str
    signed_in: Api
    phone: str
    token: str
    real_ids: dict[str, int]

    @property
    def api_base(self) -> str:
        return f"{self.base}/api/v1"

    def new_token(self) -> dict:
        response = requests.post(
            f"{self.api_base}/tokens",
            json={"phone": self.phone, "password": TEST_PASSWORD, "label": "schemathesis"},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture(scope="module")
def live(module_database: str, serve_module) -> Live:
    seeded = seed(module_database, max_attempts=None)
    server = serve_module(module_database, workers=2)
    # The cases come from the document in the code: check the server serves that very one.
    assert requests.get(f"{server.base}/api/v1/openapi.json", timeout=30).json() == document()
    phone = seeded.phones[0]
    token = Live(server.base, Api(server.base), phone, "", {}).new_token()
    headers = {"Authorization": f"Bearer {token['token']}"}
    started = requests.post(
        f"{server.base}/api/v1/rounds/{seeded.round_id}/attempts", headers=headers, timeout=30
    )
    assert started.status_code == 201
    ids = {
        "round_id": seeded.round_id,
        "attempt_id": started.json()["id"],
        "position": 1,
        "token_id": token["id"],
    }
    return Live(server.base, Api.login(server.base, phone), phone, token["token"], ids)


# Loaded from the code at import (the lazy fixture loader needs a pytest internal that pytest 9
# no longer has); every call goes to the live server.
schema = schemathesis.openapi.from_dict(document(), config=SchemathesisConfig.from_dict(CONFIG))


def _aimed(name: str, value: object, ids: dict[str, int]) -> object:
    """An even generated id becomes the live round's, attempt's or token's, so that hostile
    bodies reach real rows; an odd one is left as generated (larger than the columns: 404)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return value
    return ids[name] if value % 2 == 0 else value


def _credentials(case, live: Live) -> tuple[requests.Session, dict[str, str], dict[str, int]]:
    security = case.operation.definition.raw.get("security") or []
    uses_token = any("bearerToken" in alternative for alternative in security)
    ids = dict(live.real_ids)
    if case.operation.definition.raw["operationId"] in SELF_ENDING:
        throwaway = live.new_token()
        ids["token_id"] = throwaway["id"]
        return requests.Session(), {"Authorization": f"Bearer {throwaway['token']}"}, ids
    if uses_token:
        return requests.Session(), {"Authorization": f"Bearer {live.token}"}, ids
    # Browser-only or public: a cookie session of its own, with its CSRF token.
    api = live.signed_in.clone()
    return api.session, {"X-CSRFToken": api.token}, ids


@schema.parametrize()
def test_every_response_conforms_to_the_document(case, live: Live) -> None:
    session, headers, ids = _credentials(case, live)
    path = case.path_parameters or {}
    case.path_parameters = {name: _aimed(name, value, ids) for name, value in path.items()}
    response = case.call(base_url=live.api_base, session=session, headers=headers)
    case.validate_response(response, checks=CHECKS)


ID_ROUTES = [
    ("GET", "/rounds/{}"),
    ("GET", "/rounds/{}/leaderboard"),
    ("POST", "/rounds/{}/attempts"),
    ("GET", "/attempts/{}"),
    ("PUT", "/attempts/{}/answers/1"),
    ("POST", "/attempts/{}/submit"),
    ("GET", "/attempts/{}/result"),
    ("DELETE", "/tokens/{}"),
]


@pytest.mark.parametrize(("method", "path"), ID_ROUTES)
def test_an_id_past_the_integer_range_is_not_found(live: Live, method: str, path: str) -> None:
    api = live.signed_in.clone()
    response = api.call(method, "/api/v1" + path.format(2**63), {"choice": 1})
    assert response.status_code == 404, response.text


def test_a_revoked_token_is_refused_by_the_live_server(live: Live) -> None:
    token = live.new_token()
    headers = {"Authorization": f"Bearer {token['token']}"}
    me = f"{live.api_base}/me"
    assert requests.get(me, headers=headers, timeout=30).status_code == 200
    revoked = requests.delete(f"{live.api_base}/tokens/{token['id']}", headers=headers, timeout=30)
    assert revoked.status_code == 200
    assert requests.get(me, headers=headers, timeout=30).status_code == 401
