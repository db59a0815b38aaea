from __future__ import annotations

from aref.maturity.levels import MaturityLevel


def test_levels_are_ordered_one_to_five() -> None:
    assert [int(level) for level in MaturityLevel] == [1, 2, 3, 4, 5]
    assert MaturityLevel.L2 < MaturityLevel.L3


def test_labels_and_descriptions_follow_the_model() -> None:
    assert [level.label for level in MaturityLevel] == ["Reactive", "Managed", "Defined", "Measured", "Optimizing"]
    assert MaturityLevel.L1.description == "Ad-hoc, tribal knowledge"
    assert MaturityLevel.L5.description == "Predictive, antifragile"


def test_next_climbs_one_level_and_stops_at_l5() -> None:
    assert MaturityLevel.L1.next == MaturityLevel.L2
    assert MaturityLevel.L4.next == MaturityLevel.L5
    assert MaturityLevel.L5.next is None
