"""Payments: simulated providers with failover, refunds and settlement."""
