from __future__ import annotations

from aref.control.applied_view import applied_view

CONTROL = {"version": 3, "flags": {"notifications.search": False}, "traffic": {"primary": 100, "backup": 0}}


def report(replica: str, tier: str, version: int) -> dict[str, object]:
    return {
        "service": "notifications",
        "replica_id": replica,
        "tier": tier,
        "disabled_features": ["notification_retries"] if tier != "full" else [],
        "control_version": version,
        "flags": {"notifications.search": False} if version == 3 else {},
        "traffic": {"primary": 100, "backup": 0},
        "skipped": {"shed_by_tier": 2},
        "at": 12.5,
    }


def test_a_replica_is_in_sync_only_when_tier_flags_and_weights_all_match() -> None:
    view = applied_view(
        [report("n1", "reduced", 3), report("n2", "full", 2)],
        {"notifications": "reduced"},
        {"notifications": CONTROL},
    )

    first, second = view["replicas"]
    assert (first["replica_id"], first["in_sync"], first["disabled_features"]) == ("n1", True, ["notification_retries"])
    assert first["desired"] == {
        "tier": "reduced",
        **{k: v for k, v in CONTROL.items() if k != "version"},
        "control_version": 3,
    }
    assert (second["in_sync"], second["applied"]["tier"], second["applied"]["control_version"]) == (False, "full", 2)
    assert (second["reported_at"], second["skipped"]) == (12.5, {"shed_by_tier": 2})
