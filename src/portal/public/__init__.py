"""The public door: pages and endpoints without sign-in (tracking page and lookup, invitations, carrier webhooks)."""
