"""Public reads: registry, rounds, the CSRF token for cookie clients."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify
from flask_wtf.csrf import generate_csrf

from ...clock import now
from ...domain import round_rules, timing
from ...models import Round
from ...services import board, registry_queries, rounds
from . import bp


@bp.get("/csrf")
def csrf_token():
    """The token to send back in the X-CSRFToken header of state-changing calls."""
    return jsonify({"csrf_token": generate_csrf()})


@bp.get("/registry")
def registry():
    return jsonify(
        {
            "wards": [
                {"id": w.id, "code": w.code, "name": w.name} for w in registry_queries.wards()
            ],
            "organisations": [
                {"id": o.id, "code": o.code, "name": o.name, "kind": o.kind, "ward_id": o.ward_id}
                for o in registry_queries.organisations()
            ],
        }
    )


def round_json(rnd: Round, with_rules: bool = False) -> dict[str, Any]:
    state = timing.round_state(rnd.status, rnd.opens_at, rnd.closes_at, now())
    body: dict[str, Any] = {
        "id": rnd.id,
        "contest": rnd.contest.title,
        "title": rnd.title,
        "opens_at": rnd.opens_at.isoformat(),
        "closes_at": rnd.closes_at.isoformat(),
        "state": state.value,
        "question_count": rnd.question_count,
        "time_limit_seconds": rnd.time_limit_seconds,
        "max_attempts": rnd.max_attempts,
        "prediction_kind": rnd.prediction_kind,
    }
    if with_rules:
        body["rules"] = round_rules.rules_text(rounds.settings_of(rnd))
    return body


@bp.get("/rounds")
def rounds_list():
    return jsonify({"rounds": [round_json(r) for r in rounds.public_rounds()]})


@bp.get("/rounds/<int:round_id>")
def round_detail(round_id: int):
    return jsonify(round_json(rounds.get_public_round(round_id), with_rules=True))


@bp.get("/rounds/<int:round_id>/leaderboard")
def leaderboard(round_id: int):
    """The public board (masked, cached, frozen when the organiser froze it)."""
    body = board.public_board_json(round_id, now())
    return current_app.response_class(body, mimetype="application/json")
