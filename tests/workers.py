"""Start the real arq worker (`portal worker`) as a separate process for tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from portal.settings import Settings


def start_worker(settings: Settings, *, smtp_url: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PORTAL_ENV": "test",
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "SMTP_URL": smtp_url,
        "SECRET_KEY": settings.secret_key,
        "BASE_URL": settings.base_url,
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "portal.cli", "worker"], env=env, stdout=out, stderr=out
        )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
