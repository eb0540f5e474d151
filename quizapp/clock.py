"""The one notion of now: real UTC time, or the clock a test installs in the config.

Every read of the current time in the app, the CLI and the models' column defaults goes
through `now()`, so a test (or `faketime`) moves all of them together.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context


def system_now() -> datetime:
    """The wall clock, aware, in UTC."""
    return datetime.now(UTC)


def now() -> datetime:
    """The app's clock (config["CLOCK"]) inside an app context, else the wall clock."""
    clock = current_app.config.get("CLOCK") if has_app_context() else None
    return (clock or system_now)()
