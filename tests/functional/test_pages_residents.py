"""What a resident meets first: the home page's open rounds, registration that returns to the
round it started from (never to another site), and every registration problem in one pass."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from tests.conftest import FIXED_NOW, ApiClient, post_form

GOOD = {
    "full_name": "Phạm Thị Hoa",
    "phone": "0987 654 321",
    "password": "matkhau123",
    "birth_year": "1992",
    "group": "resident",
    "organisation_id": "0",
    "cccd": "",
    "consent": "y",
}


def test_home_page_shows_each_open_round_with_its_button_time_left_and_rules(
    client, make_round, clock
) -> None:
    closing = make_round(title="Đợt 2", closes_at=FIXED_NOW + timedelta(days=2, hours=3, minutes=9))
    make_round(title="Đợt nháp", status="draft", bank_size=0)
    page = client.get("/").get_data(as_text=True)
    assert "Đợt 2" in page and "Đợt nháp" not in page
    assert f'href="/dot-thi/{closing.id}">Vào thi</a>' in page
    assert "Còn <strong>2 ngày 3 giờ</strong>" in page
    assert f'href="/dot-thi/{closing.id}#the-le"' in page
    assert 'id="the-le"' in client.get(f"/dot-thi/{closing.id}").get_data(as_text=True)


def test_home_page_without_an_open_round_points_to_the_schedule(client, make_round) -> None:
    make_round(
        title="Đợt đã qua",
        closes_at=FIXED_NOW - timedelta(minutes=1),
        opens_at=FIXED_NOW - timedelta(days=1),
    )
    page = client.get("/").get_data(as_text=True)
    assert "Hiện chưa có đợt thi nào đang mở" in page and "Vào thi" not in page


def test_registering_from_a_round_returns_to_that_round(
    client, make_round, make_ward, clock
) -> None:
    rnd = make_round()
    ward = make_ward()
    page = client.get(f"/dot-thi/{rnd.id}").get_data(as_text=True)
    register_url = f"/dang-ky?next=/dot-thi/{rnd.id}"
    assert f'href="{register_url}"' in page
    assert f'href="/dang-nhap?next=/dot-thi/{rnd.id}"' in client.get(register_url).get_data(
        as_text=True
    )
    response = post_form(client, register_url, GOOD | {"ward_id": str(ward.id)})
    assert response.status_code == 302 and response.headers["Location"] == f"/dot-thi/{rnd.id}"


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "dot-thi"],
)
def test_registration_never_redirects_off_site(client, make_ward, target: str) -> None:
    ward = make_ward()
    response = post_form(
        client, "/dang-ky", GOOD | {"ward_id": str(ward.id)}, query_string={"next": target}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/dot-thi"


def test_every_registration_problem_is_shown_at_once_and_the_typing_is_kept(
    client, make_ward, make_participant
) -> None:
    ward = make_ward()
    make_participant(phone="0987654321", cccd="079123456789")
    typed = GOOD | {
        "full_name": "",
        "password": "ngan",
        "birth_year": "1800",
        "ward_id": str(ward.id),
        "cccd": "079 123 456 789",
        "consent": "",
    }
    page = post_form(client, "/dang-ky", typed).get_data(as_text=True)
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', page, re.S)
    assert summary and 'role="alert"' in page
    links = re.findall(r'<li><a href="#(\w+)">', summary.group(1))
    assert links == ["full_name", "phone", "password", "birth_year", "cccd", "consent"]
    for message in (
        "Vui lòng nhập họ và tên.",
        "Số điện thoại này đã được đăng ký",
        "Mật khẩu phải có ít nhất 8 ký tự.",
        "Năm sinh không hợp lệ",
        "Số CCCD này đã được đăng ký",
        "Bạn cần đồng ý",
    ):
        assert message in summary.group(1), message
    assert 'value="0987 654 321"' in page and 'value="079 123 456 789"' in page
    assert 'value="1800"' in page and f'<option selected value="{ward.id}">' in page
    assert 'value="ngan"' not in page, "a password is never sent back to the browser"
    assert re.search(r'<input[^>]*aria-describedby="phone-goi-y phone-loi"[^>]*aria-invalid', page)


def test_the_api_lists_every_registration_problem(api: ApiClient, make_ward) -> None:
    ward = make_ward()
    body = {
        "full_name": "Lê Văn C",
        "phone": "0123",
        "password": "ngan",
        "birth_year": 1990,
        "ward_id": ward.id,
        "group": "resident",
        "consent": False,
    }
    error = api.call("POST", "/api/v1/register", body).get_json()["error"]
    assert [p["field"] for p in error["fields"]] == ["phone", "password", "consent"]
    assert (error["code"], error["field"]) == ("invalid", "phone")


def _og(page: str) -> dict[str, str]:
    return dict(re.findall(r'<meta property="(og:[\w:]+)" content="([^"]*)">', page))


@pytest.mark.parametrize("kind", ["share", "round"])
def test_share_and_round_pages_carry_open_graph_tags_and_a_preview_card(
    client, make_round, make_ward, clock, kind: str
) -> None:
    rnd = make_round(title="Tuần thi thứ nhất")
    make_ward(code="an-nhon", name="Phường An Nhơn")
    path = "/chia-se/phuong/an-nhon" if kind == "share" else f"/dot-thi/{rnd.id}"
    tags = _og(client.get(path).get_data(as_text=True))
    assert tags["og:url"] == f"http://localhost{path}"
    assert tags["og:title"] and tags["og:description"] and tags["og:locale"] == "vi_VN"
    assert "Tuần thi thứ nhất" in tags["og:image:alt"]
    if kind == "share":
        assert "Phường An Nhơn" in tags["og:image:alt"]
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:image"].startswith("http://localhost/")
    card = client.get(tags["og:image"].removeprefix("http://localhost"))
    assert card.status_code == 200 and card.mimetype == "image/png"
    assert "public" in card.headers["Cache-Control"]
    with Image.open(io.BytesIO(card.data)) as image:
        assert image.size == (1200, 630)


def test_no_preview_card_for_a_draft_round_or_an_unknown_ward(client, make_round) -> None:
    draft = make_round(status="draft")
    assert client.get(f"/dot-thi/{draft.id}/anh.png").status_code == 404
    assert client.get("/chia-se/phuong/khong-co/anh.png").status_code == 404


def test_a_poster_link_leads_back_to_the_round_only_when_one_is_open(
    client, make_round, make_ward, clock
) -> None:
    ward = make_ward(code="an-nhon")
    assert client.get("/p/an-nhon").headers["Location"] == "/dang-ky?phuong=an-nhon"
    first = make_round(title="Đợt một")
    location = client.get("/p/an-nhon").headers["Location"]
    assert location == f"/dang-ky?phuong=an-nhon&next=/dot-thi/{first.id}"
    response = post_form(client, location, GOOD | {"ward_id": str(ward.id)})
    assert response.headers["Location"] == f"/dot-thi/{first.id}"
    make_round(title="Đợt hai")
    assert client.get("/p/an-nhon").headers["Location"] == "/dang-ky?phuong=an-nhon"
