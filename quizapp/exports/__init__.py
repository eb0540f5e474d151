"""Results exports for the award ceremony: gather → encode → respond.

`export_round` is the use-case the console and the CLI share: it gathers the round's results
once, encodes one format into a binary stream and records the export in the audit log. Like
every service it flushes and never commits; the caller commits after the file is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from ..models import Round, StaffUser
from ..services import audit
from ..services.errors import Conflict
from ..services.results import Results, gather
from . import certificates, csv, pdf, xlsx


@dataclass(frozen=True)
class Options:
    """What an encoder needs beyond the results: who issues, when, and the QR code's target."""

    organiser: str
    now: datetime
    verify_url: str = ""


@dataclass(frozen=True)
class Format:
    key: str
    filename: str  # {round_id} is filled in
    mimetype: str
    write: Callable[[Results, BinaryIO, Options], object]

    def filename_for(self, rnd: Round) -> str:
        return self.filename.format(round_id=rnd.id)


FORMATS = {
    f.key: f
    for f in (
        Format(
            "xlsx",
            "dot-thi-{round_id}-ket-qua.xlsx",
            xlsx.MIMETYPE,
            lambda r, out, o: xlsx.write_results(r, out),
        ),
        Format(
            "csv",
            "dot-thi-{round_id}-xep-hang.csv",
            csv.MIMETYPE,
            lambda r, out, o: csv.write_ranking(r, out),
        ),
        Format(
            "ceremony",
            "dot-thi-{round_id}-trao-giai.pdf",
            pdf.MIMETYPE,
            lambda r, out, o: pdf.write_ceremony(r, out, organiser=o.organiser, generated_at=o.now),
        ),
        Format(
            "certificates",
            "dot-thi-{round_id}-giay-chung-nhan.pdf",
            pdf.MIMETYPE,
            lambda r, out, o: certificates.write_certificates(
                r, out, verify_url=o.verify_url, organiser=o.organiser, issued_at=o.now
            ),
        ),
    )
}


def export_round(
    actor: StaffUser | None, rnd: Round, key: str, out: BinaryIO, options: Options
) -> Format:
    """Write the round's results in format `key` to `out` and audit it (organiser data in full).

    Certificates need at least one winner and the URL their QR code opens.
    """
    fmt = FORMATS[key]
    results = gather(rnd)
    if key == "certificates":
        if not results.draft.awards:
            raise Conflict("no_winners", "Đợt thi chưa có người đoạt giải để in giấy chứng nhận.")
        if not options.verify_url:
            raise ValueError("certificates need the verification URL for their QR code")
    fmt.write(results, out, options)
    audit.record(
        actor,
        "results.export",
        rnd,
        format=key,
        rows=len(results.ranking),
        winners=len(results.draft.awards),
    )
    return fmt
