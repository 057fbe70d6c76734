"""Domain errors. Each carries its meaning; the web layer maps them once to a status and a page."""

from __future__ import annotations

from dataclasses import dataclass

from portal.i18n import N_


class DomainError(Exception):
    status_code = 400
    default_message = N_("The request could not be completed.")

    def __init__(self, message: str | None = None, **params: object) -> None:
        self.message = message or self.default_message
        self.params = params
        super().__init__(self.message % params if params else self.message)


class NotFound(DomainError):
    status_code = 404
    default_message = N_("We could not find that page.")


class Forbidden(DomainError):
    status_code = 403
    default_message = N_("You do not have permission to do that.")


class InvalidTransition(DomainError):
    status_code = 409
    default_message = N_("This action is not possible for the order in its current state.")


class OrderChanged(DomainError):
    status_code = 409
    default_message = N_(
        "This order was changed by someone else meanwhile. Please reload the page and try again."
    )


@dataclass(frozen=True)
class Place:
    """Where a refusal belongs in a form with families of fields, in the domain's words, not HTML names.

    ``group`` is ``line`` (an order line; ``n`` is its id), ``row`` (a line typed in: an order entry
    row or a product added to an order; ``n`` is its number) or ``address`` (the new delivery address).
    ``kind`` is the field: ``product``, ``quantity``, ``spec`` or ``price`` of a line or row (the line
    rule's kinds), or an address field (``city``). ``option`` names the spec option a refusal is about.
    The door that knows the form maps a place to its HTML name (``portal.web.forms.named``).
    """

    group: str
    kind: str
    n: int = 0
    option: str = ""


Field = str | Place  # a fixed field by its name (``invoice_title``), or a place in a family of fields


class ValidationFailed(DomainError):
    """Input that breaks a rule; ``errors`` maps a field (a name or a :class:`Place`) to its (untranslated) message.

    ``params`` fill every message; ``per_field`` fills one field's message (lines of one form
    that each name their own SKU and limit).
    """

    status_code = 422
    default_message = N_("Please correct the highlighted fields.")

    def __init__(
        self,
        errors: dict[Field, str],
        message: str | None = None,
        params: dict[str, object] | None = None,
        per_field: dict[Field, dict[str, object]] | None = None,
    ) -> None:
        self.errors = errors
        self.field_params = params or {}
        self.per_field = per_field or {}
        super().__init__(message)

    def params_of(self, name: Field) -> dict[str, object]:
        return {**self.field_params, **self.per_field.get(name, {})}

    def translated(self, gettext) -> dict[Field, str]:  # noqa: ANN001 - the i18n gettext
        """Field messages in the current language, with their values filled in."""
        return {
            k: gettext(v, **params) if (params := self.params_of(k)) else gettext(v)
            for k, v in self.errors.items()
        }
