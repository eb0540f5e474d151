"""A round run to the ceremony through the console: a true tie, collective prizes, prizes
changed by hand, an open flag published over with a reason; then every ceremony file read back
(pdftotext, openpyxl, the CSV text): complete (collective prizes, changes with reasons, flags)
and final (no draft words)."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import timedelta

import openpyxl
import pytest

from quizapp.domain.round_rules import PrizeTier
from quizapp.extensions import db
from quizapp.models import AuditLog, Organisation, Publication, Round
from quizapp.services import lifecycle
from tests.conftest import FIXED_NOW, post_form
from tests.functional.test_console_exports import _take
from tests.unit.test_exports import pdf_text as raw_pdf_text

DRAFT_WORDS = (
    "BẢN NHÁP",
    "Lưu ý của bản dự thảo",
    "người đủ điều kiện",  # "Giải …: chỉ có 0/2 người đủ điều kiện"
    "cần ban tổ chức quyết định",
    "cần Ban tổ chức quyết định",
)
TIERS = (
    PrizeTier("Giải Nhất", 1),
    PrizeTier("Giải Nhì", 1),
    PrizeTier("Giải Ba", 1),
    PrizeTier("Giải Khuyến khích", 2),
)


def pdf_text(data: bytes) -> str:
    """The PDF's text, whitespace folded (table cells wrap across lines)."""
    return " ".join(raw_pdf_text(data).split())


@pytest.fixture
def ceremony(app, make_round, make_ward, make_organisation, make_participant, clock):
    """Five people in four wards (two wards tied on one participant each, averages 0 and 5)
    and two schools tied on everything; the round closed."""
    rnd = make_round(question_count=10, closes_at=FIXED_NOW + timedelta(hours=1), prizes=TIERS)
    wards = {
        name: make_ward(name=name)
        for name in ("Phường Thông Tây Hội", "Phường Gò Vấp", "Phường Hạnh Thông", "Phường An Nhơn")
    }
    du = make_organisation(name="Trường THCS Nguyễn Du", ward=wards["Phường Thông Tây Hội"])
    loi = make_organisation(name="Trường THCS Lê Lợi", ward=wards["Phường Thông Tây Hội"])
    cast = [  # name, ward, school, correct, seconds
        ("Trần Văn Nhanh", "Phường Thông Tây Hội", None, 10, 9),  # too fast: flagged
        ("Hồ Văn Rút", "Phường Gò Vấp", None, 9, 300),
        ("Đỗ Thị Khá", "Phường Thông Tây Hội", du, 8, 200),
        ("Vũ Thị Bằng", "Phường Thông Tây Hội", loi, 8, 200),  # tied with Khá on every key
        ("Lê Thị Giỏi", "Phường Hạnh Thông", None, 5, 120),
        ("Phạm Văn Không", "Phường An Nhơn", None, 0, 60),
    ]
    people = {}
    for n, (name, ward, school, correct, seconds) in enumerate(cast):
        people[name] = make_participant(
            full_name=name,
            phone=f"09120000{n:02d}",
            ward=wards[ward],
            organisation_id=school.id if school else None,
        )
        _take(app, rnd.id, people[name], correct, seconds)
    clock.advance(hours=2)
    with app.app_context():
        lifecycle.close_round(None, db.session.get(Round, rnd.id), clock.now, confirmed=True)
        db.session.commit()
    return rnd, {name: p.id for name, p in people.items()}


