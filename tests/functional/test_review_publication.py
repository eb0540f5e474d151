"""After the close: review with flags, exclusion and recompute, publication with a digest."""

import hashlib
from datetime import timedelta

import pytest
from flask import Flask

from quizapp.domain.round_rules import PrizeTier
from quizapp.extensions import db
from quizapp.models import Attempt, AuditLog, Participant, Publication, Round
from quizapp.services import attempts
from tests.conftest import FIXED_NOW, post_form


def _take(app: Flask, round_id: int, person, start, correct: int, seconds: int) -> None:
    with app.app_context():
        r, p = db.session.get(Round, round_id), db.session.get(Participant, person.id)
        attempt = attempts.start_attempt(p, r, start).attempt
        for item in attempt.items[:correct]:
            attempts.save_answer(
                p,
                attempt.id,
                item.position,
                item.choice_order.index(item.version.correct_index),
                start,
            )
        attempts.submit_attempt(p, attempt.id, start + timedelta(seconds=seconds))
        db.session.commit()


@pytest.fixture
def closed_round(app, make_round, make_participant, clock):
    rnd = make_round(
        question_count=5,
        closes_at=FIXED_NOW + timedelta(hours=1),
        prizes=(PrizeTier("Giải Nhất", 1), PrizeTier("Giải Nhì", 1)),
    )
    people = {
        "nhanh": make_participant(full_name="Trần Văn Nhanh", phone="0911000001"),
        "gioi": make_participant(full_name="Lê Thị Giỏi", phone="0911000002"),
        "kha": make_participant(full_name="Phạm Văn Khá", phone="0911000003"),
    }
    _take(app, rnd.id, people["nhanh"], FIXED_NOW, correct=5, seconds=4)  # flagged: too fast
    _take(app, rnd.id, people["gioi"], FIXED_NOW, correct=5, seconds=200)
    _take(app, rnd.id, people["kha"], FIXED_NOW, correct=3, seconds=100)
    clock.advance(hours=2)
    with app.app_context():
        from quizapp.services import lifecycle

        lifecycle.close_round(None, db.session.get(Round, rnd.id), clock.now, confirmed=True)
        db.session.commit()
    return rnd, people


def test_review_exclude_publish_and_verify(
    app, client, login_staff, closed_round, runner, tmp_path
) -> None:
    rnd, people = closed_round
    login_staff("organiser")
    url = f"/console/rounds/{rnd.id}/review/"
    page = client.get(url).get_data(as_text=True)
    assert "đúng hết 5 câu trong 4,0 giây" in page
    post_form(client, f"/console/rounds/{rnd.id}/review/start", {}, page=url)
    refused = post_form(
        client,
        f"/console/rounds/{rnd.id}/review/exclude/{people['nhanh'].id}",
        {"reason": " "},
        page=url,
    )
    assert "Vui lòng ghi lý do" in client.get(refused.headers["Location"]).get_data(as_text=True)
    post_form(
        client,
        f"/console/rounds/{rnd.id}/review/exclude/{people['nhanh'].id}",
        {"reason": "làm bài quá nhanh, đã xác minh dùng công cụ"},
        page=url,
    )
    confirm_url = f"/console/rounds/{rnd.id}/publish"
    page = client.get(confirm_url).get_data(as_text=True)
    assert "Bản công bố không thể sửa" in page and "Lê Thị Giỏi" in page  # the winners shown
    published = post_form(client, confirm_url, {"confirm": "y"}, page=confirm_url)
    assert published.status_code == 302
    with app.app_context():
        publication = db.session.scalar(db.select(Publication))
        winners = [(w["tier"], w["name"]) for w in publication.payload["winners"]]
        assert winners == [("Giải Nhất", "Lê Thị Giỏi"), ("Giải Nhì", "Phạm Văn Khá")]
        actions = db.session.scalars(db.select(AuditLog.action)).all()
        assert {"entry.exclude", "round.review", "round.publish", "publication.create"} <= set(
            actions
        )
        assert db.session.get(Round, rnd.id).status == "published"
        publication_id, digest = publication.id, publication.digest

    public = client.get(f"/ket-qua/cong-bo/{publication_id}").get_data(as_text=True)
    assert "Giải tập thể theo phường" in public
    assert "Lê Thị Giỏi" in public and "09xx xxx 002" in public and "0911000002" not in public
    assert digest in public
    with client.get(f"/ket-qua/cong-bo/{publication_id}/xep-hang.json") as download:
        data = download.data
    assert hashlib.sha256(data).hexdigest() == digest
    assert b"0911000002" not in data and "Giỏi".encode() not in data
    import json

    document = json.loads(data)
    assert document["fields"][:2] == ["rank", "entrant"]
    with app.app_context():
        winner = db.session.get(Publication, publication_id).payload["winners"][0]
    assert [winner["entrant"], winner["rank"]] in [[r[1], r[0]] for r in document["rows"]]
    assert b"salt" not in data
    saved = tmp_path / "xep-hang.json"
    saved.write_bytes(data)
    assert runner.invoke(args=["publication", "verify", str(saved), digest]).exit_code == 0
    saved.write_bytes(data.replace(b'"rows":[[1', b'"rows":[[2', 1))
    tampered = runner.invoke(args=["publication", "verify", str(saved), digest])
    assert tampered.exit_code == 1 and "KHÔNG khớp" in tampered.output


