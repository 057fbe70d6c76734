"""Jinja2 environment and the one helper every page handler uses to render."""

from __future__ import annotations

import base64
import json
from typing import Any

from jinja2 import Environment
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Response, Template
from litestar.template.config import TemplateConfig

from portal import i18n
from portal.jinja import make_environment  # noqa: F401 - re-exported for app wiring

FLASH_COOKIE = "portal_flash"


def template_config(env: Environment) -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(env))


def is_htmx(request: Request) -> bool:
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def read_flashes(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        items = json.loads(base64.urlsafe_b64decode(raw.encode()).decode())
        return [{"category": str(i["category"]), "message": str(i["message"])} for i in items][:5]
    except Exception:  # a mangled flash cookie shows nothing rather than failing the page
        return []


def flash_cookie(message: str, category: str = "success") -> Cookie:
    payload = base64.urlsafe_b64encode(
        json.dumps([{"category": category, "message": message}]).encode()
    ).decode()
    return Cookie(key=FLASH_COOKIE, value=payload, path="/", httponly=True, samesite="lax", max_age=60)


def page(
    request: Request,
    template: str,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """Render a full page, or only ``block`` of it for an htmx request that targets it.

    A block renders the element whose id is the block's name with dashes (``order_list`` →
    ``#order-list``); an htmx request aimed elsewhere (boosted links, another target) gets the page.
    """
    flashes = read_flashes(request)
    context = {
        "customer": request.state.get("customer"),
        "staff": request.state.get("staff"),
        # whose words the page speaks in (orders.wording): staff pages, else the signed-in buyer
        "audience": "staff" if request.scope["path"].startswith("/staff") else "customer",
        "locale": request.state.get("locale", i18n.DEFAULT_LOCALE),
        "flashes": flashes,
        **context,
    }
    cookies = [Cookie(key=FLASH_COOKIE, value="", path="/", max_age=0)] if flashes else []
    if block and is_htmx(request) and request.headers.get("hx-target") == block.replace("_", "-"):
        return HTMXBlockTemplate(
            template_name=template,
            block_name=block,
            context=context,
            status_code=status_code,
            cookies=cookies,
            headers=headers,
        )
    return Template(
        template_name=template, context=context, status_code=status_code, cookies=cookies, headers=headers
    )


def form_page(
    request: Request,
    template: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    **context: Any,
) -> Template:
    """``page`` of a page with a form: ``errors`` (messages by field name) and ``values`` (what the
    fields show, by field name) are empty unless given; ``status_code``, ``block`` and the rest of the
    context as for ``page``. A refused form passes ``status_code=422`` and ``errors`` (``refused_form``)."""
    return page(request, template, errors=errors or {}, values=values or {}, **context)


def redirect(
    request: Request, url: str, *, flash: str | None = None, category: str = "success"
) -> Redirect | Response[str]:
    """303 to ``url`` with an optional flash message; for htmx, HX-Redirect (XHR would follow a 303 silently)."""
    cookies = [flash_cookie(flash, category)] if flash else []
    if is_htmx(request):
        return Response(content="", status_code=200, headers={"HX-Redirect": url}, cookies=cookies)
    return Redirect(path=url, status_code=303, cookies=cookies)
