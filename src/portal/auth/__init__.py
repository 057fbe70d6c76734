"""Identity: passwords, server-side sessions, roles and guards, sign-in throttling."""
