"""The tamper-evident form of a ranking: canonical bytes and their SHA-256 digest.

The published digest is the SHA-256 of exactly the bytes of the ranking data file offered for
download, so anyone can check it with `sha256sum` or `flask results verify`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

RECORD_FIELDS = (
    "rank",
    "entrant",
    "score",
    "time_ms",
    "prediction_error",
    "submitted_at",
)


def pseudonym(salt: str, participant_id: int) -> str:
    """A participant's label in one publication's data: stable within it, unlinkable across
    publications (each has its own secret salt), meaningless without the organiser's records."""
    return hashlib.sha256(f"{salt}:{participant_id}".encode()).hexdigest()[:12]


def canonical(records: Sequence[Sequence[Any]]) -> bytes:
    """One JSON document, keys and separators fixed, UTF-8: the same data gives the same bytes."""
    document = {"fields": list(RECORD_FIELDS), "rows": [list(r) for r in records]}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "utf-8"
    )


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
