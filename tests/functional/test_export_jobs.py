"""Large rounds' console exports as background jobs: asked in the console, built by
`flask exports work`, followed on the job page and its JSON, downloaded until they expire.

The background threshold is set to 2 rows here (the round has 3), instead of making 10,001.
"""

from __future__ import annotations

import codecs
import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from flask import Flask

from quizapp.domain.results import DRAFT_MARK, PROVISIONAL_MARK
from quizapp.domain.round_rules import PrizeTier
from quizapp.extensions import db
from quizapp.models import AuditLog, ExportJob, Round, RoundEntry, StaffUser
from quizapp.services import exports, lifecycle, publication
from quizapp.services.export_worker import CRASHED
from tests.conftest import FIXED_NOW, post_form
from tests.functional.test_console_exports import _take

JOB_URL = re.compile(r"/console/rounds/(\d+)/exports/(\d+)$")


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    return {
        "EXPORT_BACKGROUND_ROWS": 2,
        "EXPORTS_FOLDER": str(tmp_path / "exports"),
        "EXPORT_PROGRESS_ROWS": 1,
        "EXPORT_PROGRESS_SECONDS": 0,
    }


@pytest.fixture
def folder(app: Flask) -> Path:
    return Path(app.config["EXPORTS_FOLDER"])


@pytest.fixture
def played(app, clock, make_round, make_participant):
    """An open round with three finished entries and one prize."""
    rnd = make_round(question_count=5, prizes=(PrizeTier("Giải Nhất", 1),))
    people = [
        make_participant(full_name='=HYPERLINK("http://x")', phone="0911000001"),
        make_participant(full_name="Lê Thị Giỏi", phone="0911000002"),
        make_participant(full_name="Phạm Văn Khá", phone="0911000003"),
    ]
    for person, correct in zip(people, (5, 4, 2), strict=True):
        _take(app, rnd.id, person, correct, seconds=60 + correct)
    return rnd


def _export(rnd: Round, name: str) -> str:
    return f"/console/rounds/{rnd.id}/export/{name}"


def _queue(client, rnd: Round, name: str) -> str:
    """Ask for the file with the round page's button; returns the job page's address."""
    response = post_form(client, _export(rnd, name), {}, page=f"/console/rounds/{rnd.id}")
    assert response.status_code == 302, response.text
    assert JOB_URL.search(response.headers["Location"]), response.headers["Location"]
    return response.headers["Location"]


