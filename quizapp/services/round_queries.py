"""Reads of rounds: the ones open now, and for the console with their participation."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from ..extensions import db
from ..models import Attempt, Contest, Round


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
