"""CORS for the API: browser code from the organiser's named origins may call /api/.

A small hook rather than an extension: the policy is four rules and reads best in one place.
Only origins on CORS_ORIGINS (exact scheme://host[:port]) are granted, one at a time (never
"*"), and never with credentials: cross-origin clients authenticate with a bearer token, so
no cookie of this site is ever usable from another origin.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

ALLOWED_HEADERS = "Authorization, Content-Type"
EXPOSED_HEADERS = "Retry-After"
PREFLIGHT_MAX_AGE = "600"


def normalise(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def allowed_origins(config: dict) -> frozenset[str]:
    """CORS_ORIGINS as a list, or as text with commas (QUIZAPP_CORS_ORIGINS=a,b)."""
    value = config.get("CORS_ORIGINS") or []
    if isinstance(value, str):
        value = value.split(",")
    return frozenset(normalise(o) for o in value if o.strip())


def add_cors_headers(response: Response) -> Response:
    if not request.path.startswith("/api/"):
        return response
    origins = current_app.extensions["cors_origins"]
    if not origins:
        return response
    response.vary.add("Origin")  # a shared cache must not hand one origin's grant to another
    origin = request.headers.get("Origin")
    if origin is None or normalise(origin) not in origins:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        allow = response.headers.get("Allow") or "GET, POST, PUT, DELETE"
        response.headers["Access-Control-Allow-Methods"] = allow
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    else:
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def init_app(app: Flask) -> None:
    app.extensions["cors_origins"] = allowed_origins(app.config)
    app.after_request(add_cors_headers)
