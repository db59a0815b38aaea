from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from aref.errors import InvalidInputError
from chaos.faults import MAX_RATE, FaultType
from chaos.loadgen import Profile
from chaos.runner_expectations import EXPECTATION_KINDS
from chaos.schema import EXPERIMENTS_DIR, ProbeMetric, ProbeSource, load_experiment, load_experiments

SEEDS = {
    "payment_provider_failure": ("payments", FaultType.ERROR, 0.8, 120.0),
    "order_service_latency": ("orders", FaultType.LATENCY, 0.7, 90.0),
    "inventory_degradation": ("inventory", FaultType.ERROR, 0.6, 60.0),
    "notification_overload": ("notifications", FaultType.LATENCY, 0.9, 60.0),
    "cascading_failure": ("payments", FaultType.ERROR, 0.9, 180.0),
    "replica_crash": ("payments", FaultType.CRASH, 0.5, 30.0),
}


def valid() -> dict[str, Any]:
    return {
        "name": "x",
        "description": "d",
        "target": "payments",
        "fault": {"type": "error", "rate": 0.5, "duration_s": 60},
        "traffic": {"rate_per_s": 5, "warmup_s": 10, "duration_s": 200},
        "steady_state": [{"metric": "error_rate", "max": 0.05}],
        "hypothesis": [{"detected_within_s": 30}],
        "observe_s": 120,
    }


def write(tmp_path: Path, doc: Any, name: str = "exp.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc) if not isinstance(doc, str) else doc)
    return path


@pytest.mark.parametrize("path", sorted(EXPERIMENTS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_experiment_loads_and_is_named_after_its_file(path: Path) -> None:
    experiment = load_experiment(path)
    assert experiment.name == path.stem
    assert experiment.source == str(path)
    assert experiment.fault.spec(experiment.target)  # within the safety bounds
    assert all(e.kind in EXPECTATION_KINDS for e in experiment.hypothesis)


def test_the_shipped_set_is_the_five_seed_experiments_plus_a_crash() -> None:
    loaded = {
        e.name: (e.target, e.fault.type, e.fault.rate, e.fault.duration_s) for e in load_experiments(EXPERIMENTS_DIR)
    }
    assert loaded == SEEDS


def test_cascading_failure_runs_at_the_bound_and_says_so() -> None:
    experiment = load_experiment(EXPERIMENTS_DIR / "cascading_failure.yaml")
    assert experiment.fault.rate == MAX_RATE
    assert "95%" in experiment.description
    assert "90%" in experiment.description


def test_the_crash_experiment_expects_a_replaced_replica() -> None:
    experiment = load_experiment(EXPERIMENTS_DIR / "replica_crash.yaml")
    assert next(e.kind for e in experiment.hypothesis) == "replica_replaced"


def test_a_file_becomes_frozen_values_with_defaults(tmp_path: Path) -> None:
    doc = valid()
    doc["hypothesis"] = [
        {"detected_within_s": 30},
        {"breaker_opens": "gateway->payments"},
        {"error_rate_below": 0.5},
        {"recovered_within_s": {"within_s": 60, "since": "rollback"}},
        {"review_generated": True},
        {"replica_replaced": 20},
    ]
    experiment = load_experiment(write(tmp_path, doc))
    assert [(e.kind, dict(e.params)) for e in experiment.hypothesis] == [
        ("detected_within_s", {"within_s": 30.0}),
        ("breaker_opens", {"within_s": None, "edge": "gateway->payments"}),
        ("error_rate_below", {"max": 0.5}),
        ("recovered_within_s", {"within_s": 60.0, "since": "rollback"}),
        ("review_generated", {"within_s": None}),
        ("replica_replaced", {"within_s": 20.0}),
    ]
    (probe,) = experiment.steady_state
    assert (probe.name, probe.metric, probe.source, probe.window_s) == (
        "client error_rate",
        ProbeMetric.ERROR_RATE,
        ProbeSource.CLIENT,
        10.0,
    )
    assert experiment.traffic.profile is Profile.STEADY
    assert experiment.fault.delay_ms is None
    with pytest.raises(AttributeError):
        experiment.name = "y"  # type: ignore[misc]


def test_observe_defaults_to_the_fault_plus_two_minutes(tmp_path: Path) -> None:
    doc = valid()
    del doc["observe_s"]
    doc["traffic"]["duration_s"] = 200
    assert load_experiment(write(tmp_path, doc)).observe_s == 180.0


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (lambda d: d["fault"].update(rate=0.95), "fault.rate", "less than or equal to 0.9"),
        (lambda d: d["fault"].update(duration_s=600), "fault.duration_s", "less than or equal to 300"),
        (lambda d: d["fault"].update(type="meteor"), "fault.type", "'latency', 'error', 'timeout' or 'crash'"),
        (lambda d: d["fault"].pop("rate"), "fault.rate", "Field required"),
        (lambda d: d.update(target="billing"), "target", "unknown service 'billing'"),
        (lambda d: d.update(name="Bad Name"), "name", "should match pattern"),
        (lambda d: d.update(colour="red"), "colour", "Extra inputs are not permitted"),
        (lambda d: d["traffic"].update(profile="wave"), "traffic.profile", "'steady', 'ramp' or 'spike'"),
        (
            lambda d: d["traffic"].update(duration_s=100),
            "traffic.duration_s",
            "must cover warmup_s + observe_s + the longest probe window = 140",
        ),
        (lambda d: d["traffic"].update(ramp_s=500, duration_s=400), "traffic.ramp_s", "must be > 0 and <= duration_s"),
        (lambda d: d.update(observe_s=30), "observe_s", "must be >= fault.duration_s (60 s)"),
        (lambda d: d["steady_state"][0].update(max=-1), "steady_state.0.max", "greater than or equal to 0"),
        (lambda d: d["steady_state"][0].update(service="x"), "steady_state.0.service", "unknown service 'x'"),
        (lambda d: d.update(steady_state=[]), "steady_state", "at least 1 item"),
        (lambda d: d.update(hypothesis=[{"vibes_good": True}]), "hypothesis.0", "unknown expectation 'vibes_good'"),
        (lambda d: d.update(hypothesis=[{"a": 1, "b": 2}]), "hypothesis.0", "a mapping with one key"),
        (
            lambda d: d.update(hypothesis=[{"detected_within_s": -3}]),
            "hypothesis.0.detected_within_s.within_s",
            "greater than 0",
        ),
        (
            lambda d: d.update(hypothesis=[{"breaker_opens": {"edge": "a->b"}}]),
            "hypothesis.0.breaker_opens.edge",
            "unknown edge 'a->b'",
        ),
        (
            lambda d: d.update(hypothesis=[{"recovered_within_s": {"within_s": 5, "since": "lunch"}}]),
            "hypothesis.0.recovered_within_s.since",
            "'injection' or 'rollback'",
        ),
        (
            lambda d: d.update(hypothesis=[{"error_rate_below": 2}]),
            "hypothesis.0.error_rate_below.max",
            "less than or equal to 1",
        ),
        (lambda d: d.update(hypothesis=[{"review_generated": False}]), "hypothesis.0.review_generated", "remove"),
    ],
)
def test_an_invalid_file_is_refused_naming_file_field_and_reason(
    tmp_path: Path, change: Any, field: str, reason: str
) -> None:
    doc = valid()
    change(doc)
    path = write(tmp_path, doc)
    with pytest.raises(InvalidInputError) as caught:
        load_experiment(path)
    assert (caught.value.source, caught.value.field) == (str(path), field)
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{path}: {field}: ")


def test_broken_yaml_and_non_mapping_documents_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"yaml: not valid YAML at line 2") as caught:
        load_experiment(write(tmp_path, "name: x\n  bad: [\n"))
    assert caught.value.field == "yaml"
    with pytest.raises(InvalidInputError, match="document: an experiment file must be a mapping"):
        load_experiment(write(tmp_path, "- just\n- a list\n"))
    with pytest.raises(InvalidInputError, match="path: cannot read the file"):
        load_experiment(tmp_path / "missing.yaml")


