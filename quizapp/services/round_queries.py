"""Reads of rounds: the ones open now, for the console with their participation, and what a
start draws from."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime
from typing import Any, Protocol

from ..domain.drawing import Pools, Quota, pools
from ..extensions import cache, db
from ..models import Attempt, Contest, Round
from .rounds import DRAW_GENERATION_KEY, draw_inputs_changed, pool_for


def participation(round_id: int) -> dict[str, int]:
    """Entries started, finished, and distinct participants of a round (counted in SQL)."""
    row = db.session.execute(
        db.select(
            db.func.count(Attempt.id),
            db.func.count(Attempt.submitted_at),
            db.func.count(db.distinct(Attempt.participant_id)),
        ).where(Attempt.round_id == round_id)
    ).one()
    return {"started": row[0], "finished": row[1], "participants": row[2]}


def open_rounds(now: datetime) -> list[Round]:
    """Rounds a resident can take at this moment, the one closing first at the top."""
    return list(
        db.session.scalars(
            db.select(Round)
            .where(Round.status == "open", Round.opens_at <= now, Round.closes_at > now)
            .order_by(Round.closes_at, Round.id)
        )
    )


def overview() -> list[dict[str, Any]]:
    rows = db.session.scalars(db.select(Round).order_by(Round.opens_at.desc())).all()
    return [{"round": r, **participation(r.id)} for r in rows]


def new_slug(title: str) -> str:
    """An ASCII slug from a Vietnamese title, unique among contests."""
    ascii_title = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.encode("ascii", "ignore").decode().lower())
    base = base.strip("-")[:60] or "cuoc-thi"
    slug, n = base, 1
    while db.session.scalar(db.select(Contest.id).where(Contest.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


# The draw's generation (`rounds.DRAW_GENERATION_KEY`): replaced when a change to what a draw
# reads commits (the one watch in services.rounds) and at the latest when it expires.
_GENERATION_SECONDS = 60
_prepared: dict[tuple[int, object, str], Pools] = {}  # this process's, of one generation


class RoundKey(Protocol):
    """What keeps a round's pools: the round (an ORM `Round` or the columns a start read) and
    its last change."""

    @property
    def id(self) -> int: ...

    @property
    def updated_at(self) -> datetime: ...


def round_pools(rnd: RoundKey) -> Pools:
    """The round's quotas checked against the candidates once, kept per round and generation
    of the bank: a start samples from them, reading neither the quotas nor the candidates (nor
    the round: it is loaded only to build them).

    A layer around `rounds.pool_for` (what the round may draw): the rule stays there.
    Raises DrawError, as `drawing.draw` does, when the bank cannot satisfy the quotas.
    """
    if draw_inputs_changed():  # this transaction changed them: read afresh
        return _pools_of(rnd.id)
    generation = cache.get(DRAW_GENERATION_KEY)
    if generation is None:
        generation = secrets.token_hex(8)
        cache.set(DRAW_GENERATION_KEY, generation, timeout=_GENERATION_SECONDS)
    key = (rnd.id, rnd.updated_at, generation)
    found = _prepared.get(key)
    if found is None:
        found = _pools_of(rnd.id)
        if any(k[2] != generation for k in _prepared):
            _prepared.clear()  # an older generation's: never asked for again
        _prepared[key] = found
    return found


def _pools_of(round_id: int) -> Pools:
    # An ORM round already in the session (the console's, a test's) is not read again.
    rnd = db.session.get_one(Round, round_id)
    quotas = [Quota(q.count, q.topic_id, q.difficulty) for q in rnd.quotas]
    return pools(pool_for(rnd), quotas, rnd.question_count)
