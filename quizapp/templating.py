"""Jinja filters and globals: Vietnamese dates and numbers, the site's name."""

from __future__ import annotations

from typing import Any

from flask import Flask

from .domain import formatting


def init_app(app: Flask) -> None:
    app.jinja_env.filters["vn_datetime"] = formatting.format_datetime
    app.jinja_env.filters["vn_date"] = formatting.format_date
    app.jinja_env.filters["vn_number"] = formatting.format_number
    app.jinja_env.filters["vn_bytes"] = formatting.format_bytes
    app.jinja_env.filters["vn_difficulty"] = formatting.difficulty_label
    app.jinja_env.filters["vn_status"] = _status_label
    app.jinja_env.filters["combine_page"] = lambda args, page: {**args, "trang": page}

    @app.context_processor
    def site_globals() -> dict[str, Any]:
        return {
            "site_name": app.config["SITE_NAME"],
            "organiser_name": app.config["ORGANISER_NAME"],
        }


def _status_label(status: str) -> str:
    """A round's state in Vietnamese (Nháp, Đang mở, …), never the internal code."""
    from .domain.lifecycle import STATUS_LABELS, Status

    return STATUS_LABELS[Status(status)]
