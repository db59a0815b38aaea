"""Inventory: stock, reservations with a TTL, movements."""
