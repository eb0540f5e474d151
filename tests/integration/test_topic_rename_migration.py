"""Migration b4a7d22e0c15 renames the topic nghi-dinh-98 to nghi-dinh-152 in an existing
database: the topic row, every question version and every round quota that used it."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask import Flask

from quizapp.domain.drawing import Quota
from quizapp.domain.round_rules import RoundSettings
from quizapp.extensions import db
from quizapp.models import QuestionVersion, RoundQuota, Topic
from quizapp.services import bank, rounds
from tests.conftest import FIXED_NOW, bank_report

MIGRATION = next(
    (Path(__file__).resolve().parents[2] / "migrations" / "versions").glob("b4a7d22e0c15_*.py")
)


def _run_the_migrations_data_step() -> None:
    """The upgrade's data step, on the current schema (SQLite cannot drop the tables it would
    rebuild to downgrade a database holding rows: foreign keys are enforced)."""
    spec = importlib.util.spec_from_file_location("topic_rename", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    db.session.commit()
    with (
        db.engine.begin() as connection,
        Operations.context(MigrationContext.configure(connection)),
    ):
        module._rename_topic(module.OLD_TOPIC, module.NEW_TOPIC, module.NEW_TOPIC_NAME)


def _topics_in_use() -> tuple[set[str], set[str], set[str | None]]:
    return (
        set(db.session.scalars(db.select(Topic.id))),
        set(db.session.scalars(db.select(QuestionVersion.topic_id))),
        set(db.session.scalars(db.select(RoundQuota.topic_id))),
    )


def test_the_old_topic_code_moves_to_the_new_one(app: Flask) -> None:
    with app.app_context():
        bank.apply_import(bank_report(6, topics=("nghi-dinh-98", "chung")), None, FIXED_NOW)
        contest = rounds.create_contest(None, "thu", "Thi")
        settings = RoundSettings(
            title="Đợt",
            opens_at=FIXED_NOW,
            closes_at=FIXED_NOW + timedelta(days=1),
            question_count=4,
            quotas=(Quota(2, "nghi-dinh-98"), Quota(1, "chung")),
        )
        rounds.create_round(None, contest, settings, now=FIXED_NOW)
        _run_the_migrations_data_step()
        db.session.expire_all()
        topics, versions, quotas = _topics_in_use()
    assert topics == {"nghi-dinh-152", "chung"}
    assert versions == {"nghi-dinh-152", "chung"}
    assert quotas == {"nghi-dinh-152", "chung"}


def test_a_database_without_the_old_topic_is_left_alone(app: Flask) -> None:
    with app.app_context():
        bank.apply_import(bank_report(4, topics=("chung",)), None, FIXED_NOW)
        _run_the_migrations_data_step()
        db.session.expire_all()
        assert _topics_in_use()[0] == {"chung"}
