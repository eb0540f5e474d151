"""The invariants a contest lives by, checked after every step of random round lifecycles.

A hypothesis state machine drives one round through open, start, save, submit, early and
scheduled close, reopen, freeze, review, publish, correct and archive, with a fake clock that
steps in minutes and in seconds around the close and its grace window, and checks:

- each move of the round against the guard table (tests/unit/test_lifecycle_guards.py): a move
  the table forbids (or whose inputs are wrong: a reopen to a past close time, a scheduled close
  inside the grace window) is refused with an error and leaves the round, its attempts, its
  publications and the audit log exactly as they were; an allowed one happens;

and after every step: no answer stored after its attempt ended or accepted after the round's
close (beyond the grace window); no attempt in progress in a closed round; no key, correctness
marker or score of an attempt (the round's scores are announced at the end) in any participant
or anonymous response — the result, one's entries, the public board page and API, /thu-hang —
before the result is final; a publication never changes; the frozen board equals the board at
the freeze; the counted attempt shown is the one the ranking policy (its plain-Python
reference) picks.
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
from quizapp.domain.lifecycle import Action, Status
from quizapp.domain.round_rules import RoundSettings
from quizapp.extensions import cache, db
from quizapp.models import (
    Answer,
    Attempt,
    AuditLog,
    Contest,
    Participant,
    Publication,
    Round,
    StaffUser,
)
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
from tests.conftest import FIXED_NOW, TEST_PASSWORD, ApiClient
from tests.unit.test_lifecycle_guards import MOVES

FINAL = ("review", "published", "archived")
KEY_MARKERS = ('"correct"', '"correct_index"', '"explanation"', '"choice_order"')
GRACE = 30
REFUSED = object()


def fetch(client, url: str, *also: int) -> str:
    """A GET in an app context of its own (as in a server: `g` and the session are the
    request's), answered 200 (or one of `also`); the body as text."""
    with client.application.app_context():
        reply = client.get(url)
        assert reply.status_code in (200, *also), (url, reply.status_code)
        return reply.get_data(as_text=True)


def count(model: Any, *where: Any) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


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
            self.browsers = []
            phones = [self.person(who).phone for who in (0, 1)]
            db.session.commit()  # no transaction of ours holds the database during requests
            app.config["CLOCK"] = lambda: self.now
            for phone in phones:
                login = {"phone": phone, "password": TEST_PASSWORD}
                with app.app_context():  # a request of its own, as a browser's would be
                    browser = ApiClient(app.test_client())
                with app.app_context():
                    assert browser.call("POST", "/api/v1/login", login).status_code == 200
                self.browsers.append(browser)

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
            """The service's result (committed), or REFUSED (rolled back) if it said no."""
            app.config["CLOCK"] = lambda: self.now
            try:
                result = action()
            except ServiceError:
                db.session.rollback()
                return REFUSED
            db.session.commit()
            return result

        def snapshot(self) -> tuple[Any, ...]:
            """Everything a refused move must leave as it was."""
            db.session.expire_all()
            rnd = self.round
            return (
                rnd.status,
                rnd.closes_at,
                rnd.board_frozen_at,
                rnd.updated_at,
                rnd.prediction_actual,
                count(Attempt, Attempt.round_id == self.round_id),
                count(Attempt, Attempt.round_id == self.round_id, Attempt.submitted_at.is_(None)),
                count(Publication, Publication.round_id == self.round_id),
                count(AuditLog, AuditLog.target_id == str(self.round_id)),
            )

        def move(self, action: Action, expected: Status | None, service) -> Any:
            """Run a move of the round and hold it to the expectation: `expected` the state it
            reaches, None when it must be refused and change nothing."""
            before = self.snapshot()
            result = self.run(service)
            if expected is None:
                assert result is REFUSED, f"{action} from {before[0]} was not refused"
                assert self.snapshot() == before, f"a refused {action} changed something"
            else:
                assert result is not REFUSED, f"{action} from {before[0]} was refused"
                assert self.round.status == expected.value
            return result

        def due(self) -> bool:
            """The scheduled close may run: open, and the grace window after the close over."""
            rnd = self.round
            return rnd.status == "open" and self.now > rnd.closes_at + timedelta(seconds=GRACE)

        def status(self) -> Status:
            return Status(self.round.status)

        def board_now(self) -> dict[str, Any]:
            cache.clear()  # compare what the database gives, not a copy kept by the cache
            data = board.public_board(self.round, self.now)
            return {k: v for k, v in data.items() if k != "updated_at" or data["frozen_at"]}

        # Rules --------------------------------------------------------------------------
        @rule(minutes=st.sampled_from([1, 5, 20, 45, 90, 180]))
        def time_passes(self, minutes: int) -> None:
            self.now += timedelta(minutes=minutes)

        @rule(seconds=st.sampled_from([1, 2, 29, 30, 31]))
        def seconds_pass(self, seconds: int) -> None:
            self.now += timedelta(seconds=seconds)

        @rule(offset=st.integers(-2, GRACE + 2))
        def near_the_close(self, offset: int) -> None:
            """Jump to a second around the close and its grace window (never backwards)."""
            self.now = max(self.now, self.round.closes_at + timedelta(seconds=offset))

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
            if saved is not REFUSED:  # accepted: only while the round takes answers
                assert status == "open"
                assert self.now <= closes_at + timedelta(seconds=GRACE)

        @rule(who=st.integers(0, 1))
        def submit(self, who: int) -> None:
            attempt = self.attempt_of(who)
            if attempt is not None:
                self.run(lambda: attempts.submit_attempt(self.person(who), attempt.id, self.now))

        @rule()
        def open_again(self) -> None:
            expected = MOVES[Action.OPEN][self.status()]  # the round is never a draft here
            self.move(
                Action.OPEN,
                expected,
                lambda: lifecycle.open_round(self.staff, self.round, self.now, confirmed=True),
            )

        @rule()
        def close_early(self) -> None:
            self.move(
                Action.CLOSE,
                MOVES[Action.CLOSE][self.status()],
                lambda: lifecycle.close_round(
                    self.staff, self.round, self.now, "đóng sớm để kiểm tra", confirmed=True
                ),
            )

        @rule()
        def the_clock_closes_due_rounds(self) -> None:
            status, due = self.status(), self.due()
            assert self.run(lambda: lifecycle.close_due_rounds(self.now)) is not REFUSED
            assert self.round.status == ("closed" if due else status.value)
            self.run(lambda: attempts.finish_overdue(self.now))

        @rule()
        def a_scheduled_close_inside_the_grace_window(self) -> None:
            if self.status() is Status.OPEN and not self.due():
                self.move(
                    Action.CLOSE,
                    None,
                    lambda: lifecycle.close_round(None, self.round, self.now, scheduled=True),
                )

        @rule(hours=st.integers(1, 3))
        def reopen(self, hours: int) -> None:
            self.move(
                Action.REOPEN,
                MOVES[Action.REOPEN][self.status()],
                lambda: lifecycle.reopen_round(
                    self.staff,
                    self.round,
                    self.now,
                    self.now + timedelta(hours=hours),
                    "khiếu nại được chấp nhận",
                    confirmed=True,
                ),
            )

        @rule(seconds=st.sampled_from([-3600, -1, 0]))
        def reopen_to_a_close_time_not_ahead(self, seconds: int) -> None:
            self.move(
                Action.REOPEN,
                None,
                lambda: lifecycle.reopen_round(
                    self.staff,
                    self.round,
                    self.now,
                    self.now + timedelta(seconds=seconds),
                    "khiếu nại được chấp nhận",
                    confirmed=True,
                ),
            )

        @rule()
        def freeze(self) -> None:
            if self.run(lambda: board.freeze(self.staff, self.round, self.now) or True) is True:
                self.frozen = (self.round.board_frozen_at, self.board_now())

        @rule()
        def review(self) -> None:
            if self.round.board_frozen_at is None:
                self.frozen = None
            source = Status.CLOSED if self.due() else self.status()  # settled first
            done = self.move(
                Action.REVIEW,
                MOVES[Action.REVIEW][source],
                lambda: lifecycle.start_review(self.staff, self.round, self.now) or True,
            )
            if done is True:
                self.frozen = (self.round.board_frozen_at, self.board_now())
                self.reopen(1)  # under review: the table says no reopen, however complete

        @rule(correction=st.booleans())
        def publish(self, correction: bool) -> None:
            note = "đính chính sau khiếu nại" if correction else ""
            source = Status.CLOSED if self.due() else self.status()  # settled first
            action = Action.CORRECT if source is Status.PUBLISHED else Action.PUBLISH
            expected = MOVES[action][source]
            if action is Action.CORRECT and not correction:
                expected = None  # a correction must say what changed
            # Every publication here gives a reason for the checklist: a tie that touches a
            # prize (two takers closed out with the same score and time) asks for one, and
            # that refusal is not a move of the round (test_review_publication.py tests it).
            self.move(
                action,
                expected,
                lambda: publication.publish(
                    self.staff,
                    self.round,
                    self.now,
                    note,
                    confirmed=True,
                    acknowledgement="đã xem các điểm cần lưu ý",
                ),
            )

        @rule()
        def archive(self) -> None:
            self.move(
                Action.ARCHIVE,
                MOVES[Action.ARCHIVE][self.status()],
                lambda: lifecycle.archive_round(self.staff, self.round, self.now, confirmed=True),
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
        def no_score_reaches_anyone_before_the_result_is_final(self) -> None:
            """The round's scores are announced at the end (two attempts): until the result
            is final no score, rank or time of an attempt is in any participant or anonymous
            response (pages and API, read through the app as a browser would)."""
            rnd = self.round
            final = rnd.status in FINAL and self.now > rnd.closes_at + timedelta(seconds=GRACE)
            if final:
                return
            app.config["CLOCK"] = lambda: self.now
            cache.clear()
            finished = [a.id for a in map(self.attempt_of, (0, 1)) if a and a.submitted_at]
            db.session.commit()  # no transaction of ours holds the database during requests
            anonymous = app.test_client()
            api = json.loads(fetch(anonymous, f"/api/v1/rounds/{self.round_id}/leaderboard"))
            assert api["top"] == [] and api["scores_shown"] is False
            assert "câu, " not in fetch(anonymous, f"/dot-thi/{self.round_id}/bang-xep-hang")
            for browser in self.browsers:
                rank = fetch(browser.client, f"/dot-thi/{self.round_id}/thu-hang")
                assert "Bài được tính" not in rank and "Hạng <strong>" not in rank
                mine = json.loads(fetch(browser.client, "/api/v1/me/attempts"))
                rows = [r for r in mine["items"] if r["round_id"] == self.round_id]
                assert all(r["counted_attempt"] is None for r in rows)
                assert all(a["score"] is None for r in rows for a in r["attempts"])
                for attempt_id in finished:  # one's own, or 404 for the other's
                    body = json.loads(
                        fetch(browser.client, f"/api/v1/attempts/{attempt_id}/result", 404)
                    )
                    assert body.get("score") is None and not body.get("review")

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
                now = self.board_now()
                if now["scores_shown"] == self.frozen[1]["scores_shown"]:
                    assert now == self.frozen[1]
                else:  # the result became final since: the same board, its scores now shown
                    assert now["participants"] == self.frozen[1]["participants"]

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
