"""The actor client without Ray: ``unwrap``, ``Reply`` over a fake object ref, ``ActorClient`` over a fake handle."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

from actors import client as client_module
from actors.client import ActorClient, Failed, Reply, client, unwrap
from actors.options import NAMESPACE
from aref.control.pillars.chaos import ChaosService
from aref.errors import ArefError, ConflictError, InvalidInputError, NotFoundError, error_to_dict

run = asyncio.run


class FakeRef:
    """What ``.remote()`` answers: awaitable once, after one suspension, with a value or an error."""

    def __init__(self, value: Any = None, error: Exception | None = None) -> None:
        self.value = value
        self.error = error

    def __await__(self) -> Generator[Any, None, Any]:
        yield from asyncio.sleep(0).__await__()
        if self.error is not None:
            raise self.error
        return self.value


class FakeMethod:
    def __init__(self, handle: FakeHandle, name: str) -> None:
        self._handle = handle
        self._name = name

    def remote(self, *args: Any, **kwargs: Any) -> FakeRef:
        self._handle.calls.append((self._name, args, kwargs))
        if self._handle.refuse is not None:
            raise self._handle.refuse
        return self._handle.answers.pop(0)


class FakeHandle:
    def __init__(self, *answers: FakeRef) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.refuse: Exception | None = None

    def __getattr__(self, name: str) -> FakeMethod:
        return FakeMethod(self, name)


class FakeRay:
    """``ray.get_actor`` over a dict of live actors (a missing one is Ray's ValueError)."""

    def __init__(self, **actors: FakeHandle) -> None:
        self.actors = actors
        self.lookups: list[tuple[str, str]] = []

    def get_actor(self, name: str, namespace: str) -> FakeHandle:
        self.lookups.append((name, namespace))
        if name not in self.actors:
            raise ValueError(f"Failed to look up actor with name '{name}'")
        return self.actors[name]


@pytest.fixture
def fake_ray(monkeypatch: pytest.MonkeyPatch) -> FakeRay:
    fake = FakeRay()
    monkeypatch.setattr(client_module.ray, "get_actor", fake.get_actor)
    return fake


def test_unwrap_raises_the_aref_error_of_a_failed_reply_with_its_fields() -> None:
    with pytest.raises(InvalidInputError) as invalid:
        unwrap(Failed(error_to_dict(InvalidInputError("replicas", "must be 1..4", source="scale.yaml"))))
    assert (invalid.value.field, invalid.value.reason, invalid.value.source) == (
        "replicas",
        "must be 1..4",
        "scale.yaml",
    )
    with pytest.raises(NotFoundError) as missing:
        unwrap(Failed(error_to_dict(NotFoundError("fault", "FLT-1"))))
    assert (missing.value.kind, missing.value.key) == ("fault", "FLT-1")
    with pytest.raises(ConflictError) as conflict:
        unwrap(Failed(error_to_dict(ConflictError("experiment x is already running"))))
    assert str(conflict.value) == "experiment x is already running"
    with pytest.raises(ArefError) as other:
        unwrap(Failed({"type": "SomethingElse", "message": "odd"}))
    assert (type(other.value), str(other.value)) == (ArefError, "odd")


def test_unwrap_passes_any_other_value_unchanged() -> None:
    record = {"error": {"type": "NotFoundError"}}  # a plain dict is a result, however it looks
    for value in (None, 0, "ok", record, [Failed({})]):
        assert unwrap(value) is value


def test_a_reply_awaits_its_ref_and_unwraps_the_answer() -> None:
    failures: list[str] = []
    assert run(_await(Reply(FakeRef({"id": "RUN-1"}), lambda: failures.append("x")))) == {"id": "RUN-1"}
    with pytest.raises(NotFoundError):  # the service refused: the actor is fine, no new lookup
        run(_await(Reply(FakeRef(Failed(error_to_dict(NotFoundError("fault", "F")))), lambda: failures.append("x"))))
    assert failures == []


def test_a_reply_whose_ref_raises_calls_on_failure_and_raises_again() -> None:
    failures: list[str] = []
    dead = RuntimeError("the actor died")
    with pytest.raises(RuntimeError) as caught:
        run(_await(Reply(FakeRef(error=dead), lambda: failures.append("forget"))))
    assert caught.value is dead
    assert failures == ["forget"]


async def _await(reply: Reply) -> Any:
    return await reply


def test_a_call_is_sent_to_the_named_actor_and_the_handle_kept(fake_ray: FakeRay) -> None:
    handle = fake_ray.actors["chaos"] = FakeHandle(FakeRef(3), FakeRef([]))
    chaos = ActorClient("chaos")
    assert run(_await(chaos.version())) == 3
    assert run(_await(chaos.runs(limit=5))) == []
    assert handle.calls == [("version", (), {}), ("runs", (), {"limit": 5})]
    assert fake_ray.lookups == [("chaos", NAMESPACE)]  # looked up once, lazily


def test_a_missing_actor_is_not_found_and_not_asked_for_again_too_soon(fake_ray: FakeRay) -> None:
    chaos = ActorClient("chaos", namespace="elsewhere", retry_lookup_s=3600.0)
    for _ in range(2):
        with pytest.raises(NotFoundError) as caught:
            chaos.version()
        assert (caught.value.kind, caught.value.key) == ("actor", "chaos")
    assert fake_ray.lookups == [("chaos", "elsewhere")]


def test_without_a_retry_delay_a_missing_actor_is_looked_up_at_every_call(fake_ray: FakeRay) -> None:
    chaos = ActorClient("chaos")
    with pytest.raises(NotFoundError):
        chaos.version()
    fake_ray.actors["chaos"] = FakeHandle(FakeRef(7))
    assert run(_await(chaos.version())) == 7
    assert len(fake_ray.lookups) == 2


def test_a_failed_call_forgets_the_handle_so_a_restarted_actor_is_found(fake_ray: FakeRay) -> None:
    first = fake_ray.actors["chaos"] = FakeHandle(FakeRef(error=RuntimeError("died")))
    chaos = ActorClient("chaos")
    with pytest.raises(RuntimeError):
        run(_await(chaos.version()))
    fake_ray.actors["chaos"] = FakeHandle(FakeRef(8))  # Ray restarted it
    assert run(_await(chaos.version())) == 8
    first.refuse = RuntimeError("no such method")
    fake_ray.actors["chaos"] = first
    chaos.forget()
    with pytest.raises(RuntimeError):  # sending failed: forgotten as well
        chaos.version()
    first.refuse = None
    first.answers.append(FakeRef(9))
    assert run(_await(chaos.version())) == 9
    assert len(fake_ray.lookups) == 4  # looked up again after each failure


def test_private_names_are_not_calls_and_client_is_typed_as_the_service() -> None:
    chaos = client(ChaosService, "chaos")
    assert isinstance(chaos, ActorClient)
    assert chaos.name == "chaos"
    with pytest.raises(AttributeError):
        chaos._push  # noqa: B018
