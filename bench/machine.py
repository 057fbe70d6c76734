"""The machine under the benchmark: its tools (wrk, hey), its cores, and whoever else is using them.

- ``ensure_tool("wrk")``: the path of Debian's tool, installed with ``apt-get install -y`` when
  missing (said on screen); ``None`` when it cannot be had (the caller falls back, and says so).
- ``busy_cores(seconds)``: cores in use on the whole machine, from two samples of /proc/stat.
- ``OthersMonitor``: CPU used by processes that are NOT this benchmark (its own process tree,
  the PostgreSQL backends connected to the bench database, and redis-server count as ours),
  in cores, over one measurement window. Another helper's test run shows up here.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

import psutil

BUSY_THRESHOLD = 0.25  # cores used by others above which the numbers are called unreliable
SERVICE_NAMES = ("redis-server",)


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def ensure_tool(name: str, package: str | None = None) -> str | None:
    """The tool's path; installs the Debian package when missing (root and apt-get needed)."""
    if found := shutil.which(name):
        return found
    package = package or name
    if not shutil.which("apt-get") or os.geteuid() != 0:
        say(
            f"{name} is missing and cannot be installed here (needs root and apt-get: apt-get install {package})"
        )
        return None
    say(f"{name} is missing: installing Debian's {package} (apt-get install -y {package})")
    for step in (
        ["apt-get", "install", "-y", package],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", package],
    ):
        done = subprocess.run(
            step,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        if step[1] == "install" and done.returncode == 0:
            break
    if found := shutil.which(name):
        say(f"installed {package}: {found}")
        return found
    say(f"could not install {package}: {done.stderr.strip()[-300:]}")
    return None


def _proc_stat() -> tuple[float, float]:
    """(busy, total) jiffies of all cores together."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [float(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_cores(seconds: float = 1.0) -> float:
    """Cores in use on the machine, averaged over ``seconds`` (all processes, ours included)."""
    busy0, total0 = _proc_stat()
    time.sleep(seconds)
    busy1, total1 = _proc_stat()
    cpus = os.cpu_count() or 1
    return (busy1 - busy0) / (total1 - total0) * cpus if total1 > total0 else 0.0


def cpu_affinity() -> list[int]:
    return sorted(os.sched_getaffinity(0))


@dataclass
class OthersMonitor:
    """CPU seconds of every process that is not ours, between ``start()`` and ``stop()``."""

    ours_pids: set[int] = field(default_factory=set)  # e.g. PostgreSQL backends of the bench database
    _times: dict[int, float] = field(default_factory=dict)
    _started: float = 0.0

    def _ours(self) -> set[int]:
        me = psutil.Process()
        pids = {me.pid, *(p.pid for p in me.children(recursive=True))} | self.ours_pids
        for p in psutil.process_iter(["name"]):
            if p.info["name"] in SERVICE_NAMES:
                pids.add(p.pid)
        return pids

    def _snapshot(self) -> dict[int, float]:
        times = {}
        for p in psutil.process_iter():
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                times[p.pid] = t.user + t.system
        return times

    def start(self) -> None:
        self._times, self._started = self._snapshot(), time.monotonic()

    def stop(self) -> tuple[float, list[str]]:
        """(cores used by others over the window, the busiest of them as "name pid: cores")."""
        end, elapsed = self._snapshot(), max(time.monotonic() - self._started, 1e-6)
        ours = self._ours()
        used = {pid: t - self._times.get(pid, 0.0) for pid, t in end.items() if pid not in ours}
        top = sorted(((u, pid) for pid, u in used.items() if u > 0.05 * elapsed), reverse=True)[:3]
        names = []
        for u, pid in top:
            with contextlib.suppress(psutil.Error):
                names.append(f"{psutil.Process(pid).name()} {pid}: {u / elapsed:.2f}")
        return sum(max(u, 0.0) for u in used.values()) / elapsed, names


def info(server_cpu: int | None, client_cpu: int | None) -> dict[str, Any]:
    import granian
    import litestar

    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "granian": granian.__version__,
        "litestar": str(litestar.__version__),
        "server": "granian --interface asgi --workers 1"
        + (f", pinned to core {server_cpu}" if server_cpu is not None else ", not pinned"),
        "client_core": client_cpu,
    }
