"""Public home page (the rounds open now, first), the web app manifest and the favicon."""

from flask import Blueprint, current_app, render_template, send_from_directory, url_for

from ..clock import now
from ..domain.formatting import format_time_left
from ..services import announcements, round_queries, rounds

bp = Blueprint("main", __name__)

THEME_COLOUR = "#a4161a"
SHORT_NAME = "Thi Luật TĐKT"


@bp.get("/")
def index():
    moment = now()
    open_now = [
        (r, format_time_left((r.closes_at - moment).total_seconds()))
        for r in round_queries.open_rounds(moment)
    ]
    public = rounds.public_rounds()
    publications = announcements.latest_publications(r.id for r in public)
    published = [(r, publications[r.id]) for r in public if r.id in publications]
    return render_template("main/index.html", open_now=open_now, published=published[:3])


@bp.get("/manifest.webmanifest")
def manifest():
    """Lets a phone add the site to its home screen, with the site's own name and icons."""
    icons = [
        {
            "src": url_for("static", filename=f"icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
        }
        for size in (192, 512)
    ]
    icons.append(
        {
            "src": url_for("static", filename="icons/favicon.svg"),
            "sizes": "any",
            "type": "image/svg+xml",
        }
    )
    body = {
        "name": current_app.config["SITE_NAME"],
        "short_name": SHORT_NAME,
        "lang": "vi",
        "start_url": url_for("main.index"),
        "display": "standalone",
        "background_color": "#f6f8fa",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    response = current_app.json.response(body)
    response.mimetype = "application/manifest+json"
    response.cache_control.public = True
    response.cache_control.max_age = 86_400
    return response


@bp.get("/favicon.ico")
def favicon():
    """For browsers and crawlers that ask for /favicon.ico whatever the page says."""
    return send_from_directory(
        current_app.static_folder or "", "icons/favicon.ico", mimetype="image/vnd.microsoft.icon"
    )


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
