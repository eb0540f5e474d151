"""The API's answer save by cookie session: the session is checked inside the save's one
statement, not by a read of the account before it, and an ended session still gets 401."""

from __future__ import annotations

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import Answer, Participant
from quizapp.security import hash_password
from quizapp.services import sessions
from tests.conftest import ApiClient
from tests.helpers import statements_during


@pytest.fixture
def signed_in(app: Flask, client, make_round, login_participant, clock):
    """A participant signed in by cookie with an attempt started: (api, participant, attempt)."""
    rnd = make_round(time_limit_seconds=600)
    person = login_participant()
    api = ApiClient(client)
    started = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts")
    assert started.status_code == 201, started.get_json()
    return api, person, started.get_json()["id"]


def _answers(app: Flask, attempt_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(db.func.count(Answer.id)).where(Answer.attempt_id == attempt_id)
        )


# With the rate limits on (as in production), the limiter keys the save on the participant the
# signed cookie names: counting it must not load the account either.
LIMITS_ON = {"RATELIMIT_ENABLED": True}


@pytest.mark.parametrize("app_config", [{}, LIMITS_ON], ids=["limits-off", "limits-on"])
def test_a_save_by_session_is_one_statement_and_the_commit(app, signed_in) -> None:
    api, _, attempt_id = signed_in
    url = f"/api/v1/attempts/{attempt_id}/answers/1"
    response, seen = statements_during(app, lambda: api.call("PUT", url, {"choice": 2}))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["answered"] == 1
    assert len(seen) == 1 and seen[0].startswith("INSERT INTO answers"), seen
    # A refusal takes the full path: the account as Flask-Login loads it, then why.
    missing = f"/api/v1/attempts/{attempt_id}/answers/99"
    refused, seen = statements_during(app, lambda: api.call("PUT", missing, {"choice": 0}))
    assert refused.status_code == 404
    assert refused.get_json()["error"]["code"] == "question_not_in_attempt"
    assert any("FROM participants" in s for s in seen[1:]), seen


def _sign_out_everywhere(person: Participant) -> None:
    sessions.end_sessions(db.session.get(Participant, person.id))


def _new_password(person: Participant) -> None:
    db.session.get(Participant, person.id).password_hash = hash_password("mat-khau-moi-123")


@pytest.mark.parametrize("end", [_sign_out_everywhere, _new_password])
def test_an_ended_session_gets_401_and_writes_nothing(app, signed_in, end) -> None:
    api, person, attempt_id = signed_in
    with app.app_context():
        end(person)
        db.session.commit()
    response = api.call("PUT", f"/api/v1/attempts/{attempt_id}/answers/1", {"choice": 1})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "login_required"
    assert _answers(app, attempt_id) == 0


def test_another_participants_session_cannot_save_into_the_attempt(
    app, signed_in, client, login_participant
) -> None:
    api, _, attempt_id = signed_in
    login_participant()  # the same browser, now someone else's session
    response = api.call("PUT", f"/api/v1/attempts/{attempt_id}/answers/1", {"choice": 1})
    assert response.status_code == 404
    assert _answers(app, attempt_id) == 0


def test_a_staff_session_still_gets_401(app, signed_in, login_staff) -> None:
    api, _, attempt_id = signed_in
    login_staff("organiser")
    response = api.call("PUT", f"/api/v1/attempts/{attempt_id}/answers/1", {"choice": 1})
    assert response.status_code == 401
    assert _answers(app, attempt_id) == 0
