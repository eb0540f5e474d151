"""A round's results as plain values: what the review page, a publication and every export
read (gathered by services/results.py, encoded by the formats package)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from . import ranking
from .collective import UNIT_LABELS, Group
from .collective_prizes import CollectiveDraft, GroupAward
from .disclosure import Disclosure
from .prizes import Award, Draft, PrizeTie

DRAFT_MARK = "BẢN NHÁP – CHƯA CÔNG BỐ"
# A file printed before the result is final (Disclosure.final): answers may still land.
PROVISIONAL_MARK = f"{DRAFT_MARK} – KẾT QUẢ TẠM THỜI"
DRAFT_SLUG = "ban-nhap-chua-cong-bo"
# What results show when no viewer was asked: nothing of a score, rank or time, provisional.
NOTHING_DISCLOSED = Disclosure(False, False, False, False, False, False)


@dataclass(frozen=True)
class RoundInfo:
    id: int
    title: str
    contest_title: str
    question_count: int
    prediction_kind: str | None


@dataclass(frozen=True, slots=True)  # 100,000 of them in a large export
class RankRow:
    position: int
    rank: int
    participant_id: int
    attempt_id: int
    score: int
    time_used_ms: int
    prediction_error: int | None
    attempts_used: int
    submitted_at: datetime
    full_name: str
    phone: str
    ward_id: int
    organisation_id: int | None
    is_organiser_staff: bool

    def entry(self) -> ranking.Entry:
        return ranking.Entry(
            self.participant_id,
            self.attempt_id,
            self.score,
            self.time_used_ms,
            self.prediction_error,
            self.attempts_used,
            microseconds(self.submitted_at),
        )


def microseconds(moment: datetime) -> int:
    """Microseconds since the epoch: the resolution both databases store."""
    return int(moment.timestamp() * 1_000_000)


@dataclass(frozen=True, slots=True)  # 100,000 of them in a large export
class Person:
    full_name: str
    phone: str
    cccd: str | None
    birth_year: int
    group: str
    ward: str
    organisation: str | None


def provisional_mark(final: bool) -> str:
    """The mark of a file printed before the result is final (Disclosure.final); none after."""
    return "" if final else PROVISIONAL_MARK


@dataclass(frozen=True)
class Stamp:
    """Whether a file is a draft, or built from a publication (whose digest it carries)."""

    published: bool = False
    digest: str = ""
    sequence: int = 0

    @property
    def mark(self) -> str:
        """The line every page or sheet of a draft carries (empty once published)."""
        return "" if self.published else DRAFT_MARK

    def filename(self, name: str) -> str:
        """A draft's file name says so: dot-thi-7-ket-qua-ban-nhap-chua-cong-bo.xlsx."""
        if self.published:
            return name
        stem, dot, ext = name.rpartition(".")
        return f"{stem}-{DRAFT_SLUG}{dot}{ext}"


@dataclass
class Results:
    round: RoundInfo
    ranking: list[RankRow]
    draft: Draft
    wards: list[Group]
    organisations: list[Group]
    people: Mapping[int, Person] = field(default_factory=dict)
    stamp: Stamp = field(default_factory=Stamp)
    # by unit ("ward", "organisation"): the collective ranking and its prizes
    collective: Mapping[str, CollectiveDraft] = field(default_factory=dict)
    # open integrity flags per participant ("làm quá nhanh"...), never an exclusion
    flags: Mapping[int, list[str]] = field(default_factory=dict)
    ties: list[PrizeTie] = field(default_factory=list)
    # what the file's reader may see (disclosure.of_round for the round, the viewer, now)
    disclosure: Disclosure = NOTHING_DISCLOSED

    @property
    def mark(self) -> str:
        """The line every page or sheet carries: provisional until the result is final, a
        draft until it is published, none after."""
        return provisional_mark(self.disclosure.final) or self.stamp.mark

    def filename(self, name: str) -> str:
        """A file that is not the published, final result says so in its name."""
        return self.stamp.filename(name) if self.disclosure.final else Stamp().filename(name)

    def award_of(self, participant_id: int) -> Award | None:
        return self._awards.get(participant_id)

    def remarks_of(self, participant_id: int) -> list[str]:
        """A person's "Ghi chú" in the files: prize changes by hand with their reason, then
        the integrity flags the organiser saw and let stand."""
        changes = self.draft.remarks.get(participant_id, [])
        flagged = [f"Cảnh báo: {f}" for f in self.flags.get(participant_id, [])]
        return changes + flagged

    def notes(self) -> list[str]:
        """The draft's open questions, individual then collective (a draft's, never a final
        file's: once published they are settled or acknowledged)."""
        return self.draft.notes + [
            f"{UNIT_LABELS.get(by, by)} — {n}" for by, d in self.collective.items() for n in d.notes
        ]

    def collective_awards(self) -> list[tuple[str, GroupAward]]:
        """Every collective prize: wards, then organisations, each highest tier first."""
        return [(by, a) for by, d in self.collective.items() for a in d.awards]

    def __post_init__(self) -> None:
        self._awards = {a.participant_id: a for a in self.draft.awards}
