"""Contests and rounds: create, change within the rules, open, close."""

from __future__ import annotations

import itertools
from dataclasses import asdict
from datetime import datetime, timedelta

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..domain import round_rules
from ..domain.drawing import Candidate, Quota, quota_problems
from ..domain.round_rules import PrizeTier, RoundSettings
from ..extensions import cache, db
from ..models import Attempt, Contest, Question, QuestionVersion, Round, RoundQuota, StaffUser
from . import audit, rankings
from .errors import Conflict, NotFound, ServiceError


def settings_of(rnd: Round) -> RoundSettings:
    return RoundSettings(
        title=rnd.title,
        opens_at=rnd.opens_at,
        closes_at=rnd.closes_at,
        question_count=rnd.question_count,
        time_limit_seconds=rnd.time_limit_seconds,
        max_attempts=rnd.max_attempts,
        quotas=tuple(Quota(q.count, q.topic_id, q.difficulty) for q in rnd.quotas),
        shuffle_questions=rnd.shuffle_questions,
        shuffle_choices=rnd.shuffle_choices,
        prediction_kind=rnd.prediction_kind,
        grace_seconds=rnd.grace_seconds,
        prizes=tuple(PrizeTier(p["name"], p["count"]) for p in rnd.prize_tiers),
    )


def _apply(rnd: Round, s: RoundSettings) -> None:
    rnd.title = s.title.strip()
    rnd.opens_at, rnd.closes_at = s.opens_at, s.closes_at
    rnd.question_count, rnd.time_limit_seconds = s.question_count, s.time_limit_seconds
    rnd.max_attempts, rnd.grace_seconds = s.max_attempts, s.grace_seconds
    rnd.shuffle_questions, rnd.shuffle_choices = s.shuffle_questions, s.shuffle_choices
    rnd.prediction_kind = s.prediction_kind
    rnd.prize_tiers = [asdict(p) for p in s.prizes]
    current = tuple(Quota(q.count, q.topic_id, q.difficulty) for q in rnd.quotas)
    if current != s.quotas:
        rnd.quotas = [
            RoundQuota(topic_id=q.topic, difficulty=q.difficulty, count=q.count) for q in s.quotas
        ]


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ServiceError("invalid_settings", " ".join(problems))


def create_contest(
    actor: StaffUser | None, slug: str, title: str, description: str = ""
) -> Contest:
    contest = Contest(slug=slug.strip(), title=title.strip(), description=description)
    db.session.add(contest)
    db.session.flush()
    audit.record(actor, "contest.create", contest)
    return contest


def create_round(
    actor: StaffUser | None, contest: Contest, s: RoundSettings, now: datetime
) -> Round:
    """A new round in draft; settings are checked as a whole."""
    _refuse(round_rules.settings_problems(s))
    number = 1 + (
        db.session.scalar(
            db.select(db.func.max(Round.number)).where(Round.contest_id == contest.id)
        )
        or 0
    )
    rnd = Round(contest=contest, number=number, status="draft", created_at=now, updated_at=now)
    _apply(rnd, s)
    db.session.add(rnd)
    db.session.flush()
    audit.record(actor, "round.create", rnd, settings=_loggable(s))
    return rnd


def update_round(
    actor: StaffUser | None, rnd: Round, s: RoundSettings, now: datetime, reason: str = ""
) -> Round:
    """Change settings; once opened, only the title, grace window and close may change."""
    old = settings_of(rnd)
    _refuse(round_rules.settings_problems(s))
    if rnd.status != "draft":
        _refuse(round_rules.refused_changes(old, s))
        if s.closes_at != old.closes_at and s.closes_at < now:
            _refuse(["Không thể đặt thời điểm đóng vào quá khứ; hãy dùng “Đóng đợt thi”."])
    _apply(rnd, s)
    rnd.updated_at = now
    audit.record(
        actor, "round.update", rnd, reason=reason, changed=round_rules.changed_fields(old, s)
    )
    return rnd


def _loggable(s: RoundSettings) -> dict[str, object]:
    return {
        "title": s.title,
        "opens_at": s.opens_at.isoformat(),
        "closes_at": s.closes_at.isoformat(),
        "question_count": s.question_count,
        "time_limit_seconds": s.time_limit_seconds,
        "max_attempts": s.max_attempts,
    }


_POOL_KEY = "draw:candidates"
_POOL_SECONDS = 60


