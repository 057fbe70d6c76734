"""Every setting of the portal, read from the environment, with development defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

DEV_SECRET = "dev-secret-change-me"  # refused outside dev/test mode
ENVIRONMENTS = ("dev", "test", "prod")


class SettingsError(RuntimeError):
    """A setting is missing or unsafe; the message is one line meant for the operator."""


@dataclass(frozen=True)
class Settings:
    env: str = "dev"
    database_url: str = ""
    redis_url: str = ""
    db_pool_size: int = 5  # connections each web process keeps open
    db_max_overflow: int = 10  # extra connections opened at peaks, closed again after
    secret_key: str = DEV_SECRET
    smtp_url: str = ""
    mail_from: str = "Order Portal <orders@portal.local>"
    base_url: str = "http://127.0.0.1:8000"
    default_locale: str = "zh_CN"
    timezone: str = "Asia/Shanghai"
    session_ttl_seconds: int = 8 * 3600
    login_max_failures: int = 5
    login_window_seconds: int = 15 * 60
    max_request_body: int = 2 * 1024 * 1024
    vat_rate: Decimal = Decimal("0.13")
    shipping_fee: Decimal = Decimal("200.00")
    free_shipping_over: Decimal = Decimal("10000.00")
    attachments_max: int = 5
    tracking_link_days: int = 90
    survey_link_days: int = 60  # the satisfaction survey link of the "delivered" e-mail
    auto_complete_days: int = 7
    attachment_max_bytes: int = 10 * 1024 * 1024
    data_dir: Path = field(default_factory=lambda: Path("var"))
    log_level: str = "INFO"
    # the seller named on order confirmations (the document the customer signs)
    seller_name: str = "Example Industrial Equipment Co., Ltd."
    seller_address: str = "No. 1 Example Road, Pudong New Area, Shanghai 200120, China"
    seller_tax_id: str = "91310115MA1K4EXM0H"
    seller_phone: str = "+86 21 5555 0100"
    seller_email: str = "orders@portal.local"
    seller_bank: str = "Example Bank, Shanghai Pudong Branch, account 0000 1111 2222 3333"
    # where buyers pay invoices: printed with the payment instructions of invoices
    seller_bank_name: str = "Example Bank, Shanghai Pudong Branch"
    seller_bank_account: str = "0000 1111 2222 3333"
    # the same in Chinese, printed on documents read in Chinese (the English ones when these are empty)
    seller_name_zh: str = "示例工业设备有限公司"
    seller_address_zh: str = "中国上海市浦东新区示例路1号，邮编 200120"
    seller_bank_zh: str = "示例银行上海浦东支行，账号 0000 1111 2222 3333"
    seller_bank_name_zh: str = "示例银行上海浦东支行"

    @property
    def dev_mode(self) -> bool:
        return self.env in ("dev", "test")

    @property
    def secure_cookies(self) -> bool:
        return not self.dev_mode

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)

    def check(self) -> None:
        """Refuse to run with settings that would be unsafe in production."""
        if self.env not in ENVIRONMENTS:
            raise SettingsError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {self.env!r}.")
        if not self.dev_mode and (
            not self.secret_key or self.secret_key == DEV_SECRET or len(self.secret_key) < 32
        ):
            raise SettingsError(
                "SECRET_KEY is missing or is the development default: set SECRET_KEY to at least "
                "32 random characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        if not self.dev_mode and not self.database_url:
            raise SettingsError("DATABASE_URL is not set: point it at the portal's PostgreSQL database.")
        if self.db_pool_size < 1 or self.db_max_overflow < 0:
            raise SettingsError("DB_POOL_SIZE must be at least 1 and DB_MAX_OVERFLOW at least 0.")
        if not self.dev_mode and not self.redis_url:
            raise SettingsError("REDIS_URL is not set: point it at the portal's Redis.")


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from environment variables (see README for the list)."""
    env = os.environ if environ is None else environ
    return Settings(
        # production unless said otherwise: a forgotten PORTAL_ENV must not open the dev mailbox
        env=env.get("PORTAL_ENV", "prod").strip().lower(),
        database_url=env.get("DATABASE_URL", ""),
        redis_url=env.get("REDIS_URL", ""),
        db_pool_size=int(env.get("DB_POOL_SIZE", Settings.db_pool_size)),
        db_max_overflow=int(env.get("DB_MAX_OVERFLOW", Settings.db_max_overflow)),
        secret_key=env.get("SECRET_KEY", DEV_SECRET),
        smtp_url=env.get("SMTP_URL", ""),
        mail_from=env.get("MAIL_FROM", Settings.mail_from),
        base_url=env.get("BASE_URL", f"http://127.0.0.1:{env.get('PORT', '8000')}").rstrip("/"),
        default_locale=env.get("DEFAULT_LOCALE", "zh_CN"),
        timezone=env.get("PORTAL_TIMEZONE", "Asia/Shanghai"),
        session_ttl_seconds=int(env.get("SESSION_TTL_SECONDS", 8 * 3600)),
        login_max_failures=int(env.get("LOGIN_MAX_FAILURES", 5)),
        login_window_seconds=int(env.get("LOGIN_WINDOW_SECONDS", 15 * 60)),
        max_request_body=int(env.get("MAX_REQUEST_BODY", 2 * 1024 * 1024)),
        vat_rate=Decimal(env.get("VAT_RATE", "0.13")),
        shipping_fee=Decimal(env.get("SHIPPING_FEE", "200.00")),
        free_shipping_over=Decimal(env.get("FREE_SHIPPING_OVER", "10000.00")),
        tracking_link_days=int(env.get("TRACKING_LINK_DAYS", 90)),
        survey_link_days=int(env.get("SURVEY_LINK_DAYS", 60)),
        auto_complete_days=int(env.get("AUTO_COMPLETE_DAYS", 7)),
        data_dir=Path(env.get("PORTAL_DATA_DIR", "var")),
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
        seller_name=env.get("SELLER_NAME", Settings.seller_name),
        seller_address=env.get("SELLER_ADDRESS", Settings.seller_address),
        seller_tax_id=env.get("SELLER_TAX_ID", Settings.seller_tax_id),
        seller_phone=env.get("SELLER_PHONE", Settings.seller_phone),
        seller_email=env.get("SELLER_EMAIL", Settings.seller_email),
        seller_bank=env.get("SELLER_BANK", Settings.seller_bank),
        seller_bank_name=env.get("SELLER_BANK_NAME", Settings.seller_bank_name),
        seller_bank_account=env.get("SELLER_BANK_ACCOUNT", Settings.seller_bank_account),
        seller_name_zh=env.get("SELLER_NAME_ZH", Settings.seller_name_zh),
        seller_address_zh=env.get("SELLER_ADDRESS_ZH", Settings.seller_address_zh),
        seller_bank_zh=env.get("SELLER_BANK_ZH", Settings.seller_bank_zh),
        seller_bank_name_zh=env.get("SELLER_BANK_NAME_ZH", Settings.seller_bank_name_zh),
    )
