"""The audit log: every administrative change recorded, and read back newest first."""
