"""The request's notion of now: real UTC time, or the clock a test installs in the config."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from .models import utcnow


def now() -> datetime:
    clock = current_app.config.get("CLOCK") or utcnow
    return clock()
