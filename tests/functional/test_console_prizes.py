"""Prizes adjusted by hand: a required reason, the audit log, the review, the publication."""

from __future__ import annotations

from quizapp.extensions import db
from quizapp.models import AuditLog, Publication
from tests.conftest import post_form
from tests.functional.test_review_publication import closed_round  # noqa: F401 (fixture)


def _draft(client, url: str) -> list[tuple[str, str]]:
    """(tier, name) rows of the draft table on the adjustments page."""
    page = client.get(url).get_data(as_text=True)
    table = page.split("Dự kiến trao giải")[1].split("</tbody>")[0]
    rows = [r for r in table.split("<tr><td>")[1:]]
    return [(r.split("</td>")[0], r.split("<td>")[2].split("</td>")[0]) for r in rows]


def test_withdraw_add_review_and_publish(app, client, login_staff, closed_round) -> None:  # noqa: F811
    rnd, people = closed_round
    login_staff("organiser")
    url = f"/console/rounds/{rnd.id}/giai/"
    adjust = f"{url}dieu-chinh"
    assert _draft(client, url) == [("Giải Nhất", "Trần Văn Nhanh"), ("Giải Nhì", "Lê Thị Giỏi")]
    nhanh, kha = people["nhanh"].id, people["kha"].id
    refused = post_form(
        client, adjust, {"kind": "withdraw", "participant_id": nhanh, "reason": " "}, page=url
    )
    assert "Vui lòng ghi lý do" in client.get(refused.headers["Location"]).get_data(as_text=True)
    post_form(
        client,
        adjust,
        {"kind": "withdraw", "participant_id": nhanh, "reason": "Nộp bài trong 4 giây"},
        page=url,
    )
    assert _draft(client, url) == [("Giải Nhì", "Lê Thị Giỏi")]  # nothing passes down by itself
    twice = post_form(
        client,
        adjust,
        {"kind": "add", "participant_id": people["gioi"].id, "tier": "Giải Nhất", "reason": "x"},
        page=url,
    )
    assert "mỗi người một giải" in client.get(twice.headers["Location"]).get_data(as_text=True)
    post_form(
        client,
        adjust,
        {"kind": "add", "participant_id": kha, "tier": "Giải Nhất", "reason": "Xét lại hạng"},
        page=url,
    )
    assert _draft(client, url) == [("Giải Nhất", "Phạm Văn Khá"), ("Giải Nhì", "Lê Thị Giỏi")]
    review = client.get(f"/console/rounds/{rnd.id}/review/").get_data(as_text=True)
    assert "Nộp bài trong 4 giây" in review and "Xét lại hạng" in review
    assert "Rút giải" in review and "Thêm giải" in review
    confirm_url = f"/console/rounds/{rnd.id}/publish"
    confirm = client.get(confirm_url).get_data(as_text=True)
    assert "Phạm Văn Khá" in confirm and "Trần Văn Nhanh" not in confirm  # winners as adjusted
    assert "chỉ có 0/1" not in confirm  # the added prize leaves no stale shortfall note
    ack = {"acknowledgement": "Hai phường bằng nhau: đồng giải theo thể lệ."}
    post_form(client, confirm_url, {"confirm": "y", **ack}, page=confirm_url)
    with app.app_context():
        published = db.session.scalar(db.select(Publication))
        assert [(w["tier"], w["name"]) for w in published.payload["winners"]] == [
            ("Giải Nhất", "Phạm Văn Khá"),
            ("Giải Nhì", "Lê Thị Giỏi"),
        ]
        assert [
            (a["kind"], a["name"], a["tier"], a["reason"]) for a in published.payload["adjustments"]
        ] == [
            ("withdraw", "Trần Văn Nhanh", None, "Nộp bài trong 4 giây"),
            ("add", "Phạm Văn Khá", "Giải Nhất", "Xét lại hạng"),
        ]
        logged = db.session.scalars(
            db.select(AuditLog).where(AuditLog.action == "prize.adjust").order_by(AuditLog.id)
        ).all()
        assert [(e.details["kind"], e.reason) for e in logged] == [
            ("withdraw", "Nộp bài trong 4 giây"),
            ("add", "Xét lại hạng"),
        ]
        publication_id = published.id
    public = client.get(f"/ket-qua/cong-bo/{publication_id}").get_data(as_text=True)
    assert "Điều chỉnh giải của Ban Tổ chức" in public and "Xét lại hạng" in public
    late = post_form(
        client, adjust, {"kind": "withdraw", "participant_id": kha, "reason": "muộn"}, page=url
    )
    assert "chưa công bố" in client.get(late.headers["Location"]).get_data(as_text=True)
