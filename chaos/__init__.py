"""Chaos engineering: the fault model, the injector and (later) experiments and their runner."""
