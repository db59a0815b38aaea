"""The protocol and the local implementation agree on every method and parameter."""

from __future__ import annotations

import inspect

from aref.dashboard import control_plane
from aref.dashboard.control_plane import ControlPlane
from aref.dashboard.local import LocalControlPlane


def protocol_methods() -> list[str]:
    return [name for name, value in vars(ControlPlane).items() if inspect.iscoroutinefunction(value)]


def test_the_protocol_covers_the_api() -> None:
    assert len(protocol_methods()) == 29


def test_local_implements_every_method_with_the_same_parameters() -> None:
    for name in protocol_methods():
        implementation = getattr(LocalControlPlane, name)
        assert inspect.iscoroutinefunction(implementation), name
        expected = inspect.signature(getattr(ControlPlane, name))
        actual = inspect.signature(implementation)
        assert list(actual.parameters.values()) == list(expected.parameters.values()), name


def test_the_protocol_module_re_exports_the_wire_shapes() -> None:
    assert set(control_plane.__all__) >= {"ControlPlane", "StatusView", "FaultView", "json_ready"}
