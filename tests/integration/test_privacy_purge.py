"""flask privacy purge: personal data goes, published (masked) results and counts stay."""

from datetime import timedelta

from quizapp.extensions import db
from quizapp.models import Attempt, Participant, Publication, Round
from quizapp.services import attempts, lifecycle, publication, rounds
from quizapp.services.privacy import PURGED_NAME
from tests.conftest import FIXED_NOW


def test_purge_after_publication(app, runner, make_round, make_participant, make_staff) -> None:
    # 0 correct answers may win here (the default threshold is half the questions)
    finished = make_round(
        question_count=5, closes_at=FIXED_NOW + timedelta(hours=1), prize_min_score=0
    )
    done_person = make_participant(full_name="Đỗ Thị Xong", cccd="079090001111")
    busy_person = make_participant(full_name="Vũ Văn Đang")
    staff = make_staff("organiser")
    with app.app_context():
        r = db.session.get(Round, finished.id)
        p = db.session.get(Participant, done_person.id)
        a = attempts.start_attempt(p, r, FIXED_NOW).attempt
        attempts.submit_attempt(p, a.id, FIXED_NOW + timedelta(minutes=1))
        lifecycle.close_round(None, r, FIXED_NOW + timedelta(hours=2), confirmed=True)
        publication.publish(
            db.session.merge(staff.user), r, FIXED_NOW + timedelta(hours=3), confirmed=True
        )
        contest = r.contest
        from quizapp.domain.round_rules import RoundSettings

        later = rounds.create_round(
            None,
            contest,
            RoundSettings(
                "Đợt 2",
                FIXED_NOW + timedelta(days=1),
                FIXED_NOW + timedelta(days=30),
                question_count=5,
            ),
            now=FIXED_NOW,
        )
        lifecycle.open_round(None, later, FIXED_NOW + timedelta(days=1), confirmed=True)
        b = db.session.get(Participant, busy_person.id)
        attempts.start_attempt(b, later, FIXED_NOW + timedelta(days=2))
        db.session.commit()
    # Registered at FIXED_NOW; the cut-off is derived from it, never from today's date.
    before = (FIXED_NOW + timedelta(days=11)).strftime("%d/%m/%Y %H:%M")
    result = runner.invoke(args=["privacy", "purge", "--before", before, "--yes"])
    assert result.exit_code == 0, result.output
    assert "Đã xóa dữ liệu cá nhân của 1 người" in result.output
    with app.app_context():
        gone = db.session.get(Participant, done_person.id)
        assert (gone.full_name, gone.cccd, gone.birth_year) == (PURGED_NAME, None, 1900)
        assert gone.phone != done_person.phone and gone.purged_at is not None
        kept = db.session.get(Participant, busy_person.id)
        assert kept.full_name == "Vũ Văn Đang"
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 2
        published = db.session.scalar(db.select(Publication))
        assert published.payload["winners"][0]["name"] == "Đỗ Thị Xong"  # the public record


def test_unconfirmed_uploads_are_deleted_after_a_day(app, runner, make_staff, clock) -> None:
    from quizapp.models import PendingUpload

    staff = make_staff("organiser")
    with app.app_context():
        for age in (30, 1):
            db.session.add(
                PendingUpload(
                    staff_id=staff.user.id,
                    kind="people_xlsx",
                    filename="ds.xlsx",
                    content=b"x",
                    sha256="0" * 64,
                    created_at=FIXED_NOW - timedelta(hours=age),
                )
            )
        db.session.commit()
    result = runner.invoke(args=["privacy", "purge-uploads"])
    assert "Đã xóa 1 tệp" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(PendingUpload.id))) == 1
