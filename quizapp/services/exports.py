"""Results exports for the award ceremony: gather → encode → respond.

`export_round` is the use-case the console, the background jobs and the CLI share: it gathers
the round's results once, asks the one disclosure rule (domain/disclosure.py) what the file's
reader may see at that moment, encodes one format into a binary stream and records the export
in the audit log. Like every service it flushes and never commits; the caller commits after
the file is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol

from ..domain import publication as pub
from ..domain.disclosure import Disclosure, Viewer, of_round
from ..domain.results import Results, Stamp
from ..formats import csv, xlsx
from ..models import Round, StaffUser
from . import audit, publication
from .errors import Conflict
from .results import gather, publication_data, ranking_records

PDF_MIMETYPE = "application/pdf"


def _write_ceremony(results: Results, out: BinaryIO, options: Options) -> object:
    from ..formats import pdf  # fpdf is heavy: loaded when a PDF is asked for, not at start-up

    return pdf.write_ceremony(results, out, organiser=options.organiser, generated_at=options.now)


def _write_certificates(results: Results, out: BinaryIO, options: Options) -> object:
    from ..formats import certificates

    return certificates.write_certificates(
        results,
        out,
        verify_url=options.verify_url,
        organiser=options.organiser,
        issued_at=options.now,
    )


class Tracker(Protocol):
    """Hears a background export's progress: the rows to write, then the rows written."""

    def start(self, total: int) -> None: ...

    def __call__(self, done: int) -> None: ...


@dataclass(frozen=True)
class Options:
    """What an encoder needs beyond the results: who issues, when, the QR code's target, and
    who hears the progress (a background job; the XLSX and CSV writers report it)."""

    organiser: str
    now: datetime
    verify_url: str = ""
    progress: Tracker | None = None


@dataclass(frozen=True)
class Format:
    key: str
    filename: str  # {round_id} is filled in
    mimetype: str
    write: Callable[[Results, BinaryIO, Options], object]

    def filename_for(self, rnd: Round, results: Results) -> str:
        return results.filename(self.filename.format(round_id=rnd.id))


FORMATS = {
    f.key: f
    for f in (
        Format(
            "xlsx",
            "dot-thi-{round_id}-ket-qua.xlsx",
            xlsx.MIMETYPE,
            lambda r, out, o: xlsx.write_results(r, out, o.progress),
        ),
        Format(
            "csv",
            "dot-thi-{round_id}-xep-hang.csv",
            csv.MIMETYPE,
            lambda r, out, o: csv.write_ranking(r, out, o.progress),
        ),
        Format(
            "ceremony",
            "dot-thi-{round_id}-trao-giai.pdf",
            PDF_MIMETYPE,
            _write_ceremony,
        ),
        Format(
            "certificates",
            "dot-thi-{round_id}-giay-chung-nhan.pdf",
            PDF_MIMETYPE,
            _write_certificates,
        ),
    )
}


def viewer_of(actor: StaffUser | None) -> Viewer:
    """Who reads a file: a liaison is not staff; the organiser's console and the CLI are."""
    return Viewer.LIAISON if actor is not None and actor.role == "liaison" else Viewer.STAFF


def disclosure_for(actor: StaffUser | None, rnd: Round, now: datetime) -> Disclosure:
    """What a file made for `actor` may show of the round at `now`: the one rule, asked once."""
    return of_round(rnd, viewer_of(actor), now)


def stamp_of(rnd: Round, results: Results) -> Stamp:
    """A draft until the result is final and published; once it is, the file is built from the
    same ranking and winners the publication holds (checked against its digest), or refused."""
    published = publication.latest(rnd) if results.disclosure.final else None
    if published is None:
        return Stamp()
    salt = published.payload["salt"]
    if published.payload.get("digest_covers_prizes"):
        same = pub.digest(publication_data(results, salt)) == published.digest
    else:  # published before the digest covered the prizes: the ranking, then the winners
        data = pub.canonical(ranking_records(results.ranking, salt))
        winners = [(w["tier"], w["entrant"]) for w in published.payload["winners"]]
        now = [(a.tier, pub.pseudonym(salt, a.participant_id)) for a in results.draft.awards]
        same = pub.digest(data) == published.digest and sorted(winners) == sorted(now)
    if not same:
        raise Conflict(
            "changed_since_publication",
            "Kết quả hiện tại khác bản đã công bố (mã kiểm tra không khớp); "
            "hãy công bố đính chính trước khi xuất tệp cho lễ trao giải.",
        )
    return Stamp(published=True, digest=published.digest, sequence=published.sequence)


def export_round(
    actor: StaffUser | None, rnd: Round, key: str, out: BinaryIO, options: Options
) -> tuple[Format, str]:
    """Write the round's results in format `key` to `out` and audit it (personal data in full;
    scores, ranks and times as the disclosure rule allows the actor at `options.now`); returns
    the format and the file name. Before the result is final every file is marked provisional,
    before publication a draft (on each page or sheet and in its name); after it, it matches
    the published digest.

    Certificates need the ranks disclosed, at least one winner and the URL their QR code opens.
    """
    fmt = FORMATS[key]
    results = gather(rnd)
    results.disclosure = disclosure_for(actor, rnd, options.now)
    results.stamp = stamp_of(rnd, results)
    if key == "certificates":
        if not results.disclosure.ranks:
            raise Conflict("ranks_withheld", "Chưa công bố kết quả: chưa in được giấy chứng nhận.")
        if not results.draft.awards and not results.collective_awards():
            raise Conflict("no_winners", "Đợt thi chưa có người đoạt giải để in giấy chứng nhận.")
        if not options.verify_url:
            raise ValueError("certificates need the verification URL for their QR code")
    if options.progress is not None:
        options.progress.start(len(results.ranking))
    fmt.write(results, out, options)
    audit.record(
        actor,
        "results.export",
        rnd,
        format=key,
        rows=len(results.ranking),
        winners=len(results.draft.awards),
        collective_winners=len(results.collective_awards()),
        draft=not results.stamp.published,
        final=results.disclosure.final,
    )
    return fmt, fmt.filename_for(rnd, results)
