"""Staff roles. A staff user may hold several; admin may do everything."""

from __future__ import annotations

from enum import StrEnum

from portal.i18n import N_, gettext


class Role(StrEnum):
    SALES = "sales"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    PRODUCTION = "production"
    LOGISTICS = "logistics"
    FINANCE = "finance"
    AFTERSALES = "aftersales"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.SALES: N_("sales"),
    Role.REVIEWER: N_("reviewer"),
    Role.APPROVER: N_("approver"),
    Role.PRODUCTION: N_("production"),
    Role.LOGISTICS: N_("logistics"),
    Role.FINANCE: N_("finance"),
    Role.AFTERSALES: N_("after-sales"),
    Role.ADMIN: N_("admin"),
}
# the role an event's actor acted in: a staff role, or the buyer, or the system
ACTOR_ROLE_LABELS = {**ROLE_LABELS, "customer": N_("customer"), "system": N_("system")}


def role_label(role: str) -> str:
    """An actor's role in the reader's language; a code without a label is shown as it is."""
    label = ACTOR_ROLE_LABELS.get(role)
    return gettext(label) if label else role


def parse_roles(values: list[str] | tuple[str, ...]) -> list[str]:
    """Keep the known roles, in canonical order; raise on an unknown one."""
    known = {r.value for r in Role}
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(unknown)}")
    return [r.value for r in Role if r.value in values]
