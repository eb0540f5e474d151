"""Names fit to print: every way a name enters (the form, the API, a liaison) strips invisible
and direction-control characters and refuses a name without letters, at the field. (The
spreadsheet import: tests/unit/test_people_xlsx.py.)"""

import pytest

from quizapp.extensions import db
from quizapp.models import Participant
from tests.conftest import post_form
from tests.functional.test_liaison import make_liaison, sign_in  # noqa: F401 (a fixture)

REVERSED = "\u202eTrần\u200b Thị Bình\u2069"
FORM = {
    "phone": "0912 000 111",
    "password": "mat-khau-du-dai",
    "birth_year": "1985",
    "group": "resident",
    "organisation_id": "0",
    "cccd": "",
    "consent": "y",
}
API = {
    "phone": "0912000111",
    "password": "mat-khau-du-dai",
    "birth_year": 1985,
    "group": "resident",
    "consent": True,
}
NO_LETTERS = ["12345", "\u202e\u200b\u2066\u2069", "0912 345 678"]


def _names(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(Participant.full_name)))


def test_the_api_stores_the_visible_name(app, api, make_ward) -> None:
    ward = make_ward()
    reply = api.call("POST", "/api/v1/register", API | {"full_name": REVERSED, "ward_id": ward.id})
    assert reply.status_code == 201, reply.get_json()
    assert _names(app) == ["Trần Thị Bình"]


@pytest.mark.parametrize("name", NO_LETTERS, ids=repr)
def test_the_api_refuses_a_name_without_letters_naming_the_field(app, api, make_ward, name) -> None:
    ward = make_ward()
    reply = api.call("POST", "/api/v1/register", API | {"full_name": name, "ward_id": ward.id})
    assert reply.status_code == 400
    assert reply.get_json()["error"]["field"] == "full_name"
    assert _names(app) == []


@pytest.mark.parametrize("name", NO_LETTERS, ids=repr)
def test_the_form_says_so_at_the_field(app, client, make_ward, name) -> None:
    ward = make_ward()
    page = post_form(client, "/dang-ky", FORM | {"full_name": name, "ward_id": str(ward.id)})
    assert page.status_code == 200
    assert 'id="full_name-loi"' in page.text and "Họ và tên phải có" in page.text
    assert _names(app) == []


def test_the_form_stores_the_visible_name(app, client, make_ward) -> None:
    ward = make_ward()
    reply = post_form(client, "/dang-ky", FORM | {"full_name": REVERSED, "ward_id": str(ward.id)})
    assert reply.status_code == 302
    assert _names(app) == ["Trần Thị Bình"]


def test_a_liaison_cannot_register_a_blank_name(app, client, make_ward, make_liaison) -> None:  # noqa: F811
    ward = make_ward()
    sign_in(client, make_liaison(ward_id=ward.id))
    form = FORM | {"ward_id": ward.id}
    refused = post_form(client, "/lien-lac/dang-ky-ho", form | {"full_name": "\u200b\u200b\u200b"})
    assert refused.status_code == 200 and "Họ và tên phải có" in refused.text
    assert _names(app) == []
    done = post_form(client, "/lien-lac/dang-ky-ho", form | {"full_name": REVERSED})
    assert done.status_code == 302 and _names(app) == ["Trần Thị Bình"]
