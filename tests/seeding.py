"""A seeded world for access and privacy tests: every URL parameter has a real value.

Built through the services (the same paths the app takes), with explicit `now` values around
FIXED_NOW: an open round with attempts in progress and finished, a closed round with a key
correction and an exclusion, a published round, a draft round, and staged uploads.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Table, event, text

from quizapp.domain.bank_types import LETTERS
from quizapp.domain.round_rules import PrizeTier, RoundSettings
from quizapp.extensions import db
from quizapp.formats.people_xlsx import HEADERS, SHEET
from quizapp.models import (
    Attempt,
    Contest,
    ExportJob,
    Organisation,
    Participant,
    Round,
    StaffUser,
    Ward,
)
from quizapp.security import hash_password
from quizapp.services import (
    api_tokens,
    attempts,
    bank,
    bank_uploads,
    lifecycle,
    people_admin,
    practice,
    publication,
    regrade,
    review,
    rounds,
)

# _app_for and _empty_tables: the conftest's own way to build the app and empty the tables.
from tests.conftest import FIXED_NOW, PG_URL, TEST_PASSWORD, _app_for, _empty_tables, bank_report
from tests.helpers import workbook

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
PRACTICE_IDS = ["Q-0039", "Q-0040"]  # topic "rieng" and "chung": both topics can be practised


@dataclass(frozen=True)
class Person:
    """Someone who registers; birth years are unusual so a leak is easy to search for."""

    full_name: str
    phone: str
    birth_year: int
    cccd: str | None = None
    ward: int = 0  # index into World wards
    organisation: bool = False
    grp: str = "resident"


# "participant" and "other" are the two roles of the access matrix; the rest fill the boards.
PEOPLE: dict[str, Person] = {
    "participant": Person("Nguyễn Thị Quỳnh Dao", "0913579246", 1931, "079131864205"),
    "other": Person("Trần Văn Khải Minh", "0987162534", 1933, "079133907316", ward=1),
    "excluded": Person("Lê Hoàng Phúc Thịnh", "0356284917", 1937, "079137615428"),
    "clerk": Person(
        "Phạm Thị Ngọc Hằng",
        "0708519263",
        1939,
        "079139482057",
        organisation=True,
        grp="civil_servant",
    ),
    "student": Person("Võ Minh Triết", "0862947105", 2007, None, ward=1, grp="student"),
}
# Who takes part in which seeded round (the open round is handled separately).
CLOSED_TAKERS = ("participant", "other", "excluded", "clerk")
PUBLISHED_TAKERS = ("participant", "other", "clerk", "student")


@dataclass
class World:
    """Ids and codes of everything seeded, by name: world["attempt"], world["ward_code"]."""

    ids: dict[str, int] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int | str:
        return self.ids[name] if name in self.ids else self.codes[name]


@cache
def shared_hash() -> str:
    """One password hash for every seeded account (argon2id costs ~25 ms of CPU each)."""
    return hash_password(TEST_PASSWORD)


def _registry(world: World) -> tuple[list[Ward], Organisation]:
    wards = [
        Ward(code="an-nhon", name="Phường An Nhơn"),
        Ward(code="hanh-thong", name="Phường Hạnh Thông"),
    ]
    db.session.add_all(wards)
    db.session.flush()
    org = Organisation(
        code="ubnd-an-nhon", name="UBND phường An Nhơn", kind="ward", ward_id=wards[0].id
    )
    org.headcount = 40
    db.session.add(org)
    db.session.flush()
    world.codes |= {"ward_code": wards[0].code, "org_code": org.code}
    world.ids |= {"ward": wards[0].id, "organisation": org.id}
    return wards, org


def _staff(world: World, wards: list[Ward]) -> dict[str, StaffUser]:
    """An organiser, an admin, and a liaison for each of the two wards ("liaison" has the
    participant's ward, "other_liaison" the other one's)."""
    staff = {
        key: StaffUser(
            username=name, full_name=full, role=role, password_hash=shared_hash(), ward_id=ward
        )
        for key, role, name, full, ward in (
            ("organiser", "organiser", "bantochuc", "Nguyễn Văn Tổ Chức", None),
            ("admin", "admin", "quantri", "Trần Thị Quản Trị", None),
            ("liaison", "liaison", "lienlac-an-nhon", "Đỗ Thị Liên Lạc", wards[0].id),
            ("other_liaison", "liaison", "lienlac-hanh-thong", "Mai Văn Phụ Trách", wards[1].id),
        )
    }
    db.session.add_all(staff.values())
    db.session.flush()
    world.ids |= {key: user.id for key, user in staff.items()}
    return staff


def _people(world: World, wards: list[Ward], org: Organisation) -> dict[str, Participant]:
    people = {
        key: Participant(
            full_name=p.full_name,
            phone=p.phone,
            cccd=p.cccd,
            birth_year=p.birth_year,
            ward_id=wards[p.ward].id,
            organisation_id=org.id if p.organisation else None,
            grp=p.grp,
            password_hash=shared_hash(),
            consent_at=FIXED_NOW - 20 * DAY,
        )
        for key, p in PEOPLE.items()
    }
    db.session.add_all(people.values())
    db.session.flush()
    world.ids |= {key: p.id for key, p in people.items()}
    return people


def _round(contest: Contest, title: str, opens: datetime, closes: datetime, **extra) -> Round:
    settings = RoundSettings(
        title=title,
        opens_at=opens,
        closes_at=closes,
        question_count=5,
        time_limit_seconds=600,
        max_attempts=2,
        prizes=(PrizeTier("Giải Nhất", 1), PrizeTier("Giải Nhì", 1), PrizeTier("Giải Ba", 1)),
        **extra,
    )
    rnd = rounds.create_round(None, contest, settings, now=opens - DAY)
    lifecycle.open_round(None, rnd, now=opens, confirmed=True)
    return rnd


def take(person: Participant, rnd: Round, start: datetime, correct: int) -> Attempt:
    """A finished attempt with `correct` right answers, submitted 100 s + a bit after start."""
    attempt = attempts.start_attempt(person, rnd, start).attempt
    for item in attempt.items[:correct]:
        right = item.choice_order.index(item.version.correct_index)
        attempts.save_answer(person, attempt.id, item.position, right, start)
    return attempts.submit_attempt(person, attempt.id, start + timedelta(seconds=100 + correct))


def _closed_round(world: World, contest: Contest, people, organiser: StaffUser) -> None:
    opens = FIXED_NOW - 20 * DAY
    rnd = _round(contest, "Tuần thi thứ nhất", opens, opens + 7 * DAY)
    for n, key in enumerate(CLOSED_TAKERS):
        take(people[key], rnd, opens + HOUR, correct=5 - n)
    lifecycle.close_round(None, rnd, now=opens + 8 * DAY, confirmed=True)
    first = db.session.scalars(db.select(Attempt).where(Attempt.round_id == rnd.id)).first()
    version = first.items[0].version
    letter = LETTERS[(version.correct_index + 1) % len(version.choices)]
    entry = regrade.correct_key(
        organiser, rnd, version.id, letter, "Đáp án gốc ghi nhầm", opens + 8 * DAY
    )
    review.exclude(organiser, rnd, people["excluded"].id, "Làm bài hộ", opens + 8 * DAY)
    job = ExportJob(
        round_id=rnd.id,
        fmt="xlsx",
        requested_by_id=organiser.id,
        status="failed",
        error="Kết quả hiện tại khác bản đã công bố.",
        created_at=opens + 8 * DAY,
    )
    db.session.add(job)
    db.session.flush()
    # The round's items now show the corrected version: that is the one its pages list.
    world.ids |= {
        "closed_round": rnd.id,
        "version": entry.details["new_version_id"],
        "correction": entry.id,
        "export_job": job.id,
    }


def _published_round(world: World, contest: Contest, people, organiser: StaffUser) -> None:
    opens = FIXED_NOW - 12 * DAY
    rnd = _round(contest, "Tuần thi thứ hai", opens, opens + 7 * DAY)
    for n, key in enumerate(PUBLISHED_TAKERS):
        take(people[key], rnd, opens + 2 * HOUR, correct=5 - n)
    lifecycle.close_round(None, rnd, now=opens + 8 * DAY, confirmed=True)
    found = publication.publish(
        organiser, rnd, opens + 9 * DAY, confirmed=True, acknowledgement="Dữ liệu mẫu"
    )
    world.ids |= {"published_round": rnd.id, "publication": found.id}


def _open_round(world: World, contest: Contest, people) -> None:
    """The participant has a finished and an unfinished attempt; the other, one unfinished."""
    rnd = _round(contest, "Tuần thi thứ ba", FIXED_NOW - 2 * DAY, FIXED_NOW + 5 * DAY)
    finished = take(people["participant"], rnd, FIXED_NOW - DAY, correct=4)
    take(people["clerk"], rnd, FIXED_NOW - DAY, correct=3)
    mine = attempts.start_attempt(people["participant"], rnd, FIXED_NOW - MINUTE).attempt
    attempts.save_answer(people["participant"], mine.id, 1, 0, FIXED_NOW - MINUTE / 2)
    theirs = attempts.start_attempt(people["other"], rnd, FIXED_NOW - MINUTE).attempt
    world.ids |= {
        "open_round": rnd.id,
        "attempt": mine.id,
        "finished_attempt": finished.id,
        "other_attempt": theirs.id,
    }


def _uploads(world: World, organiser: StaffUser) -> None:
    staged = bank_uploads.stage(organiser, "cau-hoi-moi.yaml", b"questions: []\n", FIXED_NOW)
    row = ["Đặng Văn Nhập", "0398765012", 1941, "an-nhon", "", "Người dân", "", "Có", ""]
    data = workbook(SHEET, HEADERS, [row])
    people = people_admin.stage(organiser, "danh-sach.xlsx", data, FIXED_NOW)
    world.ids |= {"bank_upload": staged.id, "people_upload": people.id}


def seed_world(app: Flask) -> World:
    """Seed everything and commit; the returned ids stay valid for the test's database."""
    world = World(codes={"external_id": "Q-0001", "topic_id": "chung", "practice_key": "chung"})
    with app.app_context():
        wards, org = _registry(world)
        staff = _staff(world, wards)
        people = _people(world, wards, org)
        bank.apply_import(bank_report(40), actor=None, now=FIXED_NOW - 30 * DAY)
        practice.set_questions_practice(None, PRACTICE_IDS, True, FIXED_NOW - 30 * DAY)
        contest = rounds.create_contest(None, "tim-hieu-luat", "Tìm hiểu Luật Thi đua, khen thưởng")
        _closed_round(world, contest, people, staff["organiser"])
        _published_round(world, contest, people, staff["organiser"])
        _open_round(world, contest, people)
        draft = rounds.create_round(
            None,
            contest,
            RoundSettings("Tuần thi thứ tư", FIXED_NOW + 6 * DAY, FIXED_NOW + 9 * DAY, 5),
            now=FIXED_NOW,
        )
        world.ids["draft_round"] = draft.id
        _uploads(world, staff["organiser"])
        token = api_tokens.issue(people["participant"], "Điện thoại", FIXED_NOW, 30 * DAY)
        world.ids["token"] = token.token.id
        world.codes["token_secret"] = token.secret
        db.session.commit()
    return world


