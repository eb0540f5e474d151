"""Telling people: the publication of each published round, and what a participant won.

Read from the publications themselves (their payload is what was announced; services/
publication.py writes it). A publication never changes, so each app keeps the winners of those
it has read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import current_app

from ..extensions import db
from ..models import Publication


@dataclass(frozen=True)
class Prize:
    round_id: int
    tier: str
    publication_id: int


def latest_publications(round_ids: Iterable[int]) -> dict[int, int]:
    """The id of the newest publication (corrections included) of each round that has one."""
    ids = set(round_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Publication.round_id, Publication.id)
        .where(Publication.round_id.in_(ids))
        .order_by(Publication.sequence)
    ).tuples()
    return {round_id: pub_id for round_id, pub_id in rows if round_id is not None}


def _winners(publication_id: int) -> dict[int, str]:
    """participant id → prize of one publication (kept: a publication is immutable)."""
    known: dict[int, dict[int, str]] = current_app.extensions.setdefault("published_winners", {})
    if publication_id not in known:
        payload = db.session.scalar(
            db.select(Publication.payload).where(Publication.id == publication_id)
        )
        known[publication_id] = {
            int(w["participant"]): str(w["tier"]) for w in (payload or {}).get("winners", [])
        }
    return known[publication_id]


def prizes_of(participant_id: int, publications: Mapping[int, int]) -> dict[int, Prize]:
    """What the participant won, by round, as the newest publication of each round says
    (`publications`: round id → publication id, from `latest_publications`)."""
    prizes = {}
    for round_id, pub_id in publications.items():
        tier = _winners(pub_id).get(participant_id)
        if tier is not None:
            prizes[round_id] = Prize(round_id, tier, pub_id)
    return prizes
