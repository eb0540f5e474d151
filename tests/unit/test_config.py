"""Configuration precedence and the production guard."""

import pytest

from quizapp import config
from quizapp.config import DEV_SECRET_KEY, ConfigError


def test_environment_overrides_defaults_and_test_dict_overrides_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUIZAPP_SITE_NAME", "Từ môi trường")
    monkeypatch.setenv("QUIZAPP_PG_POOL_SIZE", "3")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    built = config.build("/tmp/instance", {"SITE_NAME": "Từ bài kiểm thử"})
    assert built["SITE_NAME"] == "Từ bài kiểm thử"
    assert built["PG_POOL_SIZE"] == 3
    assert built["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert built["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 3
    assert built["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is False


def test_default_database_is_sqlite_under_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    built = config.build("/srv/app/instance", None)
    assert built["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/app/instance/quizapp.sqlite3"


@pytest.mark.parametrize(
    ("secret", "refused"),
    [(DEV_SECRET_KEY, True), ("", True), ("short", True), ("x" * 40, False)],
)
def test_production_refuses_weak_secret_keys(
    monkeypatch: pytest.MonkeyPatch, secret: str, refused: bool
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = {"ENV_NAME": "production", "SECRET_KEY": secret}
    if refused:
        with pytest.raises(ConfigError):
            config.build("/tmp/instance", settings)
    else:
        built = config.build("/tmp/instance", settings)
        assert built["SESSION_COOKIE_SECURE"] is True


def test_create_app_refuses_production_with_dev_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from quizapp import create_app

    monkeypatch.setenv("QUIZAPP_ENV_NAME", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()