def test_publication_is_immutable_and_corrections_say_why(
    app, client, login_staff, closed_round
) -> None:
    rnd, people = closed_round
    login_staff("organiser")
    url = f"/console/rounds/{rnd.id}/review/"
    confirm_url = f"/console/rounds/{rnd.id}/publish"
    # The too-fast winner's flag is still open: listed, and published over only with a reason.
    page = client.get(confirm_url).get_data(as_text=True)
    assert "Cần lưu ý trước khi công bố (3)" in page  # two flags, one collective tie
    assert "Giải Nhất — Trần Văn Nhanh: làm quá nhanh: nộp bài sau 4,0 giây" in page
    assert "Phường hạng 1 bằng nhau ở mọi tiêu chí: Phường Thử 1, Phường Thử 2 — đồng giải" in page
    unacknowledged = post_form(client, confirm_url, {"confirm": "y"}, page=confirm_url)
    assert unacknowledged.status_code == 400
    assert "hãy ghi lý do vẫn công bố" in unacknowledged.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Publication)) is None
        assert db.session.get(Round, rnd.id).status == "closed"
    because = "Đã gọi điện xác minh: người thi thuộc luật, làm nhanh thật."
    post_form(client, confirm_url, {"confirm": "y", "acknowledgement": because}, page=confirm_url)
    with app.app_context():
        logged = db.session.scalar(
            db.select(AuditLog).where(AuditLog.action == "publication.create")
        )
        assert logged.details["acknowledgement"] == because
        assert "làm quá nhanh" in logged.details["checklist"][0]
        first = db.session.scalar(db.select(Publication))
        first.change_note = "sửa lén"
        with pytest.raises(ValueError, match="immutable"):
            db.session.commit()
        db.session.rollback()
    refused = post_form(client, confirm_url, {"confirm": "y"}, page=confirm_url)
    assert refused.status_code == 400 and "phải nêu rõ thay đổi" in refused.get_data(as_text=True)
    blocked = post_form(
        client,
        f"/console/rounds/{rnd.id}/review/exclude/{people['gioi'].id}",
        {"reason": "thử"},
        page=url,
    )
    assert "hãy công bố đính chính" in client.get(blocked.headers["Location"]).get_data(
        as_text=True
    )
    post_form(
        client,
        confirm_url,
        {
            "reason": "Bổ sung giải sau khi xét khiếu nại.",
            "confirm": "y",
            "acknowledgement": because,
        },
        page=confirm_url,
    )
    with app.app_context():
        first, second = db.session.scalars(db.select(Publication).order_by(Publication.id)).all()
        assert second.supersedes_id == first.id and second.sequence == 2
    old = client.get(f"/ket-qua/cong-bo/{first.id}").get_data(as_text=True)
    assert "Bản này đã được đính chính" in old
    assert "Bổ sung giải sau khi xét khiếu nại." in client.get(
        f"/ket-qua/cong-bo/{second.id}"
    ).get_data(as_text=True)


def test_exclusion_recomputes_the_ranking(app, closed_round) -> None:
    from quizapp.models import StaffUser
    from quizapp.security import hash_password
    from quizapp.services import rankings, review

    rnd, people = closed_round
    with app.app_context():
        staff = StaffUser(
            username="x",
            full_name="x",
            role="organiser",
            password_hash=hash_password("mat-khau-dai-lam"),
        )
        db.session.add(staff)
        r = db.session.get(Round, rnd.id)
        before = [row.participant_id for row in rankings.round_ranking(r)]
        review.exclude(staff, r, people["nhanh"].id, "thử", FIXED_NOW)
        after = [row.participant_id for row in rankings.round_ranking(r)]
        marked = db.session.scalars(
            db.select(Attempt.excluded_at).where(Attempt.participant_id == people["nhanh"].id)
        ).all()
        assert marked and all(at == FIXED_NOW for at in marked)  # written on every attempt
        review.include(staff, r, people["nhanh"].id, "khiếu nại đúng")
        assert db.session.scalars(
            db.select(Attempt.excluded_at).where(Attempt.participant_id == people["nhanh"].id)
        ).all() == [None] * len(marked)
    assert before[0] == people["nhanh"].id and after == before[1:]


def test_review_pages_need_staff(client, closed_round) -> None:
    rnd, _ = closed_round
    assert client.get(f"/console/rounds/{rnd.id}/review/").status_code == 302


def test_the_too_fast_threshold_is_shown_tuned_and_only_flags(
    app, client, login_staff, closed_round
) -> None:
    """Default for 5 questions in 10 minutes: a tenth of the limit, 60 s. At 150 s the 100 s
    entry is flagged too; every entry stays ranked; empty goes back to the default."""
    rnd, _ = closed_round
    login_staff("organiser")
    url = f"/console/rounds/{rnd.id}/review/"
    page = client.get(url).get_data(as_text=True)
    assert "sớm hơn <strong>60 giây</strong>" in page
    assert "làm quá nhanh: nộp bài sau 4,0 giây (ngưỡng 60 giây)" in page
    assert "nộp bài sau 100,0 giây" not in page
    post_form(client, f"{url}too-fast", {"seconds": "150"}, page=url)
    page = client.get(url).get_data(as_text=True)
    assert "làm quá nhanh: nộp bài sau 100,0 giây (ngưỡng 150 giây)" in page
    assert "3 người được xếp hạng · 2 người có cảnh báo · 0 bài bị loại" in " ".join(page.split())
    refused = post_form(client, f"{url}too-fast", {"seconds": "0"}, page=url)
    assert "lớn hơn 0" in client.get(refused.headers["Location"]).get_data(as_text=True)
    post_form(client, f"{url}too-fast", {"seconds": ""}, page=url)
    with app.app_context():
        assert db.session.get(Round, rnd.id).too_fast_seconds is None
        changes = db.session.scalars(
            db.select(AuditLog).where(AuditLog.action == "round.too_fast_threshold")
        ).all()
        assert [(c.details["before"], c.details["after"]) for c in changes] == [
            (60, 150),
            (150, 60),
        ]
