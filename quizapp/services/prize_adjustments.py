"""Prizes adjusted by hand: move, withdraw or add a prize, each with a reason, audit-logged,
applied on top of the automatic draft wherever the round's results are gathered."""

from __future__ import annotations

from datetime import datetime

from ..domain.prizes import ADJUSTMENT_KINDS, Adjustment, Draft, adjustment_problem
from ..extensions import db
from ..models import Participant, PrizeAdjustment, Round, StaffUser
from . import audit
from .errors import Conflict, ServiceError
from .rounds import settings_of

ADJUSTABLE = ("closed", "review")


def adjustments_of(rnd: Round) -> list[PrizeAdjustment]:
    """The round's adjustments in the order they were made (the order they apply in)."""
    return list(
        db.session.scalars(
            db.select(PrizeAdjustment)
            .where(PrizeAdjustment.round_id == rnd.id)
            .order_by(PrizeAdjustment.id)
        )
    )


def as_changes(rows: list[PrizeAdjustment]) -> list[Adjustment]:
    names = (
        dict(
            db.session.execute(
                db.select(Participant.id, Participant.full_name).where(
                    Participant.id.in_({r.participant_id for r in rows})
                )
            ).all()
        )
        if rows
        else {}
    )
    return [
        Adjustment(r.kind, r.participant_id, r.tier, names.get(r.participant_id, ""), r.reason)
        for r in rows
    ]


def as_payload(rnd: Round) -> list[dict[str, object]]:
    """What a publication says about the adjustments: what, for whom, why and when."""
    rows = adjustments_of(rnd)
    return [
        {
            "kind": r.kind,
            "label": ADJUSTMENT_KINDS[r.kind],
            "name": c.name,
            "tier": r.tier,
            "reason": r.reason,
            "at": r.created_at.isoformat(),
        }
        for r, c in zip(rows, as_changes(rows), strict=True)
    ]


def add_adjustment(
    actor: StaffUser,
    rnd: Round,
    draft: Draft,
    ranks: dict[int, int],
    change: Adjustment,
    reason: str,
    now: datetime,
) -> PrizeAdjustment:
    """Record one adjustment that fits the current (already adjusted) draft; a reason is
    required and the round must be closed and not yet published."""
    if rnd.status not in ADJUSTABLE:
        raise Conflict(
            "not_adjustable",
            "Chỉ điều chỉnh giải khi đợt thi đã đóng và chưa công bố kết quả.",
        )
    if not reason.strip():
        raise ServiceError("reason_required", "Vui lòng ghi lý do điều chỉnh giải.", field="reason")
    problem = adjustment_problem(draft, change, settings_of(rnd).prizes, ranks)
    if problem is not None:
        raise ServiceError("bad_adjustment", f"Không điều chỉnh được: {problem}.")
    row = PrizeAdjustment(
        round_id=rnd.id,
        participant_id=change.participant_id,
        kind=change.kind,
        tier=None if change.kind == "withdraw" else change.tier,
        reason=reason.strip(),
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "prize.adjust",
        rnd,
        reason=reason.strip(),
        adjustment=row.id,
        kind=change.kind,
        participant=change.participant_id,
        tier=row.tier,
    )
    return row
