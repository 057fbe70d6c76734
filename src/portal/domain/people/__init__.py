"""People who sign in: staff users and their roles, invitations, what user lists share."""