def test_the_ceremony_files_are_complete_and_final(app, client, login_staff, ceremony) -> None:
    rnd, ids = ceremony
    login_staff("organiser")
    review = f"/console/rounds/{rnd.id}/review/"
    page = client.get(review).text
    # The collective rule stated before anything is published; the chain breaks the wards' tie.
    assert "Giải tập thể (phường, cơ quan, đơn vị) xét theo số người tham gia" in page
    assert (
        "Bằng nhau ở mọi tiêu chí (hạng 1):</strong> Trường THCS Nguyễn Du, Trường THCS Lê Lợi"
        in page
    )
    # Giải Khuyến khích: Bằng (8/10) and Giỏi (5/10); Không (0/10) is below the minimum.
    prizes = f"/console/rounds/{rnd.id}/giai/"
    adjust = f"{prizes}dieu-chinh"
    changes = [
        {
            "kind": "withdraw",
            "participant_id": ids["Hồ Văn Rút"],
            "reason": "Dùng tài liệu khi thi, đã xác minh",
        },
        {
            "kind": "move",
            "participant_id": ids["Vũ Thị Bằng"],
            "tier": "Giải Ba",
            "reason": "Đồng hạng 3 với Đỗ Thị Khá",
        },
        {
            "kind": "add",
            "participant_id": ids["Phạm Văn Không"],
            "tier": "Giải Khuyến khích",
            "reason": "Người dự thi cao tuổi nhất",
        },
    ]
    for change in changes:
        assert post_form(client, adjust, change, page=prizes).status_code == 302
    draft_page = client.get(prizes).text
    assert "Giải Nhì: chỉ có 0/1 người đủ điều kiện." in draft_page  # true before publication
    assert "Giải Khuyến khích: chỉ có" not in draft_page  # the added prize filled it

    confirm_url = f"/console/rounds/{rnd.id}/publish"
    confirm = client.get(confirm_url).text
    assert "Giải Nhất — Trần Văn Nhanh: làm quá nhanh: nộp bài sau 9,0 giây" in confirm
    assert (
        "Cá nhân hạng 3 bằng nhau ở mọi tiêu chí: Đỗ Thị Khá (Giải Ba), Vũ Thị Bằng (Giải Ba)."
        in confirm
    )
    assert (
        "Cơ quan, đơn vị hạng 1 bằng nhau ở mọi tiêu chí: Trường THCS Nguyễn Du, "
        "Trường THCS Lê Lợi — đồng giải." in confirm
    )
    because = "Đã xác minh trực tiếp người làm nhanh; hai trường đồng giải theo thể lệ."
    done = post_form(
        client, confirm_url, {"confirm": "y", "acknowledgement": because}, page=confirm_url
    )
    assert done.status_code == 302
    with app.app_context():
        published = db.session.scalar(db.select(Publication))
        digest, publication_id = published.digest, published.id
        collective = published.payload["collective"]
    assert [(w["tier"], w["name"]) for w in collective["ward"]] == [
        ("Giải Nhất tập thể", "Phường Thông Tây Hội"),
        ("Giải Nhì tập thể", "Phường Gò Vấp"),
        ("Giải Nhì tập thể", "Phường Hạnh Thông"),  # average 5,00: above An Nhơn's 0,00
        ("Giải Ba tập thể", "Phường An Nhơn"),
    ]
    data = client.get(f"/ket-qua/cong-bo/{publication_id}/xep-hang.json").data
    assert hashlib.sha256(data).hexdigest() == digest  # the digest covers the prizes too
    ward_prizes = json.loads(data)["prizes"]["collective"]["ward"]
    assert [(p[0], p[2], p[3]) for p in ward_prizes][:1] == [
        ("Giải Nhất tập thể", "Phường Thông Tây Hội", 1)
    ]
    for after in (prizes, confirm_url):  # the prize page, the correction's confirmation
        text = client.get(after).text
        assert not [w for w in DRAFT_WORDS if w in text], after

    export = f"/console/rounds/{rnd.id}/export"
    ceremony_pdf = pdf_text(client.get(f"{export}/ceremony.pdf").data)
    for word in DRAFT_WORDS:
        assert word not in ceremony_pdf, word
    assert "GIẢI TẬP THỂ" in ceremony_pdf and "Giải Nhất tập thể (3 tập thể)" in ceremony_pdf
    assert "Trường THCS Nguyễn Du" in ceremony_pdf and "Đồng giải" in ceremony_pdf
    assert (
        "Hồ Văn Rút: Rút Giải Nhì (Ban tổ chức điều chỉnh; "
        "lý do: Dùng tài liệu khi thi, đã xác minh)" in ceremony_pdf
    )
    assert "Cảnh báo: làm quá nhanh" in ceremony_pdf
    assert "Thêm Giải Khuyến khích" in ceremony_pdf

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{export}/results.xlsx").data))
    cells = [
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    ]
    assert not [c for c in cells if any(word in c for word in DRAFT_WORDS)]
    assert digest in (book.properties.description or "")
    wards = book["Xếp hạng phường"]
    header = [c.value for c in wards[1]]
    rows = {
        r[2]: dict(zip(header, r, strict=True))
        for r in wards.iter_rows(min_row=2, values_only=True)
    }
    assert (
        rows["Phường Hạnh Thông"]["Giải"] == "Giải Nhì tập thể"
        and rows["Phường Hạnh Thông"]["Hạng"] == 3
    )
    assert (
        rows["Phường An Nhơn"]["Giải"] == "Giải Ba tập thể" and rows["Phường An Nhơn"]["Hạng"] == 4
    )
    schools = book["Xếp hạng cơ quan, đơn vị"]
    notes = {r[2]: r[-1] for r in schools.iter_rows(min_row=2, values_only=True)}
    assert (
        notes["Trường THCS Lê Lợi"]
        == notes["Trường THCS Nguyễn Du"]
        == ("Đồng giải (bằng nhau ở mọi tiêu chí xếp hạng)")
    )
    assert len(list(book["Giải tập thể"].iter_rows(min_row=2))) == 4 + 2
    ranking = book["Xếp hạng cá nhân"]
    remarks = {r[2]: r[-1] for r in ranking.iter_rows(min_row=2, values_only=True)}
    assert remarks["Hồ Văn Rút"].startswith("Rút Giải Nhì (Ban tổ chức điều chỉnh; lý do: Dùng")
    assert remarks["Vũ Thị Bằng"].startswith("Chuyển từ Giải Khuyến khích sang Giải Ba")
    assert "Cảnh báo: làm quá nhanh" in remarks["Trần Văn Nhanh"]

    csv_text = client.get(f"{export}/results.csv").data.decode("utf-8-sig")
    assert not [w for w in DRAFT_WORDS if w in csv_text]
    assert "GIẢI TẬP THỂ" in csv_text and "Giải Nhất tập thể;1;Cơ quan, đơn vị" in csv_text
    assert "Rút Giải Nhì" in csv_text

    certificates = pdf_text(client.get(f"{export}/certificates.pdf").data)
    assert certificates.count("GIẤY CHỨNG NHẬN") == 5 + 6  # five people, six units
    assert "Trường THCS Lê Lợi Tập thể (cơ quan, đơn vị) Đã đạt Giải Nhất tập thể" in certificates
    assert not [w for w in DRAFT_WORDS if w in certificates]
    assert re.search(r"Phạm Văn Không .* Đã đạt Giải Khuyến khích", certificates)


