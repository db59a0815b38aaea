"""The in-process transport: the pillar services in one process, a simulated fleet and shop."""
