"""From samples to the verdict: medians over rounds, ratios, goals, the tables and the warnings.

A ``Row`` per endpoint: median req/s, p50 and p99 over the rounds, every non-2xx response and
socket error summed, body bytes per response, SQL statements per request, the ratio to ``/bare``
and to each reference, the goal and whether it is met, and the fixed-rate run (half of the
page's own median req/s, driven by hey) with its p99 against the 50 ms goal.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.load import Sample
from bench.machine import BUSY_THRESHOLD
from bench.scenarios import FIXED_RATE_P99_MS, REFERENCES, Scenario


@dataclass
class Fixed:
    target_rps: float
    achieved_rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    met: bool | None = None  # p99 within FIXED_RATE_P99_MS (portal pages only)
    note: str = ""


@dataclass
class Row:
    name: str
    label: str
    kind: str
    rps: float
    rps_rounds: list[float]
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]
    non_2xx: int
    socket_errors: int
    bytes_per_response: int
    statements: int | None
    ratios: dict[str, float | None] = field(default_factory=dict)
    goal: str = ""
    met: bool | None = None
    fixed: Fixed | None = None
    others_cores_max: float = 0.0


def summarize(scenario: Scenario, samples: list[Sample], statements: int | None) -> Row:
    statuses: Counter = Counter()
    for s in samples:
        statuses.update(s.statuses)
    return Row(
        name=scenario.name,
        label=scenario.label,
        kind=scenario.kind,
        rps=round(statistics.median(s.rps for s in samples), 1),
        rps_rounds=[s.rps for s in samples],
        p50_ms=round(statistics.median(s.p50_ms for s in samples), 2),
        p99_ms=round(statistics.median(s.p99_ms for s in samples), 2),
        statuses=dict(statuses),
        non_2xx=sum(s.non_2xx for s in samples),
        socket_errors=sum(sum(s.socket_errors.values()) for s in samples),
        bytes_per_response=round(statistics.median(s.bytes_per_response for s in samples)),
        statements=statements,
        others_cores_max=round(max(s.others_cores for s in samples), 2),
    )


def judge(rows: list[Row], scenarios: dict[str, Scenario]) -> None:
    """Ratios to the references and the throughput goals, in place."""
    by_name = {r.name: r for r in rows}
    for row in rows:
        for ref in REFERENCES:
            base = by_name.get(ref)
            row.ratios[ref] = round(row.rps / base.rps, 3) if base and base.rps else None
        goal = scenarios[row.name].goal
        if goal is not None:
            row.goal = goal.describe()
            ratio = row.ratios.get(goal.against)
            row.met = ratio is not None and ratio >= goal.ratio and not row.non_2xx and not row.socket_errors
        if row.fixed is not None and row.kind == "portal" and row.fixed.p99_ms:
            row.fixed.met = row.fixed.p99_ms <= FIXED_RATE_P99_MS and not row.fixed.errors


def _mark(met: bool | None) -> str:
    return "-" if met is None else ("met" if met else "NOT MET")


def _ratio(value: float | None) -> str:
    return "-" if value is None else (f"{value:.2f}" if value >= 0.1 else f"{value:.3f}")


def table(rows: list[Row]) -> str:
    head = (
        f"{'page':<28} {'req/s':>8} {'÷bare':>6} {'÷apg':>6} {'÷orm':>6} {'÷naive':>6} {'p50ms':>7} "
        f"{'p99ms':>7} {'err':>5} {'KiB':>5} {'SQL':>4}  {'goal':<16} {'':<7}"
    )
    out = [head, "-" * len(head)]
    for r in rows:
        errors = r.non_2xx + r.socket_errors
        sql = "-" if r.statements is None else str(r.statements)
        out.append(
            f"{r.label[:28]:<28} {r.rps:>8,.0f} {_ratio(r.ratios.get('bare')):>6} "
            f"{_ratio(r.ratios.get('ref_asyncpg')):>6} {_ratio(r.ratios.get('ref_orm')):>6} "
            f"{_ratio(r.ratios.get('ref_naive')):>6} {r.p50_ms:>7.1f} {r.p99_ms:>7.1f} {errors:>5} "
            f"{r.bytes_per_response / 1024:>5.1f} {sql:>4}  {r.goal:<16} {_mark(r.met) if r.goal else '':<7}"
        )
    return "\n".join(out)


def fixed_table(rows: list[Row]) -> str:
    head = f"{'page':<28} {'rate':>7} {'achieved':>8} {'p50ms':>7} {'p99ms':>7} {'err':>5}  goal p99≤{FIXED_RATE_P99_MS:g}ms"
    out = [head, "-" * len(head)]
    for r in rows:
        f = r.fixed
        if f is None:
            continue
        if f.note:
            out.append(f"{r.label[:28]:<28} {f.target_rps:>7,.0f} {f.note}")
            continue
        out.append(
            f"{r.label[:28]:<28} {f.target_rps:>7,.0f} {f.achieved_rps:>8,.0f} {f.p50_ms:>7.1f} "
            f"{f.p99_ms:>7.1f} {f.errors:>5}  {_mark(f.met) if r.kind == 'portal' else '(reference)'}"
        )
    return "\n".join(out)


def banner(lines: list[str]) -> str:
    width = max(len(x) for x in lines) + 6
    bar = "!" * width
    return "\n".join([bar, *(f"!! {x:<{width - 6}} !!" for x in lines), bar])


def warnings(rows: list[Row], run: dict[str, Any]) -> list[str]:
    """Loud blocks for what makes the numbers wrong or unreliable (empty when all is well)."""
    blocks = []
    failing = [r for r in rows if r.non_2xx or r.socket_errors]
    failing_fixed = [r for r in rows if r.fixed is not None and r.fixed.errors]
    if failing or failing_fixed:
        lines = ["ERRORS: responses that were not 2xx, or socket errors, during the measurement:"]
        lines += [f"  {r.label}: statuses {r.statuses}, socket errors {r.socket_errors}" for r in failing]
        lines += [f"  {r.label} (fixed rate): {r.fixed.errors} errors" for r in failing_fixed if r.fixed]
        lines.append("Their req/s count 2xx only; a page with errors does not meet its goal.")
        blocks.append(banner(lines))
    silent = [r.label for r in rows if not r.rps]
    if silent:
        blocks.append(banner(["NO 2xx RESPONSE COMPLETED within a measurement (each slower than its duration):",
                              f"  {', '.join(silent)}", "Try a longer --duration, or a quieter machine."]))  # fmt: skip
    before = run.get("busy_cores_before", 0.0)
    during = max((r.others_cores_max for r in rows), default=0.0)
    if before > BUSY_THRESHOLD or during > BUSY_THRESHOLD:
        lines = [
            "ANOTHER PROCESS WAS BUSY ON THIS MACHINE: THE NUMBERS ARE UNRELIABLE.",
            f"  before the run: {before:.2f} cores busy (all processes; threshold {BUSY_THRESHOLD})",
            f"  during the run: up to {during:.2f} cores used by processes other than the benchmark",
        ]
        lines += (
            [f"  busiest others: {', '.join(run.get('busiest_others', []))}"]
            if run.get("busiest_others")
            else []
        )
        lines.append("Ratios within one run are steadier than req/s; run again on a quiet machine.")
        blocks.append(banner(lines))
    if run.get("client", "wrk") != "wrk":
        blocks.append(banner([f"LOAD GENERATOR: {run.get('client')}: wrk was not available.",
                              "Client-bound numbers: fast pages (/bare, /health) look slower than they are."]))  # fmt: skip
    if run.get("server_core") is None:
        blocks.append(banner(["NOT PINNED: fewer than two usable cores; server and client share the CPU."]))
    if run.get("fixed_rate_skipped"):
        blocks.append(banner([f"FIXED-RATE RUN SKIPPED: {run['fixed_rate_skipped']}"]))
    return blocks


def statements_lines(lengths: dict[str, Any]) -> list[str]:
    out = ["SQL statements per request at two list lengths (equal: no per-row statements):"]
    for path, counts in lengths.items():
        small, large = counts["short"], counts["full"]
        flag = "GROWS with the list" if large["statements"] > small["statements"] else "flat"
        out.append(
            f"  {path:<14} {small['rows']:>3} rows: {small['statements']:>2} statements   "
            f"{large['rows']:>3} rows: {large['statements']:>2} statements   {flag}"
        )
    return out


def scale_lines(rows: list[Row], small: dict[str, Any], orders: int) -> list[str]:
    """Page cost at this size over its cost at 10,000 orders (from that run's results): goal ≤ 1.2."""
    before = {r["name"]: r for r in small.get("rows", [])}
    out = [f"Cost at {orders:,} orders over cost at 10,000 (req/s at 10k ÷ req/s now; goal ≤ 1.2):"]
    for r in rows:
        old = before.get(r.name)
        if r.kind != "portal" or not old or not r.rps:
            continue
        cost = old["rps"] / r.rps
        out.append(f"  {r.label:<28} {cost:5.2f}  {'met' if cost <= 1.2 else 'NOT MET'}")
    return out