def _status(client, job_page: str) -> dict:
    response = client.get(job_page + "/status.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_json()


def _work(runner) -> str:
    result = runner.invoke(args=["exports", "work", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def _file(client, job_page: str):
    """The job's download, read and closed (the file is streamed from disk)."""
    response = client.get(job_page + "/file")
    response.get_data()
    response.close()
    return response


def _job(app: Flask, job_id: int) -> ExportJob:
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        db.session.expunge(job)
        return job


def _actions(app: Flask, action: str) -> list[AuditLog]:
    with app.app_context():
        query = db.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


@pytest.mark.parametrize(("limit", "background"), [(2, True), (3, False), (4, False)])
def test_only_rounds_over_the_limit_go_to_the_background(
    app, client, played, login_staff, limit: int, background: bool
) -> None:
    """3 rows against a limit of 2 / 3 / 4: as 10,001 / 10,000 / 9,999 against 10,000."""
    app.config["EXPORT_BACKGROUND_ROWS"] = limit
    login_staff("organiser")
    response = client.get(_export(played, "results.xlsx"))
    round_page = client.get(f"/console/rounds/{played.id}").get_data(as_text=True)
    if background:
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "chế độ nền" in page and "Tạo tệp" in page
        assert "Bảng xếp hạng có 3 dòng" in round_page
        assert _actions(app, "results.export") == []  # nothing built inside the request
    else:
        assert response.headers["Content-Type"].startswith(exports.FORMATS["xlsx"].mimetype)
        assert "chế độ nền" not in round_page


def test_the_size_counted_is_the_ranking_s(app, played) -> None:
    """The cheap count the console asks on each round page is the ranking's length, with an
    exclusion too."""
    from quizapp.models import Exclusion
    from quizapp.services import rankings

    with app.app_context():
        rnd = db.session.get(Round, played.id)
        assert rankings.ranking_size(rnd) == len(rankings.round_ranking(rnd)) == 3
        first = rankings.round_ranking(rnd)[0].participant_id
        db.session.add(Exclusion(round_id=rnd.id, participant_id=first, reason="gian lận"))
        db.session.commit()
        assert rankings.ranking_size(rnd) == len(rankings.round_ranking(rnd)) == 2


def test_a_job_end_to_end_xlsx(app, client, runner, played, login_staff, folder) -> None:
    staff = login_staff("organiser")
    job_page = _queue(client, played, "results.xlsx")
    page = client.get(job_page)
    assert page.headers["Cache-Control"] == "private, no-store"
    html = page.get_data(as_text=True)
    assert "Đang chờ tới lượt" in html and "<progress" in html
    assert 'http-equiv="refresh"' in html and "Làm mới" in html  # without JavaScript
    assert _status(client, job_page)["status"] == "queued"
    assert _queue(client, played, "results.xlsx") == job_page  # a second click joins it
    assert client.get(_export(played, "results.xlsx")).headers["Location"] == job_page

    output = _work(runner)
    assert re.search(r"export job #\d+: round \d+, xlsx, 3 rows, [\d.]+ s, done", output)
    status = _status(client, job_page)
    assert (status["status"], status["rows_done"], status["rows_total"]) == ("done", 3, 3)
    assert status["percent"] == 100 and status["file_size"] > 0
    html = client.get(job_page).get_data(as_text=True)
    assert "Tải về dot-thi-" in html and "được giữ đến" in html and "refresh" not in html

    response = _file(client, job_page)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ban-nhap" in response.headers["Content-Disposition"]  # a draft says so
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    ranking = workbook["Xếp hạng cá nhân"]
    assert ranking["A1"].value == PROVISIONAL_MARK  # the round is still open
    assert [c.value for c in ranking[2]][:3] == ["Hạng", "STT", "Họ và tên"]
    assert ranking.max_row - 2 == 3  # mark, header, then one row per entry
    assert ranking["C3"].data_type == "s"  # the risky name stays text
    [download] = _actions(app, "results.export_download")
    assert download.actor_id == staff.user.id and download.details["format"] == "xlsx"
    [built] = _actions(app, "results.export")
    assert built.actor_id == staff.user.id and built.details["rows"] == 3
    assert [p.name for p in folder.iterdir()] == [f"job-{status['id']}.xlsx"]


def test_a_job_end_to_end_csv(app, client, runner, played, login_staff) -> None:
    login_staff("organiser")
    job_page = _queue(client, played, "results.csv")
    _work(runner)
    assert _status(client, job_page)["rows_done"] == 3
    data = _file(client, job_page).data
    assert data.startswith(codecs.BOM_UTF8)
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith(DRAFT_MARK) and lines[1].startswith("Hạng;STT;Họ và tên")
    assert len(lines[: lines.index("")]) == 2 + 3  # mark, header, one line per entry
    assert lines[lines.index("") + 1] == "GIẢI TẬP THỂ"  # then the collective prizes
    assert '\'=HYPERLINK(""http://x"")' in lines[2]


def test_results_changed_since_publication_fail_the_job_without_a_file(
    app, client, runner, played, make_staff, login_staff, folder, clock
) -> None:
    staff = make_staff("organiser")
    with app.app_context():
        rnd = db.session.get(Round, played.id)
        lifecycle.close_round(None, rnd, FIXED_NOW + timedelta(days=2), confirmed=True)
        organiser = db.session.get(StaffUser, staff.user.id)
        publication.publish(
            organiser, rnd, FIXED_NOW + timedelta(days=2), confirmed=True, acknowledgement="thử"
        )
        first = db.session.scalar(db.select(RoundEntry).order_by(RoundEntry.score.desc()))
        first.score = 0  # the results drift from the publication
        db.session.commit()
    clock.advance(days=2, hours=1)  # the result is final: the file is the published one
    login_staff("organiser")
    job_page = _queue(client, played, "results.xlsx")
    assert "failed" in _work(runner)
    status = _status(client, job_page)
    assert status["status"] == "failed" and "khác bản đã công bố" in status["error"]
    html = client.get(job_page).get_data(as_text=True)
    assert "khác bản đã công bố" in html and "Thử lại" in html
    assert _file(client, job_page).status_code == 302  # back to the job page
    assert list(folder.iterdir()) == []


def test_a_crash_mid_write_leaves_no_file_and_a_retry_starts_again(
    app, client, runner, played, login_staff, folder, monkeypatch
) -> None:
    def half_then_crash(results, out, options):
        out.write(b"PK\x03\x04 half a workbook")
        raise RuntimeError("disk full")

    crashing = exports.Format("xlsx", "dot-thi-{round_id}.xlsx", "x/y", half_then_crash)
    monkeypatch.setitem(exports.FORMATS, "xlsx", crashing)
    login_staff("organiser")
    job_page = _queue(client, played, "results.xlsx")
    output = _work(runner)
    assert "failed (unexpected error" in output
    status = _status(client, job_page)
    assert status["status"] == "failed" and status["error"] == CRASHED
    assert list(folder.iterdir()) == []  # neither the final file nor the partial one

    monkeypatch.undo()
    retried = post_form(client, job_page + "/retry", {}, page=job_page)
    assert retried.status_code == 302 and retried.headers["Location"] != job_page
    _work(runner)
    assert _status(client, retried.headers["Location"])["status"] == "done"
    assert _status(client, job_page)["status"] == "failed"  # the record of what happened


def test_files_expire_are_purged_and_answer_410(
    app, client, runner, played, login_staff, folder, clock
) -> None:
    login_staff("organiser")
    job_page = _queue(client, played, "results.csv")
    _work(runner)
    assert _file(client, job_page).status_code == 200
    clock.advance(hours=24)
    gone = _file(client, job_page)  # expired before the purge has run
    assert gone.status_code == 410 and "hết hạn" in gone.get_data(as_text=True)
    assert len(list(folder.iterdir())) == 1
    result = runner.invoke(args=["exports", "purge"])
    assert result.exit_code == 0 and "Đã xoá 1 tệp" in result.output
    assert list(folder.iterdir()) == []
    job_id = int(JOB_URL.search(job_page).group(2))
    assert _job(app, job_id).status == "expired" and _job(app, job_id).file_path is None
    assert _file(client, job_page).status_code == 410
    assert _status(client, job_page)["status"] == "expired"
    assert "Tạo lại tệp" in client.get(job_page).get_data(as_text=True)


def test_job_addresses_are_for_staff_of_that_round_only(
    app, client, runner, played, make_round, login_staff, login_participant
) -> None:
    other = make_round(title="Đợt khác")
    login_staff("organiser")
    job_page = _queue(client, played, "results.xlsx")
    _work(runner)
    round_id, job_id = JOB_URL.search(job_page).groups()
    elsewhere = job_page.replace(f"/rounds/{round_id}/", f"/rounds/{other.id}/")
    for suffix in ("", "/status.json", "/file"):
        assert _file(client, elsewhere + suffix).status_code == 404
        assert client.get(job_page.replace(job_id, "99999") + suffix).status_code == 404
    client.delete_cookie("session")  # anonymous
    for suffix in ("", "/status.json", "/file"):
        response = client.get(job_page + suffix)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    login_participant()
    for suffix in ("", "/status.json", "/file"):
        assert client.get(job_page + suffix).status_code == 403
    assert _actions(app, "results.export_download") == []


def test_the_posts_need_their_csrf_token(app, client, runner, played, login_staff) -> None:
    login_staff("organiser")
    assert client.post(_export(played, "results.xlsx")).status_code == 403  # CSRF refused
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ExportJob)) == 0
    job_page = _queue(client, played, "results.xlsx")
    assert client.post(job_page + "/retry").status_code == 403


def test_the_round_page_lists_its_recent_jobs(app, client, runner, played, login_staff) -> None:
    login_staff("organiser")
    _queue(client, played, "results.csv")
    _queue(client, played, "ceremony.pdf")
    _work(runner)
    page = client.get(f"/console/rounds/{played.id}").get_data(as_text=True)
    assert "Các lần xuất tệp gần đây" in page
    assert "Bảng xếp hạng (.csv)" in page and "Danh sách trao giải (.pdf)" in page
    assert page.count("Đã xong, sẵn sàng tải về") == 2


def test_a_queued_job_no_worker_took_for_a_minute_says_so(
    app, client, played, login_staff, clock
) -> None:
    from quizapp.views.console_export_jobs import STALLED

    login_staff("organiser")
    job_page = _queue(client, played, "results.xlsx")
    assert _status(client, job_page)["notice"] == ""
    clock.advance(seconds=59)
    assert _status(client, job_page)["notice"] == ""
    clock.advance(seconds=2)
    assert _status(client, job_page)["notice"] == STALLED
    assert STALLED in client.get(job_page).get_data(as_text=True)
