from __future__ import annotations

from pathlib import Path

import pytest

from aref.errors import InvalidInputError, NotFoundError
from aref.models import RecoveryTier
from aref.recovery.runbook import OnFailure, Runbook, RunbookStep
from aref.recovery.runbook_schema import (
    NO_APPROVAL_RULE,
    load_runbook,
    load_runbook_dir,
    load_runbooks,
    parse_runbook,
    parse_runbooks,
    validate_runbook,
)
from aref.recovery.step_kinds import DEFAULT_STEP_KINDS, StepKind, StepResult

REPO = Path(__file__).resolve().parents[3]

VALID = """
name: orders-t1
tier: t1
service: orders
trigger: orders error rate above 15%
steps:
  - name: page
    kind: automated
    action: notify.page
    timeout_seconds: 30
  - name: shift
    kind: automated
    action: adaptation.shift_traffic
    role: incident_commander
    timeout_seconds: 60.5
    on_failure: continue
    params: {weights: {a: 0, b: 100}}
  - name: check
    kind: verify
    action: metrics.error_rate_below
    timeout_seconds: 90
"""


def _refused(text: str, source: str = "bad.yml") -> InvalidInputError:
    with pytest.raises(InvalidInputError) as err:
        parse_runbooks(text, source=source)
    assert err.value.source == source
    return err.value


def test_a_valid_runbook_parses_into_frozen_data() -> None:
    rb = parse_runbook(VALID, source="orders.yml")
    assert (rb.name, rb.tier, rb.service, rb.source) == ("orders-t1", RecoveryTier.T1, "orders", "orders.yml")
    assert rb.trigger == "orders error rate above 15%"
    assert [s.name for s in rb.steps] == ["page", "shift", "check"]
    page, shift, _ = rb.steps
    assert page == RunbookStep("page", "automated", "notify.page", 30.0)
    assert (shift.role, shift.on_failure, shift.timeout_seconds) == ("incident_commander", OnFailure.CONTINUE, 60.5)
    assert shift.params == {"weights": {"a": 0, "b": 100}}


def test_several_runbooks_under_one_key() -> None:
    one_step = "{name: s, kind: automated, action: a, timeout_seconds: 5}"
    text = "runbooks:\n" + "".join(f"  - {{name: rb-{i}, tier: T{i}, steps: [{one_step}]}}\n" for i in range(2))
    found = parse_runbooks(text)
    assert [(r.name, r.tier) for r in found] == [("rb-0", RecoveryTier.T0), ("rb-1", RecoveryTier.T1)]
    with pytest.raises(InvalidInputError) as err:
        parse_runbook(text, source="two.yml")
    assert (err.value.field, err.value.reason) == ("runbooks", "expected exactly one runbook, found 2")


@pytest.mark.parametrize("value", ["0", "-5", "soon", "true", ".inf", "null"])
def test_a_bad_timeout_names_its_step(value: str) -> None:
    text = VALID.replace("timeout_seconds: 90", f"timeout_seconds: {value}")
    assert _refused(text).field == "steps.2.timeout_seconds"


def test_a_missing_timeout_names_its_step() -> None:
    err = _refused(VALID.replace("    timeout_seconds: 90\n", ""))
    assert (err.field, err.reason) == ("steps.2.timeout_seconds", "Field required")


def test_a_bad_timeout_in_a_multi_runbook_file_names_the_runbook() -> None:
    text = (
        "runbooks:\n  - name: a\n    tier: T0\n    steps:\n"
        "      - {name: s, kind: automated, action: x, timeout_seconds: 1}\n"
    )
    text += (
        "  - name: b\n    tier: T1\n    steps:\n      - {name: s, kind: automated, action: x, timeout_seconds: -1}\n"
    )
    err = _refused(text)
    assert (err.field, err.reason) == ("runbooks.1.steps.0.timeout_seconds", "Input should be greater than 0")


def test_an_unknown_step_kind_lists_the_known_kinds() -> None:
    err = _refused(VALID.replace("kind: verify", "kind: reboot"))
    assert err.field == "steps.2.kind"
    assert err.reason == "unknown step kind 'reboot' (known: automated, needs_approval, verify)"


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("name: x\ntier: T0\n", "steps", "Field required"),
        ("name: x\ntier: T0\nsteps: []\n", "steps", "List should have at least 1 item after validation, not 0"),
        ("tier: T0\nsteps: [{name: s, kind: automated, action: a, timeout_seconds: 1}]\n", "name", "Field required"),
        (
            "name: x\ntier: T9\nsteps: [{name: s, kind: automated, action: a, timeout_seconds: 1}]\n",
            "tier",
            "unknown tier 'T9' (known: T0, T1, T2, T3, T4)",
        ),
        (
            "name: x\ntier: T0\nsteps: [{name: s, kind: automated, action: a, timeout: 1}]\n",
            "steps.0.timeout_seconds",
            "Field required",
        ),
        (
            "name: x\ntier: T0\nsteps: [{name: s, kind: automated, action: a, timeout_seconds: 1, retry: 2}]\n",
            "steps.0.retry",
            "Extra inputs are not permitted",
        ),
        (
            "name: x\ntier: T0\nsteps: [{name: s, kind: automated, action: a, timeout_seconds: 1, on_failure: X}]\n",
            "steps.0.on_failure",
            "Input should be 'escalate', 'continue' or 'abort'",
        ),
        (
            "name: x\ntier: T0\nsteps: [{name: s, kind: automated, action: ' ', timeout_seconds: 1}]\n",
            "steps.0.action",
            "String should have at least 1 character",
        ),
        (
            "name: x\ntier: T0\nsteps: [{name: s, kind: automated, action: a, timeout_seconds: 1,"
            " params: {at: 2024-01-01}}]",
            "steps.0.params.at",
            "input was not a valid JSON value",
        ),
        ("", "runbook", "the document is empty"),
        ("- name: x\n", "runbook", "must be a mapping, got list"),
    ],
)
def test_schema_violations_name_the_field(text: str, field: str, reason: str) -> None:
    err = _refused(text)
    assert (err.field, err.reason) == (field, reason)


