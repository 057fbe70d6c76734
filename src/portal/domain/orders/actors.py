"""Who is acting: a customer user, a staff member with roles, or the system (workers, carriers)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.orders.states import role_may
from portal.i18n import N_, gettext

# The system's actors by the name stored on events and audit entries, with the words shown for them.
SYSTEM_NAMES: dict[str, str] = {
    "system": N_("the portal"),
    "carrier": N_("the carrier"),
    "billing": N_("invoicing"),
    "settlement": N_("settlement"),
    "auto-complete": N_("automatic receipt"),
}


@dataclass(frozen=True)
class Actor:
    kind: str  # customer | staff | system
    id: int | None
    name: str
    roles: tuple[str, ...]
    account_id: int | None = None  # a customer acts only on their account's orders
    ip: str | None = None

    @classmethod
    def customer(cls, *, user_id: int, name: str, account_id: int, ip: str | None = None) -> Actor:
        return cls("customer", user_id, name, ("customer",), account_id, ip)

    @classmethod
    def staff(
        cls, *, user_id: int, name: str, roles: list[str] | tuple[str, ...], ip: str | None = None
    ) -> Actor:
        return cls("staff", user_id, name, tuple(roles), None, ip)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The system acting as ``name``, one of ``SYSTEM_NAMES`` (KeyError otherwise)."""
        SYSTEM_NAMES[name]  # noqa: B018 - every system actor has words in both languages
        return cls("system", None, name, ("system",))

    def acting_role(self, allowed: frozenset[str]) -> str | None:
        """The role under which this actor may fire a transition allowed for ``allowed``, if any."""
        for role in self.roles:
            if role in allowed:
                return role
        if "admin" in self.roles and role_may("admin", allowed):
            return "admin"
        return None


def shown_name(kind: str, name: str) -> str:
    """The actor's name as the viewer reads it: people by their name, the system in the viewer's language."""
    if kind == "system" and name in SYSTEM_NAMES:
        return gettext(SYSTEM_NAMES[name])
    return name
