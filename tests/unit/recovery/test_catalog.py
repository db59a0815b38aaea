from __future__ import annotations

import pytest

from aref.errors import InvalidInputError, NotFoundError
from aref.models import RecoveryTier
from aref.recovery.catalog import RunbookCatalog
from aref.recovery.runbook import Runbook, RunbookStep
from tests.unit.recovery.fakes import runbook, step

GENERIC_T0 = runbook("T0", [step("a")], name="generic-t0")
PAYMENTS_T0 = runbook("T0", [step("a")], name="payments-t0", service="payments")
GENERIC_T1 = runbook("T1", [step("a")], name="generic-t1")


def test_a_service_runbook_wins_over_a_generic_one() -> None:
    catalog = RunbookCatalog([GENERIC_T0, PAYMENTS_T0, GENERIC_T1])
    assert catalog.for_tier(RecoveryTier.T0, "payments") == PAYMENTS_T0
    assert catalog.for_tier(RecoveryTier.T0, "orders") == GENERIC_T0
    assert catalog.for_tier(RecoveryTier.T1, "payments") == GENERIC_T1
    assert catalog.for_tier(RecoveryTier.T2, "payments") is None


def test_another_services_runbook_never_applies() -> None:
    catalog = RunbookCatalog([PAYMENTS_T0])
    assert catalog.for_tier(RecoveryTier.T0, "orders") is None


def test_first_registered_wins_among_equals() -> None:
    other = runbook("T0", [step("b")], name="other-t0")
    assert RunbookCatalog([GENERIC_T0, other]).for_tier(RecoveryTier.T0, "x") == GENERIC_T0
    assert RunbookCatalog([other, GENERIC_T0]).for_tier(RecoveryTier.T0, "x") == other


def test_names_must_be_unique() -> None:
    with pytest.raises(InvalidInputError) as err:
        RunbookCatalog([GENERIC_T0, GENERIC_T0])
    assert (err.value.field, err.value.reason) == ("runbooks", "duplicate runbook name 'generic-t0'")


def test_runbooks_built_in_code_are_validated_too() -> None:
    sneaky = Runbook("sneaky", RecoveryTier.T0, (RunbookStep("ask", "needs_approval", "x", 5),))
    with pytest.raises(InvalidInputError) as err:
        RunbookCatalog([sneaky])
    assert err.value.field == "steps.0.kind"


def test_lookup_and_summary() -> None:
    catalog = RunbookCatalog([GENERIC_T0, PAYMENTS_T0])
    assert len(catalog) == 2
    assert catalog.get("payments-t0") == PAYMENTS_T0
    assert [r["name"] for r in catalog.summary()] == ["generic-t0", "payments-t0"]
    assert [r.name for r in catalog] == ["generic-t0", "payments-t0"]
    with pytest.raises(NotFoundError):
        catalog.get("nope")
