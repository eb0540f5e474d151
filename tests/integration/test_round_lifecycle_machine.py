"""The invariants a contest lives by, checked after every step of random round lifecycles.

A hypothesis state machine drives one round through open, start, save, submit, early and
scheduled close, reopen, freeze, review, publish and correct, with a fake clock, and after
every step checks: no answer stored after its attempt ended or accepted after the round's
close (beyond the grace window); no attempt in progress in a closed round; no key, correctness
marker or hidden score in any participant response before they may be shown; a publication
never changes; the frozen board equals the board at the freeze; the counted attempt shown is
the one the ranking policy (its plain-Python reference) picks.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from quizapp.domain import ranking, timing
from quizapp.domain.round_rules import RoundSettings
from quizapp.extensions import cache, db
from quizapp.models import Answer, Attempt, Contest, Participant, Publication, Round, StaffUser
from quizapp.services import (
    attempts,
    board,
    lifecycle,
    participant_results,
    publication,
    rankings,
    rounds,
)
from quizapp.services.errors import ServiceError
from tests.conftest import FIXED_NOW

FINAL = ("review", "published", "archived")
KEY_MARKERS = ('"correct"', '"correct_index"', '"explanation"', '"choice_order"')
GRACE = 30


def make_machine(app, people: list[int], staff_id: int, contest_id: int):
    class RoundLifecycle(RuleBasedStateMachine):
        @initialize()
        def open_a_round(self) -> None:
            self.now = FIXED_NOW
            self.published: dict[int, tuple[str, str]] = {}
            self.frozen: tuple[Any, dict[str, Any]] | None = None
            contest = db.session.get(Contest, contest_id)
            rnd = rounds.create_round(
                None,
                contest,
                RoundSettings(
                    "Đợt kiểm tra bất biến",
                    self.now - timedelta(minutes=5),
                    self.now + timedelta(hours=2),
                    question_count=4,
                    time_limit_seconds=30 * 60,
                    max_attempts=2,
                    grace_seconds=GRACE,
                ),
                now=self.now,
            )
            lifecycle.open_round(None, rnd, self.now, confirmed=True)
            db.session.commit()
            self.round_id = rnd.id

        # Helpers ------------------------------------------------------------------------
        @property
        def round(self) -> Round:
            return db.session.get(Round, self.round_id)

        def person(self, index: int) -> Participant:
            return db.session.get(Participant, people[index])

        @property
        def staff(self) -> StaffUser:
            return db.session.get(StaffUser, staff_id)

        def attempt_of(self, index: int) -> Attempt | None:
            return db.session.scalar(
                db.select(Attempt)
                .where(Attempt.round_id == self.round_id, Attempt.participant_id == people[index])
                .order_by(Attempt.number.desc())
            )

        def run(self, action) -> Any:
            app.config["CLOCK"] = lambda: self.now
            try:
                result = action()
            except ServiceError:
                db.session.rollback()
                return None
            db.session.commit()
            return result

        def board_now(self) -> dict[str, Any]:
            cache.clear()  # compare what the database gives, not a copy kept by the cache
            data = board.public_board(self.round, self.now)
            return {k: v for k, v in data.items() if k != "updated_at" or data["frozen_at"]}

        # Rules --------------------------------------------------------------------------
        @rule(minutes=st.sampled_from([1, 5, 20, 45, 90, 180]))
        def time_passes(self, minutes: int) -> None:
            self.now += timedelta(minutes=minutes)

        @rule(who=st.integers(0, 1))
        def start(self, who: int) -> None:
            self.run(lambda: attempts.start_attempt(self.person(who), self.round, self.now))

        @rule(who=st.integers(0, 1), position=st.integers(1, 4), choice=st.integers(0, 3))
        def save(self, who: int, position: int, choice: int) -> None:
            attempt = self.attempt_of(who)
            if attempt is None:
                return
            rnd = self.round
            status, closes_at = rnd.status, rnd.closes_at
            saved = self.run(
                lambda: attempts.save_answer(
                    self.person(who), attempt.id, position, choice, self.now
                )
            )
            if saved is not None:  # accepted: only while the round takes answers
                assert status == "open"
                assert self.now <= closes_at + timedelta(seconds=GRACE)

        @rule(who=st.integers(0, 1))
        def submit(self, who: int) -> None:
            attempt = self.attempt_of(who)
            if attempt is not None:
                self.run(lambda: attempts.submit_attempt(self.person(who), attempt.id, self.now))

        @rule()
        def close_early(self) -> None:
            self.run(
                lambda: lifecycle.close_round(
                    self.staff, self.round, self.now, "đóng sớm để kiểm tra", confirmed=True
                )
            )

        @rule()
        def the_clock_closes_due_rounds(self) -> None:
            self.run(lambda: lifecycle.close_due_rounds(self.now))
            self.run(lambda: attempts.finish_overdue(self.now))

        @rule(hours=st.integers(1, 3))
        def reopen(self, hours: int) -> None:
            self.run(
                lambda: lifecycle.reopen_round(
                    self.staff,
                    self.round,
                    self.now,
                    self.now + timedelta(hours=hours),
                    "khiếu nại được chấp nhận",
                    confirmed=True,
                )
            )

        @rule()
        def freeze(self) -> None:
            if self.run(lambda: board.freeze(self.staff, self.round, self.now) or True):
                self.frozen = (self.round.board_frozen_at, self.board_now())

        @rule()
        def review(self) -> None:
            if self.round.board_frozen_at is None:
                self.frozen = None
            if self.run(lambda: lifecycle.start_review(self.staff, self.round, self.now) or True):
                self.frozen = (self.round.board_frozen_at, self.board_now())

        @rule(correction=st.booleans())
        def publish(self, correction: bool) -> None:
            note = "đính chính sau khiếu nại" if correction else ""
            self.run(
                lambda: publication.publish(self.staff, self.round, self.now, note, confirmed=True)
            )

        # Invariants ---------------------------------------------------------------------
        @invariant()
        def no_answer_after_its_attempt_ended(self) -> None:
            pairs = db.session.execute(
                db.select(Answer.saved_at, Attempt.submitted_at)
                .join(Attempt, Attempt.id == Answer.attempt_id)
                .where(Attempt.round_id == self.round_id, Attempt.submitted_at.is_not(None))
            ).all()
            assert all(saved <= ended + timedelta(seconds=GRACE) for saved, ended in pairs)

        @invariant()
        def no_attempt_in_progress_in_a_closed_round(self) -> None:
            if self.round.status != "open":
                assert lifecycle.in_progress(self.round) == 0

        @invariant()
        def no_key_before_it_may_be_shown(self) -> None:
            rnd = self.round
            final = rnd.status in FINAL and self.now > rnd.closes_at + timedelta(seconds=GRACE)
            for who in (0, 1):
                attempt = self.attempt_of(who)
                if attempt is None:
                    continue
                state = json.dumps(participant_results.attempt_state(attempt, self.now))
                assert not any(marker in state for marker in KEY_MARKERS)
                if attempt.submitted_at is None:
                    continue
                result = participant_results.attempt_result(attempt, self.now)
                if not final:
                    assert result["review"] == [] and not result["key_revealed"]
                    assert result["score"] is None  # several attempts: no probing
                    mine = participant_results.my_entries(people[who], self.now)
                    here = [e for e in mine if e.round.id == self.round_id]
                    assert all(a.score is None for e in here for a in e.attempts)
                    assert all(e.counted_id is None for e in here)

        @invariant()
        def a_publication_never_changes(self) -> None:
            for pub in db.session.scalars(
                db.select(Publication).where(Publication.round_id == self.round_id)
            ):
                seen = (json.dumps(pub.payload, sort_keys=True), pub.digest)
                assert self.published.setdefault(pub.id, seen) == seen

        @invariant()
        def the_frozen_board_is_the_board_at_the_freeze(self) -> None:
            rnd = self.round
            if self.frozen and rnd.board_frozen_at == self.frozen[0] and rnd.status != "published":
                assert self.board_now() == self.frozen[1]

        @invariant()
        def the_counted_attempt_is_the_rankings(self) -> None:
            rnd = self.round
            policy = [k for k in rankings.policy_of(rnd) if k != "attempts"]
            for who in (0, 1):
                finished = [
                    a
                    for a in db.session.scalars(
                        db.select(Attempt).where(
                            Attempt.round_id == self.round_id,
                            Attempt.participant_id == people[who],
                            Attempt.submitted_at.is_not(None),
                        )
                    )
                ]
                shown = [
                    e.counted_id
                    for e in participant_results.my_entries(people[who], self.now)
                    if e.round.id == self.round_id
                ]
                if not finished or not shown or shown[0] is None:
                    continue
                entries = [
                    ranking.Entry(
                        a.participant_id,
                        a.id,
                        a.score,
                        a.time_used_ms,
                        None,
                        len(finished),
                        int(a.submitted_at.timestamp() * 1_000_000),
                    )
                    for a in finished
                ]
                [best] = ranking.best_attempts(entries, policy)
                assert shown[0] == best.attempt_id

        def teardown(self) -> None:
            db.session.rollback()
            app.config.pop("CLOCK", None)

    return RoundLifecycle


def test_round_lifecycle_invariants(app, make_round, make_participant, make_staff) -> None:
    first = make_round(bank_size=30)  # the bank and the contest the machine's rounds use
    people = [make_participant().id, make_participant().id]
    staff = make_staff("organiser").user.id
    with app.app_context():
        contest_id = db.session.get(Round, first.id).contest_id
        machine = make_machine(app, people, staff, contest_id)
        run_state_machine_as_test(
            machine,
            settings=settings(
                max_examples=20,
                stateful_step_count=25,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    assert timing.FINAL_STATES == FINAL
