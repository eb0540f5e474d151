"""A liaison's list of its people in one round, end to end over HTTP: before the close of a
round that announces scores at the end, no score, time or rank of theirs reaches the liaison
(page, XLSX, CSV); after publication they do. The console's files ask the same rule."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl

from quizapp.domain.results import PROVISIONAL_MARK
from quizapp.extensions import db
from quizapp.formats.rows import SCOPE_ROUND_COLUMNS, WITHHELD, headers
from quizapp.models import AuditLog, Round, StaffUser
from quizapp.services import lifecycle, publication
from quizapp.services.exports import Options, export_round
from tests.conftest import FIXED_NOW
from tests.functional import test_liaison
from tests.functional.test_console_exports import _take

make_liaison = test_liaison.make_liaison  # the liaison accounts' fixture
sign_in = test_liaison.sign_in

SCORE, TIME, RANK = "Điểm", "Thời gian làm bài (giây)", "Hạng trong đợt thi"


def _sheet(client, round_id: int) -> list[list[object]]:
    response = client.get(f"/lien-lac/dot-thi/{round_id}/ket-qua.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    return [list(line) for line in book.active.iter_rows(values_only=True)]


def _csv(client, round_id: int) -> str:
    response = client.get(f"/lien-lac/dot-thi/{round_id}/ket-qua.csv")
    assert response.status_code == 200
    return response.data.decode("utf-8-sig")


def _by_name(table: list[list[object]]) -> dict[object, dict[str, object]]:
    at = next(n for n, line in enumerate(table) if line[:2] == ["STT", "Họ và tên"])
    header = table[at]
    return {line[1]: dict(zip(header, line, strict=True)) for line in table[at + 1 :]}


def test_a_liaison_sees_its_peoples_scores_only_once_the_result_is_final(
    app, client, clock, make_round, make_ward, make_participant, make_liaison, make_staff
) -> None:
    rnd = make_round(question_count=5, max_attempts=2)  # scores at the end: the default
    ward, other_ward = make_ward(name="Phường An Nhơn"), make_ward(name="Phường Hạnh Thông")
    mine = make_participant(ward, full_name="Trần Thị Bình")
    theirs = make_participant(other_ward, full_name="Lê Văn Cường")
    _take(app, rnd.id, mine, correct=4, seconds=78)
    _take(app, rnd.id, theirs, correct=5, seconds=50)
    sign_in(client, make_liaison(ward_id=ward.id))

    # Before the close: the list, without a score, a time or a rank.
    table = _sheet(client, rnd.id)
    assert table[0][0] == PROVISIONAL_MARK and table[1] == headers(SCOPE_ROUND_COLUMNS)
    rows = _by_name(table)
    assert list(rows) == ["Trần Thị Bình"]  # its own ward only
    assert [rows["Trần Thị Bình"][h] for h in (SCORE, TIME, RANK)] == [WITHHELD] * 3
    assert not any(v in (4, 78.0, 2) for v in rows["Trần Thị Bình"].values())
    text = _csv(client, rnd.id)
    assert text.startswith(PROVISIONAL_MARK) and "Lê Văn Cường" not in text
    assert text.splitlines()[2].endswith(f";{WITHHELD};{WITHHELD};{WITHHELD}")
    page = client.get(f"/lien-lac/dot-thi/{rnd.id}").get_data(as_text=True)
    assert "Trần Thị Bình" in page and page.count(f">{WITHHELD}<") == 3 and "78,000" not in page

    # The console's files ask the same rule: a liaison actor gets no score from them either.
    with app.app_context():
        liaison_user = db.session.scalar(db.select(StaffUser).where(StaffUser.role == "liaison"))
        out = io.BytesIO()
        export_round(liaison_user, db.session.get(Round, rnd.id), "csv", out, _options())
        assert "Trần Thị Bình" in out.getvalue().decode("utf-8-sig")
        assert ";4;" not in out.getvalue().decode("utf-8-sig")
        db.session.rollback()

    # Closed, reviewed and published; past the grace window the result is final.
    closed_at = FIXED_NOW + timedelta(days=2)
    organiser = make_staff("organiser").user
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        lifecycle.close_round(None, r, closed_at, confirmed=True)
        publication.publish(
            db.session.get(StaffUser, organiser.id),
            r,
            closed_at,
            confirmed=True,
            acknowledgement="thử",
        )
        db.session.commit()
    clock.advance(days=2, hours=1)

    table = _sheet(client, rnd.id)
    assert table[0] == headers(SCOPE_ROUND_COLUMNS)  # final: no provisional mark
    row = _by_name(table)["Trần Thị Bình"]
    assert [row[SCORE], row[TIME], row[RANK]] == [4, 78.0, 2]  # ranked among everyone
    text = _csv(client, rnd.id)
    assert text.splitlines()[1].endswith(";4;78;2") and "Lê Văn Cường" not in text
    page = client.get(f"/lien-lac/dot-thi/{rnd.id}").get_data(as_text=True)
    assert WITHHELD not in page and "78,000" in page
    with app.app_context():
        logged = db.session.scalars(
            db.select(AuditLog).where(AuditLog.action == "liaison.export")
        ).all()
    assert len(logged) == 4 and all(e.target_id == str(rnd.id) for e in logged)


def _options() -> Options:
    return Options(organiser="BTC", now=FIXED_NOW)
