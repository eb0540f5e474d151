"""Exports for the award ceremony: console downloads (staff only, audited) and the CLI."""

from __future__ import annotations

import codecs
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from flask import Flask

from quizapp.domain.results import DRAFT_MARK, PROVISIONAL_MARK
from quizapp.domain.round_rules import PrizeTier
from quizapp.extensions import db
from quizapp.models import AuditLog, Participant, Round, StaffUser
from quizapp.services import attempts, lifecycle, publication
from quizapp.services.links import verification_url
from tests.conftest import FIXED_NOW

PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
FILES = {
    "results.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "results.csv": "text/csv",
    "ceremony.pdf": "application/pdf",
    "certificates.pdf": "application/pdf",
}


def _take(app: Flask, round_id: int, person: Participant, correct: int, seconds: int) -> None:
    with app.app_context():
        r, p = db.session.get(Round, round_id), db.session.get(Participant, person.id)
        attempt = attempts.start_attempt(p, r, FIXED_NOW).attempt
        for item in attempt.items[:correct]:
            answer = item.choice_order.index(item.version.correct_index)
            attempts.save_answer(p, attempt.id, item.position, answer, FIXED_NOW)
        attempts.submit_attempt(p, attempt.id, FIXED_NOW + timedelta(seconds=seconds))
        db.session.commit()


@pytest.fixture
def played(app, make_round, make_participant, make_organisation):
    """An open round with three finished entries and two prizes (one Nhất, one Nhì)."""
    rnd = make_round(question_count=5, prizes=(PrizeTier("Giải Nhất", 1), PrizeTier("Giải Nhì", 1)))
    office = make_organisation(name="UBND phường An Hội Đông")
    people = [
        make_participant(full_name='=HYPERLINK("http://x")', phone="0911000001"),
        make_participant(full_name="Lê Thị Giỏi", phone="0911000002", organisation_id=office.id),
        make_participant(full_name="Phạm Văn Khá", phone="0911000003"),
    ]
    for person, correct in zip(people, (5, 4, 2), strict=True):
        _take(app, rnd.id, person, correct, seconds=60 + correct)
    return rnd


def _exports(app: Flask) -> list[AuditLog]:
    with app.app_context():
        query = db.select(AuditLog).where(AuditLog.action == "results.export")
        found = list(db.session.scalars(query.order_by(AuditLog.id)))
        db.session.expunge_all()
        return found


def _url(rnd: Round, name: str) -> str:
    return f"/console/rounds/{rnd.id}/export/{name}"


def test_downloads_need_staff(app, client, played, login_participant) -> None:
    anonymous = client.get(_url(played, "results.xlsx"))
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.headers["Location"]
    login_participant()
    assert client.get(_url(played, "results.csv")).status_code == 403
    assert _exports(app) == []


@pytest.mark.parametrize(("name", "mimetype"), FILES.items())
def test_staff_download_is_private_and_audited(
    app, client, played, login_staff, name: str, mimetype: str
) -> None:
    staff = login_staff("organiser")
    response = client.get(_url(played, name))
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    [entry] = _exports(app)
    assert entry.actor_id == staff.user.id
    assert entry.target_type == "Round" and entry.target_id == str(played.id)
    assert entry.details["format"] == {"results.xlsx": "xlsx", "results.csv": "csv"}.get(
        name, name.removesuffix(".pdf")
    )


def test_downloaded_files_carry_the_full_data_and_are_safe(app, client, played, login_staff):
    login_staff("organiser")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(_url(played, "results.xlsx")).data))
    ranking = workbook["Xếp hạng cá nhân"]
    assert ranking["A1"].value == PROVISIONAL_MARK  # the round is open: provisional
    assert [c.value for c in ranking["C"][2:]] == [
        '=HYPERLINK("http://x")',
        "Lê Thị Giỏi",
        "Phạm Văn Khá",
    ]
    assert ranking["C3"].data_type == "s" and ranking["D3"].value == "0911000001"
    winners = workbook["Đoạt giải"]
    assert [(r[0].value, r[2].value) for r in winners.iter_rows(min_row=3)] == [
        ("Giải Nhất", '=HYPERLINK("http://x")'),
        ("Giải Nhì", "Lê Thị Giỏi"),
    ]
    assert winners["H4"].value == "UBND phường An Hội Đông"
    csv_data = client.get(_url(played, "results.csv")).data
    assert csv_data.startswith(codecs.BOM_UTF8)
    assert '\'=HYPERLINK(""http://x"")' in csv_data.decode("utf-8-sig")
    certificates = client.get(_url(played, "certificates.pdf")).data
    # Two people, then the collective winners: three wards (one person each) and the office.
    assert certificates.startswith(b"%PDF") and len(PAGE.findall(certificates)) == 2 + 4


