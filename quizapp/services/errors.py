"""Domain errors raised by services; views map them to HTTP responses in one place."""

from __future__ import annotations


class ServiceError(Exception):
    """A refused use-case: a stable code, a Vietnamese message and the HTTP status it maps to."""

    status = 400

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Forbidden(ServiceError):
    status = 403


class Gone(ServiceError):
    """Existed once and was removed for good (an expired export file)."""

    status = 410
