"""The pillar services: what runs inside each actor (or in-process), one module each."""
