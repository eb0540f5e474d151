"""The report of bench/run_load.py: Markdown tables, every figure beside the same run's limits."""

from __future__ import annotations

from statistics import mean, median


def writes_rows(rows: list[dict]) -> dict[str, list[dict]]:
    """The minimal writes by engine (phase name), in the order they were run: the first is the
    stack's limit (no pre-ping), the one the targets are stated against."""
    found: dict[str, list[dict]] = {}
    for r in rows:
        if r["phase"].startswith("minimal write"):
            found.setdefault(r["phase"], []).append(r)
    return found


def _mark(share: float, limit: float) -> str:
    return f"{share:.0%}" + (" ⚠" if share > limit else "")


def _cost(r: dict) -> float:
    return r["app_ms"] + r["db_ms"]


def closed_table(rows: list[dict], limit: float) -> list[str]:
    ceiling = rows[0]["rps"]
    engines = writes_rows(rows)
    limit_rows = next(iter(engines.values()))
    minimal = mean(r["rps"] for r in limit_rows)
    write_cost = mean(_cost(r) for r in limit_rows)
    lines = [
        "| closed loop (wrk) | req/s | × ceiling | × minimal write | p50 ms | p99 ms | errors "
        "| app CPU-ms/req | DB CPU-ms/req | × minimal write by CPU | generator | box busy |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['phase']} | {r['rps']:.0f} | {r['rps'] / ceiling:.2f} | "
            f"{r['rps'] / minimal:.2f} | {r['p50']:.0f} | {r['p99']:.0f} | {r['errors']} | "
            f"{r['app_ms']:.2f} | {r['db_ms']:.2f} | "
            f"{_ratio(write_cost, _cost(r))} | "
            f"{_mark(r['generator_share'], limit)} | "
            f"{r['box_busy']:.0%} |"
        )
    lines.append("")
    lines.append(
        "(× minimal write: against the first minimal write, the stack's limit, on average.)"
    )
    saves = [r for r in rows if r["phase"].startswith("answer save")]
    for name, writes in engines.items():
        pairs = [s["rps"] / w["rps"] for s, w in zip(saves, writes, strict=True)]
        by_cpu = [_cost(w) / _cost(s) for s, w in zip(saves, writes, strict=True)]
        lines.append("")
        lines.append(
            f"**Answer save / {name.split(':')[0]} = {median(pairs):.2f}** (median of "
            f"{len(pairs)} pairs measured alternately: {', '.join(f'{p:.2f}' for p in pairs)}; "
            f"saves {_rates(saves)}/s, minimal writes {_rates(writes)}/s); "
            f"minimal write / ceiling = {mean(w['rps'] for w in writes) / ceiling:.2f}. "
            "By CPU per request (app + database, less sensitive to the rest of the box): "
            f"{median(by_cpu):.2f} ({', '.join(f'{p:.2f}' for p in by_cpu)})."
        )
    return lines


def _rates(rows: list[dict]) -> str:
    return ", ".join(f"{r['rps']:.0f}" for r in rows)


def _ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}" if denominator > 0 else "—"


def _errors(values: dict) -> str:
    if not values["errors"]:
        return "0"
    kinds = ", ".join(f"{k} × {n}" for k, n in sorted(values["errors"].items()))
    return f"{sum(values['errors'].values())} ({kinds})"


def scenario_table(runs: list[dict], limit: float) -> list[str]:
    lines = [
        "| scenario (open loop) | endpoint | sent | ok/s | p50 ms | p95 ms | p99 ms | max ms "
        "| errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        for name, v in run["endpoints"].items():
            lines.append(
                f"| {run['phase']} | {name} | {v['requests']} | {v['rps']:.1f} | "
                f"{v['p50']:.0f} | {v['p95']:.0f} | {v['p99']:.0f} | {v['max']:.0f} | "
                f"{_errors(v)} |"
            )
    lines += [
        "",
        "| scenario | wall s | requests | app CPU-ms/req | DB CPU-ms/req | generator "
        "(own loop) | box busy | others on the box |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        own = run["generator_own_cpu_s"] / max(run["wall_s"], 1e-9) / 2
        lines.append(
            f"| {run['phase']} | {run['wall_s']:.0f} | {run['requests']} | "
            f"{run['app_ms']:.2f} | {run['db_ms']:.2f} | "
            f"{_mark(run['generator_share'], limit)} ({own:.0%}) | {run['box_busy']:.0%} | "
            f"{run['others_share']:.0%} |"
        )
    return lines


def render(header: dict, results: list[dict]) -> str:
    load = ", ".join(f"{x:.2f}" for x in header["loadavg"])
    out = [
        f"{header['stamp']} · {header['host']} · {header['cores']} cores · app Python "
        f"{header['python']} · server: {header['server']} · load average at the end {load}",
        "",
        "Generator share = the generator's CPU time / the box's (all cores) over the phase; "
        f"⚠ marks a phase where it exceeded {header['generator_limit']:.0%}. "
        "CPU-ms per request: the app's processes (gunicorn master and workers) and "
        "PostgreSQL's (postmaster and backends) over the phase, divided by its requests "
        "(SQLite runs inside the app). Others = busy time of the box not ours.",
    ]
    for result in results:
        out += ["", f"### {result['database']}", ""]
        if result["closed"]:
            out += closed_table(result["closed"], header["generator_limit"])
        if result["scenarios"]:
            out += ["", *scenario_table(result["scenarios"], header["generator_limit"])]
            lost = result["lost"]
            out += [
                "",
                f"Acknowledged answers looked up afterwards: {lost['acked_saves']}, "
                f"missing {lost['lost_saves']}; acknowledged submits: {lost['acked_submits']}, "
                f"not finished {lost['lost_submits']}.",
            ]
    return "\n".join(out) + "\n"
