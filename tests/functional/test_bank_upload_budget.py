"""Crafted bank uploads are bounded by the whole upload (issue 23 item 3): one node and size
budget across all the files, a capped problem list, the review computed once (in a read
transaction, so on SQLite a participant's save goes on meanwhile) and shown from storage."""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile

import pytest

from quizapp.domain import safeyaml
from quizapp.services import bank_uploads
from tests.conftest import ApiClient, csrf_from

# 2 MB: a list of 500,000 one-letter items, just at the per-file size cap.
LIST = b"questions:\n" + b"- a\n" * 499_997


def _zip_of_three() -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("topics.yaml", b"topics:\n- id: chung\n  name: Chung\n")
        for n in range(3):
            archive.writestr(f"{n}.yaml", LIST)
    buffer.seek(0)
    return buffer


def _upload(client, payload: io.BytesIO, name: str):
    """The browser's multipart body, built here: the test client spools a large one to a
    temporary file it never closes (a ResourceWarning under -W error)."""
    token = csrf_from(client, "/console/bank/upload")
    boundary = "----grenze"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + payload.getvalue()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        "/console/bank/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.fixture
def app_config() -> dict:
    # A save waits at most one second for the write lock: a preview that held it would fail it.
    return {"SQLITE_BUSY_TIMEOUT_MS": 1000}


@pytest.mark.parametrize(
    ("payload", "name"), [(lambda: io.BytesIO(LIST), "list.yaml"), (_zip_of_three, "ba.zip")]
)
def test_a_crafted_upload_previews_quickly_in_a_bounded_page(
    client, login_staff, payload, name
) -> None:
    assert len(LIST) <= safeyaml.MAX_BYTES
    login_staff("organiser")
    staged = _upload(client, payload(), name)
    assert staged.status_code == 302
    started = time.perf_counter()
    page = client.get(staged.headers["Location"])
    elapsed = time.perf_counter() - started
    assert page.status_code == 200
    assert elapsed < 10, elapsed
    assert len(page.data) < 1_000_000
    text = page.get_data(as_text=True)
    assert "chưa thể nhập" in text and "tối đa 100.000 phần tử cho cả lần tải lên" in text


def test_a_long_problem_list_is_capped_and_the_review_is_read_from_storage(
    client, login_staff, monkeypatch
) -> None:
    login_staff("organiser")
    many = b"questions:\n" + b"- a\n" * 5000  # 5,000 items, each a problem
    staged = _upload(client, io.BytesIO(many), "nhieu.yaml")
    url = staged.headers["Location"]
    first = client.get(url).get_data(as_text=True)
    assert first.count("<li><code>") <= 2 * bank_uploads.SHOWN
    assert "200 lỗi đầu tiên, còn" in first

    def parse_again(upload):
        raise AssertionError("the preview parsed the file again")

    monkeypatch.setattr(bank_uploads, "review", parse_again)
    again = client.get(url).get_data(as_text=True)
    signed = re.compile(r'value="[^"]+"')  # the CSRF token is signed anew each second
    assert signed.sub("", again) == signed.sub("", first)


@pytest.fixture
def player(app, make_round, make_participant, clock):
    """A participant signed in with an attempt open: `save()` answers one question."""
    from tests.conftest import TEST_PASSWORD

    rnd, person = make_round(), make_participant()
    api = ApiClient(app.test_client())
    api.call("POST", "/api/v1/login", {"phone": person.phone, "password": TEST_PASSWORD})
    attempt = api.call("POST", f"/api/v1/rounds/{rnd.id}/attempts").get_json()["id"]
    return lambda: api.call("PUT", f"/api/v1/attempts/{attempt}/answers/1", {"choice": 0})


def _save_while_parsing(monkeypatch, request, save):
    """Run `request` in a thread, held inside the upload's parsing (bank_uploads.review) while
    `save` runs here; the save's response, how long it waited, and the request's response."""
    parsing, go_on = threading.Event(), threading.Event()
    real_review = bank_uploads.review

    def slow_review(upload):
        parsing.set()
        go_on.wait(10)  # busy parsing (holding whatever its transaction holds)
        return real_review(upload)

    monkeypatch.setattr(bank_uploads, "review", slow_review)
    answers: list = []
    thread = threading.Thread(target=lambda: answers.append(request()))
    thread.start()
    try:
        assert parsing.wait(10)
        started = time.perf_counter()
        saved = save()
        waited = time.perf_counter() - started
    finally:
        go_on.set()
        thread.join(30)
    assert answers, "the request did not answer"
    return saved, waited, answers[0]


def test_a_participant_saves_while_a_crafted_preview_is_computed(
    client, login_staff, player, monkeypatch
) -> None:
    login_staff("organiser")
    url = _upload(client, _zip_of_three(), "ba.zip").headers["Location"]
    saved, waited, preview = _save_while_parsing(monkeypatch, lambda: client.get(url), player)
    assert saved.status_code == 200, saved.get_json()
    assert waited < 1, waited
    assert preview.status_code == 200


def test_a_participant_saves_while_an_upload_is_parsed_for_its_import(
    client, login_staff, player, monkeypatch
) -> None:
    """The confirm parses the file before its write transaction: a save meanwhile goes on."""
    from tests.functional.test_console_bank import _zip

    login_staff("organiser")
    url = _upload(client, _zip(), "nganhang.zip").headers["Location"]
    assert "Xác nhận nhập" in client.get(url).get_data(as_text=True)
    token = csrf_from(client, url)
    saved, waited, done = _save_while_parsing(
        monkeypatch, lambda: client.post(f"{url}/confirm", data={"csrf_token": token}), player
    )
    assert saved.status_code == 200, saved.get_json()
    assert waited < 1, waited
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/bank/")
