"""The dashboard suite's fixtures: settings, a FakeClock and a control plane over the in-process transport."""

from tests.unit.dashboard.conftest import clock, plane, settings

__all__ = ["clock", "plane", "settings"]
