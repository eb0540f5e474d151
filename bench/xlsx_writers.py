"""Which XLSX writer for the 100,000-row ranking: the candidates on the same sheet, same guard.

    .venv-bench/bin/python bench/xlsx_writers.py [--rows 100000]

Each writer runs in a fresh interpreter (its own peak RSS) and writes the ranking sheet of
bench/export_bench.py's faked results: XlsxWriter in constant-memory mode (the writer before),
pyexcelerate (whole sheet in memory) and rustpy-xlsxwriter (Rust, streamed; the app's writer).
Needs .venv-bench (requirements-bench.txt). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

WRITERS = ("xlsxwriter", "pyexcelerate", "rustpy")


def _guarded(results, keys=None):
    from quizapp.formats import rows
    from quizapp.formats.sheets import clean_text, is_plain, is_risky

    for n, row in enumerate(rows.ranking_rows(results), start=1):
        values = [clean_text(v) if isinstance(v, str) and not is_plain(v) else v for v in row]
        risky = any(isinstance(v, str) and is_risky(v) for v in values)
        yield n, (dict(zip(keys, values, strict=True)) if keys else values), risky


def write(writer: str, results, path: str) -> None:
    from quizapp.formats import rows, xlsx

    columns = rows.ranking_columns(results)
    if writer == "xlsxwriter":
        from xlsxwriter import Workbook

        options = {"constant_memory": True, "strings_to_formulas": False}
        with Workbook(path, options | {"strings_to_urls": False}) as wb:
            ws, quoted = wb.add_worksheet(xlsx.RANKING_SHEET), wb.add_format({"quote_prefix": 1})
            for n, values, risky in _guarded(results):
                for col, value in enumerate(values):
                    if isinstance(value, str):
                        ws.write_string(n, col, value, quoted if risky else None)
                    elif value is not None:
                        ws.write_number(n, col, value)
    elif writer == "pyexcelerate":
        from pyexcelerate import Style, Workbook
        from pyexcelerate.DataTypes import DataTypes

        wb = Workbook()
        data, marked = [rows.headers(columns)], []
        for n, values, risky in _guarded(results):
            data.append(values)
            marked += [n] if risky else []
        ws = wb.new_sheet(xlsx.RANKING_SHEET, data=data)
        quoted = Style(quote_prefix=True, data_type=DataTypes.INLINE_STRING)
        for n in marked:
            for col in range(1, len(columns) + 1):
                ws.set_cell_style(n + 1, col, quoted)
        wb.save(path)
    else:
        from rustpy_xlsxwriter import FastExcel, Format

        keys = rows.headers(columns)
        quoted = Format().set_quote_prefix()
        marked = {n: quoted for n, _, risky in _guarded(results) if risky}
        records = (values for _, values, _ in _guarded(results, keys))
        FastExcel(path).sheet(xlsx.RANKING_SHEET, records, row_formats=marked).save()


def run_one(writer: str, count: int) -> None:
    from export_bench import fake_results

    results = fake_results(count)
    data_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "ranking.xlsx")
        began, cpu = time.perf_counter(), time.process_time()
        write(writer, results, path)
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        size = os.path.getsize(path) / 1e6
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"| {writer} | {wall:.1f} / {cpu:.1f} | {size:.1f} MB | {rss:.0f} MB "
        f"(+{rss - data_rss:.0f} MB over the data) |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--writer", choices=WRITERS)
    args = parser.parse_args()
    if args.writer:
        run_one(args.writer, args.rows)
        return
    print(f"{args.rows:,}-row ranking sheet, Python {sys.version.split()[0]}\n")
    print("| writer | wall / CPU s | file | peak RSS |\n|---|---:|---:|---:|", flush=True)
    for writer in WRITERS:
        command = [sys.executable, __file__, "--writer", writer, "--rows", str(args.rows)]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
