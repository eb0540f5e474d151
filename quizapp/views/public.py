"""Public results: the live leaderboard and turnout, one's own rank, and share pages."""

from __future__ import annotations

import hashlib

import segno
from flask import Blueprint, abort, current_app, redirect, render_template, url_for

from .. import preview_image
from ..auth import current_participant, participant_required
from ..clock import now
from ..domain import disclosure, ranking
from ..domain.disclosure import Viewer
from ..domain.formatting import format_date
from ..extensions import cache
from ..services import (
    announcements,
    board,
    collective,
    participant_results,
    rankings,
    registry_queries,
    round_queries,
    rounds,
)
from ..services import publication as publications
from ..services.errors import NotFound

bp = Blueprint("public", __name__)

CARD_CACHE_SECONDS = 86_400
CARD_MAX_AGE = 3_600


def _round(round_id: int):
    try:
        return rounds.get_public_round(round_id)
    except NotFound:
        abort(404)


@bp.get("/dot-thi/<int:round_id>/bang-xep-hang")
def leaderboard(round_id: int):
    rnd = _round(round_id)
    return render_template(
        "public/board.html",
        round=rnd,
        board=board.public_board(rnd, now()),
        publication_id=announcements.latest_publications([rnd.id]).get(rnd.id),
    )


@bp.get("/dot-thi/<int:round_id>/thu-hang")
@participant_required
def my_rank(round_id: int):
    """One's rank and what separates one from the person above, when ranks may be shown
    (`disclosure`); before that, only whether one's attempt is in."""
    rnd, moment = _round(round_id), now()
    participant_id = current_participant().id
    mine, above = rankings.participant_rank(rnd, participant_id, as_of=rnd.board_frozen_at)
    shown = disclosure.of_round(rnd, Viewer.PARTICIPANT, moment)
    reason = None
    if not shown.ranks:
        mine, above = (True if mine is not None else None), None
    elif mine is not None and above is not None:
        key = ranking.separating_key(above.entry(), mine.entry(), rankings.policy_of(rnd))
        reason = ranking.KEYS[key][0] if key else None
    return render_template(
        "public/my_rank.html",
        round=rnd,
        mine=mine,
        above=above,
        reason=reason,
        ranks_shown=shown.ranks,
        outlook=participant_results.round_entry(participant_id, rnd.id, moment),
    )


def _qr_data_uri(target: str) -> str:
    """The QR code as an SVG data URI. A standalone SVG needs its xmlns (segno's svg_inline
    leaves it out, and browsers and printers then draw nothing); the white background and the
    4-module quiet zone keep it scannable on any page colour."""
    return segno.make(target, error="m").svg_data_uri(scale=6, border=4, light="#fff")


def _current_round():
    public = rounds.public_rounds()
    open_now = [r for r in public if r.status == "open"]
    return (open_now or public or [None])[0]


def _unit(kind: str, code: str):
    unit = (
        registry_queries.ward_by_code(code)
        if kind == "phuong"
        else registry_queries.organisation_by_code(code)
    )
    if unit is None:
        abort(404)
    return unit


def _short_link(kind: str, code: str) -> str:
    """/p/<ward> or /d/<organisation>: the link a poster, a card's QR and a chat carry."""
    return url_for(
        "public.short_link", kind="p" if kind == "phuong" else "d", code=code, _external=True
    )


def _turnout(rnd, kind: str, code: str):
    by = "ward" if kind == "phuong" else "organisation"
    found = [g for g in collective.groups(rnd, by, as_of=rnd.board_frozen_at) if g.key == code]
    return found[0] if found else None


def _share(kind: str, code: str, template: str):
    """The share page or poster: every round open now (or the latest one), each with the
    unit's turnout."""
    unit = _unit(kind, code)
    link = _short_link(kind, code)
    shown = round_queries.open_rounds(now()) or [r for r in [_current_round()] if r]
    return render_template(
        template,
        unit=unit,
        kind=kind,
        link=link,
        qr=_qr_data_uri(link),
        round=shown[0] if shown else None,
        rounds=[(r, _turnout(r, kind, code)) for r in shown],
    )


