"""The one disclosure rule, as a table: viewer × round state × setting → what may be shown."""

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.disclosure import Disclosure, Viewer, disclose, result_final

CLOSES = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
GRACE = 30
BEFORE = CLOSES - timedelta(minutes=5)  # the round still takes answers
IN_GRACE = CLOSES + timedelta(seconds=GRACE)  # the last instant answers in flight may land
AFTER = CLOSES + timedelta(seconds=GRACE + 1)

ALL = Disclosure(True, True, True, True, True, True)
NOTHING = Disclosure(False, False, False, False, False, False)
OWN_TIME = Disclosure(False, False, False, True, False, False)  # a participant: own time only
SCORES_LIVE = Disclosure(False, True, True, True, False, False)
FINAL = Disclosure(True, True, True, True, True, True)

A, P, L, S = Viewer.ANONYMOUS, Viewer.PARTICIPANT, Viewer.LIAISON, Viewer.STAFF

# (viewer, status, now, show score after submit) → disclosure
TABLE = [
    # Scores announced at the end (the default with several attempts): nothing before final.
    (A, "open", BEFORE, False, NOTHING),
    (L, "open", BEFORE, False, NOTHING),
    (P, "open", BEFORE, False, OWN_TIME),
    (A, "open", AFTER, False, NOTHING),  # past the close, not closed yet
    (A, "closed", AFTER, False, NOTHING),  # closed, may still be reopened
    (P, "closed", AFTER, False, OWN_TIME),
    (A, "review", IN_GRACE, False, NOTHING),  # early close: answers may still land
    (P, "review", IN_GRACE, False, OWN_TIME),
    (A, "review", AFTER, False, FINAL),
    (L, "review", AFTER, False, FINAL),
    (P, "review", AFTER, False, FINAL),
    (A, "published", AFTER, False, FINAL),
    (P, "published", AFTER, False, FINAL),
    (P, "archived", AFTER, False, FINAL),
    (A, "draft", BEFORE, False, NOTHING),
    # Scores right after submit (one attempt): scores, ranks and times live; keys at the end.
    (A, "open", BEFORE, True, SCORES_LIVE),
    (L, "open", BEFORE, True, SCORES_LIVE),
    (P, "open", BEFORE, True, SCORES_LIVE),
    (P, "closed", AFTER, True, SCORES_LIVE),
    (P, "review", IN_GRACE, True, SCORES_LIVE),
    (A, "published", AFTER, True, FINAL),
    # Staff see everything at any moment; `final` still says whether the result is.
    (S, "open", BEFORE, False, Disclosure(False, True, True, True, True, True)),
    (S, "closed", AFTER, False, Disclosure(False, True, True, True, True, True)),
    (S, "review", IN_GRACE, False, Disclosure(False, True, True, True, True, True)),
    (S, "published", AFTER, False, ALL),
]


@pytest.mark.parametrize(("viewer", "status", "now", "after_submit", "expected"), TABLE)
def test_what_each_viewer_may_see(viewer, status, now, after_submit, expected) -> None:
    assert disclose(status, CLOSES, GRACE, after_submit, viewer, now) == expected


def test_every_viewer_state_and_setting_is_in_the_table() -> None:
    covered = {(v, s, x) for v, s, _, x, _ in TABLE}
    states = ("open", "closed", "review", "published")
    for viewer in (A, P, S):
        for status in states:
            assert (viewer, status, False) in covered or (viewer, status, True) in covered


@pytest.mark.parametrize(
    ("status", "now", "final"),
    [
        ("review", IN_GRACE, False),
        ("review", AFTER, True),
        ("published", AFTER, True),
        ("archived", AFTER, True),
        ("closed", AFTER + timedelta(days=30), False),
        ("open", AFTER, False),
        ("draft", AFTER, False),
    ],
)
def test_a_result_is_final_once_closed_for_good_and_past_the_grace_window(
    status, now, final
) -> None:
    assert result_final(status, CLOSES, GRACE, now) is final


def test_nobody_but_staff_sees_a_key_before_the_result_is_final() -> None:
    for viewer in Viewer:
        for status in ("draft", "open", "closed", "review", "published", "archived"):
            for now in (BEFORE, IN_GRACE, AFTER):
                for after_submit in (False, True):
                    shown = disclose(status, CLOSES, GRACE, after_submit, viewer, now)
                    if viewer is not S and not shown.final:
                        assert not shown.keys and not shown.explanations
                        assert shown.scores == after_submit and shown.ranks == after_submit
