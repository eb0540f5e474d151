"""Time the XLSX and CSV results writers on a large faked ranking, and report peak memory.

    python bench/export_bench.py [--rows 100000] [--writer all|xlsx|csv]

The writers are the app's: quizapp.formats.xlsx (rustpy-xlsxwriter, streamed) and
quizapp.formats.csv; bench/xlsx_writers.py compares the XLSX candidates on the ranking sheet.
Each writer runs in a fresh interpreter, so its peak RSS (getrusage) is its own. The figures
include the faked results held in memory, as after `results.gather()`.
A benchmark that prints figures, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.domain.collective import Group  # noqa: E402
from quizapp.domain.disclosure import Disclosure  # noqa: E402
from quizapp.domain.prizes import Award, Draft  # noqa: E402
from quizapp.domain.results import Person, RankRow, Results, RoundInfo  # noqa: E402
from quizapp.formats import csv as csv_export  # noqa: E402
from quizapp.formats import xlsx  # noqa: E402

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Thu")
GIVEN = ("An", "Bình", "Cúc", "Dũng", "Giang", "Hạnh", "Khánh", "Lộc", "Mai", "Tuyết")
GROUPS = ("civil_servant", "worker", "student", "resident")
TIERS = (("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Ba", 3), ("Giải Khuyến khích", 5))


def _name(n: int) -> str:
    name = f"{FAMILY[n % 10]} {MIDDLE[n // 10 % 8]} {GIVEN[n // 80 % 10]}"
    return "=" + name if n % 100 == 0 else name  # 1 % risky names: the guard's slow path


def fake_results(count: int) -> Results:
    """A ranking of `count` people in 21 wards and 300 organisations, with 11 prizes."""
    start = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    rnd = RoundInfo(
        id=1,
        title="Đợt thử hiệu năng",
        contest_title="Cuộc thi tìm hiểu Luật Thi đua, khen thưởng",
        question_count=20,
        prediction_kind="participants",
    )
    ranking, people = [], {}
    for n in range(1, count + 1):
        name, phone = _name(n), f"09{n:08d}"
        ranking.append(
            RankRow(
                position=n,
                rank=n,
                participant_id=n,
                attempt_id=n,
                score=20 - n * 20 // count,
                time_used_ms=30_000 + n * 7,
                prediction_error=n % 50,
                attempts_used=1,
                submitted_at=start + timedelta(seconds=n),
                full_name=name,
                phone=phone,
                ward_id=n % 21,
                organisation_id=n % 300,
                is_organiser_staff=False,
            )
        )
        org = f"Cơ quan, đơn vị số {n % 300}" if n % 3 else None
        people[n] = Person(
            name, phone, f"079{n:09d}", 1960 + n % 45, GROUPS[n % 4], f"Phường {n % 21}", org
        )
    awards, position = [], 1
    for index, (tier, size) in enumerate(TIERS):
        for _ in range(size):
            awards.append(Award(tier, index, position, position))
            position += 1
    wards = [Group(f"p{i}", f"Phường {i}", count // 21, count // 20, 14.2, None) for i in range(21)]
    orgs = [
        Group(f"o{i}", f"Cơ quan, đơn vị số {i}", count // 450, count // 400, 13.1, 120)
        for i in range(300)
    ]
    # Staff's view of a final result: every column shown (the files' full width).
    shown = Disclosure(True, True, True, True, True, True)
    return Results(rnd, ranking, Draft(awards, []), wards, orgs, people, disclosure=shown)


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(writer: str, rows: int) -> None:
    imports_rss = peak_rss_mb()
    began = time.perf_counter()
    results = fake_results(rows)
    faked, data_rss = time.perf_counter() - began, peak_rss_mb()
    write = xlsx.write_results if writer == "xlsx" else csv_export.write_ranking
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"bench.{writer}"
        began, cpu = time.perf_counter(), time.process_time()
        with target.open("wb") as out:
            write(results, out)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        size = target.stat().st_size
    print(
        f"{writer:>4}: {rows:,} rows written in {elapsed:.2f} s wall, {cpu:.2f} s CPU "
        f"({rows / cpu:,.0f} rows per CPU second), file {size / 1e6:.1f} MB; "
        f"peak RSS {peak_rss_mb():.0f} MB (after imports {imports_rss:.0f} MB, with the faked "
        f"results {data_rss:.0f} MB, made in {faked:.1f} s)"
    )


def main() -> None:
    """Run each writer in its own interpreter (its own peak RSS), or one with --writer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--writer", choices=("all", "xlsx", "csv"), default="all")
    args = parser.parse_args()
    if args.writer != "all":
        run_one(args.writer, args.rows)
        return
    print(
        f"Python {sys.version.split()[0]} at {sys.executable}; "
        f"rustpy-xlsxwriter {version('rustpy-xlsxwriter')}"
    )
    for writer in ("xlsx", "csv"):
        command = [sys.executable, __file__, "--writer", writer, "--rows", str(args.rows)]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
