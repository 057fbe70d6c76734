"""Route guards: a customer session for customer pages, a staff session with a role for staff pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

from portal.auth.roles import Role

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

    Guard = Callable[[ASGIConnection, BaseRouteHandler], None]


class SignInRequired(NotAuthorizedException):
    """No session of the kind this side needs; GETs are sent to that side's sign-in page."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(detail="sign-in required")


def customer_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.state.get("customer") is None:
        raise SignInRequired("customer")


def staff_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.state.get("staff") is None:
        raise SignInRequired("staff")


def requires_role(*roles: Role) -> Guard:
    """Allow staff holding any of ``roles`` (admin holds them all)."""
    wanted = tuple(r.value for r in roles)

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        staff = connection.state.get("staff")
        if staff is None:
            raise SignInRequired("staff")
        if not staff.has_role(*wanted):
            raise PermissionDeniedException(detail="role required")

    guard.__name__ = "requires_role_" + "_".join(wanted)
    guard.roles = wanted  # type: ignore[attr-defined]  # read by the role-matrix tests
    return guard
