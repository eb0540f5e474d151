"""Contests and rounds: create, change within the rules (state changes: services.lifecycle)."""

from __future__ import annotations

import itertools
from dataclasses import asdict
from datetime import datetime
from typing import Protocol, TypeVar

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..domain import round_rules
from ..domain.bank_validity import span_of, window_days
from ..domain.drawing import (
    Candidate,
    DrawWindow,
    Quota,
    eligible,
    quota_problems,
    window_problems,
)
from ..domain.round_rules import PrizeTier, RoundSettings
from ..extensions import cache, db
from ..models import (
    Attempt,
    Contest,
    LawChange,
    LegalDocument,
    Question,
    QuestionVersion,
    Round,
    RoundQuota,
    StaffUser,
)
from . import audit, bank_register
from .errors import NotFound, ServiceError


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
        ranking_policy=rnd.ranking_policy,
        show_score_after_submit=rnd.show_score_after_submit,
        allow_public_keys=rnd.allow_public_keys,
        bank_checked_on=bank_register.current_to(),
        prize_min_score=rnd.prize_min_score,
        collective_policy=rnd.collective_policy,
        collective_tie_rule=rnd.collective_tie_rule,
    )


def _apply(rnd: Round, s: RoundSettings) -> None:
    rnd.title = s.title.strip()
    rnd.opens_at, rnd.closes_at = s.opens_at, s.closes_at
    rnd.question_count, rnd.time_limit_seconds = s.question_count, s.time_limit_seconds
    rnd.max_attempts, rnd.grace_seconds = s.max_attempts, s.grace_seconds
    rnd.shuffle_questions, rnd.shuffle_choices = s.shuffle_questions, s.shuffle_choices
    rnd.prediction_kind = s.prediction_kind
    rnd.prize_tiers = [asdict(p) for p in s.prizes]
    rnd.ranking_policy = s.ranking_policy
    rnd.show_score_after_submit = s.shows_score_after_submit
    rnd.allow_public_keys = s.allow_public_keys
    rnd.prize_min_score = s.prize_min_score
    rnd.collective_policy, rnd.collective_tie_rule = s.collective_policy, s.collective_tie_rule
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


def contests() -> list[Contest]:
    """Every contest, newest first: the round form's list and the contests page."""
    return list(db.session.scalars(db.select(Contest).order_by(Contest.id.desc())))


def get_contest(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise NotFound("contest_not_found", "Không tìm thấy cuộc thi.", field="contest")
    return contest


def draw_problems(s: RoundSettings) -> list[str]:
    """Why the bank cannot fill these quotas over the round's window (checked when a draft is
    saved; opening checks again, with the marks set by then): only questions the round may
    draw count — in force over the window, not under review, key not public unless allowed."""
    first_day, last_day = window_days(s.opens_at, s.closes_at)
    window = DrawWindow(first_day, last_day, s.opens_at, s.allow_public_keys)
    return quota_problems(eligible(candidates(), window), s.quotas, s.question_count)


def create_round(
    actor: StaffUser | None, contest: Contest, s: RoundSettings, now: datetime
) -> Round:
    """A new round in draft; settings are checked as a whole."""
    s = round_rules.resolved(s)
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
    old, s = settings_of(rnd), round_rules.resolved(s)
    _refuse(round_rules.settings_problems(s))
    if rnd.status != "draft":
        _refuse(round_rules.refused_changes(old, s))
    if s.closes_at != old.closes_at:
        _refuse(_close_time_problems(rnd, s.closes_at, now))
        if rnd.status == "open":
            _refuse(extension_problems(rnd, s.closes_at))
    _apply(rnd, s)
    rnd.updated_at = now
    audit.record(
        actor, "round.update", rnd, reason=reason, changed=round_rules.changed_fields(old, s)
    )
    return rnd


def _close_time_problems(rnd: Round, closes_at: datetime, now: datetime) -> list[str]:
    """The close time moves only while the round has not ended: a closed round is reopened
    (with a reason, through the state machine), never extended by an edit."""
    if rnd.status == "closed" or (rnd.status == "open" and now >= rnd.closes_at):
        return [
            "Đợt thi đã kết thúc nên không thể đổi thời điểm đóng; "
            "hãy dùng “Mở lại đợt thi” (cần lý do) nếu phải kéo dài."
        ]
    if rnd.status not in ("draft", "open"):  # under review or published: what was played stays
        return ["Đợt thi đã vào xét duyệt hoặc đã công bố: không thể đổi thời điểm đóng."]
    if rnd.status == "open" and closes_at < now:
        return ["Không thể đặt thời điểm đóng vào quá khứ; hãy dùng “Đóng đợt thi”."]
    return []


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
# The draw's generation: a token in the shared cache that `round_queries.round_pools` keys each
# round's kept pools by; dropped, with the pool, when what a draw reads changes (below).
DRAW_GENERATION_KEY = "draw:generation"


def draw_pool() -> list[Candidate]:
    """`candidates()` as every start draws from it: kept in the cache for a minute, and dropped
    when a change to any question commits (see `_note_bank_change`; with the per-process cache
    of a single server the other workers keep theirs until it expires); read afresh in a
    transaction that has changed questions itself."""
    if draw_inputs_changed():
        return candidates()
    pool = cache.get(_POOL_KEY)
    if pool is None:
        pool = candidates()
        cache.set(_POOL_KEY, pool, timeout=_POOL_SECONDS)
    return pool


def candidates() -> list[Candidate]:
    """Question versions a round may draw: current, not retired, not public practice; each
    with its validity span (from the documents register) and its review and public-key marks.
    Which of them a given round may draw: `draw_window`."""
    documents = bank_register.load().documents
    rows = db.session.execute(
        db.select(
            QuestionVersion.id,
            QuestionVersion.topic_id,
            QuestionVersion.difficulty,
            QuestionVersion.choices,
            QuestionVersion.shuffle,
            Question.external_id,
            QuestionVersion.basis,
            QuestionVersion.historical,
            Question.review_since,
            Question.key_public_at,
        )
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.retired_at.is_(None), Question.practice.is_(False))
        .order_by(QuestionVersion.id)
    ).all()
    return [
        Candidate(
            vid,
            topic,
            diff,
            len(choices),
            shuffle,
            external_id=external_id,
            span=span_of(basis or (), historical, documents),
            review_since=review_since,
            key_public_at=key_public_at,
        )
        for (
            vid,
            topic,
            diff,
            choices,
            shuffle,
            external_id,
            basis,
            historical,
            review_since,
            key_public_at,
        ) in rows
    ]


