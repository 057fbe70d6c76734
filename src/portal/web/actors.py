"""Build the domain's Actor from the signed-in session of this request."""

from __future__ import annotations

import ipaddress

from litestar import Request

from portal.domain.orders.actors import Actor
from portal.web.signin import client_ip


def _ip(request: Request) -> str | None:
    """The client address for the audit trail, when it is one (test clients are not)."""
    host = client_ip(request)
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def customer_actor(request: Request) -> Actor:
    s = request.state.customer
    return Actor.customer(user_id=s.user_id, name=s.name, account_id=s.account_id, ip=_ip(request))


def staff_actor(request: Request) -> Actor:
    s = request.state.staff
    return Actor.staff(user_id=s.user_id, name=s.name, roles=s.roles, ip=_ip(request))