# --- seed once per module, restore before each test ------------------------------------------

Rows = dict[str, list[dict[str, Any]]]


def table_rows(app: Flask) -> Rows:
    """Every row of every table: a snapshot to restore, or a fingerprint to compare."""
    with app.app_context():
        return {
            t.name: [
                dict(r._mapping) for r in db.session.execute(t.select().order_by(*t.primary_key))
            ]
            for t in db.metadata.sorted_tables
        }


def scratch_app(schema_source: str, folder: Path) -> Flask:
    """An app on an empty database that outlives one test (PostgreSQL: the test database,
    emptied), for a module that seeds once and restores the snapshot between tests."""
    if PG_URL:
        _empty_tables(schema_source)
        return _app_for(schema_source)
    target = folder / "scratch.sqlite3"
    shutil.copyfile(schema_source, target)
    return _app_for(f"sqlite:///{target}")


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _late_columns(table: Table) -> set[str]:
    """Keys that close a cycle (a question's current version): set after both rows exist."""
    return {fk.parent.name for fk in table.foreign_keys if fk.constraint.use_alter}


def restore(app: Flask, rows: Rows) -> None:
    """Replace whatever the tables hold by the snapshot `rows`, in one transaction."""
    tables = db.metadata.sorted_tables
    with app.app_context():
        for table in tables:
            if late := _late_columns(table):
                db.session.execute(table.update().values(dict.fromkeys(late)))
        for table in reversed(tables):
            db.session.execute(table.delete())
        later = []
        for table in tables:
            if data := rows.get(table.name):
                late = _late_columns(table)
                db.session.execute(table.insert(), [r | dict.fromkeys(late) for r in data])
                later += [(table, column, row) for column in late for row in data]
        for table, column, row in later:
            change = table.update().where(table.c.id == row["id"]).values({column: row[column]})
            db.session.execute(change)
        if db.engine.dialect.name == "postgresql":
            _advance_sequences(rows)
        db.session.commit()


def _advance_sequences(rows: Rows) -> None:
    """Explicit ids do not move PostgreSQL's sequences: point each past the restored rows."""
    for table in db.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is not None and rows.get(table.name):
            db.session.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, :c), :n)"),
                {
                    "t": table.name,
                    "c": column.name,
                    "n": max(r[column.name] for r in rows[table.name]),
                },
            )


class WriteWatch:
    """Notes any INSERT, UPDATE or DELETE sent to the database (cheaper than a fingerprint)."""

    def __init__(self, app: Flask) -> None:
        self.seen = False
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._statement)

    def _statement(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.seen = True


ACCOUNTS: dict[str, type[Participant] | type[StaffUser]] = {
    "participant": Participant,
    "other": Participant,
    "organiser": StaffUser,
    "admin": StaffUser,
    "liaison": StaffUser,
    "other_liaison": StaffUser,
}


def client_as(app: Flask, world: World, role: str) -> FlaskClient:
    """A client signed in as `role` (or anonymous): the session Flask-Login's own test client
    would set, without paying a password check per sign-in."""
    client = app.test_client()
    if role in ACCOUNTS:
        with app.app_context():
            user_id = db.session.get(ACCOUNTS[role], world.ids[role]).get_id()
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
    return client
