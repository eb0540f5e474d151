"""The tamper-evident form of a ranking: canonical bytes and their SHA-256 digest.

The published digest is the SHA-256 of exactly the bytes of the ranking data file offered for
download, so anyone can check it with `sha256sum` or `flask results verify`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from .collective import UNIT_LABELS
from .results import Results

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


def canonical(records: Sequence[Sequence[Any]], prizes: Mapping[str, Any] | None = None) -> bytes:
    """One JSON document, keys and separators fixed, UTF-8: the same data gives the same bytes.

    With `prizes` (individual: tier, entrant, rank; collective by unit: tier, code, name, rank,
    shared) the digest covers the winners as well as the ranking."""
    document: dict[str, Any] = {"fields": list(RECORD_FIELDS), "rows": [list(r) for r in records]}
    if prizes is not None:
        document["prizes"] = prizes
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "utf-8"
    )


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checklist(results: Results) -> list[str]:
    """What the organiser must acknowledge, with a reason, before publishing: every open
    integrity flag of a winner, and every tie that touches a prize (individual or collective)."""
    items = []
    for award in results.draft.awards:
        name = results.people[award.participant_id].full_name
        items += [
            f"{award.tier} — {name}: {flag} (cảnh báo chưa xử lý)."
            for flag in results.flags.get(award.participant_id, [])
        ]
    for tie in results.ties:
        who = ", ".join(
            f"{results.people[pid].full_name} ({tier or 'không có giải'})"
            for pid, tier in zip(tie.participant_ids, tie.tiers, strict=True)
        )
        items.append(f"Cá nhân hạng {tie.rank} bằng nhau ở mọi tiêu chí: {who}.")
    for by, draft in results.collective.items():
        items += [
            f"{UNIT_LABELS.get(by, by)} hạng {tie.rank} bằng nhau ở mọi tiêu chí: "
            f"{', '.join(tie.names)} — {tie.settled}."
            for tie in draft.ties
        ]
    return items
