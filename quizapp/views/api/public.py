"""Public reads: wards, organisations, rounds, the board; the CSRF token for cookie clients."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_wtf.csrf import generate_csrf

from ...clock import now
from ...domain import round_rules, timing
from ...models import Round
from ...services import board, registry_queries, rounds
from . import bp
from .schemas import (
    CsrfOut,
    OrganisationsIn,
    OrganisationsOut,
    PageIn,
    RoundDetailOut,
    RoundsOut,
    WardsOut,
)
from .schemas_flow import BoardOut
from .spec import page_of, paged, parse_query, reply, route


@route(
    bp,
    "GET",
    "/csrf",
    "getCsrfToken",
    "Mã CSRF cho các lệnh ghi của trình duyệt (gửi lại ở tiêu đề X-CSRFToken)",
    tag="public",
    responses={200: CsrfOut},
    description="Chỉ cho phiên cookie; yêu cầu có mã truy cập (Bearer) không cần mã CSRF.",
)
def csrf_token():
    return reply(CsrfOut, {"csrf_token": generate_csrf()})


@route(bp, "GET", "/wards", "listWards", "Các phường (theo thứ tự chữ cái tiếng Việt)",
       tag="public", query=PageIn, responses={200: WardsOut})  # fmt: skip
def wards():
    page = parse_query(PageIn)
    rows, total = page_of(registry_queries.wards(), page)
    items = [{"id": w.id, "code": w.code, "name": w.name} for w in rows]
    return reply(WardsOut, paged(items, page, total))


@route(bp, "GET", "/organisations", "listOrganisations",
       "Các cơ quan, đơn vị (lọc theo phường nếu có ward_id)",
       tag="public", query=OrganisationsIn, responses={200: OrganisationsOut})  # fmt: skip
def organisations():
    page = parse_query(OrganisationsIn)
    found = registry_queries.organisations()
    if page.ward_id is not None:
        found = [o for o in found if o.ward_id == page.ward_id]
    rows, total = page_of(found, page)
    items = [
        {"id": o.id, "code": o.code, "name": o.name, "kind": o.kind, "ward_id": o.ward_id}
        for o in rows
    ]
    return reply(OrganisationsOut, paged(items, page, total))


def round_json(rnd: Round, with_rules: bool = False) -> dict[str, Any]:
    state = timing.round_state(rnd.status, rnd.opens_at, rnd.closes_at, now())
    body: dict[str, Any] = {
        "id": rnd.id,
        "contest": rnd.contest.title,
        "title": rnd.title,
        "opens_at": rnd.opens_at.isoformat(),
        "closes_at": rnd.closes_at.isoformat(),
        "state": state.value,
        "question_count": rnd.question_count,
        "time_limit_seconds": rnd.time_limit_seconds,
        "max_attempts": rnd.max_attempts,
        "prediction_kind": rnd.prediction_kind,
    }
    if with_rules:
        body["rules"] = round_rules.rules_text(rounds.settings_of(rnd))
    return body


@route(bp, "GET", "/rounds", "listRounds", "Các đợt thi (mới nhất trước)",
       tag="public", query=PageIn, responses={200: RoundsOut})  # fmt: skip
def rounds_list():
    page = parse_query(PageIn)
    rows, total = page_of(rounds.public_rounds(), page)
    return reply(RoundsOut, paged([round_json(r) for r in rows], page, total))


@route(bp, "GET", "/rounds/<int:round_id>", "getRound", "Một đợt thi và thể lệ",
       tag="public", responses={200: RoundDetailOut}, errors=(404,))  # fmt: skip
def round_detail(round_id: int):
    return reply(RoundDetailOut, round_json(rounds.get_public_round(round_id), with_rules=True))


@route(
    bp,
    "GET",
    "/rounds/<int:round_id>/leaderboard",
    "getLeaderboard",
    "Bảng xếp hạng công khai (che thông tin cá nhân) và số người tham gia",
    tag="public",
    responses={200: BoardOut},
    errors=(404,),
    description="Ảnh chụp có hạn (top tối đa BOARD_TOP người, 30 cơ quan), nên không phân "
    "trang; as_of là thời điểm của số liệu, frozen_at khác null khi bảng đã đóng băng.",
)
def leaderboard(round_id: int):
    """The public board (masked, cached, frozen when the organiser froze it)."""
    body = board.public_board_json(round_id, now())
    return current_app.response_class(body, mimetype="application/json")