def test_the_organiser_decides_a_collective_tie_with_a_reason(
    app, client, login_staff, ceremony
) -> None:
    rnd, _ = ceremony
    login_staff("organiser")
    review = f"/console/rounds/{rnd.id}/review/"
    chosen = {"policy": "participants,mean_score,rate", "tie_rule": "organiser"}
    post_form(client, f"{review}collective", chosen, page=review)
    page = client.get(review).text
    assert "Ban tổ chức quyết định (ghi rõ lý do) khi các tập thể bằng nhau" in page
    assert "Trường THCS Nguyễn Du, Trường THCS Lê Lợi — chưa quyết định" in page
    with app.app_context():
        school = {o.name: o.code for o in db.session.scalars(db.select(Organisation))}
    decide = f"{review}collective/tie"
    base = {"by": "organisation", "key": school["Trường THCS Lê Lợi"], "tier": "Giải Nhất tập thể"}
    refused = post_form(client, decide, {**base, "reason": " "}, page=review)
    assert "Vui lòng ghi lý do quyết định" in client.get(refused.headers["Location"]).text
    wrong = {**base, "tier": "Giải Ba tập thể", "reason": "x"}  # not a prize the tie spans
    assert (
        "Chỉ chọn một trong các giải"
        in client.get(post_form(client, decide, wrong, page=review).headers["Location"]).text
    )
    post_form(client, decide, {**base, "reason": "Tỷ lệ tham gia cao hơn"}, page=review)
    confirm = client.get(f"/console/rounds/{rnd.id}/publish").text
    assert "chưa quyết định" in confirm  # Nguyễn Du still waits
    other = {
        "by": "organisation",
        "key": school["Trường THCS Nguyễn Du"],
        "tier": "Giải Nhì tập thể",
        "reason": "Tỷ lệ tham gia thấp hơn",
    }
    post_form(client, decide, other, page=review)
    confirm = client.get(f"/console/rounds/{rnd.id}/publish").text
    assert "Ban tổ chức quyết định: Trường THCS Nguyễn Du — Giải Nhì tập thể" in confirm
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        from quizapp.services import collective

        awards = collective.collective_draft(r, "organisation").awards
        assert [(a.group.name, a.tier, a.reason) for a in awards] == [
            ("Trường THCS Lê Lợi", "Giải Nhất tập thể", "Tỷ lệ tham gia cao hơn"),
            ("Trường THCS Nguyễn Du", "Giải Nhì tập thể", "Tỷ lệ tham gia thấp hơn"),
        ]
        logged = db.session.scalars(
            db.select(AuditLog).where(AuditLog.action == "prize.collective_decide")
        ).all()
        assert [e.reason for e in logged] == [
            "Tỷ lệ tham gia cao hơn",
            "Tỷ lệ tham gia thấp hơn",
        ]
