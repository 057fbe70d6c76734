"""Rendering an outbox message from ``templates/emails/<name>.html`` in the recipient's language.

One template per message: the ``subject`` and ``text`` blocks give the subject line and the
plain-text part; the whole template (through ``emails/_layout.html``) gives the HTML part.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable
from typing import Any

from jinja2 import Environment
from jinja2_fragments import render_block

from portal.domain.notifications.mailer import Rendered
from portal.i18n import DEFAULT_LOCALE, LOCALES, using_locale

FOOTER = "emails/_footer.txt"  # every plain-text part ends with it, as the layout ends the HTML part


class EmailRenderer:
    def __init__(
        self,
        env: Environment,
        *,
        base_url: str,
        tracking_path: Callable[[int, int], str] | None = None,
        survey_path: Callable[[int], str] | None = None,
        default_locale: str = DEFAULT_LOCALE,
    ) -> None:
        self.env = env
        # for recipients of no known language (DEFAULT_LOCALE)
        self.default_locale = default_locale if default_locale in LOCALES else DEFAULT_LOCALE
        self.base_url = base_url.rstrip("/")
        self.tracking_path = tracking_path
        self.survey_path = survey_path

    def render(self, template: str, *, locale: str, context: dict[str, Any]) -> Rendered:
        ctx = {"base_url": self.base_url, "locale": locale, **context}
        tracking = context.get("tracking")
        if tracking and self.tracking_path:
            # signed when sent, so the link's 90 days start with the e-mail
            ctx["tracking_url"] = self.base_url + self.tracking_path(
                tracking["order_id"], tracking["version"]
            )
        survey = context.get("survey")
        if survey and self.survey_path:
            # signed when sent, like the tracking link: the survey's days start with the e-mail
            ctx["survey_url"] = self.base_url + self.survey_path(survey["order_id"])
        name = f"emails/{template}.html"
        with using_locale(locale):
            subject = render_block(self.env, name, "subject", ctx)
            text = render_block(self.env, name, "text", ctx).strip()
            text += (
                "\n\n-- \n" + self.env.get_template(FOOTER).render(ctx).strip()
            )  # "-- ": the signature line
            html = self.env.get_template(name).render(ctx)
        # the subject comes from an HTML template: undo its escaping ("A &amp; B" -> "A & B")
        return Rendered(
            subject=html_lib.unescape(" ".join(subject.split())), text=text.strip() + "\n", html=html
        )
