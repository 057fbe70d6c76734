"""Staff sign-in and sign-out."""

from __future__ import annotations

from portal.web.signin import SignInController


class StaffAuthController(SignInController):
    path = "/staff"
    kind = "staff"
