"""An attempt shows the text of the versions it drew, however the bank changes afterwards
(the texts are kept by version id, and a change to the bank is a new version)."""

from dataclasses import replace

from quizapp.extensions import db
from quizapp.models import Attempt, Participant, Round
from quizapp.services import attempts, participant_results
from quizapp.services.bank import apply_import
from tests.conftest import FIXED_NOW, bank_report


def _texts(attempt_id: int) -> set[str]:
    state = participant_results.attempt_state(db.session.get(Attempt, attempt_id), FIXED_NOW)
    return {q["text"] for q in state["questions"]}


def test_old_and_new_attempts_each_show_their_own_versions(
    app, make_round, make_participant
) -> None:
    rnd = make_round(bank_size=5, question_count=5)
    first, second = make_participant(), make_participant()
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        old = attempts.start_attempt(db.session.get(Participant, first.id), r, FIXED_NOW).attempt
        db.session.commit()
        assert _texts(old.id) == {f"Câu hỏi thử số {i}?" for i in range(1, 6)}

        edited = bank_report(5)
        edited.questions = [replace(q, text=q.text.replace("thử", "sửa")) for q in edited.questions]
        apply_import(edited, None, FIXED_NOW)
        db.session.commit()
        new = attempts.start_attempt(db.session.get(Participant, second.id), r, FIXED_NOW)
        db.session.commit()

        assert _texts(new.attempt.id) == {f"Câu hỏi sửa số {i}?" for i in range(1, 6)}
        assert _texts(old.id) == {f"Câu hỏi thử số {i}?" for i in range(1, 6)}
