"""Public home page: the rounds open now, first; the web app manifest."""

from flask import Blueprint, render_template

from ..clock import now
from ..domain.formatting import format_time_left
from ..services import round_queries

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    moment = now()
    open_now = [
        (r, format_time_left((r.closes_at - moment).total_seconds()))
        for r in round_queries.open_rounds(moment)
    ]
    return render_template("main/index.html", open_now=open_now)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
