"""The console home's round list with next steps, and the live monitor of a round."""

from __future__ import annotations

import re
from datetime import timedelta

from quizapp.extensions import db
from quizapp.models import Participant, Round
from quizapp.services import attempts
from tests.conftest import FIXED_NOW


def _figures(html: str) -> dict[str, str]:
    found = {}
    for part in html.split('data-figure="')[1:]:
        name, rest = part.split('">', 1)
        found[name] = rest.split("<", 1)[0]
    return found


def test_the_home_lists_every_round_with_its_state_and_next_step(
    client, login_staff, make_round, clock
) -> None:
    draft = make_round(status="draft", title="Tuần nháp")
    running = make_round(title="Tuần đang mở")
    login_staff("organiser")
    page = client.get("/console/").get_data(as_text=True)
    assert "Nháp" in page and "Đang mở" in page
    assert f'href="/console/rounds/{draft.id}/open">Mở đợt thi' in page
    assert f'href="/console/rounds/{running.id}/close">Đóng đợt thi' in page
    assert f'href="/console/rounds/{running.id}/theo-doi/"' in page
    assert ">draft<" not in page and ">open<" not in page
    clock.advance(days=2)  # past the close time: behaves as closed, review comes next
    page = client.get("/console/").get_data(as_text=True)
    assert f'href="/console/rounds/{running.id}/review/">Xét duyệt kết quả' in page


def test_the_monitor_counts_and_refreshes_a_fragment(
    app, client, login_staff, make_round, make_ward, make_participant, clock
) -> None:
    rnd = make_round()
    ward = make_ward(name="Phường An Nhơn")
    people = [make_participant(ward) for _ in range(4)]
    with app.app_context():
        r = db.session.get(Round, rnd.id)
        for n, person in enumerate(people[:3]):
            p = db.session.get(Participant, person.id)
            attempt = attempts.start_attempt(p, r, FIXED_NOW - timedelta(minutes=n)).attempt
            if n:
                attempts.submit_attempt(p, attempt.id, FIXED_NOW)
        db.session.commit()
    login_staff("organiser")
    url = f"/console/rounds/{rnd.id}/theo-doi/"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert _figures(html) == {
        "in-progress": "1",
        "finished": "2",
        "participants": "3",
        "registered": "4",
    }
    assert 'src="/static/js/monitor.js"' in html and "Cập nhật số liệu" in html
    assert "Đang mở" in html
    fragment = client.get(f"{url}so-lieu")
    text = fragment.get_data(as_text=True)
    assert fragment.mimetype == "text/html" and "<html" not in text and "<nav" not in text
    assert _figures(text) == _figures(html)
    # Turnout by ward: 4 registered, 3 started, 2 finished.
    row = text.split("Phường An Nhơn</td>")[1].split("</tr>")[0]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row) == ["4", "3", "2"]
    # Per minute: the minute of FIXED_NOW had one start and two submits.
    minutes = text.split("Mười phút gần nhất")[1].split("</table>")[0]
    assert "<tr><td>10:00</td><td>1</td><td>2</td></tr>" in minutes
    clock.advance(minutes=20)  # the window moved on; the attempt in progress ran out
    later = _figures(client.get(f"{url}so-lieu").get_data(as_text=True))
    assert later["in-progress"] == "0"


def test_the_monitor_is_for_organisers_only(client, make_round, login_participant) -> None:
    rnd = make_round()
    url = f"/console/rounds/{rnd.id}/theo-doi/so-lieu"
    assert client.get(url).status_code == 302  # to the staff sign-in
    login_participant()
    assert client.get(url).status_code == 403
