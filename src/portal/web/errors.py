"""One mapping from errors to responses: a translated error page, or JSON for machines."""

from __future__ import annotations

import errno
import logging
import re
import socket
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode, urlsplit

from asyncpg.exceptions import CannotConnectNowError, PostgresConnectionError, TooManyConnectionsError
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, DisconnectionError

from portal import i18n
from portal.auth.guards import SignInRequired
from portal.domain.errors import DomainError, ValidationFailed
from portal.i18n import N_
from portal.web.context import LANG_COOKIE, choose_locale
from portal.web.forms import named
from portal.web.templating import is_htmx, page

log = logging.getLogger("portal.errors")

TITLES = {
    400: N_("Bad request"),
    401: N_("Please sign in"),
    403: N_("Access denied"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("Too large"),
    422: N_("Please check your input"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Temporarily unavailable"),
}
MESSAGES = {
    400: N_("The request was not understood."),
    401: N_("Please sign in to continue."),
    403: N_("You do not have permission to do that. If you submitted a form, reload the page and try again."),
    404: N_("We could not find that page."),
    405: N_("That action is not available here."),
    409: N_("This action conflicts with the current state. Please reload the page and try again."),
    413: N_("What you sent is larger than we accept."),
    422: N_("Please correct the highlighted fields."),
    429: N_("Too many attempts. Please wait a few minutes and try again."),
    500: N_("Something went wrong on our side. We have been notified; please try again later."),
    503: N_("The service is temporarily unavailable. Please try again shortly."),
}


_ORDER_PAGE = re.compile(r"/staff/orders/(?!new(?:/|$))([A-Za-z0-9][A-Za-z0-9-]{0,39})(?:/|$)")


def order_to_return_to(request: Request) -> str | None:
    """The number of the staff order a refused or stale action was about, to lead the clerk back to it."""
    if not request.url.path.startswith("/staff/"):
        return None
    if number := request.state.get("order_number"):  # set by handlers that find the order by another id
        return number
    if found := _ORDER_PAGE.match(request.url.path):
        return found.group(1)
    # a guard refuses before any handler ran: the same-site page the form was sent from tells
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.headers.get("host"):
        return None
    found = _ORDER_PAGE.match(referer.path)
    return found.group(1) if found else None


# endpoints only machines call: their errors are always problem details in English
MACHINE_PREFIXES = ("/api/", "/webhooks/", "/health", "/ready")
PROBLEM_JSON = "application/problem+json"
MACHINE_LOCALE = "en"


def _wants_json(request: Request) -> bool:
    if request.url.path.startswith(MACHINE_PREFIXES):
        return True
    accept = request.headers.get("accept", "")
    return ("application/json" in accept or "+json" in accept) and "text/html" not in accept


def _ensure_locale(request: Request) -> None:
    """Errors speak the viewer's language; machines (JSON) always get English."""
    if _wants_json(request):
        i18n.set_locale(MACHINE_LOCALE)
        return
    # errors raised before routing (404, 405) never passed the context middleware
    if "locale" not in request.state:
        request.state.locale = choose_locale(
            cookie=request.cookies.get(LANG_COOKIE),
            user_locale=None,
            accept_language=request.headers.get("accept-language"),
            default=request.app.state.settings.default_locale,
        )
    i18n.set_locale(request.state.locale)


def error_response(
    request: Request, status: int, message: str | None = None, *, fields: dict[str, str] | None = None
) -> Response[Any]:
    """``message`` is already in the viewer's language; without one the status's own message is used."""
    _ensure_locale(request)
    text = message or i18n.gettext(MESSAGES.get(status, MESSAGES[500]))
    if _wants_json(request):
        return problem(status, text, fields=fields)
    if is_htmx(request):
        # an htmx request shows the error as a toast instead of replacing part of the page
        return Template(
            template_name="_components/toast.html",
            context={"message": text, "category": "error"},
            status_code=status,
            headers={"HX-Retarget": "#toasts", "HX-Reswap": "beforeend"},
        )
    title = i18n.gettext(TITLES.get(status, TITLES[500]))
    back_to = order_to_return_to(request) if status not in (401, 404) else None
    return page(
        request,
        "errors/error.html",
        status_code=status,
        status=status,
        title=title,
        message=text,
        order_number=back_to,
    )


def problem(status: int, detail: str, *, fields: dict[str, str] | None = None) -> Response[Any]:
    """An RFC 9457 problem details answer for a machine."""
    try:
        title = HTTPStatus(status).phrase  # RFC 9457: with type about:blank, the status's own phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if fields:
        body["errors"] = fields
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


def handle_http_exception(request: Request, exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    # Litestar's own messages are English-only and technical: people get ours, machines the exception's
    machine_detail = str(exc.detail) if _wants_json(request) and status < 500 and exc.detail else None
    response = error_response(request, status, machine_detail)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


def handle_domain_error(request: Request, exc: DomainError) -> Response[Any]:
    _ensure_locale(request)
    fields = named(exc).translated(i18n.gettext) if isinstance(exc, ValidationFailed) else None
    return error_response(request, exc.status_code, i18n.gettext(exc.message, **exc.params), fields=fields)


def handle_sign_in_required(request: Request, exc: SignInRequired) -> Response[Any]:
    login = "/staff/login" if exc.kind == "staff" else "/login"
    if request.method in ("GET", "HEAD") and not _wants_json(request):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = f"{login}?{urlencode({'next': here})}"
        if is_htmx(request):
            return Response(content="", status_code=200, headers={"HX-Redirect": target})
        return Redirect(path=target, status_code=303)
    return error_response(request, 401)


# a backing service (PostgreSQL, Redis) that refuses, drops or does not answer connections
UNAVAILABLE = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    PostgresConnectionError,
    CannotConnectNowError,
    TooManyConnectionsError,
    DisconnectionError,
    RedisConnectionError,
    RedisTimeoutError,
)
NETWORK_ERRNOS = {
    errno.ECONNREFUSED,
    errno.ECONNRESET,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.ETIMEDOUT,
}
RETRY_AFTER_SECONDS = "30"


def service_unavailable(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it) says a database or Redis cannot be reached."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, UNAVAILABLE) or (isinstance(exc, OSError) and exc.errno in NETWORK_ERRNOS):
            return True
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def handle_unexpected(request: Request, exc: Exception) -> Response[Any]:
    if service_unavailable(exc):
        # not a bug in the request or the code: say "try again shortly", in the viewer's language
        log.error(
            "service unavailable on %s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc
        )
        response = error_response(request, HTTP_503_SERVICE_UNAVAILABLE)
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, HTTP_500_INTERNAL_SERVER_ERROR)


EXCEPTION_HANDLERS = {
    SignInRequired: handle_sign_in_required,
    DomainError: handle_domain_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
