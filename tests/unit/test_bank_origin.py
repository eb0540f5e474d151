"""The setup rule: the repository's changes are imported, the console's work is never undone."""

import pytest

from quizapp.domain.bank_origin import CORRECTION, REPOSITORY, UPLOAD, Stored, decide


def _stored(origin: str, current: str | None, repo: str | None, retired: bool = False) -> Stored:
    return Stored(origin=origin, current_hash=current, retired=retired, repository_hash=repo)


@pytest.mark.parametrize(
    ("file_hash", "stored", "outcome"),
    [
        ("h1", None, "add"),
        ("h1", _stored(REPOSITORY, "h1", "h1"), None),  # unchanged: nothing to do
        ("h2", _stored(REPOSITORY, "h1", "h1"), "update"),  # the repository changed it
        ("h1", _stored(REPOSITORY, "h1", "h1", retired=True), "update"),  # back in the files
        ("h1", _stored(UPLOAD, "c1", "h1"), "kept"),  # edited in the console, repository same
        ("h1", _stored(CORRECTION, "c1", "h1"), "kept"),  # key corrected after a round
        ("h1", _stored(UPLOAD, "c1", "h1", retired=True), "kept"),  # retired by a zip upload
        ("h2", _stored(UPLOAD, "h2", "h1"), "agreed"),  # both made the same change
        ("h2", _stored(UPLOAD, "c1", "h1"), "conflicts"),  # both changed it, differently
        ("h2", _stored(UPLOAD, "c1", None), "conflicts"),  # console-made, same id in files
        (None, _stored(REPOSITORY, "h1", "h1"), "retire"),  # the repository dropped it
        (None, _stored(REPOSITORY, "h1", "h1", retired=True), None),
        (None, _stored(UPLOAD, "c1", None), "kept"),  # the console's own new question
        (None, _stored(UPLOAD, "c1", "h1"), "conflicts"),  # dropped there, edited here
    ],
)
def test_setup_rule(file_hash: str | None, stored: Stored | None, outcome: str | None) -> None:
    files = {"Q": file_hash} if file_hash else {}
    decision = decide(files, {"Q": stored} if stored else {})
    lists = ("add", "update", "retire", "kept", "conflicts", "agreed")
    found = [name for name in lists if "Q" in getattr(decision, name)]
    assert found == ([outcome] if outcome else [])
    assert decision.writes == (outcome in ("add", "update", "retire"))


def test_force_takes_the_repository_side_of_each_conflict() -> None:
    stored = {"A": _stored(UPLOAD, "c1", "h1"), "B": _stored(UPLOAD, "c1", "h1")}
    decision = decide({"A": "h2"}, stored, force=True)
    assert (decision.update, decision.retire, decision.conflicts) == (["A"], ["B"], [])
