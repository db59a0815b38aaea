from __future__ import annotations

from aref.adaptation.stabilizer import Stabilizer

from .factories import T0


def test_a_scale_up_needs_the_whole_up_window_high() -> None:
    stab = Stabilizer(up_seconds=5, down_seconds=60)
    stab.add("orders", T0, 2)
    assert stab.stable("orders", 1, T0)[0] == 1  # not watched for a window yet
    for t in range(1, 6):
        stab.add("orders", T0 + t, 2 if t != 3 else 1)
    assert stab.stable("orders", 1, T0 + 5)[0] == 1  # one low sample inside the window
    for t in range(6, 9):
        stab.add("orders", T0 + t, 2)
    assert stab.stable("orders", 1, T0 + 8) == (1, "hold: load not sustained over 5s")
    stab.add("orders", T0 + 9, 2)
    assert stab.stable("orders", 1, T0 + 9) == (2, "sustained 5s")


def test_a_scale_down_waits_the_long_window() -> None:
    stab = Stabilizer(up_seconds=5, down_seconds=60)
    for t in range(0, 60):
        stab.add("orders", T0 + t, 2 if t < 10 else 1)
    assert stab.stable("orders", 2, T0 + 59)[0] == 2
    for t in range(60, 71):
        stab.add("orders", T0 + t, 1)
    assert stab.stable("orders", 2, T0 + 70) == (1, "low for 60s")


def test_reset_forgets() -> None:
    stab = Stabilizer(up_seconds=0, down_seconds=0)
    stab.add("orders", T0, 3)
    assert stab.stable("orders", 1, T0)[0] == 3
    stab.reset("orders")
    assert stab.stable("orders", 1, T0) == (1, "no load yet")
