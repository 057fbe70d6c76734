"""`portal run|serve|worker|migrate|seed-demo|create-staff` — configured by environment variables only."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
import warnings

warnings.filterwarnings("ignore", message=".*declarative_mixin.*")

from portal.settings import Settings, SettingsError, load_settings  # noqa: E402

log = logging.getLogger("portal")


def _settings_or_exit() -> Settings:
    settings = load_settings()
    try:
        settings.check()
    except SettingsError as exc:
        print(f"portal: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if not settings.database_url or not settings.redis_url:
        print(
            "portal: DATABASE_URL and REDIS_URL must be set (or use `make run` for embedded ones).",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return settings


def cmd_migrate(args: argparse.Namespace) -> int:
    from portal.db import migrate

    settings = _settings_or_exit()
    if args.downgrade:
        migrate.downgrade(settings.database_url, args.downgrade)
    else:
        migrate.upgrade(settings.database_url, args.revision)
    print(
        "portal: database schema is up to date"
        if not args.downgrade
        else f"portal: downgraded to {args.downgrade}"
    )
    return 0


def cmd_seed_demo(_: argparse.Namespace) -> int:
    from portal.db.demo import seed_demo
    from portal.devrun import tracking_links

    settings = _settings_or_exit()
    created = asyncio.run(seed_demo(settings.database_url))
    print("portal: demo data created" if created else "portal: demo data already present, left as it is")
    print(tracking_links(settings.database_url, settings, settings.base_url), end="")
    return 0


def cmd_create_staff(args: argparse.Namespace) -> int:
    from portal.auth.roles import parse_roles
    from portal.db.demo import create_staff

    settings = _settings_or_exit()
    try:
        roles = parse_roles([r.strip() for r in args.roles.split(",") if r.strip()])
    except ValueError as exc:
        print(f"portal: {exc}", file=sys.stderr)
        return 2
    password = os.environ.get("PORTAL_STAFF_PASSWORD") or getpass.getpass("Password for the new staff user: ")
    if len(password) < 10:
        print("portal: the password must have at least 10 characters", file=sys.stderr)
        return 2
    asyncio.run(
        create_staff(settings.database_url, email=args.email, name=args.name, roles=roles, password=password)
    )
    print(f"portal: staff user {args.email} saved with roles {', '.join(roles)}")
    return 0


def _granian_args(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--factory",
        "portal.app:asgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-ws",
        "--log-level",
        "warning",
    ]


def cmd_serve(args: argparse.Namespace) -> int:
    _settings_or_exit()
    argv = _granian_args(args.host, args.port, args.workers)
    os.execv(sys.executable, argv)  # replaces this process: signals go straight to granian
    return 0  # pragma: no cover


def cmd_worker(_: argparse.Namespace) -> int:
    from arq import run_worker

    from portal.workers.settings import WorkerSettings, redis_settings

    _settings_or_exit()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_worker(WorkerSettings, redis_settings=redis_settings())  # type: ignore[arg-type]
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from portal.devrun import run_dev

    return run_dev(port=args.port)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal", description="Customer self-service order portal")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="development: embedded services if needed, migrate, seed, serve + worker")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("serve", help="serve the web app with granian")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("worker", help="run the arq worker (notifications, watchdogs, settlement)")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("migrate", help="apply database migrations")
    p.add_argument("--revision", default="head")
    p.add_argument("--downgrade", metavar="REVISION", help="downgrade to REVISION instead (e.g. base)")
    p.set_defaults(func=cmd_migrate)
    p = sub.add_parser("seed-demo", help="create the demo accounts and products once")
    p.set_defaults(func=cmd_seed_demo)
    p = sub.add_parser(
        "create-staff", help="create or update a staff user (password from PORTAL_STAFF_PASSWORD or prompt)"
    )
    p.add_argument("--email", required=True)
    p.add_argument("--name", required=True)
    p.add_argument(
        "--roles",
        default="admin",
        help="comma-separated: sales,reviewer,approver,production,logistics,finance,aftersales,admin",
    )
    p.set_defaults(func=cmd_create_staff)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
