"""Orders: the transition table, the service verbs, numbering, the timeline and queries."""