def draw_window(
    rnd: Round, now: datetime | None = None, closes_at: datetime | None = None
) -> DrawWindow:
    """The round's window: its days (to `closes_at` when it is about to move), and the marks
    that apply to it — those set before it opens (`now` when opening it now)."""
    first_day, last_day = window_days(rnd.opens_at, closes_at or rnd.closes_at)
    marks_before = max(rnd.opens_at, now) if now is not None else rnd.opens_at
    return DrawWindow(first_day, last_day, marks_before, rnd.allow_public_keys)


def extension_problems(rnd: Round, closes_at: datetime) -> list[str]:
    """Why a started round cannot run until `closes_at`: its quotas could no longer be drawn
    (a basis document ends before the new close), so every later start would fail. Only the
    problems the later close adds count."""
    if closes_at <= rnd.closes_at:
        return []
    s, pool = settings_of(rnd), candidates()
    before = set(window_problems(pool, s.quotas, s.question_count, draw_window(rnd)))
    after = window_problems(pool, s.quotas, s.question_count, draw_window(rnd, None, closes_at))
    return [p for p in after if p not in before]


def pool_for(rnd: Round) -> list[Candidate]:
    """What an attempt of this round draws from: the shared pool, less what the round's
    window excludes."""
    return eligible(draw_pool(), draw_window(rnd))


# What a draw reads: the questions and their marks, the documents register (validity), and a
# round's quotas. One watch for both caches built on them (the pool and the rounds' pools).
_DRAW_INPUTS = (Question, QuestionVersion, RoundQuota, LegalDocument, LawChange)


def draw_inputs_changed() -> bool:
    """This transaction changed what a draw reads (read afresh inside it, never from a cache)."""
    return bool(db.session.info.get("bank_changed"))


@event.listens_for(Session, "after_flush")
def _note_bank_change(session: Session, _context: object) -> None:
    changed = itertools.chain(session.new, session.dirty, session.deleted)
    if any(isinstance(obj, _DRAW_INPUTS) for obj in changed):
        session.info["bank_changed"] = True


@event.listens_for(Session, "after_commit")
def _drop_pool_after_bank_change(session: Session) -> None:
    if session.info.pop("bank_changed", False) and has_app_context():
        cache.delete_many(_POOL_KEY, DRAW_GENERATION_KEY)


@event.listens_for(Session, "after_rollback")
def _forget_bank_change(session: Session) -> None:
    session.info.pop("bank_changed", None)


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
    return public_or_404(db.session.get(Round, round_id))


class _HasStatus(Protocol):
    @property
    def status(self) -> str: ...


_Shown = TypeVar("_Shown", bound=_HasStatus)


def public_or_404(rnd: _Shown | None) -> _Shown:
    """A round people may see (anything but a draft); a draft is "not found", like a missing
    round. The ORM's round or the columns a start read of it."""
    if rnd is None or rnd.status == "draft":
        raise NotFound("round_not_found", "Không tìm thấy đợt thi.")
    return rnd
