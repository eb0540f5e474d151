"""Password hashing: argon2id at OWASP's minimum; hashes stored before it still verify."""

from dataclasses import dataclass

import pytest
from werkzeug.security import generate_password_hash

from quizapp.security import hash_password, upgrade_hash, verify_password


@dataclass
class Account:
    password_hash: str


def test_new_hashes_are_argon2id_at_owasp_minimum() -> None:
    hashed = hash_password("mat-khau-dai-lam")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(hashed, "mat-khau-dai-lam")
    assert not verify_password(hashed, "mat-khau-khac")


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256"])
def test_werkzeug_hashes_still_verify(method: str) -> None:
    hashed = generate_password_hash("mat-khau-cu", method=method)
    assert verify_password(hashed, "mat-khau-cu")
    assert not verify_password(hashed, "mat-khau-sai")


@pytest.mark.parametrize("stored", ["$argon2id$v=19$hỏng", "$argon2id$", "$argon2i$v=19$m=1"])
def test_malformed_argon2_hash_is_a_refusal_not_an_error(stored: str) -> None:
    assert not verify_password(stored, "bat-ky")


def test_old_kinds_and_costs_are_rehashed_current_ones_are_kept() -> None:
    old = Account(generate_password_hash("mat-khau-cu", method="scrypt"))
    upgrade_hash(old, "mat-khau-cu")
    assert old.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(old.password_hash, "mat-khau-cu")
    cheaper = Account("$argon2id$v=19$m=8192,t=1,p=1$" + hash_password("x").split("$", 4)[4])
    upgrade_hash(cheaper, "x")
    assert cheaper.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    current = Account(hash_password("mat-khau-moi"))
    kept = current.password_hash
    upgrade_hash(current, "mat-khau-moi")
    assert current.password_hash == kept
