"""Ward and organisation liaisons: sign-in, turnout, masked lists, assisted registration."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import AuditLog, Participant, Round, StaffUser
from quizapp.security import hash_password
from tests.conftest import FIXED_NOW, TEST_PASSWORD, persist, post_form


@pytest.fixture
def make_liaison(app: Flask):
    def build(**scope: Any) -> StaffUser:
        user = StaffUser(
            username=f"lienlac{len(scope)}{sorted(scope.values())}",
            full_name="Cán bộ phụ trách",
            role="liaison",
            password_hash=hash_password(TEST_PASSWORD),
            **scope,
        )
        with app.app_context():
            return persist(user)

    return build


def sign_in(client, user: StaffUser):
    return post_form(client, "/staff/login", {"username": user.username, "password": TEST_PASSWORD})


def test_a_liaison_signs_in_to_its_own_page_not_the_console(
    client, make_ward, make_liaison
) -> None:
    ward = make_ward(name="Phường An Nhơn")
    response = sign_in(client, make_liaison(ward_id=ward.id))
    assert response.headers["Location"] == "/lien-lac/"
    page = client.get("/lien-lac/").get_data(as_text=True)
    assert "Phường An Nhơn" in page and 'href="/lien-lac/"' in page
    assert client.get("/console/").status_code == 403
    assert client.get("/console/people/").status_code == 403


def test_an_organisation_liaison_lists_and_exports_only_its_staff_masked(
    app, client, make_ward, make_organisation, make_participant, make_liaison
) -> None:
    ward = make_ward()
    org = make_organisation(ward, name="UBND phường Thử")
    mine = make_participant(ward, organisation_id=org.id, full_name="Lê Thị Của Mình")
    make_participant(ward, full_name="Trần Văn Cùng Phường")  # same ward, no organisation
    sign_in(client, make_liaison(organisation_id=org.id))
    page = client.get("/lien-lac/nguoi-du-thi").get_data(as_text=True)
    assert "Lê Thị Của Mình" in page and "Trần Văn Cùng Phường" not in page
    assert mine.phone not in page and f"{mine.phone[:2]}xx xxx {mine.phone[-3:]}" in page
    exported = client.get("/lien-lac/nguoi-du-thi.csv")
    text = exported.data.decode("utf-8-sig")
    assert exported.headers["Cache-Control"] == "private, no-store"
    assert "Lê Thị Của Mình" in text and "Trần Văn Cùng Phường" not in text
    assert mine.phone not in text and text.splitlines()[0].startswith("STT;Họ và tên;")
    with app.app_context():
        entry = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "liaison.export"))
        assert entry.details == {
            "scope": "organisation",
            "scope_id": org.id,
            "format": "csv",
            "rows": 1,
        }


def test_assisted_registration_for_someone_without_a_phone_is_recorded(
    app, client, make_ward, make_liaison
) -> None:
    ward = make_ward()
    other = make_ward()
    liaison = make_liaison(ward_id=ward.id)
    sign_in(client, liaison)
    form = {
        "full_name": "Bà Nguyễn Thị Tám",
        "phone": "0912 000 111",
        "password": "mat-khau-ba-tam",
        "birth_year": 1940,
        "ward_id": ward.id,
        "group": "resident",
        "organisation_id": 0,
        "consent": "y",
        "phone_of_helper": "y",
    }
    refused = post_form(client, "/lien-lac/dang-ky-ho", form | {"ward_id": other.id})
    assert refused.status_code == 200 and "phường mình phụ trách" in refused.text
    response = post_form(client, "/lien-lac/dang-ky-ho", form)
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalar(db.select(Participant))
        assert person.ward_id == ward.id and person.phone == "0912000111"
        assert person.registered_by_id == liaison.id and person.phone_of_helper
        entry = db.session.scalar(db.select(AuditLog))
        assert (entry.action, entry.actor_id) == ("participant.register_assisted", liaison.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "của người thân, người giúp đỡ" in page and "đăng ký hộ" in page


def test_turnout_counts_the_wards_people_per_round(
    app, client, make_round, make_ward, make_participant, make_liaison
) -> None:
    from quizapp.services import attempts

    rnd = make_round()
    ward, elsewhere = make_ward(), make_ward()
    people = [make_participant(ward) for _ in range(3)] + [make_participant(elsewhere)]
    with app.app_context():
        for n, person in enumerate(people):
            person = db.session.get(Participant, person.id)
            attempt = attempts.start_attempt(
                person, db.session.get(Round, rnd.id), FIXED_NOW
            ).attempt
            if n % 2 == 0:
                attempts.submit_attempt(person, attempt.id, FIXED_NOW)
        db.session.commit()
    sign_in(client, make_liaison(ward_id=ward.id))
    page = client.get(f"/lien-lac/dot-thi/{rnd.id}").get_data(as_text=True)
    counts = [line for line in page.splitlines() if "<li><strong>" in line]
    assert [c.split("<strong>")[1].split("<")[0] for c in counts] == ["3", "3", "2"]
    assert page.count("Đang làm bài") == 1
    index = client.get("/lien-lac/").get_data(as_text=True)
    assert "66,7 %" in index  # 2 of 3 finished, written the Vietnamese way


def test_staff_create_needs_exactly_one_scope_for_a_liaison(runner, make_ward) -> None:
    ward = make_ward(code="an-nhon")
    env = {"QUIZAPP_STAFF_PASSWORD": "mat-khau-du-dai-123"}
    bad = runner.invoke(args=["staff", "create", "ll1", "--role", "liaison"], env=env)
    assert bad.exit_code != 0 and "đúng một phường" in bad.output
    wrong = runner.invoke(
        args=["staff", "create", "ll2", "--role", "organiser", "--ward", "an-nhon"], env=env
    )
    assert wrong.exit_code != 0
    ok = runner.invoke(
        args=["staff", "create", "ll3", "--role", "liaison", "--ward", "an-nhon"], env=env
    )
    assert ok.exit_code == 0, ok.output
    with runner.app.app_context():
        created = db.session.scalar(db.select(StaffUser).where(StaffUser.username == "ll3"))
        assert created.ward_id == ward.id and created.organisation_id is None


def _queries_from(phone: str, cccd: str) -> list[str]:
    """What a liaison growing a known digit string would type: every part of the phone
    (short of the whole number), in several spellings, and every part of the CCCD."""
    parts = {phone[i:j] for i in range(len(phone)) for j in range(i + 3, len(phone) + 1)}
    parts.discard(phone)
    parts |= {cccd[i:j] for i in range(len(cccd)) for j in range(i + 1, len(cccd) + 1)}
    spelled = {f"+84{p[1:]}" for p in parts if p.startswith("0")} | {
        f"{p[:3]} {p[3:]}" for p in parts
    }
    return sorted(parts | spelled | {phone[1:], f"84{phone[1:5]}", "Nguyễn 0912"})


def _found_ids(client, query: str) -> set[int]:
    import re

    response = client.get("/lien-lac/nguoi-du-thi", query_string={"q": query})
    assert response.status_code == 200, query
    return {int(i) for i in re.findall(r'/lien-lac/nguoi-du-thi/(\d+)"', response.text)}


def test_no_liaison_query_tells_two_residents_apart_by_phone_or_cccd(
    client, make_ward, make_participant, make_liaison
) -> None:
    """Two residents who differ only in phone and CCCD digits: every query built from the first
    one's numbers (digit substrings, CCCD prefixes, the CCCD whole) finds both or neither; only
    the whole phone, in any spelling, finds exactly its owner."""
    ward = make_ward()
    first = make_participant(
        ward, full_name="Nguyễn Văn Giống", phone="0912345678", cccd="079123456789"
    )
    second = make_participant(
        ward, full_name="Nguyễn Văn Giống", phone="0987654321", cccd="079987654321"
    )
    sign_in(client, make_liaison(ward_id=ward.id))
    both = {first.id, second.id}
    for query in _queries_from(first.phone, first.cccd):
        assert _found_ids(client, query) in (set(), both), query
    assert _found_ids(client, "Giống") == both
    for spelling in ("0912345678", "0912 345 678", "+84 912 345 678", "84912345678"):
        assert _found_ids(client, spelling) == {first.id}, spelling


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "LIMIT_LIAISON_SEARCH": "3 per minute"}]
)
def test_a_liaisons_searches_are_limited_per_account(client, make_ward, make_liaison) -> None:
    ward = make_ward()
    sign_in(client, make_liaison(ward_id=ward.id))
    codes = [
        client.get("/lien-lac/nguoi-du-thi", query_string={"q": f"09{n}"}).status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]
