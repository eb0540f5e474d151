"""JSON API under /api/v1: the participant flow and public reads, over the same services.

Who calls: a bearer token (apps, mini-apps; no CSRF) or the browser's cookie session (with
the X-CSRFToken header on every write). A request with an Authorization header is judged by
its token alone, never by a cookie it also carries.
"""

from __future__ import annotations

# The routes register on the blueprint as they are imported.
from . import openapi, participant, public, tokens  # noqa: F401
from .blueprint import bp
from .spec import BadInput

__all__ = ["BadInput", "bp"]
