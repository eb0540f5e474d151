"""The public page a certificate's QR code opens, as an absolute URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from ..models import Round
from . import publication


def verification_url(rnd: Round, base_url: str) -> str:
    """The round's latest publication of winners; before it is published, its leaderboard.

    `base_url` is the site's public address (https://host/ or https://host/prefix/): the
    request's host in the console, --base-url or PUBLIC_BASE_URL on the command line.
    """
    parts = urlsplit(base_url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {base_url!r}")
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    found = publication.latest(rnd)
    if found is not None:
        return adapter.build(
            "public.publication", {"publication_id": found.id}, force_external=True
        )
    return adapter.build("public.leaderboard", {"round_id": rnd.id}, force_external=True)
