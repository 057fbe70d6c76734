"""arq workers: each job a thin call into domain/."""
