"""Console: the live monitor of a round, refreshed in place every few seconds.

The page works without JavaScript (a refresh link); static/js/monitor.js fetches the figures
fragment and swaps it in. The fragment is a GET that changes nothing, behind the same staff
check as the page, and is never cached.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from ..auth import staff_required
from ..clock import now
from ..domain.lifecycle import STATUS_LABELS
from ..services import lifecycle, monitor
from .helpers import no_store, round_or_404

bp = Blueprint("console_monitor", __name__, url_prefix="/console/rounds/<int:round_id>/theo-doi")

REFRESH_SECONDS = 5
bp.after_request(no_store)


def _context(round_id: int) -> dict[str, object]:
    rnd = round_or_404(round_id)
    moment = now()
    return {
        "round": rnd,
        "status": STATUS_LABELS[lifecycle.effective_status(rnd, moment)],
        "snap": monitor.snapshot(rnd, moment),
        "refresh_seconds": REFRESH_SECONDS,
    }


@bp.get("/")
@staff_required()
def page(round_id: int):
    return render_template("console/monitor/page.html", **_context(round_id))


@bp.get("/so-lieu")
@staff_required()
def figures(round_id: int):
    """The figures alone, for the page's script to swap in."""
    return render_template("console/monitor/_figures.html", **_context(round_id))