def test_certificates_without_winners_go_back_with_a_message(
    app, client, make_round, login_staff
) -> None:
    rnd = make_round()
    login_staff("organiser")
    response = client.get(_url(rnd, "certificates.pdf"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/console/rounds/{rnd.id}")
    assert "chưa có người đoạt giải" in client.get(response.headers["Location"]).text
    assert _exports(app) == []


def test_round_page_links_the_exports(client, played, login_staff) -> None:
    login_staff("organiser")
    page = client.get(f"/console/rounds/{played.id}").text
    for name in FILES:
        assert _url(played, name) in page


def test_qr_opens_the_board_then_the_latest_publication(app, played, make_staff) -> None:
    staff = make_staff("organiser")
    with app.app_context():
        rnd = db.session.get(Round, played.id)
        board = verification_url(rnd, "https://thi.example.vn/")
        assert board == f"https://thi.example.vn/dot-thi/{rnd.id}/bang-xep-hang"
        lifecycle.close_round(
            None, rnd, FIXED_NOW + timedelta(minutes=5), reason="thử", confirmed=True
        )
        published = publication.publish(
            db.session.get(StaffUser, staff.user.id),
            rnd,
            FIXED_NOW,
            confirmed=True,
            acknowledgement="thử",
        )
        db.session.commit()
        link = verification_url(rnd, "https://thi.example.vn/go-vap/")
        assert link == f"https://thi.example.vn/go-vap/ket-qua/cong-bo/{published.id}"
        with pytest.raises(ValueError):
            verification_url(rnd, "thi.example.vn")


@pytest.mark.parametrize(
    ("options", "check"),
    [
        (["--format", "xlsx"], lambda data: data.startswith(b"PK")),
        (["--format", "csv"], lambda data: data.startswith(codecs.BOM_UTF8)),
        (["--format", "pdf"], lambda data: len(PAGE.findall(data)) == 1),
        (
            ["--format", "pdf", "--certificates", "--base-url", "https://thi.example.vn"],
            lambda data: len(PAGE.findall(data)) == 2 + 4,  # two people, four units
        ),
    ],
)
def test_cli_writes_the_file_and_an_audit_entry(app, runner, played, tmp_path, options, check):
    target = tmp_path / "ket-qua.bin"
    result = runner.invoke(
        args=["results", "export", "--round", str(played.id), *options, "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    # Not published yet: the file name says it is a draft.
    target = tmp_path / "ket-qua-ban-nhap-chua-cong-bo.bin"
    assert "BẢN NHÁP" in result.output and check(target.read_bytes())
    assert not list(tmp_path.glob("*.part"))
    assert target.stat().st_mode & 0o077 == 0  # personal data: the owner only
    [entry] = _exports(app)
    assert entry.actor_id is None and entry.details["rows"] == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--round", "999", "--format", "xlsx"], "Không tìm thấy"),
        (["--format", "csv", "--certificates"], "--certificates"),
        (["--format", "pdf", "--certificates"], "--base-url"),
    ],
)
def test_cli_refuses_without_writing(app, runner, played, tmp_path, options, message) -> None:
    target = tmp_path / "out.pdf"
    args = ["results", "export", *options, "-o", str(target)]
    if "--round" not in options:
        args[2:2] = ["--round", str(played.id)]
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and message in result.output
    assert not target.exists() and _exports(app) == []


def test_after_publication_the_files_are_the_published_ones(
    app, client, played, make_staff, login_staff, clock
) -> None:
    """Built from the publication (no draft mark, the digest in the workbook); refused if the
    results drifted from what was published."""
    from quizapp.models import RoundEntry

    staff = make_staff("organiser")
    with app.app_context():
        rnd = db.session.get(Round, played.id)
        lifecycle.close_round(None, rnd, FIXED_NOW + timedelta(days=2), confirmed=True)
        organiser = db.session.get(StaffUser, staff.user.id)
        published = publication.publish(
            organiser, rnd, FIXED_NOW + timedelta(days=2), confirmed=True, acknowledgement="thử"
        )
        db.session.commit()
        digest = published.digest
    clock.advance(days=2, hours=1)  # past the close and its grace window: the result is final
    login_staff("organiser")
    response = client.get(_url(played, "results.xlsx"))
    assert "ban-nhap" not in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook["Xếp hạng cá nhân"]["A1"].value != DRAFT_MARK
    assert digest in (workbook.properties.description or "")
    with app.app_context():
        first = db.session.scalar(db.select(RoundEntry).order_by(RoundEntry.score.desc()))
        first.score = 0  # the results drift from the publication
        db.session.commit()
    refused = client.get(_url(played, "results.xlsx"))
    assert refused.status_code == 302
    assert "khác bản đã công bố" in client.get(refused.headers["Location"]).get_data(as_text=True)
