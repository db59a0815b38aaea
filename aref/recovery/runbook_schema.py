"""The one validation path for runbooks: YAML text or plain data in, frozen ``Runbook`` out.

File format — either one runbook::

    name: payments-t0
    tier: T0                 # T0..T4 (or 0..4)
    service: payments        # optional: runbook applies to this service only
    trigger: "..."           # optional: when to use it, for humans
    description: "..."
    steps:
      - name: open-breaker
        kind: automated      # a kind registered in step_kinds (automated, needs_approval, verify)
        action: absorption.open_breaker
        role: automation     # optional, default "automation"
        timeout_seconds: 30  # > 0
        on_failure: escalate # escalate (default) | continue | abort
        params: {breaker: payments->provider}

or several under one key: ``runbooks: [<runbook>, <runbook>, ...]``.

Structure is checked by pydantic, then the rules: known step kinds, unique step names, no step
needing approval in T0/T1 and, given the runner's ``Capabilities``, only actions it can perform
and conditions its verifier can check. Every failure raises ``InvalidInputError`` whose field is
the path of the bad value (``steps.2.timeout_seconds``, ``runbooks.1.steps.0.kind``) and
whose source is the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints, ValidationError, field_validator

from aref.config import invalid_input_from
from aref.errors import InvalidInputError, NotFoundError
from aref.models import RecoveryTier
from aref.records import to_record
from aref.recovery.runbook import OnFailure, Runbook, RunbookStep
from aref.recovery.step_kinds import DEFAULT_STEP_KINDS, Capabilities, StepKindRegistry
from aref.recovery.tiers import AUTONOMOUS_TIERS, parse_tier

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
NO_APPROVAL_RULE = "T0 and T1 must execute without external dependencies or approvals"


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepSchema(_Schema):
    name: Name
    kind: Name
    action: Name
    role: Name = "automation"
    timeout_seconds: float = Field(gt=0, allow_inf_nan=False, strict=True)
    on_failure: OnFailure = OnFailure.ESCALATE
    params: dict[str, JsonValue] = Field(default_factory=dict)
    description: str = ""


class RunbookSchema(_Schema):
    name: Name
    tier: RecoveryTier
    steps: list[StepSchema] = Field(min_length=1)
    description: str = ""
    service: Name | None = None
    trigger: str | None = None

    @field_validator("tier", mode="before")
    @classmethod
    def _tier(cls, value: Any) -> RecoveryTier:
        try:
            return parse_tier(value)
        except InvalidInputError as exc:
            raise ValueError(exc.reason) from None


class RunbookFileSchema(_Schema):
    runbooks: list[RunbookSchema] = Field(min_length=1)


def parse_runbooks(
    text: str, *, source: str | None = None, kinds: StepKindRegistry = DEFAULT_STEP_KINDS
) -> tuple[Runbook, ...]:
    """Every runbook in a YAML document (one runbook, or a ``runbooks:`` list)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidInputError("yaml", f"malformed YAML{where}: {problem}", source=source) from None
    return runbooks_from_data(data, source=source, kinds=kinds)


def parse_runbook(text: str, *, source: str | None = None, kinds: StepKindRegistry = DEFAULT_STEP_KINDS) -> Runbook:
    """The single runbook in a YAML document."""
    found = parse_runbooks(text, source=source, kinds=kinds)
    if len(found) != 1:
        raise InvalidInputError("runbooks", f"expected exactly one runbook, found {len(found)}", source=source)
    return found[0]


def load_runbooks(path: str | Path, *, kinds: StepKindRegistry = DEFAULT_STEP_KINDS) -> tuple[Runbook, ...]:
    return parse_runbooks(_read(Path(path)), source=str(path), kinds=kinds)


def load_runbook(path: str | Path, *, kinds: StepKindRegistry = DEFAULT_STEP_KINDS) -> Runbook:
    return parse_runbook(_read(Path(path)), source=str(path), kinds=kinds)


