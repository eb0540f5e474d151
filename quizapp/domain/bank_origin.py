"""Where a bank question came from, and what `make setup` may do with it.

The repository's YAML bank is imported at every `make setup` (so every `make run`); the console
uploads and corrects questions too. The rule: setup writes only what the repository itself
changed since it was last imported, and never undoes the console's work. Where both changed
the same question, setup names it and writes nothing unless forced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REPOSITORY = "repository"  # the YAML files imported from the command line (setup, bank import)
UPLOAD = "upload"  # a bank file uploaded in the console
CORRECTION = "correction"  # a key corrected in the console after a round
ORIGINS = (REPOSITORY, UPLOAD, CORRECTION)


@dataclass(frozen=True)
class Stored:
    """A question as the database holds it, reduced to what the rule reads."""

    origin: str
    current_hash: str | None
    retired: bool
    # The content the repository gave the last time it was imported (None: never from it).
    repository_hash: str | None


@dataclass
class SetupDecision:
    """What setup does: external ids to add, update (new version), retire; and the conflicts."""

    add: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    retire: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # the console's work, left as it is
    conflicts: list[str] = field(default_factory=list)  # both sides changed it
    # questions whose content both sides agree on: only the repository mark is refreshed
    agreed: list[str] = field(default_factory=list)

    @property
    def writes(self) -> bool:
        return bool(self.add or self.update or self.retire)


def _with_file(spec_hash: str, stored: Stored | None) -> str:
    """add / update / same / kept / agreed / conflict for a question the repository holds."""
    if stored is None:
        return "add"
    same = stored.current_hash == spec_hash and not stored.retired
    if stored.origin == REPOSITORY:
        return "same" if same else "update"
    if spec_hash == stored.repository_hash:
        return "kept"  # the repository did not change it; the console did
    return "agreed" if same else "conflict"


def _without_file(stored: Stored) -> str:
    """retire / same / kept / conflict for a stored question the repository no longer holds."""
    if stored.origin == REPOSITORY:
        return "same" if stored.retired else "retire"
    if stored.repository_hash is None or stored.retired:
        return "kept"  # the console's own question (or one it already retired)
    return "conflict"  # the repository dropped a question the console has changed since


def decide(files: dict[str, str], stored: dict[str, Stored], force: bool = False) -> SetupDecision:
    """The setup rule over the repository's questions (id → content hash) and the stored ones.

    With `force`, the repository wins every conflict (an update, or a retirement).
    """
    decision = SetupDecision()
    outcomes = {eid: _with_file(h, stored.get(eid)) for eid, h in files.items()}
    outcomes |= {eid: _without_file(s) for eid, s in stored.items() if eid not in files}
    for external_id in sorted(outcomes):
        outcome = outcomes[external_id]
        if outcome == "conflict" and force:
            outcome = "update" if external_id in files else "retire"
        target = {
            "add": decision.add,
            "update": decision.update,
            "retire": decision.retire,
            "kept": decision.kept,
            "conflict": decision.conflicts,
            "agreed": decision.agreed,
        }.get(outcome)
        if target is not None:
            target.append(external_id)
    return decision
