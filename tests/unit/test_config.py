from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from aref import config
from aref.config import load_settings
from aref.errors import InvalidInputError
from aref.scoring import RiskProfile


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    import os

    for name in list(os.environ):
        if name.startswith("AREF_"):
            monkeypatch.delenv(name)


def test_defaults_are_the_seed_values() -> None:
    s = load_settings()
    assert s.risk_profile is RiskProfile.BALANCED
    assert s.detection.mttd_target_seconds == 300
    assert s.detection.alert_fatigue_max_per_week == 50
    assert s.absorption.circuit_breaker_failure_threshold == 5
    assert s.absorption.circuit_breaker_recovery_timeout == 30
    assert s.adaptation.adaptation_window_seconds == 120
    assert (s.recovery.t0_target_seconds, s.recovery.t1_target_seconds, s.recovery.t2_target_seconds) == (
        300,
        900,
        3600,
    )
    assert s.recovery.t4_target_seconds == 14 * 86400
    assert s.evolution.action_completion_rate_target == 85


def test_environment_overrides_each_section(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AREF_RISK_PROFILE", "innovation_heavy")
    monkeypatch.setenv("AREF_DETECTION_MTTD_TARGET_SECONDS", "42")
    monkeypatch.setenv("AREF_RECOVERY_T0_TARGET_SECONDS", "5")
    s = load_settings()
    assert s.risk_profile is RiskProfile.INNOVATION_HEAVY
    assert s.detection.mttd_target_seconds == 42
    assert s.recovery.t0_target_seconds == 5


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("AREF_ABSORPTION_BULKHEAD_MAX_CONCURRENT=7\n")
    assert load_settings().absorption.bulkhead_max_concurrent == 7


def test_unknown_risk_profile_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AREF_RISK_PROFILE", "yolo")
    with pytest.raises(InvalidInputError) as info:
        load_settings()
    assert info.value.field == "AREF_RISK_PROFILE"
    assert "yolo" in info.value.reason


def test_negative_threshold_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AREF_DETECTION_ERROR_RATE_WARNING", "-0.1")
    with pytest.raises(InvalidInputError) as info:
        load_settings()
    assert info.value.field == "AREF_DETECTION_ERROR_RATE_WARNING"


def test_settings_are_frozen() -> None:
    s = load_settings()
    with pytest.raises(Exception, match="frozen"):
        s.debug = True  # type: ignore[misc]


def test_env_example_is_a_valid_configuration(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    (tmp_path / ".env").write_text(example.read_text())
    s = load_settings()
    assert s.data_dir == Path.home() / ".aref"
    assert s.detection.confirmations == 3


def test_burn_windows_shorter_than_two_ticks_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AREF_DETECTION_BURN_RATE_WINDOW_SCALE", "0.005")  # 1.5 s
    monkeypatch.setenv("AREF_TICK_SECONDS", "1.0")
    with pytest.raises(InvalidInputError) as info:
        load_settings()
    assert info.value.field == "AREF_DETECTION_BURN_RATE_WINDOW_SCALE"
    monkeypatch.setenv("AREF_TICK_SECONDS", "0.5")
    assert load_settings().detection.burn_rate_window_scale == 0.005


# -- every setting has a reader ----------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
READER_TREES = ("aref", "actors", "services", "chaos")
CONFIG_MODULE = ROOT / "aref" / "config.py"


def settings_fields() -> dict[str, list[str]]:
    """Every field name of every settings class defined in aref/config.py, by class."""
    return {
        cls.__name__: sorted(cls.model_fields)
        for cls in vars(config).values()
        if isinstance(cls, type) and issubclass(cls, BaseSettings) and cls.__module__ == config.__name__
    }


def attributes_read(root: Path = ROOT, trees: Sequence[str] = READER_TREES, skip: Path = CONFIG_MODULE) -> set[str]:
    """Names read as ``<expr>.<name>`` by the code under ``trees`` (comments and strings do not count)."""
    names: set[str] = set()
    for tree in trees:
        for path in sorted((root / tree).rglob("*.py")):
            if path.resolve() == skip:
                continue
            names |= {n.attr for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Attribute)}
    return names


def test_the_reader_scan_sees_attribute_access_only(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text('# settings.in_comment\nx = "settings.in_string"\ny = s.real_read\n')
    (tmp_path / "pkg" / "skipped.py").write_text("z = s.skipped_read\n")
    assert attributes_read(tmp_path, ("pkg",), skip=tmp_path / "pkg" / "skipped.py") == {"real_read"}


def test_every_setting_is_read_outside_config() -> None:
    classes = settings_fields()
    assert {"ArefSettings", "DetectionSettings", "AdaptationSettings"} <= set(classes)
    read = attributes_read()
    unread = [f"{cls}.{name}" for cls, names in classes.items() for name in names if name not in read]
    assert unread == [], f"settings read nowhere under {', '.join(t + '/' for t in READER_TREES)}: {', '.join(unread)}"


def test_detection_cadence_defaults_judge_every_one_second_sample() -> None:
    s = load_settings()
    assert (s.detection.threshold_check_interval, s.detection.anomaly_check_interval) == (1.0, 1.0)
    assert s.detection.threshold_check_interval <= s.tick_seconds
    assert (s.detection.slo_latency_target_ms, s.detection.slo_latency_objective) == (500.0, 0.99)


def test_adaptation_tunables_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings().adaptation
    assert (s.scale_target_ongoing, s.scale_latency_target_ms, s.scale_error_rate_target) == (2.0, 300.0, 0.05)
    assert (s.autoscale, s.scale_down_stabilization_seconds, s.scale_max_node_cpu) == (True, 60.0, 0.8)
    assert s.feature_flag_error_budget_trigger == 0.5
    monkeypatch.setenv("AREF_ADAPTATION_SCALE_TARGET_ONGOING", "3")
    monkeypatch.setenv("AREF_ADAPTATION_AUTOSCALE", "false")
    monkeypatch.setenv("AREF_ADAPTATION_SCALE_ERROR_RATE_TARGET", "0.02")
    s = load_settings().adaptation
    assert (s.scale_target_ongoing, s.autoscale, s.scale_error_rate_target) == (3.0, False, 0.02)


def test_zero_target_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AREF_ADAPTATION_SCALE_TARGET_ONGOING", "0")
    with pytest.raises(InvalidInputError) as info:
        load_settings()
    assert info.value.field == "AREF_ADAPTATION_SCALE_TARGET_ONGOING"


def test_log_level_is_a_known_level_name(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().log_level == "INFO"
    monkeypatch.setenv("AREF_LOG_LEVEL", "warning")
    assert load_settings().log_level == "WARNING"
    monkeypatch.setenv("AREF_LOG_LEVEL", "CHATTY")
    with pytest.raises(InvalidInputError) as info:
        load_settings()
    assert info.value.field == "AREF_LOG_LEVEL"
    assert "CHATTY" in info.value.reason