def load_runbook_dir(directory: str | Path, *, kinds: StepKindRegistry = DEFAULT_STEP_KINDS) -> tuple[Runbook, ...]:
    """Every runbook in the ``*.yml``/``*.yaml`` files of ``directory``, files in name order."""
    root = Path(directory)
    if not root.is_dir():
        raise NotFoundError("runbook directory", str(root))
    files = sorted(p for p in root.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
    return tuple(runbook for p in files for runbook in load_runbooks(p, kinds=kinds))


def runbooks_from_data(
    data: Any,
    *,
    source: str | None = None,
    kinds: StepKindRegistry = DEFAULT_STEP_KINDS,
    capabilities: Capabilities | None = None,
) -> tuple[Runbook, ...]:
    """Validate already-parsed data (one runbook mapping or a ``runbooks:`` mapping)."""
    if data is None:
        raise InvalidInputError("runbook", "the document is empty", source=source)
    if not isinstance(data, Mapping):
        raise InvalidInputError("runbook", f"must be a mapping, got {type(data).__name__}", source=source)
    try:
        if "runbooks" in data:
            models = RunbookFileSchema.model_validate(data).runbooks
            prefixes = [f"runbooks.{i}." for i in range(len(models))]
        else:
            models = [RunbookSchema.model_validate(data)]
            prefixes = [""]
    except ValidationError as exc:
        raise invalid_input_from(exc, source=source) from None
    runbooks = tuple(_build(model, source or "") for model in models)
    seen: set[str] = set()
    for runbook, prefix in zip(runbooks, prefixes, strict=True):
        if runbook.name in seen:
            raise InvalidInputError(f"{prefix}name", f"duplicate runbook name {runbook.name!r}", source=source)
        seen.add(runbook.name)
        _check_rules(runbook, kinds, prefix=prefix, source=source, capabilities=capabilities)
    return runbooks


def validate_runbook(
    runbook: Runbook, *, kinds: StepKindRegistry = DEFAULT_STEP_KINDS, capabilities: Capabilities | None = None
) -> Runbook:
    """Run a runbook built elsewhere through the same schema and rules as a file."""
    record = to_record(runbook)
    record.pop("source", None)
    (checked,) = runbooks_from_data(record, source=runbook.source or None, kinds=kinds, capabilities=capabilities)
    return checked


def _build(model: RunbookSchema, source: str) -> Runbook:
    steps = tuple(
        RunbookStep(
            name=s.name,
            kind=s.kind,
            action=s.action,
            timeout_seconds=s.timeout_seconds,
            role=s.role,
            on_failure=s.on_failure,
            params=s.params,
            description=s.description,
        )
        for s in model.steps
    )
    return Runbook(
        name=model.name,
        tier=model.tier,
        steps=steps,
        description=model.description,
        service=model.service,
        trigger=model.trigger,
        source=source,
    )


def _check_rules(
    runbook: Runbook,
    kinds: StepKindRegistry,
    *,
    prefix: str,
    source: str | None,
    capabilities: Capabilities | None = None,
) -> None:
    names: set[str] = set()
    for i, step in enumerate(runbook.steps):
        where = f"{prefix}steps.{i}"
        if step.name in names:
            raise InvalidInputError(f"{where}.name", f"duplicate step name {step.name!r}", source=source)
        names.add(step.name)
        if step.kind not in kinds:
            known = ", ".join(kinds.names)
            raise InvalidInputError(f"{where}.kind", f"unknown step kind {step.kind!r} (known: {known})", source=source)
        if runbook.tier in AUTONOMOUS_TIERS and kinds.get(step.kind).needs_approval:
            raise InvalidInputError(
                f"{where}.kind",
                f"{NO_APPROVAL_RULE}; step kind {step.kind!r} needs approval in a {runbook.tier.name} runbook",
                source=source,
            )
        kind = kinds.get(step.kind)
        if capabilities is not None and not capabilities.knows(kind, step.action):
            what = "verifier cannot check condition" if kind.names_condition else "action runner cannot perform"
            raise InvalidInputError(
                f"{where}.action",
                f"runbook {runbook.name!r}, step {step.name!r}: the {what} {step.action!r}"
                f" (known: {', '.join(capabilities.known(kind))})",
                source=source,
            )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError("runbook file", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError("path", f"cannot read runbook file: {exc}", source=str(path)) from None
