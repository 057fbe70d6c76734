"""Who is acting: a customer user, a staff member with roles, or the system (workers, carriers)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.orders.states import role_may


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
        return cls("system", None, name, ("system",))

    def acting_role(self, allowed: frozenset[str]) -> str | None:
        """The role under which this actor may fire a transition allowed for ``allowed``, if any."""
        for role in self.roles:
            if role in allowed:
                return role
        if "admin" in self.roles and role_may("admin", allowed):
            return "admin"
        return None
