"""The default runbooks (T0: 5 automated steps, T1: 6 IC-led steps, T2: 5 engineering steps).

They ship as YAML package data in ``aref/recovery/runbooks/`` and are loaded through the
same schema as any user runbook, so they obey the same rules. ``configured_runbooks`` adds
the runbooks of ``RecoverySettings.runbook_dir`` (e.g. ``runbooks/payment_failure.yml``).
"""

from __future__ import annotations

from importlib.resources import files

from aref.config import RecoverySettings
from aref.recovery.runbook import Runbook
from aref.recovery.runbook_schema import load_runbook_dir, parse_runbooks
from aref.recovery.step_kinds import DEFAULT_STEP_KINDS, StepKindRegistry

PACKAGE_DIR = "runbooks"


def default_runbooks(kinds: StepKindRegistry = DEFAULT_STEP_KINDS) -> tuple[Runbook, ...]:
    """The built-in runbooks, files in name order."""
    root = files("aref.recovery").joinpath(PACKAGE_DIR)
    found = sorted((p for p in root.iterdir() if p.name.endswith((".yml", ".yaml"))), key=lambda p: p.name)
    return tuple(
        runbook
        for p in found
        for runbook in parse_runbooks(
            p.read_text(encoding="utf-8"), source=f"aref/recovery/{PACKAGE_DIR}/{p.name}", kinds=kinds
        )
    )


def configured_runbooks(
    settings: RecoverySettings, kinds: StepKindRegistry = DEFAULT_STEP_KINDS
) -> tuple[Runbook, ...]:
    """The defaults followed by every runbook in ``settings.runbook_dir``; just the defaults if
    that directory does not exist (the default ``runbooks`` is relative to the working directory)."""
    extra = load_runbook_dir(settings.runbook_dir, kinds=kinds) if settings.runbook_dir.is_dir() else ()
    return (*default_runbooks(kinds), *extra)
