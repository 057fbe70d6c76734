"""Shared web glue: request context, templates, errors, security headers, i18n, flash."""
