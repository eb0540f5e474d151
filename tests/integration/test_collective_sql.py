"""Collective rankings from the database: every ward appears, counted once per person."""

from datetime import timedelta

from quizapp.extensions import db
from quizapp.models import Participant, Round
from quizapp.services import attempts, collective
from tests.conftest import FIXED_NOW


def test_wards_organisations_and_clusters(
    app, make_round, make_ward, make_organisation, make_participant
) -> None:
    rnd = make_round(question_count=5)
    busy = make_ward(name="Phường Bận")
    make_ward(name="Phường Trống")
    school = make_organisation(ward=busy, headcount=4, cluster="Khối trường học")
    office = make_organisation(ward=busy, headcount=10, cluster="Khối trường học")
    people = [make_participant(ward=busy, organisation_id=school.id) for _ in range(2)]
    people.append(make_participant(ward=busy, organisation_id=office.id))
    people.append(make_participant(ward=busy))
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        for index, person in enumerate(people):
            p = db.session.get(Participant, person.id)
            for n in range(1 + index % 2):  # some take two attempts: one person, two entries
                attempt = attempts.start_attempt(p, r, FIXED_NOW + timedelta(minutes=n)).attempt
                attempts.submit_attempt(p, attempt.id, FIXED_NOW + timedelta(minutes=n, seconds=9))
        db.session.commit()
        wards = {x.name: x for x in collective.ranked(r, "ward", "participants")}
        assert wards["Phường Bận"].participants == 4 and wards["Phường Bận"].entries == 6
        assert wards["Phường Trống"].participants == 0 and wards["Phường Trống"].mean_score is None
        assert list(wards) == ["Phường Bận", "Phường Trống"]
        orgs = {x.key: x for x in collective.groups(r, "organisation")}
        assert orgs[school.code].participants == 2 and orgs[school.code].rate == 0.5
        assert orgs[office.code].rate == 0.1
        clusters = collective.groups(r, "cluster")
        assert [(c.name, c.participants, c.headcount) for c in clusters] == [
            ("Khối trường học", 3, 14)
        ]
