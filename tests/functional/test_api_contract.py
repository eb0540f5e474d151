"""What a third party builds on: CORS for named origins only, strict validation with field
errors, pagination with a maximum, and an OpenAPI document that says all of it."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest
from flask import Flask

from quizapp import create_app
from quizapp.config import ConfigError
from tests.conftest import TEST_PASSWORD

ALLOWED = "https://mini.zalo.example"


@pytest.fixture
def app_config() -> dict:
    return {"CORS_ORIGINS": [ALLOWED, "http://localhost:5173/"]}


@pytest.fixture(autouse=True)
def _frozen(clock) -> None:
    """Rounds are set from FIXED_NOW."""


def test_an_allowed_origin_gets_its_grant_and_never_credentials(client) -> None:
    response = client.get("/api/v1/rounds", headers={"Origin": ALLOWED})
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Origin" in response.headers["Vary"]
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]
    # The list may name an origin with a trailing slash; the browser sends none.
    local = client.get("/api/v1/rounds", headers={"Origin": "http://localhost:5173"})
    assert local.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"


def test_a_preflight_is_answered_for_an_allowed_origin(client, make_round) -> None:
    rnd = make_round()
    response = client.options(
        f"/api/v1/rounds/{rnd.id}/attempts",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "https://mini.zalo.example.evil.example", "null"]
)
def test_an_origin_not_on_the_list_gets_no_grant(client, origin: str) -> None:
    for response in (
        client.get("/api/v1/rounds", headers={"Origin": origin}),
        client.options(
            "/api/v1/rounds", headers={"Origin": origin, "Access-Control-Request-Method": "GET"}
        ),
    ):
        assert not any(h.startswith("Access-Control-") for h, _ in response.headers.items())


def test_html_pages_get_no_cors_grant(client) -> None:
    response = client.get("/", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_no_origin_is_allowed_by_default() -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = app.test_client().get("/api/v1/openapi.json", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("origins", [["*"], "*", ["mini.zalo.example"], "https://a.example,*"])
def test_a_wildcard_or_a_bare_host_refuses_to_start(origins) -> None:
    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "CORS_ORIGINS": origins}
        )


def test_a_whole_number_written_as_a_float_is_an_integer(api, make_round, login_participant):
    rnd = make_round(question_count=3, prediction_kind="entries")
    login_participant()
    attempt = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts").get_json()
    saved = api.call("PUT", f"/api/v1/attempts/{attempt['id']}/answers/1", {"choice": 1.0})
    assert saved.status_code == 200
    done = api.call("POST", f"/api/v1/attempts/{attempt['id']}/submit", {"prediction": 25699.0})
    assert done.status_code == 200 and done.get_json()["prediction"] == 25699


def test_the_api_answers_vietnamese_in_utf_8_not_escapes(api, make_round, login_participant):
    """A phone on a slow network downloads each letter once: "Câu" is 4 bytes, not "C\\u00e2u"."""
    rnd = make_round(question_count=3)
    login_participant()
    started = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts")
    assert started.status_code == 201
    assert started.mimetype == "application/json"
    raw = started.get_data()
    assert "Câu hỏi thử số".encode() in raw and b"\\u" not in raw
    assert started.get_json()["questions"][0]["text"].startswith("Câu hỏi thử số")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"prediction": 25699.5}, "bad_field", "prediction"),
        ({"prediction": "25699"}, "bad_field", "prediction"),
        ({"prediction": -1}, "bad_field", "prediction"),
        ({"prediction": 2**31}, "bad_field", "prediction"),
        ({"prediction": 1, "extra": 1}, "unknown_field", "extra"),
    ],
)
def test_refusals_name_the_field_in_vietnamese(
    api, make_round, login_participant, body, code, field
) -> None:
    rnd = make_round(question_count=3)
    login_participant()
    attempt = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts").get_json()
    response = api.call("POST", f"/api/v1/attempts/{attempt['id']}/submit", body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["fields"][0]["field"] == field and "Trường" in error["message"]


def test_every_field_error_is_listed(api, make_ward) -> None:
    make_ward()
    response = api.call(
        "POST", "/api/v1/register", {"full_name": "", "phone": 912, "birth_year": 1800}
    )
    assert response.status_code == 400
    fields = {f["field"] for f in response.get_json()["error"]["fields"]}
    assert {"full_name", "phone", "birth_year", "password", "ward_id", "consent"} <= fields


def test_lists_are_paged_with_a_maximum(api, make_round, make_ward) -> None:
    for n in range(3):
        make_ward(name=f"Phường Thử {n}")
    first = api.get("/api/v1/wards?size=2").get_json()
    assert (first["page"], first["size"], first["total"], len(first["items"])) == (1, 2, 3, 2)
    last = api.get("/api/v1/wards?size=2&page=2").get_json()
    assert len(last["items"]) == 1 and last["items"][0] not in first["items"]
    assert api.get("/api/v1/wards?page=9").get_json()["items"] == []
    for query in ("size=101", "size=0", "page=0", "size=abc"):
        refused = api.get(f"/api/v1/wards?{query}")
        assert refused.status_code == 400, query
        assert refused.get_json()["error"]["field"] in ("size", "page")


def test_the_board_says_as_of_when(api, make_round) -> None:
    rnd = make_round()
    board = api.get(f"/api/v1/rounds/{rnd.id}/leaderboard").get_json()
    assert board["as_of"] == board["updated_at"] and board["frozen_at"] is None


def test_the_document_is_openapi_3_1_and_complete(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    schemes = document["components"]["securitySchemes"]
    assert (
        schemes["bearerToken"]["scheme"] == "bearer" and schemes["cookieSession"]["in"] == "cookie"
    )
    ids = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            ids.append(op["operationId"])
            assert op["summary"] and op["tags"], (method, path)
            for status, response in op["responses"].items():
                if "$ref" in response:
                    continue
                media = response["content"]["application/json"]
                assert media["schema"] and media["examples"], (method, path, status)
    assert len(ids) == len(set(ids))
    listing = document["paths"]["/rounds"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "size"}
    size = next(p for p in listing["parameters"] if p["name"] == "size")
    assert size["schema"]["maximum"] == 100
    register = document["components"]["schemas"]["RegisterIn"]["properties"]
    assert register["full_name"]["maxLength"] == 120 and register["birth_year"]["minimum"] == 1900
    assert "fields" in document["components"]["schemas"]["ErrorDetail"]["properties"]
    assert document["paths"]["/rounds/{round_id}/attempts"]["post"]["responses"].keys() >= {
        "200",
        "201",
    }


def test_every_example_is_valid_by_its_own_schema(client) -> None:
    """Examples and schemas come from the same models; a drift between them fails here."""
    document = client.get("/api/v1/openapi.json").get_json()
    defs = document["components"]["schemas"]
    checked = 0
    for item in document["paths"].values():
        for op in item.values():
            bodies = [op.get("requestBody", {}), *op["responses"].values()]
            for part in bodies:
                media = part.get("content", {}).get("application/json")
                if not media:
                    continue
                schema = {"$defs": defs, **json.loads(json.dumps(media["schema"]))}
                text = json.dumps(schema).replace("#/components/schemas/", "#/$defs/")
                validator = jsonschema_rs.Draft202012Validator(json.loads(text))
                for example in media["examples"].values():
                    assert validator.is_valid(example["value"]), example
                    checked += 1
    assert checked > 20


def test_the_readable_page_is_served_from_static(client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    page.close()
    assert "openapi.json" in html and "https://" not in html.split("<body")[0]


def test_a_token_client_signs_in_from_an_allowed_origin(client, make_participant) -> None:
    person = make_participant()
    response = client.post(
        "/api/v1/tokens",
        json={"phone": person.phone, "password": TEST_PASSWORD},
        headers={"Origin": ALLOWED},
    )
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_the_allowlist_is_normalised(app: Flask) -> None:
    assert app.extensions["cors_origins"] == {ALLOWED, "http://localhost:5173"}


def test_the_documented_finish_reasons_are_the_database_s() -> None:
    import re

    from quizapp.models import Attempt
    from quizapp.views.api.schemas_flow import FinishReason

    check = next(
        str(c.sqltext)
        for c in Attempt.__table__.constraints
        if "finish_reason IN" in str(getattr(c, "sqltext", ""))
    )
    assert set(re.findall(r"'(\w+)'", check)) == set(FinishReason.__args__)
