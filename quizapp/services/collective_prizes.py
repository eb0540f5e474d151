"""The organiser's choices on collective prizes: the criteria chain and the tie rule, and the
decision on a contested tie (each audit-logged, refused once the round is published)."""

from __future__ import annotations

from ..domain import collective as rules
from ..extensions import db
from ..models import Round, StaffUser
from . import audit
from .collective import collective_draft
from .errors import Conflict, ServiceError

DECIDABLE = ("closed", "review")


def _check_open(rnd: Round) -> None:
    if rnd.status in ("published", "archived"):
        raise Conflict("published", "Kết quả đã công bố: hãy công bố đính chính thay vì sửa.")


def choose_policy(actor: StaffUser, rnd: Round, policy: str, tie_rule: str | None = None) -> None:
    """The chain that awards the collective prizes and what a true tie does (audit-logged).
    A change of chain or rule drops the tie decisions made under the old one."""
    _check_open(rnd)
    tie_rule = tie_rule or rnd.collective_tie_rule
    if policy not in rules.PRESETS:
        raise ServiceError("bad_policy", "Tiêu chí xếp hạng tập thể không hợp lệ.", "policy")
    if tie_rule not in rules.TIE_RULES:
        raise ServiceError("bad_tie_rule", "Cách xử lý tập thể bằng nhau không hợp lệ.")
    before = (rnd.collective_policy, rnd.collective_tie_rule)
    if before == (policy, tie_rule):
        return
    rnd.collective_policy, rnd.collective_tie_rule = policy, tie_rule
    rnd.collective_prizes = {
        k: v for k, v in (rnd.collective_prizes or {}).items() if k not in ("decisions", "metric")
    }
    audit.record(
        actor,
        "round.collective_policy",
        rnd,
        before=list(before),
        policy=policy,
        tie_rule=tie_rule,
    )


def choose_metric(actor: StaffUser, rnd: Round, metric: str) -> None:
    """Choose the criterion alone: the first preset it leads."""
    if metric not in rules.CRITERIA:
        raise ServiceError("bad_metric", "Tiêu chí xếp hạng tập thể không hợp lệ.")
    choose_policy(actor, rnd, rules.preset_for(metric))


def decide_tie(actor: StaffUser, rnd: Round, by: str, key: str, tier: str, reason: str) -> None:
    """The organiser's prize for one group of a tie the "organiser" rule leaves open: one of
    the prizes the tied places span, or none; a reason is required (audit-logged)."""
    if rnd.status not in DECIDABLE:
        raise Conflict(
            "not_decidable", "Chỉ quyết định giải khi đợt thi đã đóng và chưa công bố kết quả."
        )
    if not reason.strip():
        raise ServiceError("reason_required", "Vui lòng ghi lý do quyết định.", "reason")
    draft = collective_draft(rnd, by)
    tie = next((t for t in draft.ties if key in t.keys and t.contested), None)
    if tie is None:
        raise ServiceError(
            "not_a_tie", "Tập thể này không ở trong một trường hợp bằng nhau cần quyết định."
        )
    if tier and tier not in tie.tiers:
        raise ServiceError(
            "bad_tier", f"Chỉ chọn một trong các giải: {', '.join(t for t in tie.tiers if t)}."
        )
    prizes = dict(rnd.collective_prizes or {})
    decisions = {u: dict(d) for u, d in prizes.get("decisions", {}).items()}
    decisions.setdefault(by, {})[key] = {"tier": tier, "reason": reason.strip()}
    rnd.collective_prizes = {**prizes, "decisions": decisions}
    db.session.flush()
    audit.record(
        actor, "prize.collective_decide", rnd, by=by, unit=key, tier=tier, reason=reason.strip()
    )
