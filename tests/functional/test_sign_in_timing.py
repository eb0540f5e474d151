"""Sign-in does the same work whether the account exists: one argon2 verification for a known
phone or username, an unknown one, a malformed one, a purged participant or an inactive staff
user (a dummy hash for the missing ones), so its time tells nothing (issue 23 item 5)."""

from __future__ import annotations

import time

import pytest
from argon2 import PasswordHasher, Type

from quizapp import security
from quizapp.extensions import db
from quizapp.models import Participant, StaffUser
from tests.conftest import FIXED_NOW


class CountingHasher(PasswordHasher):
    calls = 0

    def verify(self, hash, password) -> bool:
        CountingHasher.calls += 1
        return super().verify(hash, password)


@pytest.fixture
def verifications(monkeypatch):
    hasher = CountingHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
    monkeypatch.setattr(security, "ARGON2", hasher)

    def count(call) -> int:
        before = CountingHasher.calls
        call()
        return CountingHasher.calls - before

    return count


def test_a_participant_sign_in_checks_one_hash_whatever_the_phone(
    app, make_participant, verifications
) -> None:
    known = make_participant(phone="0912345678")
    purged = make_participant(phone="0912345679")
    with app.app_context():
        db.session.get(Participant, purged.id).purged_at = FIXED_NOW
        db.session.commit()
    client = app.test_client(use_cookies=False)
    tried = {
        phone: verifications(
            lambda p=phone: client.post("/api/v1/tokens", json={"phone": p, "password": "sai!"})
        )
        for phone in (known.phone, "0987000111", "12", purged.phone)
    }
    assert tried == {known.phone: 1, "0987000111": 1, "12": 1, purged.phone: 1}


def test_a_staff_sign_in_checks_one_hash_whatever_the_username(
    app, client, make_staff, verifications
) -> None:
    from tests.conftest import post_form

    make_staff(username="demo")
    inactive = make_staff(username="nghi")
    with app.app_context():
        db.session.get(StaffUser, inactive.user.id).active = False
        db.session.commit()
    tried = {
        name: verifications(
            lambda n=name: post_form(client, "/staff/login", {"username": n, "password": "sai"})
        )
        for name in ("demo", "khong-co", "nghi")
    }
    assert tried == {"demo": 1, "khong-co": 1, "nghi": 1}


def test_known_and_unknown_phones_take_comparable_time(app, make_participant) -> None:
    """A generous bound over several tries (the counts above are the exact check)."""
    known = make_participant(phone="0912345678")
    client = app.test_client(use_cookies=False)

    def best_of(phone: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            client.post("/api/v1/tokens", json={"phone": phone, "password": "sai"})
            times.append(time.perf_counter() - start)
        return min(times)

    known_time, unknown_time = best_of(known.phone), best_of("0987000111")
    assert unknown_time > known_time / 3, (known_time, unknown_time)
