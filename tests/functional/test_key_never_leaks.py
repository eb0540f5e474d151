"""While a round can be answered, nothing sent to a participant reveals the answer key."""

import json

from flask import Flask

from quizapp.extensions import db
from quizapp.models import Attempt
from tests.conftest import ApiClient, csrf_from
from tests.helpers import finalise


def _secrets(app: Flask, attempt_id: int) -> tuple[list[str], list[int]]:
    """Texts that only the key holds (explanations, citations) and each correct position."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        texts = [t for i in attempt.items for t in (i.version.explanation, i.version.source)]
        correct = [i.choice_order.index(i.version.correct_index) for i in attempt.items]
        return texts, correct


def test_scan_every_participant_response_of_an_open_round(
    app: Flask, client, make_round, login_participant, clock
) -> None:
    rnd = make_round(question_count=5, prediction_kind="entries")
    login_participant()
    api = ApiClient(client)
    bodies: list[str] = []

    def keep(response) -> None:
        bodies.append(response.get_data(as_text=True))

    keep(client.get(f"/dot-thi/{rnd.id}"))
    started = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts")
    keep(started)
    attempt_id = started.get_json()["id"]
    for position in range(1, 6):
        keep(client.get(f"/luot-thi/{attempt_id}?cau={position}"))
        keep(api.call("PUT", f"/api/v1/attempts/{attempt_id}/answers/{position}", {"choice": 0}))
    keep(api.get(f"/api/v1/attempts/{attempt_id}"))
    keep(client.get(f"/luot-thi/{attempt_id}/nop"))
    token = csrf_from(client, f"/luot-thi/{attempt_id}/nop")
    submitted = client.post(
        f"/luot-thi/{attempt_id}/nop", data={"csrf_token": token, "prediction": "10"}
    )
    keep(client.get(submitted.headers["Location"]))
    keep(api.get(f"/api/v1/attempts/{attempt_id}/result"))
    keep(api.get("/api/v1/me/attempts"))
    keep(client.get("/cua-toi"))
    with client.get("/static/js/attempt.js") as script:
        keep(script)

    texts, correct = _secrets(app, attempt_id)
    everything = "\n".join(bodies)
    for secret in texts:
        assert secret not in everything
    for body in bodies:
        try:
            data = json.loads(body)
        except ValueError:
            continue
        flat = json.dumps(data)
        for key in ("correct", "correct_index", "explanation", "source", "choice_order", "seed"):
            assert f'"{key}"' not in flat
        if "review" in data:
            assert data["review"] == [] and data["score"] is None
    assert "(đáp án đúng)" not in everything

    clock.advance(days=2)
    closed = api.get(f"/api/v1/attempts/{attempt_id}/result").get_json()
    assert closed["review"] == [] and closed["score"] is None  # closed, but may be reopened
    finalise(app, rnd.id, clock.now)
    after = api.get(f"/api/v1/attempts/{attempt_id}/result").get_json()
    assert [q["correct"] for q in after["review"]] == correct
