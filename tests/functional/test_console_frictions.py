"""The frictions of issue 24, each as a new user met it: the page now says and does it right."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from flask import Flask

from quizapp.extensions import db
from quizapp.formats.bank_xlsx import bank_to_xlsx
from quizapp.models import Attempt, Round
from quizapp.services import lifecycle
from tests.conftest import SHIPPED_BANK, csrf_from, post_form
from tests.functional.test_bank_setup_restart import _shipped


def _start(client, rnd) -> int:
    started = post_form(client, f"/dot-thi/{rnd.id}/bat-dau", {}, page=f"/dot-thi/{rnd.id}")
    return int(started.headers["Location"].rsplit("/", 1)[1])


def test_the_prediction_accepts_a_number_written_the_vietnamese_way(
    app: Flask, client, make_round, login_participant, clock
) -> None:
    rnd = make_round(question_count=3, prediction_kind="participants")
    login_participant()
    attempt_id = _start(client, rnd)
    review = client.get(f"/luot-thi/{attempt_id}/nop").get_data(as_text=True)
    assert (
        'type="text"'
        in review.split('id="prediction"')[0][-200:] + review.split('id="prediction"')[1][:200]
    )
    assert "novalidate" in review and 'id="con-lai"' in review and "js/review.js" in review
    submitted = post_form(client, f"/luot-thi/{attempt_id}/nop", {"prediction": "1.500"})
    assert submitted.headers["Location"].endswith("/ket-qua")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).prediction == 1500


def test_jump_links_are_a_list_and_the_start_button_comes_before_the_rules(
    client, make_round, login_participant, clock
) -> None:
    rnd = make_round(question_count=3)
    login_participant()
    page = client.get(f"/dot-thi/{rnd.id}").get_data(as_text=True)
    assert page.index("Bắt đầu / tiếp tục làm bài") < page.index("<h2>Thể lệ</h2>")
    attempt_id = _start(client, rnd)
    review = client.get(f"/luot-thi/{attempt_id}/nop").get_data(as_text=True)
    links = re.findall(r'<li><a href="[^"]+\?cau=(\d)">Câu \1</a></li>', review)
    assert links == ["1", "2", "3"] and '<ul class="jump-links">' in review


def test_after_an_early_close_the_result_page_says_the_round_has_ended(
    app: Flask, client, make_round, login_participant, clock
) -> None:
    rnd = make_round(question_count=3)
    login_participant()
    attempt_id = _start(client, rnd)
    post_form(client, f"/luot-thi/{attempt_id}/nop", {})
    result = client.get(f"/luot-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert "sau khi đợt thi kết thúc" in result
    with app.app_context():
        lifecycle.close_round(
            None, db.session.get(Round, rnd.id), clock.now, reason="đóng sớm", confirmed=True
        )
        db.session.commit()
    result = client.get(f"/luot-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert "sau khi đợt thi kết thúc" not in result
    assert "Đợt thi đã kết thúc." in result and "công bố kết quả" in result


def test_signing_in_says_so_and_returns_to_the_page(
    client, make_round, make_participant, clock
) -> None:
    rnd = make_round(question_count=3)
    person = make_participant()
    page = client.get(f"/dot-thi/{rnd.id}/bang-xep-hang").get_data(as_text=True)
    assert f"/dang-nhap?next=/dot-thi/{rnd.id}/bang-xep-hang" in page
    signed = post_form(
        client,
        f"/dang-nhap?next=/dot-thi/{rnd.id}/bang-xep-hang",
        {"phone": person.phone, "password": "mat-khau-thu-nghiem"},
    )
    assert signed.headers["Location"].endswith(f"/dot-thi/{rnd.id}/bang-xep-hang")
    assert "Đã đăng nhập. Xin chào" in client.get(signed.headers["Location"]).get_data(as_text=True)


def test_console_home_greets_once_and_the_round_page_links_the_monitor(
    app: Flask, client, login_staff, make_round, clock
) -> None:
    rnd = make_round()
    staff = login_staff("organiser")
    home = client.get("/console/").get_data(as_text=True)
    assert "(Ban tổ chức)." not in home and 'class="rounds-overview stack"' in home
    assert 'data-label="Việc tiếp theo"' in home
    page = client.get(f"/console/rounds/{rnd.id}").get_data(as_text=True)
    assert "Theo dõi trực tiếp" in page and "Đợt thi đang mở: chỉ đổi được tên" in page
    with app.app_context():
        db.session.get(Round, rnd.id).status = "published"
        db.session.commit()
    published = client.get(f"/console/rounds/{rnd.id}").get_data(as_text=True)
    assert "chỉ đổi được tên" not in published and "Mở lại" not in published
    assert "Lưu thay đổi" not in published
    refused = post_form(client, f"/console/rounds/{rnd.id}", {"title": "x"}, page="/console/")
    assert refused.status_code == 200
    assert staff


def test_the_staff_sign_in_page_is_for_liaisons_too(client) -> None:
    page = client.get("/staff/login").get_data(as_text=True)
    assert "<title>Đăng nhập cán bộ (ban tổ chức, phụ trách đơn vị)" in page


def test_bank_impact_reads_a_query_typed_without_diacritics(client, login_staff, make_bank) -> None:
    make_bank(30)
    login_staff("organiser")
    for typed in ("dieu 2", "Dieu 2", "khoan 1 dieu 2"):
        page = client.get("/console/bank/impact", query_string={"q": typed})
        assert page.status_code == 200, typed
        assert f"câu hỏi có căn cứ liên quan tới «{typed}»" in page.text
        assert "Câu hỏi thử số 2?" in page.text and "Câu hỏi thử số 20?" not in page.text


def test_an_upload_that_nearly_copies_a_bank_question_is_flagged(
    app: Flask, client, login_staff, runner
) -> None:
    runner.invoke(args=["bank", "setup", str(SHIPPED_BANK)])
    report = _shipped()
    original = next(s for s in report.questions if s.id == "TDKT-0002")
    copy = replace(original, id="TDKT-9100", text=original.text.replace("?", " vậy?"))
    login_staff("organiser")
    response = client.post(
        "/console/bank/upload",
        data={
            "csrf_token": csrf_from(client, "/console/bank/upload"),
            "file": (io.BytesIO(bank_to_xlsx([copy, original], report.topics)), "x.xlsx"),
        },
        content_type="multipart/form-data",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gần giống câu đã có trong ngân hàng (1)" in page
    assert "TDKT-9100: nội dung gần giống câu TDKT-0002 đã có trong ngân hàng" in page


def test_words_one_attempt_rules_and_a_birth_year_of_this_year() -> None:
    from datetime import UTC, datetime

    import pytest

    from quizapp.domain.people import InvalidValue, check_birth_year
    from quizapp.domain.round_rules import RoundSettings, rules_text
    from quizapp.services.participants import MIN_AGE

    start = datetime(2026, 11, 20, tzinfo=UTC)
    one = rules_text(RoundSettings("Đợt", start, start.replace(day=27), 5, max_attempts=1))
    assert "Mỗi người được thi một lượt duy nhất; kết quả của lượt đó được tính." in one
    assert not any("tốt nhất" in line for line in one)
    two = rules_text(RoundSettings("Đợt", start, start.replace(day=27), 5, max_attempts=2))
    assert any("tối đa 2 lượt; lượt có kết quả tốt nhất" in line for line in two)
    with pytest.raises(InvalidValue):
        check_birth_year(2026, 2026, MIN_AGE)
    assert check_birth_year(2010, 2026, MIN_AGE) == 2010


def test_two_open_rounds_are_both_on_the_share_page_and_the_poster(
    client, make_round, make_ward, clock
) -> None:
    ward = make_ward(code="hanh-thong", name="Phường Hạnh Thông")
    make_round(title="Đợt thi thứ nhất", question_count=3)
    make_round(title="Đợt thi thứ hai", question_count=3)
    share = client.get(f"/chia-se/phuong/{ward.code}").get_data(as_text=True)
    poster = client.get(f"/chia-se/phuong/{ward.code}/ap-phich").get_data(as_text=True)
    for page in (share, poster):
        assert "Đợt thi thứ nhất" in page and "Đợt thi thứ hai" in page
        assert "(giờ Việt Nam)" in page
    assert "Giải thưởng:" not in poster or "Giải Nhất" in poster
    assert "← Quay lại" in poster and 'id="in-ap-phich"' in poster and "js/poster.js" in poster


def test_every_public_page_unfurls_with_a_card_and_its_address(
    app: Flask, client, make_round, make_ward, clock
) -> None:
    rnd = make_round(question_count=3)
    ward = make_ward(code="hanh-thong", name="Phường Hạnh Thông")
    pages = {
        "/": "/anh.png",
        "/luyen-tap": "/anh.png",
        f"/dot-thi/{rnd.id}/bang-xep-hang": f"/dot-thi/{rnd.id}/anh.png",
        f"/dang-ky?phuong={ward.code}": f"/chia-se/phuong/{ward.code}/anh.png",
    }
    for path, card in pages.items():
        html = client.get(path).get_data(as_text=True)
        assert re.search(
            rf'<meta property="og:image" content="http://[^"]+{re.escape(card)}"', html
        )
        assert f'<meta property="og:url" content="http://localhost{path.split("?")[0]}"' in html
    short = client.get(f"/p/{ward.code}")
    assert short.status_code == 302 and f"phuong={ward.code}" in short.headers["Location"]
    assert client.get("/anh.png").mimetype == "image/png"


def test_the_ward_card_carries_the_qr_code_it_asks_to_scan(
    client, make_round, make_ward, clock, tmp_path
) -> None:
    import shutil
    import subprocess

    import pytest

    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg is missing (apt-get install -y zbar-tools)")
    make_round(question_count=3)
    ward = make_ward(code="hanh-thong", name="Phường Hạnh Thông")
    card = client.get(f"/chia-se/phuong/{ward.code}/anh.png")
    assert card.mimetype == "image/png"
    (tmp_path / "the.png").write_bytes(card.data)
    read = subprocess.run(["zbarimg", "-q", str(tmp_path / "the.png")], capture_output=True)
    assert read.stdout.decode().strip() == f"QR-Code:http://localhost/p/{ward.code}"
