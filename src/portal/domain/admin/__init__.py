"""Back-office administration: configurable settings, the audit log, invitations."""
