"""arq WorkerSettings: the jobs and cron jobs of the portal. Each job is a thin call into domain/."""

from __future__ import annotations

import logging
import warnings
from typing import Any

warnings.filterwarnings("ignore", message=".*declarative_mixin.*")

from arq import cron, func  # noqa: E402
from arq.connections import RedisSettings  # noqa: E402

from portal import clock  # noqa: E402
from portal.auth.survey_links import SurveyLinks  # noqa: E402
from portal.auth.tracking_links import TrackingLinks  # noqa: E402
from portal.db.engine import make_engine, make_sessionmaker  # noqa: E402
from portal.domain.aftersales import sla, tickets  # noqa: E402
from portal.domain.billing import closing, reminders  # noqa: E402
from portal.domain.notifications import delivery  # noqa: E402
from portal.domain.notifications.mailer import make_mailer  # noqa: E402
from portal.domain.notifications.render import EmailRenderer  # noqa: E402
from portal.domain.orders import autocomplete, watchdog  # noqa: E402
from portal.jinja import make_environment  # noqa: E402
from portal.settings import load_settings  # noqa: E402

log = logging.getLogger("portal.worker")
from portal.domain.notifications.outbox import DRAIN_JOB  # noqa: E402


async def startup(ctx: dict[str, Any]) -> None:
    settings = ctx.get("settings") or load_settings()
    ctx["settings"] = settings
    ctx["engine"] = make_engine(settings.database_url, pool_size=4)
    ctx["sessionmaker"] = make_sessionmaker(ctx["engine"])
    ctx["mailer"] = make_mailer(smtp_url=settings.smtp_url, sender=settings.mail_from)
    links = TrackingLinks(settings.secret_key, ttl_days=settings.tracking_link_days)
    ctx["renderer"] = EmailRenderer(
        make_environment(auto_reload=False),
        base_url=settings.base_url,
        tracking_path=links.path,
        survey_path=SurveyLinks(settings.secret_key, ttl_days=settings.survey_link_days).survey_path,
        default_locale=settings.default_locale,
    )


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["engine"].dispose()


async def drain_outbox(ctx: dict[str, Any]) -> dict[str, int]:
    result = await delivery.drain(ctx["sessionmaker"], ctx["mailer"], ctx["renderer"])
    if result.sent or result.failed or result.retried:
        log.info("outbox: sent %s, retry later %s, failed %s", result.sent, result.retried, result.failed)
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}


async def sweep_outbox(ctx: dict[str, Any]) -> dict[str, int]:
    """Cron safety net: whatever a lost enqueue (Redis down at commit time) left behind."""
    return await drain_outbox(ctx)


async def review_sla_watchdog(ctx: dict[str, Any]) -> int:
    """Cron: alert reviewers about orders waiting longer than the review SLA (once per order)."""
    async with ctx["sessionmaker"]() as db, db.begin():
        alerted = await watchdog.alert_overdue_reviews(db)
    if alerted:
        await drain_outbox(ctx)
    return alerted


async def aftersales_sla_watchdog(ctx: dict[str, Any]) -> int:
    """Cron: alert after-sales about cases past their first-response time (once per case: a unique row)."""
    async with ctx["sessionmaker"]() as db, db.begin():
        alerted = await sla.alert_overdue(db)
    if alerted:
        await drain_outbox(ctx)
    return alerted


async def close_resolved_tickets(ctx: dict[str, Any]) -> int:
    """Cron: resolved complaint tickets past their reopen window are closed by the portal."""
    async with ctx["sessionmaker"]() as db, db.begin():
        return await tickets.close_expired(db)


async def complete_delivered_orders(ctx: dict[str, Any]) -> int:
    """Cron: orders delivered AUTO_COMPLETE_DAYS ago without a receipt confirmation become completed."""
    async with ctx["sessionmaker"]() as db, db.begin():
        done = await autocomplete.complete_delivered(db, after_days=ctx["settings"].auto_complete_days)
    return done


async def send_invoice_reminders(ctx: dict[str, Any]) -> int:
    """Cron: "due in 3 days", "1 day overdue", "7 days overdue" e-mails, once per invoice and kind."""
    async with ctx["sessionmaker"]() as db, db.begin():
        sent = await reminders.send_reminders(db, clock.today())
    if sent:
        await drain_outbox(ctx)
    return sent


async def close_settled_orders(ctx: dict[str, Any]) -> int:
    """Cron: completed orders that are fully invoiced and paid, with nothing open, become closed."""
    async with ctx["sessionmaker"]() as db, db.begin():
        closed = await closing.close_settled(db)
    return closed


def redis_settings() -> RedisSettings:
    return RedisSettings.from_dsn(load_settings().redis_url)


class WorkerSettings:
    """Run with ``portal worker``; ``redis_settings`` is passed in from REDIS_URL at start."""

    functions = [func(drain_outbox, name=DRAIN_JOB, timeout=60, max_tries=5)]
    cron_jobs = [
        cron(
            complete_delivered_orders,
            name="orders.complete_delivered",
            minute={7, 37},
            second={0},
            timeout=120,
        ),
        cron(
            close_settled_orders,
            name="billing.close_settled_orders",
            minute={12, 42},
            second={0},
            timeout=120,
        ),
        cron(send_invoice_reminders, name="billing.invoice_reminders", minute={20}, second={0}, timeout=300),
        cron(review_sla_watchdog, name="orders.review_sla_watchdog", second={5}, timeout=60),
        cron(aftersales_sla_watchdog, name="aftersales.sla_watchdog", second={25}, timeout=60),
        cron(
            close_resolved_tickets,
            name="aftersales.close_resolved_tickets",
            minute={17, 47},
            second={0},
            timeout=120,
        ),
        cron(
            sweep_outbox,
            name="notifications.sweep_outbox",
            second={0, 15, 30, 45},
            run_at_startup=True,
            timeout=60,
        ),
    ]
    on_startup = startup
    on_shutdown = shutdown
    job_timeout = 60
    keep_result = 0
    health_check_interval = 30