@bp.get("/chia-se/<any(phuong, 'don-vi'):kind>/<code>")
def share(kind: str, code: str):
    return _share(kind, code, "public/share.html")


@bp.get("/chia-se/<any(phuong, 'don-vi'):kind>/<code>/ap-phich")
def poster(kind: str, code: str):
    return _share(kind, code, "public/poster.html")


def _card(title: str, unit: str, footer: str, qr: str = ""):
    """A preview card for Open Graph (PNG), drawn once a day per text and kept by browsers
    and the platforms' crawlers for an hour."""
    site = current_app.config["SITE_NAME"]
    key = (
        "og-card:"
        + hashlib.sha256("\x1f".join((site, title, unit, footer, qr)).encode()).hexdigest()
    )
    png = cache.get(key)
    if png is None:
        png = preview_image.render_card(title, unit, site, footer, qr=qr)
        cache.set(key, png, timeout=CARD_CACHE_SECONDS)
    response = current_app.response_class(png, mimetype="image/png")
    response.cache_control.public = True
    response.cache_control.max_age = CARD_MAX_AGE
    return response


@bp.get("/chia-se/<any(phuong, 'don-vi'):kind>/<code>/anh.png")
def share_card(kind: str, code: str):
    rnd = _current_round()
    title = rnd.title if rnd else "Cuộc thi trực tuyến tìm hiểu Luật Thi đua, khen thưởng"
    unit = _unit(kind, code).name
    return _card(title, unit, "Quét mã QR hoặc bấm để đăng ký dự thi", qr=_short_link(kind, code))


@bp.get("/anh.png")
def site_card():
    """The card of every page that has none of its own (home, practice, sign-in…)."""
    rnd = _current_round()
    title = rnd.title if rnd else "Cuộc thi trực tuyến tìm hiểu Luật Thi đua, khen thưởng"
    return _card(title, "", "Thi trắc nghiệm trên điện thoại · luyện tập miễn phí")


@bp.get("/dot-thi/<int:round_id>/anh.png")
def round_card(round_id: int):
    rnd = _round(round_id)
    span = f"Từ {format_date(rnd.opens_at)} đến {format_date(rnd.closes_at)}"
    return _card(rnd.title, rnd.contest.title, f"{span} · thi trắc nghiệm trên điện thoại")


@bp.get("/<any(p, d):kind>/<code>")
def short_link(kind: str, code: str):
    """Short links for posters and chat: open registration with the unit preselected, and when
    exactly one round is open, come back to it once registered."""
    args = {"phuong" if kind == "p" else "don-vi": code}
    open_now = round_queries.open_rounds(now())
    if len(open_now) == 1:
        args["next"] = url_for("quiz.round_page", round_id=open_now[0].id)
    return redirect(url_for("accounts.register", **args))


@bp.get("/ket-qua/cong-bo/<int:publication_id>")
def publication(publication_id: int):
    """A published list of winners with its digest; corrections link to what they replace."""
    try:
        found = publications.get(publication_id)
    except NotFound:
        abort(404)
    later = [p for p in publications.history(found.round_id) if p.sequence > found.sequence]
    return render_template(
        "public/publication.html",
        publication=found,
        round=rounds.get_round(found.round_id),
        later=later,
    )


@bp.get("/ket-qua/cong-bo/<int:publication_id>/xep-hang.json")
def publication_data(publication_id: int):
    """The exact bytes whose SHA-256 is the published digest (no personal data)."""
    try:
        found = publications.get(publication_id)
    except NotFound:
        abort(404)
    response = current_app.response_class(
        found.payload["ranking"].encode("utf-8"), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = (
        f"attachment; filename=xep-hang-cong-bo-{found.id}.json"
    )
    return response
