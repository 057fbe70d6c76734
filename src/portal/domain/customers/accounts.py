"""Administering customer accounts: terms, credit limit, key account; each change audited."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.customers import CustomerAccount, CustomerUser
from portal.domain.audit import trail as audit
from portal.domain.errors import NotFound
from portal.domain.fields import FormReader
from portal.domain.orders.actors import Actor
from portal.domain.paging import PAGE_SIZE, Page, by_name, name_cursor, page_of
from portal.domain.tax_ids import check_tax_id
from portal.i18n import LOCALES, N_

PAYMENT_TERMS = ("prepaid", "net")
TEXT_FIELDS = (
    "name",
    "tax_id",
    "invoice_title",
    "credit_limit",
    "payment_terms",
    "payment_days",
    "default_locale",
)
FLAG_FIELDS = ("is_key_account", "is_active")
# the form edits every column the account's audit entries record
FORM_FIELDS = AUDITED = (*TEXT_FIELDS, *FLAG_FIELDS)


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    tax_id: str
    credit_limit: Decimal
    payment_terms: str
    payment_days: int
    is_key_account: bool
    is_active: bool
    user_count: int


@dataclass(frozen=True)
class AccountData:
    name: str
    tax_id: str
    invoice_title: str
    credit_limit: Decimal
    payment_terms: str
    payment_days: int
    is_key_account: bool
    default_locale: str
    is_active: bool


def parse_account(values: dict[str, str]) -> AccountData:
    """Check a submitted account form; raise ValidationFailed naming every wrong field."""
    form = FormReader(values)
    terms = form.choice("payment_terms", PAYMENT_TERMS, message=N_("Choose prepaid or net."))
    if terms == "prepaid" and not form.raw("payment_days"):
        days = 0
    else:
        days = form.integer(
            "payment_days", minimum=0, maximum=365, message=N_("Enter a number of days from 0 to 365.")
        )
    data = AccountData(
        name=form.text("name", limit=200, required=True),
        tax_id=check_tax_id(form.raw("tax_id"), form.errors),
        invoice_title=form.text("invoice_title", limit=200),
        credit_limit=form.money(
            "credit_limit", message=N_("Enter an amount of 0 or more with at most two decimals.")
        ),
        payment_terms=terms,
        payment_days=days,
        is_key_account=form.flag("is_key_account"),
        default_locale=form.choice("default_locale", LOCALES, message=N_("Choose a language.")),
        is_active=form.flag("is_active"),
    )
    form.check()
    return data


def account_values(account: CustomerAccount | None) -> dict[str, str]:
    """The form's fields as text: a new account's defaults, or an existing account's values."""
    if account is None:
        return {
            "credit_limit": "0.00",
            "payment_terms": "net",
            "payment_days": "30",
            "default_locale": "zh_CN",
            "is_active": "on",
        }
    values = {f: str(getattr(account, f)) for f in TEXT_FIELDS}
    return values | {f: "on" if getattr(account, f) else "" for f in FLAG_FIELDS}


async def list_accounts(
    db: AsyncSession, *, q: str = "", after: str = "", limit: int = PAGE_SIZE
) -> Page[AccountRow]:
    """Accounts by name with their number of users, one statement; ``q`` matches name or tax ID."""
    users = select(func.count(CustomerUser.id)).where(CustomerUser.account_id == CustomerAccount.id)
    fields = [getattr(CustomerAccount, f) for f in list(AccountRow.__dataclass_fields__)[:-1]]
    stmt = by_name(
        select(*fields, users.scalar_subquery()),
        CustomerAccount,
        also=CustomerAccount.tax_id,
        q=q,
        after=after,
        limit=limit,
    )
    rows = [AccountRow(*r) for r in (await db.execute(stmt)).all()]
    return page_of(rows, limit, name_cursor)


async def get_account(db: AsyncSession, account_id: int, *, lock: bool = False) -> CustomerAccount:
    stmt = select(CustomerAccount).where(CustomerAccount.id == account_id)
    account = await db.scalar(stmt.with_for_update() if lock else stmt)
    if account is None:
        raise NotFound()
    return account


def _apply(account: CustomerAccount, data: AccountData) -> None:
    for name in AUDITED:
        setattr(account, name, getattr(data, name))


async def create_account(db: AsyncSession, actor: Actor, *, data: AccountData) -> CustomerAccount:
    account = CustomerAccount()
    _apply(account, data)
    db.add(account)
    await db.flush()
    audit.created(db, actor, entity="customer_account", obj=account, fields=AUDITED)
    await db.flush()
    return account


@dataclass(frozen=True)
class AccountSaved:
    account: CustomerAccount
    sign_out_user_ids: list[int]  # the users whose sessions must end: the account was just disabled


async def update_account(
    db: AsyncSession, actor: Actor, *, account_id: int, data: AccountData
) -> AccountSaved:
    account = await get_account(db, account_id, lock=True)
    before = audit.snapshot(account, AUDITED)
    _apply(account, data)
    audit.updated(db, actor, entity="customer_account", obj=account, fields=AUDITED, before=before)
    await db.flush()
    user_ids: list[int] = []
    if before["is_active"] and not account.is_active:
        user_ids = list(
            (await db.scalars(select(CustomerUser.id).where(CustomerUser.account_id == account.id))).all()
        )
    return AccountSaved(account, user_ids)
