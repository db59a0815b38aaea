"""Notifications: multi-channel delivery with priority shedding and retry backoff."""