def test_malformed_yaml_is_refused_with_its_line() -> None:
    err = _refused("name: x\nsteps:\n  - name: [unclosed\n", source="broken.yml")
    assert err.field == "yaml"
    assert err.reason.startswith("malformed YAML at line 4")
    assert str(err).startswith("broken.yml: yaml: malformed YAML")


@pytest.mark.parametrize("tier", ["T0", "T1"])
def test_autonomous_tiers_refuse_approval_steps(tier: str) -> None:
    text = VALID.replace("tier: t1", f"tier: {tier}").replace("kind: verify", "kind: needs_approval")
    err = _refused(text)
    assert err.field == "steps.2.kind"
    assert err.reason.startswith(NO_APPROVAL_RULE)
    assert NO_APPROVAL_RULE == "T0 and T1 must execute without external dependencies or approvals"


def test_t2_may_wait_for_approval() -> None:
    text = VALID.replace("tier: t1", "tier: T2").replace("kind: verify", "kind: needs_approval")
    assert parse_runbook(text).steps[2].kind == "needs_approval"


def test_duplicate_names_are_refused() -> None:
    assert _refused(VALID.replace("name: shift", "name: page")).field == "steps.1.name"
    text = (
        "runbooks:\n"
        + "  - {name: a, tier: T0, steps: [{name: s, kind: automated, action: x, timeout_seconds: 1}]}\n" * 2
    )
    err = _refused(text)
    assert (err.field, err.reason) == ("runbooks.1.name", "duplicate runbook name 'a'")


def test_a_registered_kind_is_accepted_without_touching_the_schema() -> None:
    kinds = DEFAULT_STEP_KINDS.register(StepKind("reboot", False, lambda step, ctx, tools: StepResult.done()))
    assert parse_runbook(VALID.replace("kind: verify", "kind: reboot"), kinds=kinds).steps[2].kind == "reboot"


def test_load_runbook_reads_a_file_and_records_it_as_source(tmp_path: Path) -> None:
    path = tmp_path / "orders.yml"
    path.write_text(VALID)
    assert load_runbook(path).source == str(path)


def test_a_bad_file_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(VALID.replace("timeout_seconds: 30", "timeout_seconds: 0"))
    with pytest.raises(InvalidInputError) as err:
        load_runbook(path)
    assert (err.value.field, err.value.source) == ("steps.0.timeout_seconds", str(path))


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        load_runbook(tmp_path / "nope.yml")


def test_load_runbook_dir_reads_yaml_files_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(VALID.replace("orders-t1", "second"))
    (tmp_path / "a.yml").write_text(VALID.replace("orders-t1", "first"))
    (tmp_path / "notes.txt").write_text("not a runbook")
    assert [r.name for r in load_runbook_dir(tmp_path)] == ["first", "second"]
    with pytest.raises(NotFoundError):
        load_runbook_dir(tmp_path / "missing")


def test_validate_runbook_puts_built_runbooks_through_the_same_rules() -> None:
    bad_timeout = Runbook("x", RecoveryTier.T2, (RunbookStep("s", "automated", "a", 0),), source="code")
    with pytest.raises(InvalidInputError) as err:
        validate_runbook(bad_timeout)
    assert (err.value.field, err.value.source) == ("steps.0.timeout_seconds", "code")
    approval_in_t1 = Runbook("x", RecoveryTier.T1, (RunbookStep("s", "needs_approval", "a", 5),))
    with pytest.raises(InvalidInputError, match="T0 and T1 must execute without"):
        validate_runbook(approval_in_t1)
    good = Runbook("x", RecoveryTier.T2, (RunbookStep("s", "needs_approval", "a", 5, params={"k": [1]}),), source="c")
    assert validate_runbook(good) == good


def test_payment_failure_runbooks_load() -> None:
    t0, t1 = load_runbooks(REPO / "runbooks" / "payment_failure.yml")
    assert (t0.tier, t1.tier) == (RecoveryTier.T0, RecoveryTier.T1)
    assert t0.service == t1.service == "payments"
    assert t0.steps[0].kind == "verify"
    assert "adaptation.shift_traffic" in [s.action for s in t0.steps]
    assert not any(DEFAULT_STEP_KINDS.get(s.kind).needs_approval for s in (*t0.steps, *t1.steps))
