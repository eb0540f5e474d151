"""Rate limits on sign-in, registration and attempt start, answered in Vietnamese."""

import pytest

from tests.conftest import ApiClient, post_form


@pytest.fixture
def app_config() -> dict:
    return {
        "RATELIMIT_ENABLED": True,
        "LIMIT_LOGIN": "3 per minute",
        "LIMIT_LOGIN_PER_ACCOUNT": "2 per minute",
        "LIMIT_REGISTER": "2 per minute",
        "LIMIT_START": "2 per minute",
    }


def test_login_attempts_are_limited_with_a_vietnamese_429_page(client, make_participant) -> None:
    person = make_participant()
    statuses = [
        post_form(client, "/dang-nhap", {"phone": person.phone, "password": "sai"}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    page = post_form(client, "/dang-nhap", {"phone": "0900000000", "password": "sai"})
    assert page.status_code == 429
    assert "Bạn thao tác quá nhanh" in page.get_data(as_text=True)


def test_api_limits_answer_json(client) -> None:
    api = ApiClient(client)
    codes = [
        api.call("POST", "/api/v1/login", {"phone": "0912345678", "password": "x"})
        for _ in range(3)
    ]
    assert [r.status_code for r in codes] == [401, 401, 429]
    assert codes[-1].get_json()["error"]["code"] == "rate_limited"


def test_registration_is_limited(client, make_ward) -> None:
    make_ward()
    api = ApiClient(client)
    codes = [api.call("POST", "/api/v1/register", {"full_name": "A"}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_attempt_start_is_limited(client, make_round, login_participant, clock) -> None:
    rnd = make_round()
    login_participant()
    api = ApiClient(client)
    codes = [api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts").status_code for _ in range(3)]
    assert codes == [201, 200, 429]


def test_each_token_has_its_own_budget_and_its_start_limit(
    app, make_participant, make_round, clock
):
    """A token is counted as a session is: per token, not per address (one NAT, many phones)."""
    from tests.conftest import TEST_PASSWORD

    app.config["LIMIT_API_TOKEN"] = "3 per minute"
    rnd = make_round()
    client = app.test_client(use_cookies=False)
    tokens = []
    for person in (make_participant(), make_participant()):
        issued = client.post(
            "/api/v1/tokens", json={"phone": person.phone, "password": TEST_PASSWORD}
        )
        tokens.append({"Authorization": f"Bearer {issued.get_json()['token']}"})
    first = [client.get("/api/v1/me", headers=tokens[0]).status_code for _ in range(4)]
    assert first == [200, 200, 200, 429]
    assert client.get("/api/v1/me", headers=tokens[1]).status_code == 200
    assert client.get("/api/v1/me").status_code == 401  # no token: not this limit
    app.config["LIMIT_API_TOKEN"] = "100 per minute"
    starts = [
        client.post(f"/api/v1/rounds/{rnd.id}/attempts", headers=tokens[1]).status_code
        for _ in range(3)
    ]
    assert starts[:2] in ([201, 200], [200, 200]) and starts[2] == 429
