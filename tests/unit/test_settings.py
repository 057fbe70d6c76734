"""Outside dev mode the portal refuses to start with a missing or default SECRET_KEY."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from portal.settings import DEV_SECRET, SettingsError, load_settings

PROD = {
    "PORTAL_ENV": "prod",
    "DATABASE_URL": "postgresql://x@127.0.0.1/x",
    "REDIS_URL": "redis://127.0.0.1:1/0",
}


@pytest.mark.parametrize("secret", [None, "", DEV_SECRET, "short"])
def test_production_refuses_a_weak_or_missing_secret(secret):
    env = dict(PROD)
    if secret is not None:
        env["SECRET_KEY"] = secret
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings(env).check()


def test_production_accepts_a_real_secret_and_sets_secure_cookies():
    settings = load_settings({**PROD, "SECRET_KEY": "s" * 40})
    settings.check()
    assert settings.secure_cookies and not settings.dev_mode


def test_without_portal_env_it_is_production():
    """A forgotten PORTAL_ENV must not open the dev mailbox or accept the dev secret."""
    with pytest.raises(SettingsError):
        load_settings({}).check()
    assert not load_settings({}).dev_mode


def test_dev_mode_runs_with_defaults():
    settings = load_settings({"PORTAL_ENV": "dev"})
    settings.check()
    assert settings.dev_mode and not settings.secure_cookies


def test_database_pool_is_sized_from_the_environment():
    settings = load_settings({"PORTAL_ENV": "dev", "DB_POOL_SIZE": "1", "DB_MAX_OVERFLOW": "0"})
    settings.check()
    assert (settings.db_pool_size, settings.db_max_overflow) == (1, 0)
    assert (load_settings({}).db_pool_size, load_settings({}).db_max_overflow) == (5, 10)


@pytest.mark.parametrize(("size", "overflow"), [("0", "10"), ("5", "-1")])
def test_a_pool_that_cannot_hold_a_connection_is_refused(size, overflow):
    with pytest.raises(SettingsError, match="DB_POOL_SIZE"):
        load_settings({"PORTAL_ENV": "dev", "DB_POOL_SIZE": size, "DB_MAX_OVERFLOW": overflow}).check()


@pytest.mark.parametrize("command", ["serve", "worker", "migrate"])
def test_cli_explains_in_one_line(command):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY",)} | PROD
    result = subprocess.run(
        [sys.executable, "-m", "portal.cli", command], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SECRET_KEY" in lines[0]