def test_a_directory_refuses_duplicate_names(tmp_path: Path) -> None:
    write(tmp_path, valid(), "a.yaml")
    write(tmp_path, valid(), "b.yml")
    with pytest.raises(InvalidInputError, match="duplicate experiment 'x'") as caught:
        load_experiments(tmp_path)
    assert caught.value.source == str(tmp_path / "b.yml")


def test_time_scale_shortens_every_duration_but_no_rate(tmp_path: Path) -> None:
    doc = valid()
    doc["hypothesis"] = [{"detected_within_s": 30}, {"error_rate_below": 0.5}, {"review_generated": True}]
    doc["traffic"].update(profile="spike", spike_at_s=40, spike_s=20)
    scaled = load_experiment(write(tmp_path, doc)).scaled(0.1)
    assert (scaled.fault.duration_s, scaled.fault.rate) == (6.0, 0.5)
    traffic = scaled.traffic
    assert (traffic.duration_s, traffic.warmup_s, traffic.spike_at_s, traffic.spike_s) == (20.0, 1.0, 4.0, 2.0)
    assert traffic.rate_per_s == 5.0
    assert scaled.steady_state[0].window_s == 1.0
    assert scaled.observe_s == 12.0
    assert [dict(e.params) for e in scaled.hypothesis] == [{"within_s": 3.0}, {"max": 0.5}, {"within_s": None}]
    assert scaled.time_scale == 0.1
    with pytest.raises(InvalidInputError, match="time_scale"):
        scaled.scaled(2.0)
