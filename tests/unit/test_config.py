from __future__ import annotations

from pathlib import Path

import pytest

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
