"""The request's unit of work: the one place a web request commits.

HTML handlers run their one state-changing service call through `perform` (commit on success;
a domain refusal rolls back and comes back for the handler to show) or `act` (the same, with a
flash); the API's handlers call `commit` after their service call, and its error handler
rolls back a refusal. Services only flush.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import abort, flash

from ..database import reading, writing
from ..extensions import db
from ..services.errors import NotFound, ServiceError

T = TypeVar("T")


class FormProblem(ServiceError):
    """A field of an HTML form the user must correct, found by the handler itself."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__("invalid_form", message, field)


@dataclass(frozen=True)
class Refused:
    """A refused call: nothing was written; `error` says why (Vietnamese message, field)."""

    error: ServiceError

    @property
    def message(self) -> str:
        return self.error.message


def commit() -> None:
    """End the request's unit of work: everything the services flushed becomes durable."""
    db.session.commit()


def perform(action: Callable[[], T], *, missing_is_404: bool = False) -> T | Refused:
    """Run one service call as the request's unit of work: commit on success; on a refusal
    roll back and return it. With `missing_is_404`, a missing object is a 404 page."""
    try:
        result = action()
    except NotFound as exc:
        db.session.rollback()
        if missing_is_404:
            abort(404)
        return Refused(exc)
    except ServiceError as exc:
        db.session.rollback()
        return Refused(exc)
    commit()
    return result


def read_only(action: Callable[[], T]) -> T:
    """End the request's transaction and run `action` in one that takes no write lock (on
    SQLite a deferred BEGIN): CPU-heavy reading before a short write. A missing object is a
    404 page."""
    db.session.rollback()
    with reading():
        try:
            return action()
        except NotFound:
            abort(404)


def perform_after_reading(action: Callable[[], T], *, missing_is_404: bool = False) -> T | Refused:
    """End a GET's read transaction (on SQLite a deferred one: it held no lock while the
    request read and computed), then `perform` in a transaction that takes the write lock at
    BEGIN: the write is short, and what it stores was computed outside it."""
    db.session.rollback()
    with writing():
        return perform(action, missing_is_404=missing_is_404)


def act(action: Callable[[], object], success: str) -> bool:
    """`perform`, then flash the success or the refusal's message; the caller redirects."""
    outcome = perform(action)
    if isinstance(outcome, Refused):
        flash(outcome.message, "error")
        return False
    flash(success, "success")
    return True
