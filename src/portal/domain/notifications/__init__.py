"""Notifications: outbox rows written with the change that causes them, delivered by workers."""