def draw_pool() -> list[Candidate]:
    """`candidates()` as every start draws from it: kept in the cache for a minute, and dropped
    when a change to any question commits (see `_note_bank_change`; with the per-process cache
    of a single server the other workers keep theirs until it expires); read afresh in a
    transaction that has changed questions itself."""
    if db.session.info.get("bank_changed"):
        return candidates()
    pool = cache.get(_POOL_KEY)
    if pool is None:
        pool = candidates()
        cache.set(_POOL_KEY, pool, timeout=_POOL_SECONDS)
    return pool


def candidates() -> list[Candidate]:
    """Question versions a round may draw: current, not retired, not public practice."""
    rows = db.session.execute(
        db.select(
            QuestionVersion.id,
            QuestionVersion.topic_id,
            QuestionVersion.difficulty,
            QuestionVersion.choices,
            QuestionVersion.shuffle,
        )
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.retired_at.is_(None), Question.practice.is_(False))
        .order_by(QuestionVersion.id)
    ).all()
    return [
        Candidate(vid, topic, diff, len(choices), shuffle)
        for vid, topic, diff, choices, shuffle in rows
    ]


@event.listens_for(Session, "after_flush")
def _note_bank_change(session: Session, _context: object) -> None:
    changed = itertools.chain(session.new, session.dirty, session.deleted)
    if any(isinstance(obj, Question | QuestionVersion) for obj in changed):
        session.info["bank_changed"] = True


@event.listens_for(Session, "after_commit")
def _drop_pool_after_bank_change(session: Session) -> None:
    if session.info.pop("bank_changed", False) and has_app_context():
        cache.delete(_POOL_KEY)


@event.listens_for(Session, "after_rollback")
def _forget_bank_change(session: Session) -> None:
    session.info.pop("bank_changed", None)


def open_round(actor: StaffUser | None, rnd: Round, now: datetime) -> Round:
    """Draft → open, once the bank can satisfy the round's quotas."""
    if rnd.status != "draft":
        raise Conflict("not_draft", "Chỉ mở được đợt thi đang ở trạng thái nháp.")
    s = settings_of(rnd)
    _refuse(quota_problems(candidates(), s.quotas, s.question_count))
    if rnd.closes_at <= now:
        _refuse(["Thời điểm đóng đã qua; hãy dời thời điểm đóng trước khi mở."])
    rnd.status = "open"
    rnd.updated_at = now
    audit.record(actor, "round.open", rnd)
    return rnd


def close_round(actor: StaffUser | None, rnd: Round, now: datetime, reason: str = "") -> Round:
    """Open → closed (early if before its close); records the prediction's true value."""
    if rnd.status != "open":
        raise Conflict("not_open", "Chỉ đóng được đợt thi đang mở.")
    early = now < rnd.closes_at
    if early:
        # The close moves to now; a round closed before it opened keeps a one-second window.
        rnd.closes_at = max(now, rnd.opens_at + timedelta(seconds=1))
    rnd.status = "closed"
    rnd.updated_at = now
    rnd.prediction_actual = prediction_actual(rnd) if rnd.prediction_kind else None
    if "prediction" in rankings.policy_of(rnd):
        # The prediction's true value is known only now: it may change which attempt of a
        # participant counts (kept entries already follow every other key exactly).
        rankings.rebuild_entries(rnd)
    audit.record(actor, "round.close", rnd, reason=reason, early=early)
    return rnd


def prediction_actual(rnd: Round) -> int:
    """The true value the prediction question asked for, counted from finished attempts."""
    finished = (
        db.select(Attempt)
        .where(
            Attempt.round_id == rnd.id,
            Attempt.submitted_at.is_not(None),
            Attempt.excluded_at.is_(None),
        )
        .subquery()
    )
    if rnd.prediction_kind == "participants":
        query = db.select(db.func.count(db.distinct(finished.c.participant_id)))
    elif rnd.prediction_kind == "entries":
        query = db.select(db.func.count()).select_from(finished)
    else:
        query = (
            db.select(db.func.count())
            .select_from(finished)
            .where(finished.c.score == rnd.question_count)
        )
    return db.session.scalar(query) or 0


def get_round(round_id: int) -> Round:
    rnd = db.session.get(Round, round_id)
    if rnd is None:
        raise NotFound("round_not_found", "Không tìm thấy đợt thi.")
    return rnd


def public_rounds() -> list[Round]:
    """Rounds people can see: everything but drafts, newest first."""
    return list(
        db.session.scalars(
            db.select(Round).where(Round.status != "draft").order_by(Round.opens_at.desc())
        )
    )


def get_public_round(round_id: int) -> Round:
    rnd = db.session.get(Round, round_id)
    if rnd is None or rnd.status == "draft":
        raise NotFound("round_not_found", "Không tìm thấy đợt thi.")
    return rnd
