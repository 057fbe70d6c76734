"""Load generators: Debian's ``wrk`` (closed loop), ``hey`` (fixed rate), and a Python fallback.

Each returns a ``Sample`` of one run against one URL. ``wrk`` runs ``-t1 -c<connections>`` with a
Lua script that counts every status code and body byte (wrk alone counts only non-2xx/3xx, and a
303 to the sign-in page is an error here); ``hey -z <s> -q <per-worker qps> -c <workers>`` paces
its workers, so its p99 is the latency at that rate, not under saturation. Either is pinned with
``taskset -c <core>`` when a core is given. The Python client (asyncio, HTTP/1.1 keep-alive) is
only used when wrk cannot be had; its numbers are client-bound and labelled as such.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

WRK_SCRIPT = """
counts, body_bytes = {}, 0
threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  body_bytes = body_bytes + #body
end
function done(summary, latency, requests)
  local statuses, body = {}, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do statuses[k] = (statuses[k] or 0) + v end
    body = body + t:get("body_bytes")
  end
  local parts = {}
  for k, v in pairs(statuses) do table.insert(parts, string.format('"%d": %d', k, v)) end
  local e = summary.errors
  io.write(string.format('BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "body_bytes": %d, '
    .. '"p50_us": %d, "p99_us": %d, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, '
    .. '"timeout": %d}, "statuses": {%s}}\\n', summary.requests, summary.duration, summary.bytes, body,
    latency:percentile(50), latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout,
    table.concat(parts, ", ")))
