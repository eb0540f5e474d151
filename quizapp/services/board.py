"""The public leaderboard and turnout: masked, cached briefly, frozen when the organiser says;
scores, ranks and times only when `domain.disclosure` lets the public see them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import event

from ..domain import disclosure
from ..domain.disclosure import Viewer
from ..domain.people import mask_phone
from ..extensions import cache, db
from ..models import Organisation, Round, StaffUser, Ward
from . import audit, collective, rankings, rounds
from .errors import Conflict


def _names(model: type) -> dict[int, str]:
    return dict(db.session.execute(db.select(model.id, model.name)).tuples().all())


def _compute(rnd: Round, as_of: datetime | None, now: datetime, scores: bool) -> dict[str, Any]:
    """The board; while scores are hidden, turnout only (no leaders: their order is a ranking)."""
    wards, orgs = _names(Ward), _names(Organisation)
    top = (
        rankings.round_ranking(rnd, limit=current_app.config["BOARD_TOP"], as_of=as_of)
        if scores
        else []
    )
    by_ward = collective.ranked(rnd, "ward", "participants", as_of)
    by_org = [
        g for g in collective.ranked(rnd, "organisation", "participants", as_of) if g.participants
    ][:30]
    return {
        "round_id": rnd.id,
        "as_of": as_of or now,
        "frozen_at": as_of,
        "updated_at": as_of or now,
        "scores_shown": scores,
        "participants": sum(g.participants for g in by_ward),
        "entries": sum(g.entries for g in by_ward),
        "top": [
            {
                "rank": r.rank,
                "name": r.full_name,
                "phone": mask_phone(r.phone),
                "ward": wards.get(r.ward_id, ""),
                "organisation": orgs.get(r.organisation_id) if r.organisation_id else None,
                "score": r.score,
                "time_used_ms": r.time_used_ms,
            }
            for r in top
        ],
        "wards": [
            {"code": g.key, "name": g.name, "participants": g.participants, "entries": g.entries}
            for g in by_ward
        ],
        "organisations": [
            {
                "code": g.key,
                "name": g.name,
                "participants": g.participants,
                "headcount": g.headcount,
                "rate": g.rate,
            }
            for g in by_org
        ],
    }


def _key(round_id: int, as_of: datetime | None, scores: bool = False) -> str:
    return f"board:{round_id}:{as_of.isoformat() if as_of else 'live'}:{int(scores)}"


def scores_public(rnd: Round, now: datetime) -> bool:
    """Whether the public board may show scores, ranks and times now."""
    return disclosure.of_round(rnd, Viewer.ANONYMOUS, now).scores


def public_board(rnd: Round, now: datetime) -> dict[str, Any]:
    """What anyone may see of a round now; the same data for every visitor (no user data).

    A frozen board is computed as of the freeze, under its own cache key, so nothing newer can
    leak through a cached copy. Whether scores show is part of the key too, so a board kept
    from before they were public is not served after, nor the other way round.
    """
    scores = scores_public(rnd, now)
    key = _key(rnd.id, rnd.board_frozen_at, scores)
    data = cache.get(key)
    if data is None:
        data = _compute(rnd, rnd.board_frozen_at, now, scores)
        cache.set(
            key,
            data,
            timeout=current_app.config["BOARD_CACHE_SECONDS"],
        )
    return data


def _served_key(round_id: int, frozen_at: datetime | None = None, scores: bool = False) -> str:
    moment = frozen_at.isoformat() if frozen_at else "live"
    return f"board:{round_id}:served:{moment}:{int(scores)}"


def public_board_json(round_id: int, now: datetime) -> bytes:
    """The board as the API sends it: the polled path, one primary-key read of the round and
    otherwise answered from the cache.

    The body is kept for BOARD_CACHE_SECONDS under the round's id and its freeze moment, so a
    freeze shows at once in every worker (each may keep its own cache): a body kept from before
    the freeze is never served after it, and a frozen body never changes.
    """
    rnd = rounds.get_public_round(round_id)
    key = _served_key(round_id, rnd.board_frozen_at, scores_public(rnd, now))
    body = cache.get(key)
    if body is None:
        data = public_board(rnd, now)
        body = json.dumps(
            {
                **data,
                "as_of": _iso(data["as_of"]),
                "frozen_at": _iso(data["frozen_at"]),
                "updated_at": _iso(data["updated_at"]),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        cache.set(key, body, timeout=current_app.config["BOARD_CACHE_SECONDS"])
    return body


def forget_served(rnd: Round) -> None:
    """Drop the served body and the live board of `rnd` once the current transaction commits
    (not before: a poll in between would store a body computed from the old state)."""
    keys = [f(rnd.id, None, scores) for f in (_served_key, _key) for scores in (False, True)]
    event.listen(db.session(), "after_commit", lambda _s: cache.delete_many(*keys), once=True)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def freeze(actor: StaffUser | None, rnd: Round, now: datetime) -> None:
    """Keep the public board exactly as it is now until publication (or an unfreeze)."""
    if rnd.board_frozen_at is not None:
        raise Conflict("already_frozen", "Bảng xếp hạng công khai đã được đóng băng.")
    if rnd.status in ("draft", "published", "archived"):
        raise Conflict(
            "not_freezable", "Chỉ đóng băng được bảng xếp hạng của đợt thi đang diễn ra."
        )
    freeze_at(rnd, now)
    audit.record(actor, "board.freeze", rnd)


def freeze_at(rnd: Round, moment: datetime) -> None:
    """Copy the live entries as the public view, labelled with `moment`."""
    rnd.board_frozen_at = moment
    rankings.freeze_entries(rnd)
    forget_served(rnd)


def unfreeze(actor: StaffUser, rnd: Round, reason: str) -> None:
    if rnd.board_frozen_at is None:
        raise Conflict("not_frozen", "Bảng xếp hạng công khai đang không đóng băng.")
    rnd.board_frozen_at = None
    rankings.drop_frozen_entries(rnd)
    forget_served(rnd)
    audit.record(actor, "board.unfreeze", rnd, reason=reason)
