"""The actor factory without Ray: each service's public surface, forwarded through ``invoke``.

A shell is made with ``object.__new__`` (its ``__init__`` asks Ray for the runtime context) and
given a real service over the fake environment of the pillar tests.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

from actors.client import Failed, unwrap
from actors.shell import ActorShell, actor_class
from aref.control.host import HOST_ONLY, public_methods
from aref.control.pillar import PillarService
from aref.control.pillars.chaos import FAULTS, ChaosService, Injected
from aref.control.pillars.detection import DetectionService
from aref.control.registry import SERVICE_CLASSES
from aref.control.wiring import CHAOS, DETECTION
from aref.errors import ConflictError, NotFoundError
from aref.records import to_record
from aref.telemetry import ReplicaTelemetry
from chaos.faults import FaultSpec, FaultType
from tests.unit.control.pillars.env import T0, FakeEnvironment, RecordingFleet, pillar_settings

run = asyncio.run
SPEC = FaultSpec("payments", FaultType.ERROR, 0.5, 30.0)
SHELL_ONLY = {"host_info", "ping"}


def public_functions(cls: type) -> dict[str, bool]:
    """Every public function reachable on ``cls`` (its own and inherited): name -> async."""
    found = {}
    for name in dir(cls):
        member = inspect.getattr_static(cls, name)
        if not name.startswith("_") and inspect.isfunction(member):
            found[name] = inspect.iscoroutinefunction(member)
    return found


@pytest.mark.parametrize("name", list(SERVICE_CLASSES))
def test_public_methods_are_every_public_method_but_the_host_only_ones(name: str) -> None:
    cls = SERVICE_CLASSES[name]
    surface = public_methods(cls)
    assert surface == {m: is_async for m, is_async in public_functions(cls).items() if m not in HOST_ONLY}
    assert not set(surface) & HOST_ONLY
    assert set(public_functions(PillarService)) >= HOST_ONLY  # the host-only ones exist, kept out on purpose
    assert (surface["deliver"], surface["status"]) == (False, True)  # every service receives and reports


def test_the_surfaces_hold_what_callers_use() -> None:
    chaos, detection = public_methods(ChaosService), public_methods(DetectionService)
    assert {m: chaos[m] for m in ("inject", "stop", "stop_all", "save_run", "runs", "board")} == dict.fromkeys(
        ("inject", "stop", "stop_all", "save_run", "runs", "board"), True
    )
    assert (detection["ingest_telemetry"], detection["ack"]) == (False, True)
    assert "_push" not in chaos
    assert "on_events" not in public_methods(SERVICE_CLASSES["adaptation"])


@pytest.mark.parametrize("name", list(SERVICE_CLASSES))
def test_an_actor_class_forwards_each_public_method_as_a_coroutine(name: str) -> None:
    cls = actor_class(name)
    service = SERVICE_CLASSES[name]
    assert issubclass(cls, ActorShell)
    assert (cls.NAME, cls.__name__, cls.__module__) == (name, f"{service.__name__}Actor", "actors.shell")
    functions = public_functions(cls)
    assert set(functions) == set(public_methods(service)) | SHELL_ONLY
    assert all(functions.values())  # every one is a coroutine, sync service methods included
    for method in public_methods(service):
        assert cls.__dict__[method].__name__ == method
    assert not any(hasattr(cls, m) for m in HOST_ONLY)
    assert actor_class(name) is cls  # built once per name


def test_an_unknown_name_has_no_actor_class() -> None:
    with pytest.raises(KeyError):
        actor_class("billing")


def shell_of(name: str, env: FakeEnvironment) -> Any:
    """An actor of ``name`` without Ray: ``__init__`` skipped, the service built over ``env``."""
    shell = object.__new__(actor_class(name))
    shell.service = (
        ChaosService(env) if name == CHAOS else DetectionService(pillar_settings().detection, env)  # the two used here
    )
    return shell


def test_a_forwarded_call_returns_the_result_after_publishing_and_settling() -> None:
    env = FakeEnvironment()
    shell = shell_of(CHAOS, env)
    injected = run(shell.inject(SPEC, experiment="x"))
    assert isinstance(injected, Injected)
    assert (injected.record.experiment, injected.replicas_reached) == ("x", 1)
    assert env.published.topics() == ["chaos.fault_injected"]  # flushed before answering
    assert env.replicas.pushed == [("payments", (injected.record.fault.id,))]
    assert run(shell.runs()) == []
    assert run(shell.ping()) == CHAOS


def test_a_forwarded_sync_method_answers_through_a_coroutine_too() -> None:
    env = FakeEnvironment()
    shell = shell_of(DETECTION, env)
    record = to_record(ReplicaTelemetry("orders", "orders-1", T0, T0 + 1, 10, 0))
    assert run(shell.ingest_telemetry([record])) == 1
    shell.service.tick()
    assert run(shell.latest_samples())["orders"].requests == 10
    assert env.observed[0].rate_per_s == 10.0


def test_an_aref_error_is_answered_as_failed_with_its_fields() -> None:
    env = FakeEnvironment()
    shell = shell_of(CHAOS, env)
    reply = run(shell.stop("FLT-nope", "stopped by request"))
    assert isinstance(reply, Failed)
    assert (reply.error["type"], reply.error["kind"], reply.error["key"]) == ("NotFoundError", "fault", "FLT-nope")
    with pytest.raises(NotFoundError) as caught:
        unwrap(reply)
    assert (caught.value.kind, caught.value.key) == ("fault", "FLT-nope")


def test_a_refused_label_is_failed_and_keeps_nothing() -> None:
    env = FakeEnvironment()
    shell = shell_of(CHAOS, env)
    first = run(shell.inject(SPEC, experiment="x")).record.fault
    reply = run(shell.inject(SPEC, experiment="x"))
    assert isinstance(reply, Failed)
    with pytest.raises(ConflictError, match=first.id):
        unwrap(reply)
    assert [r["id"] for r in env.memory.list(FAULTS)] == [first.id]
    assert env.published.topics() == ["chaos.fault_injected"]


def test_what_a_failing_call_emitted_before_it_failed_is_still_published() -> None:
    env = FakeEnvironment(fleet=RecordingFleet(["orders"]))  # payments has no replicas to push to
    shell = shell_of(CHAOS, env)
    reply = run(shell.inject(SPEC))
    assert isinstance(reply, Failed)
    assert (reply.error["kind"], reply.error["key"]) == ("service", "payments")
    assert env.published.topics() == ["chaos.fault_injected"]  # flushed although the push failed


def test_an_error_that_is_not_arefs_is_raised_not_answered() -> None:
    shell = shell_of(CHAOS, FakeEnvironment())
    with pytest.raises(TypeError):
        run(shell.inject())