end
"""


@dataclass
class Sample:
    """One run: counts, latency percentiles (ms), what came back; ``rps`` counts 2xx only."""

    client: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]
    socket_errors: dict[str, int] = field(default_factory=dict)
    bytes_per_response: int = 0  # body bytes
    others_cores: float = 0.0  # CPU used by other processes meanwhile (bench.machine.OthersMonitor)

    @property
    def non_2xx(self) -> int:
        return sum(n for code, n in self.statuses.items() if not code.startswith("2"))

    @property
    def errors(self) -> int:
        return self.non_2xx + sum(self.socket_errors.values())


def _pinned(core: int | None, argv: list[str]) -> list[str]:
    return (["taskset", "-c", str(core)] if core is not None else []) + argv


def _headers(cookie: str) -> list[str]:
    return ["-H", f"Cookie: {cookie}"] if cookie else []


def wrk(
    binary: str, url: str, *, cookie: str, seconds: float, connections: int, core: int | None, script: Path
) -> Sample:
    """``wrk -t1 -c<connections> -d<seconds>`` with the counting script (wrk takes whole seconds)."""
    seconds = max(1, round(seconds))
    if not script.exists():
        script.write_text(WRK_SCRIPT)
    argv = [binary, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    done = subprocess.run(
        _pinned(core, [*argv, *_headers(cookie), url]), capture_output=True, text=True, timeout=seconds + 60
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH-JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    data = json.loads(line.removeprefix("BENCH-JSON "))
    secs = data["duration_us"] / 1e6
    statuses = {str(k): int(v) for k, v in data["statuses"].items()}
    ok = sum(n for code, n in statuses.items() if code.startswith("2"))
    return Sample(
        client="wrk",
        requests=data["requests"],
        seconds=round(secs, 3),
        rps=round(ok / secs, 1) if secs else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        statuses=statuses,
        socket_errors={k: v for k, v in data["errors"].items() if v},
        bytes_per_response=data["body_bytes"] // max(data["requests"], 1),
    )


_HEY_PCT = re.compile(r"^\s*(\d+)%+ in ([\d.]+) secs", re.M)
_HEY_STATUS = re.compile(r"^\s*\[(\d{3})\]\s+(\d+) responses", re.M)
_HEY_ERROR = re.compile(r"^\s*\[(\d+)\]\s+(.+)$", re.M)
_HEY_SLOWEST = re.compile(r"Slowest:\s+([\d.]+) secs")


def hey(
    binary: str, url: str, *, cookie: str, seconds: float, rate: float, workers: int, core: int | None
) -> Sample:
    """``hey -z <seconds> -q <rate/workers> -c <workers>``: ``rate`` requests/second in all."""
    workers = max(1, min(workers, int(rate)))
    per_worker = max(rate / workers, 0.1)
    argv = [binary, "-z", f"{seconds:g}s", "-q", f"{per_worker:.2f}", "-c", str(workers), "-t", "10"]
    done = subprocess.run(
        _pinned(core, [*argv, *_headers(cookie), url]), capture_output=True, text=True, timeout=seconds + 60
    )
    out = done.stdout
    if done.returncode != 0 or "Latency distribution" not in out:
        raise RuntimeError(f"hey failed ({done.returncode}): {done.stderr.strip() or out.strip()[-300:]}")
    pct = {int(p): float(s) * 1000 for p, s in _HEY_PCT.findall(out) if int(p)}
    if 99 not in pct and (slowest := _HEY_SLOWEST.search(out)):
        pct[99] = (
            float(slowest.group(1)) * 1000
        )  # hey prints "0%" below 100 responses: p99 is then the slowest
    statuses = {code: int(n) for code, n in _HEY_STATUS.findall(out)}
    error_part = out.split("Error distribution:", 1)[1] if "Error distribution:" in out else ""
    errors = Counter()
    for n, message in _HEY_ERROR.findall(error_part):
        errors["timeout" if "timeout" in message.lower() else "other"] += int(n)
    total = sum(statuses.values())
    ok = sum(n for code, n in statuses.items() if code.startswith("2"))
    return Sample(
        client="hey",
        requests=total,
        seconds=seconds,
        rps=round(ok / seconds, 1),
        p50_ms=pct.get(50, 0.0),
        p99_ms=pct.get(99, 0.0),
        statuses=statuses,
        socket_errors=dict(errors),
    )


# --- the Python fallback -------------------------------------------------------------------------------------


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, body bytes, keep-alive) of one HTTP/1.1 response; the body is read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, keep = 0, False, True
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            keep = b"close" not in value.lower()
    if not chunked:
        if length:
            await reader.readexactly(length)
        return status, length, keep
    total = 0
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        await reader.readexactly(size + 2)
        total += size
        if size == 0:
            return status, total, keep


async def _python_load(
    host: str, port: int, path: str, cookie: str, seconds: float, connections: int
) -> Sample:
    head = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "User-Agent: portal-bench/1"]
    request = ("\r\n".join(head + ([f"Cookie: {cookie}"] if cookie else [])) + "\r\n\r\n").encode("latin-1")
    latencies: list[float] = []
    statuses: Counter = Counter()
    body = [0]
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                writer.write(request)
                status, size, keep = await _read_response(reader)
                latencies.append(time.perf_counter() - sent)
                statuses[str(status)] += 1
                body[0] += size
                if not keep:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    started = time.perf_counter()
    async with asyncio.timeout(seconds + 30):  # a hung server cannot hang the benchmark
        await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    n = len(ordered)
    ok = sum(v for k, v in statuses.items() if k.startswith("2"))
    return Sample(
        client="python (FALLBACK)",
        requests=n,
        seconds=round(elapsed, 3),
        rps=round(ok / elapsed, 1),
        p50_ms=statistics.median(ordered) * 1000 if n else 0.0,
        p99_ms=ordered[min(n - 1, int(n * 0.99))] * 1000 if n else 0.0,
        statuses=dict(statuses),
        bytes_per_response=body[0] // n if n else 0,
    )


def python_client(
    host: str, port: int, path: str, *, cookie: str, seconds: float, connections: int
) -> Sample:
    """The fallback closed-loop client, in this process (not pinned: it shares the bench's core)."""
    return asyncio.run(_python_load(host, port, path, cookie, seconds, connections))
