"""The people behind a gathered ranking: read in batches as a file asks for them."""

from datetime import timedelta

from sqlalchemy import event

from quizapp.extensions import db
from quizapp.models import Participant, Round
from quizapp.services import attempts
from quizapp.services import results as results_service
from tests.conftest import FIXED_NOW


def test_people_are_read_batch_by_batch_and_match_the_ranking(
    app, make_round, make_participant, make_ward, monkeypatch
) -> None:
    rnd = make_round()
    ward = make_ward()
    people = [make_participant(ward=ward, cccd=f"0790000000{n:02d}") for n in range(12)]
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        for n, person in enumerate(people):
            p = db.session.get(Participant, person.id)
            attempt = attempts.start_attempt(p, r, FIXED_NOW).attempt
            attempts.submit_attempt(p, attempt.id, FIXED_NOW + timedelta(seconds=30 + n))
        db.session.commit()

        monkeypatch.setattr(results_service.People, "BATCH", 5)
        gathered = results_service.gather(db.session.get(Round, rnd.id))
        assert len(gathered.people) == 12
        assert set(gathered.people) == {p.id for p in people}
        reads: list[str] = []
        listener = lambda *args: reads.append(args[2])  # noqa: E731 (statement text)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            # in ranking order, as the files read them: one query per batch of 5
            seen = [gathered.people[row.participant_id] for row in gathered.ranking]
            # the first again (a winner after the ranking sheet): its batch is read again
            again = gathered.people[gathered.ranking[0].participant_id]
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(reads) == 3 + 1
        for row, person in zip(gathered.ranking, seen, strict=True):
            stored = db.session.get(Participant, row.participant_id)
            assert (person.full_name, person.phone, person.cccd) == (
                stored.full_name,
                stored.phone,
                stored.cccd,
            )
            assert (person.ward, person.birth_year, person.group) == (ward.name, 1990, "resident")
        assert again == seen[0]
        # the texts many people share are one string each, not one per person
        assert len({id(p.ward) for p in seen}) == 1


def test_a_name_stored_before_the_name_rule_is_never_printed_blank(
    app, make_round, make_participant
) -> None:
    """Every ceremony file reads names from here: invisible and direction-control characters
    never reach them, and a name made only of them is named by the participant's number."""
    rnd = make_round()
    blank = make_participant(full_name="\u202e\u200b\u2066\u2069")
    turned = make_participant(full_name="\u202eTrần Thị\u200b Bình")
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        for person in (blank, turned):
            p = db.session.get(Participant, person.id)
            attempt = attempts.start_attempt(p, r, FIXED_NOW).attempt
            attempts.submit_attempt(p, attempt.id, FIXED_NOW + timedelta(seconds=30))
        db.session.commit()
        people = results_service.gather(db.session.get(Round, rnd.id)).people
        assert people[turned.id].full_name == "Trần Thị Bình"
        assert people[blank.id].full_name == (f"(Người dự thi số {blank.id}: họ tên không hợp lệ)")
