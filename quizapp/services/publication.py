"""Publishing winners: an immutable snapshot with the rules and a digest of the full ranking."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from ..domain import publication as pub
from ..domain.lifecycle import Action, Command
from ..domain.people import mask_phone
from ..domain.ranking import KEYS
from ..domain.round_rules import rules_text
from ..extensions import db
from ..models import Publication, Round, StaffUser
from . import audit, board, collective, lifecycle, prize_adjustments, rankings
from .errors import NotFound, ServiceError
from .rankings import policy_of
from .results import Results, gather, publication_data
from .rounds import settings_of


def latest(rnd: Round) -> Publication | None:
    return db.session.scalar(
        db.select(Publication)
        .where(Publication.round_id == rnd.id)
        .order_by(Publication.sequence.desc())
    )


def _winners(results: Results, salt: str) -> list[dict[str, Any]]:
    rows = {r.participant_id: r for r in results.ranking}
    winners = []
    for award in results.draft.awards:
        person, row = results.people[award.participant_id], rows[award.participant_id]
        winners.append(
            {
                "tier": award.tier,
                "rank": award.rank,
                "participant": award.participant_id,
                "entrant": pub.pseudonym(salt, award.participant_id),
                "name": person.full_name,
                "phone": mask_phone(person.phone),
                "ward": person.ward,
                "organisation": person.organisation,
                "score": row.score,
                "time_ms": row.time_used_ms,
            }
        )
    return winners


def _rules(rnd: Round, results: Results) -> dict[str, Any]:
    """The rules a publication was made under: the ranking policy, its text, the notes."""
    return {
        "policy": [KEYS[k][0] for k in policy_of(rnd)],
        "text": rules_text(settings_of(rnd)),
        "prediction_actual": rnd.prediction_actual,
    }


def _payload(rnd: Round, results: Results, salt: str, data: bytes) -> dict[str, Any]:
    """What a publication freezes: winners, the ranking data, the collective boards."""
    return {
        "winners": _winners(results, salt),
        "ranking": data.decode("utf-8"),
        "salt": salt,  # never served: it would let anyone link entrants across rounds
        "collective": {by: collective.as_payload(d) for by, d in results.collective.items()},
        "participants": len(results.ranking),
        "adjustments": prize_adjustments.as_payload(rnd),
        "digest_covers_prizes": True,
    }


def _checked(results: Results, acknowledgement: str) -> list[str]:
    """The checklist, refused unless acknowledged with a reason (the request then rolls back
    and the round stays as it was)."""
    checklist = pub.checklist(results)
    if checklist and not acknowledgement.strip():
        raise ServiceError(
            "acknowledgement_required",
            f"Còn {len(checklist)} điểm cần lưu ý (cảnh báo hoặc bằng nhau); "
            "hãy ghi lý do vẫn công bố.",
            field="acknowledgement",
        )
    return checklist


def publish(
    actor: StaffUser,
    rnd: Round,
    now: datetime,
    change_note: str = "",
    *,
    confirmed: bool = False,
    acknowledgement: str = "",
) -> Publication:
    """Freeze the winners; a later call publishes a correction that must say what changed.

    The state machine checks the move (closed or under review → published; published →
    published for a correction, which needs its note); a publication is never changed.
    Open integrity flags among the winners and ties that touch a prize (domain.publication.
    checklist) are published over only with an acknowledgement that gives a reason."""
    lifecycle.settle(rnd, now)
    previous = latest(rnd)
    if previous is not None and not change_note.strip():
        raise ServiceError(
            "note_required",
            "Công bố đính chính phải nêu rõ thay đổi và lý do.",
            field="change_note",
        )
    action = Action.CORRECT if rnd.status == "published" else Action.PUBLISH
    lifecycle.apply(actor, rnd, Command(action, now, change_note, confirmed))
    results = gather(rnd)
    checklist = _checked(results, acknowledgement)
    salt = secrets.token_hex(16)
    data = publication_data(results, salt)
    publication = Publication(
        contest_id=rnd.contest_id,
        round_id=rnd.id,
        sequence=(previous.sequence + 1) if previous else 1,
        published_by_id=actor.id,
        published_at=now,
        rules=_rules(rnd, results),
        payload=_payload(rnd, results, salt, data),
        digest=pub.digest(data),
        supersedes_id=previous.id if previous else None,
        change_note=change_note.strip(),
    )
    db.session.add(publication)
    rnd.board_frozen_at = None
    rankings.drop_frozen_entries(rnd)
    board.forget_served(rnd)
    db.session.flush()
    audit.record(
        actor,
        "publication.create",
        rnd,
        publication=publication.id,
        digest=publication.digest,
        checklist=checklist,
        acknowledgement=acknowledgement.strip() if checklist else "",
    )
    return publication


def get(publication_id: int) -> Publication:
    found = db.session.get(Publication, publication_id)
    if found is None:
        raise NotFound("publication_not_found", "Không tìm thấy bản công bố.")
    return found


def history(round_id: int) -> list[Publication]:
    return list(
        db.session.scalars(
            db.select(Publication)
            .where(Publication.round_id == round_id)
            .order_by(Publication.sequence)
        )
    )


def verify(data: bytes, expected: str) -> bool:
    return pub.digest(data) == expected.strip().lower()
