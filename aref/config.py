"""AREF settings: built once at an entry point and passed down.

Read from ``AREF_*`` environment variables and an optional ``.env`` file. Each pillar has its
own section with its own prefix (``AREF_DETECTION_MTTD_TARGET_SECONDS``,
``AREF_ABSORPTION_CIRCUIT_BREAKER_FAILURE_THRESHOLD``, ...). Defaults are the seed's, except where
a field's description says why not.
Invalid values raise ``InvalidInputError`` naming the variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from aref.errors import InvalidInputError
from aref.logs import level_name
from aref.scoring import RiskProfile


def _section(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, env_file=".env", extra="ignore", frozen=True)


class DetectionSettings(BaseSettings):
    model_config = _section("AREF_DETECTION_")

    mttd_target_seconds: float = Field(300.0, gt=0)
    threshold_check_interval: float = Field(
        1.0,
        gt=0,
        description="seconds between evaluations of a service's threshold rules over the samples ingested "
        "since the last one (each sample judged in order). 1.0, one telemetry tick, judges every sample as "
        "it arrives; the seed's 10 s would have delayed every threshold alert by up to 10 s",
    )
    anomaly_check_interval: float = Field(
        1.0,
        gt=0,
        description="seconds between evaluations of a service's anomaly streams (z-score, isolation forest) "
        "over the samples ingested since the last one; every sample is still judged and learned, so a longer "
        "interval batches the work without saving it and only delays anomaly alerts. 1.0 (one tick) instead "
        "of the seed's 30 s, which would have delayed every anomaly alert by up to 30 s",
    )
    synthetic_probe_interval: float = Field(
        2.0,
        gt=0,
        description="seconds between two rounds of the prober (every service's /readyz and a synthetic order "
        "through the gateway). 2.0 instead of the seed's 15 s, which could not see a dead service within 10 s",
    )
    synthetic_probe_timeout: float = Field(
        1.5, gt=0, description="seconds a probe may take; a probe still unanswered then is a failure"
    )
    synthetic_probe_failures: int = Field(
        2,
        ge=1,
        description="consecutive failed probes of one target before it is down (an EMERGENCY alert): one "
        "blip alerts nobody, and with a 2 s interval and a 1.5 s timeout a dead service alerts within ~7 s",
    )
    alert_fatigue_max_per_week: int = Field(50, gt=0)
    alert_to_action_ratio: float = Field(3.0, gt=0)
    confirmations: int = Field(3, ge=1, description="consecutive breaches before a threshold fires")
    error_rate_warning: float = Field(0.05, ge=0, le=1)
    error_rate_critical: float = Field(0.15, ge=0, le=1)
    error_rate_emergency: float | None = Field(
        0.5, ge=0, le=1, description="error rate that pages recovery at once; unset for no emergency level"
    )
    latency_warning_ms: float = Field(300.0, ge=0)
    latency_critical_ms: float = Field(1000.0, ge=0)
    zscore_threshold: float = Field(3.0, gt=0)
    slo_availability_target: float = Field(0.999, gt=0, lt=1)
    no_data_seconds: float = Field(
        20.0,
        gt=0,
        description="a service with no request (nor probe) for this long has nothing to judge: its open alerts "
        "resolve as no_data and none fires until traffic returns (as a stale Prometheus series does)",
    )
    onset_lookback_seconds: float = Field(
        30.0,
        ge=0,
        description="a new alert's onset is the first bad request clients or probes saw within this long before "
        "the first breaching sample (else that sample): MTTD and MTTR count from it",
    )
    slo_latency_target_ms: float = Field(
        500.0,
        gt=0,
        description="a request is good for a service's latency SLO when answered within this; counted at "
        "the latency histogram's bucket bounds (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000 ms): "
        "a target between two bounds counts only requests of buckets wholly within it",
    )
    slo_latency_objective: float = Field(
        0.99, gt=0, lt=1, description="share of requests the latency SLO wants within slo_latency_target_ms"
    )
    experiment_grace_seconds: float = Field(
        60.0,
        ge=0,
        description="requests seen while a deliberate chaos fault acts, and this long after the last one is "
        "rolled back, are experiment traffic: their burn is counted apart, out of the burn-rate alerts and of "
        "the budget an experiment's gate reads, so experiments can run back to back while an outage's burn "
        "still pages and blocks them",
    )
    burn_rate_window_scale: float = Field(
        1.0, gt=0, description="multiplies every burn-rate window; <1 lets a simulation run them in seconds"
    )


class AbsorptionSettings(BaseSettings):
    model_config = _section("AREF_ABSORPTION_")

    blast_radius_target_pct: float = Field(95.0, ge=0, le=100)
    circuit_breaker_failure_threshold: int = Field(5, ge=1, description="minimum calls before the rate counts")
    circuit_breaker_failure_rate: float = Field(0.5, gt=0, le=1)
    circuit_breaker_window_size: int = Field(20, ge=1)
    circuit_breaker_recovery_timeout: float = Field(30.0, gt=0)
    circuit_breaker_half_open_max_calls: int = Field(3, ge=1)
    bulkhead_max_concurrent: int = Field(50, ge=1)
    rate_limit_requests_per_second: float = Field(100.0, gt=0)
    rate_limit_burst: int = Field(20, ge=1)
    signal_max_age_seconds: float = Field(
        20.0,
        gt=0,
        description="a call outcome older than this leaves its breaker's window (it no longer opens the breaker "
        "nor counts toward the tier of the service called); a service none of whose callers called it for this "
        "long steps down without the hold",
    )


class AdaptationSettings(BaseSettings):
    model_config = _section("AREF_ADAPTATION_")

    latency_target_seconds: float = Field(
        30.0, gt=0, description="target seconds from an alert firing to adaptation acting on it (maturity criteria)"
    )
    feature_flag_error_budget_trigger: float = Field(
        0.5,
        ge=0,
        le=1,
        description="error budget consumed (0..1, read from slo_burn alerts) at which a service's non-critical "
        "feature flags are switched off; they come back when a later alert shows the budget under it, or "
        "when the alert resolves",
    )
    restore_after_seconds: float = Field(
        60.0,
        ge=0,
        description="flags adaptation switched off come back once their service has had no open alert this long",
    )
    autoscale: bool = Field(
        True, description="automatic scaling (the policy's and the strategies'); a human can always scale"
    )
    scale_target_ongoing: float = Field(
        2.0, gt=0, description="requests in flight per replica the policy aims for (Serve's target_ongoing_requests)"
    )
    scale_tolerance: float = Field(
        0.1, ge=0, lt=1, description="no change while in-flight per replica is within this share of the target"
    )
    scale_up_stabilization_seconds: float = Field(
        5.0, ge=0, description="a scale-up needs the load above target for this long"
    )
    scale_down_stabilization_seconds: float = Field(
        60.0,
        ge=0,
        description="a scale-down needs the load below target for this long; also the least time between two "
        "changes of direction and how long an ineffective scale-out bars the next (Kubernetes: 300 s)",
    )
    scale_effect_ticks: int = Field(
        15, ge=1, description="ticks after a scale-out before its effect is judged (ineffective ones are undone)"
    )
    scale_replica_memory_mb: float = Field(200.0, gt=0, description="memory a new replica needs (RSS ~140-190 MB)")
    scale_memory_reserve_mb: float = Field(1024.0, ge=0, description="node memory never given to new replicas")
    scale_max_node_cpu: float = Field(
        0.8, gt=0, le=1, description="node CPU busy share above which no new replica is placeable"
    )
    scale_latency_target_ms: float = Field(300.0, gt=0, description="p99 (ms) above which a replica is added")
    scale_error_rate_target: float = Field(
        0.05, ge=0, le=1, description="error rate above which the scaling policy never scales down"
    )
    adaptation_window_seconds: float = Field(120.0, gt=0)
    min_replicas: int = Field(1, ge=1)
    max_replicas: int = Field(4, ge=1, description="kept small: each replica costs ~85 MB on a laptop")
    scale_cooldown_seconds: float = Field(30.0, ge=0)


class RecoverySettings(BaseSettings):
    model_config = _section("AREF_RECOVERY_")

    mttr_target_seconds: float = Field(900.0, gt=0)
    t0_target_seconds: float = Field(300.0, gt=0)
    t1_target_seconds: float = Field(900.0, gt=0)
    t2_target_seconds: float = Field(3600.0, gt=0)
    t3_target_seconds: float = Field(14400.0, gt=0)
    t4_target_seconds: float = Field(14 * 86400.0, gt=0)
    burn_only_hold_seconds: float = Field(
        60.0,
        ge=0,
        description="an incident left with budget-burn alerts only resolves once its other detectors' alerts "
        "have all been resolved this long (a burn alert clears only with its short window, up to 30 min)",
    )
    runbook_drill_interval_days: int = Field(90, ge=1)
    runbook_dir: Path = Path("runbooks")
    dry_run: bool = Field(False, description="run runbooks without performing anything (labelled dry run)")


class EvolutionSettings(BaseSettings):
    model_config = _section("AREF_EVOLUTION_")

    improvement_velocity_target: int = Field(8, ge=0)
    action_completion_rate_target: float = Field(85.0, ge=0, le=100)
    recurrence_rate_target: float = Field(10.0, ge=0, le=100)
    post_incident_review_deadline_hours: float = Field(72.0, gt=0)


class MaturitySettings(BaseSettings):
    model_config = _section("AREF_MATURITY_")

    evidence_max_age_days: float = Field(
        30.0, gt=0, description="evidence (runs, alerts, incidents, adaptations, reviews) older than this decays"
    )


class ArefSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AREF_", env_file=".env", extra="ignore", frozen=True)

    environment: str = "local"
    debug: bool = False
    log_level: str = Field("INFO", description="a stdlib logging level name (DEBUG, INFO, WARNING, ...)")
    risk_profile: RiskProfile = RiskProfile.BALANCED
    data_dir: Path = Path.home() / ".aref"
    store: str = Field("sqlite", pattern="^(sqlite|memory)$")
    api_token: SecretStr | None = Field(
        None, description="bearer token every mutating route needs when set (never shown: repr and JSON mask it)"
    )
    cors_origins: tuple[str, ...] = Field(
        (), description="origins a browser may call the API from (JSON list); none by default, never a wildcard"
    )
    tick_seconds: float = Field(1.0, gt=0)
    bare_data_plane: bool = Field(
        False,
        description="measurement only (bench/request_path.py variant b): requests skip the fault hook, the guards, "
        "the tier and flag gates and telemetry, so AREF neither sees nor steers them; replicas log and report it",
    )
    ray_dashboard_url: str = "http://127.0.0.1:8265"
    detection: DetectionSettings = Field(default_factory=DetectionSettings)
    absorption: AbsorptionSettings = Field(default_factory=AbsorptionSettings)
    adaptation: AdaptationSettings = Field(default_factory=AdaptationSettings)
    recovery: RecoverySettings = Field(default_factory=RecoverySettings)
    evolution: EvolutionSettings = Field(default_factory=EvolutionSettings)
    maturity: MaturitySettings = Field(default_factory=MaturitySettings)

    @field_validator("data_dir")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        try:
            return level_name(value)
        except InvalidInputError as exc:
            raise ValueError(exc.reason) from None

    @field_validator("risk_profile", mode="before")
    @classmethod
    def _known_profile(cls, value: Any) -> RiskProfile:
        return value if isinstance(value, RiskProfile) else RiskProfile.parse(str(value))

    @field_validator("api_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard_origin(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [o for o in value if "*" in o or not o.startswith(("http://", "https://"))]
        if bad:
            raise ValueError(f"each origin is a scheme://host[:port] without '*', got {bad}")
        return value


SHORTEST_BURN_WINDOW_S = 300.0  # the 5 min short window of the fastest burn-rate alert


def _check_burn_windows(settings: ArefSettings) -> ArefSettings:
    shortest = SHORTEST_BURN_WINDOW_S * settings.detection.burn_rate_window_scale
    if shortest < 2 * settings.tick_seconds:
        raise InvalidInputError(
            "AREF_DETECTION_BURN_RATE_WINDOW_SCALE",
            f"the shortest burn-rate window ({shortest:g} s) must span at least two telemetry ticks "
            f"({2 * settings.tick_seconds:g} s), or alerts flap between ticks",
        )
    return settings


def load_settings(**overrides: Any) -> ArefSettings:
    """Build settings from the environment (and ``.env``); errors name the offending variable."""
    sections: dict[str, Any] = {}
    for name, section in _SECTIONS.items():
        if name in overrides:
            continue
        try:
            sections[name] = section()
        except ValidationError as exc:
            raise invalid_input_from(exc, prefix=str(section.model_config.get("env_prefix", ""))) from None
    try:
        settings = ArefSettings(**sections, **overrides)
    except ValidationError as exc:
        raise invalid_input_from(exc, prefix="AREF_") from None
    return _check_burn_windows(settings)


_SECTIONS: dict[str, type[BaseSettings]] = {
    "detection": DetectionSettings,
    "absorption": AbsorptionSettings,
    "adaptation": AdaptationSettings,
    "recovery": RecoverySettings,
    "evolution": EvolutionSettings,
}


def invalid_input_from(exc: ValidationError, *, prefix: str = "", source: str | None = None) -> InvalidInputError:
    """Turn pydantic's first error into an ``InvalidInputError`` naming its field path."""
    first = exc.errors()[0]
    path = ".".join(str(p) for p in first["loc"]) or "value"
    field = f"{prefix}{path.upper().replace('.', '_')}" if prefix else path
    message = first["msg"].removeprefix("Value error, ")
    return InvalidInputError(field, message, source=source)
