"""Rendering an outbox message from ``templates/emails/`` in the recipient's language."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, TemplateNotFound

from portal.domain.notifications.mailer import Rendered
from portal.i18n import using_locale


class EmailRenderer:
    def __init__(self, env: Environment, *, base_url: str) -> None:
        self.env = env
        self.base_url = base_url.rstrip("/")

    def render(self, template: str, *, locale: str, context: dict[str, Any]) -> Rendered:
        ctx = {"base_url": self.base_url, "locale": locale, **context}
        with using_locale(locale):
            subject = self.env.get_template(f"emails/{template}.subject.txt").render(ctx).strip()
            text = self.env.get_template(f"emails/{template}.txt").render(ctx)
            try:
                html = self.env.get_template(f"emails/{template}.html").render(ctx)
            except TemplateNotFound:
                html = ""
        return Rendered(subject=" ".join(subject.split()), text=text, html=html)
