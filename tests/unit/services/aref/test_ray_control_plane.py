"""RayControlPlane's chaos stop and run-record methods over the chaos actor's own code (no Ray).

``_call`` is replaced by a direct call on a ``ChaosHere`` actor, so the test covers both sides
of the boundary: the arguments the plane sends and the envelopes the actor answers.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

from actors.options import CHAOS, EVOLUTION
from aref.config import ArefSettings
from aref.dashboard.control_plane import ControlPlane
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.records import to_record
from aref.store import Collection
from aref.testing import FakeClock
from chaos.loadgen import Profile, TrafficPlan
from chaos.loadgen_http import ORDERS_URL
from services.aref import ray_control_plane
from services.aref.ray_control_plane import RayControlPlane
from tests.unit.actors.chaos_here import ChaosHere
from tests.unit.actors.evolution_here import EvolutionHere
from tests.unit.actors.loadgen_here import URL, LoadGenHere

run = asyncio.run
T0 = 100.0


@pytest.fixture
def chaos(monkeypatch: pytest.MonkeyPatch) -> ChaosHere:
    actor = ChaosHere(FakeClock(T0))
    calls: list[str] = []

    async def call(name: str, method: str, *args: Any, **kwargs: Any) -> Any:
        assert name == CHAOS, f"only the chaos actor is needed here, not {name}"
        calls.append(method)
        return await getattr(actor, method)(*args, **kwargs)

    monkeypatch.setattr(ray_control_plane, "_call", call)
    actor.calls = calls  # type: ignore[attr-defined]
    return actor


@pytest.fixture
def plane(chaos: ChaosHere) -> RayControlPlane:
    settings = ArefSettings(api_token=None, ray_dashboard_url="http://127.0.0.1:8265")
    return RayControlPlane(settings, clock=chaos.clock)


def test_it_implements_every_protocol_method_with_the_same_parameters() -> None:
    for name, value in vars(ControlPlane).items():
        if inspect.iscoroutinefunction(value):
            implementation = getattr(RayControlPlane, name)
            assert inspect.iscoroutinefunction(implementation), name
            expected = list(inspect.signature(value).parameters.values())
            assert list(inspect.signature(implementation).parameters.values()) == expected, name


def test_stop_fault_rolls_back_that_fault_and_reports_it(plane: RayControlPlane, chaos: ChaosHere) -> None:
    first = run(plane.start_experiment("inventory_degradation"))
    second = run(plane.start_experiment("payment_provider_failure"))
    chaos.clock.advance(5)
    stopped = run(plane.stop_fault(first["fault_id"]))
    assert stopped == {
        **first,
        "remaining_s": 0.0,
        "state": "rolled_back",
        "ended_at": T0 + 5,
        "end_reason": "stopped by request",
    }
    status = run(plane.chaos_status())
    assert [f["fault_id"] for f in status["active"]] == [second["fault_id"]]
    assert [(f["fault_id"], f["experiment"], f["end_reason"]) for f in status["recent"]] == [
        (first["fault_id"], "inventory_degradation", "stopped by request")
    ]
    with pytest.raises(NotFoundError):
        run(plane.stop_fault(first["fault_id"]))


def test_run_records_go_to_the_chaos_actor_and_come_back_newest_first(plane: RayControlPlane, chaos: ChaosHere) -> None:
    assert run(plane.save_run({"id": "RUN-1", "passed": True})) == {"id": "RUN-1"}
    assert run(plane.save_run({"id": "RUN-2", "passed": False})) == {"id": "RUN-2"}
    assert run(plane.runs()) == [{"id": "RUN-2", "passed": False}, {"id": "RUN-1", "passed": True}]
    assert run(plane.runs(limit=1)) == [{"id": "RUN-2", "passed": False}]


def test_bad_records_and_limits_are_refused_before_the_actor_is_asked(plane: RayControlPlane, chaos: ChaosHere) -> None:
    with pytest.raises(InvalidInputError) as no_id:
        run(plane.save_run({"passed": True}))
    with pytest.raises(InvalidInputError) as bad_limit:
        run(plane.runs(limit=0))
    assert (no_id.value.field, bad_limit.value.field) == ("id", "limit")
    assert chaos.calls == []  # type: ignore[attr-defined]


@pytest.fixture
def evolution(monkeypatch: pytest.MonkeyPatch) -> EvolutionHere:
    actor = EvolutionHere(FakeClock(T0))
    calls: list[tuple[str, tuple[Any, ...]]] = []

    async def call(name: str, method: str, *args: Any, **kwargs: Any) -> Any:
        assert name == EVOLUTION, f"only the evolution actor is needed here, not {name}"
        calls.append((method, args))
        return await getattr(actor, method)(*args, **kwargs)

    monkeypatch.setattr(ray_control_plane, "_call", call)
    actor.calls = calls  # type: ignore[attr-defined]
    return actor


def test_seed_goes_to_the_evolution_actor_and_replies_with_what_it_added(evolution: EvolutionHere) -> None:
    settings = ArefSettings(api_token=None, ray_dashboard_url="http://127.0.0.1:8265")
    plane = RayControlPlane(settings, clock=evolution.clock)
    reply = run(plane.seed(3))
    assert (reply["incidents"], reply["reviews"]) == (3, 3)
    assert reply["action_items"] == len(evolution.store.list(Collection.ACTION_ITEMS))
    assert evolution.calls == [("seed", (3,))]  # type: ignore[attr-defined]
    with pytest.raises(InvalidInputError) as caught:
        run(plane.seed(101))
    assert caught.value.field == "incidents"
    assert evolution.calls == [("seed", (3,))]  # type: ignore[attr-defined]  # refused before the actor is asked


class LoadGenCalls:
    """``_call_loadgen`` over a ``LoadGenHere``: the actor exists once something created it."""

    def __init__(self, actor: LoadGenHere) -> None:
        self.actor = actor
        self.exists = False
        self.calls: list[tuple[str, tuple[Any, ...], bool]] = []

    async def __call__(self, method: str, *args: Any, create: bool = False) -> Any:
        self.calls.append((method, args, create))
        if not self.exists and not create:
            raise NotFoundError("actor", "loadgen")
        self.exists = True
        return await getattr(self.actor, method)(*args)


@pytest.fixture
def loadgen(monkeypatch: pytest.MonkeyPatch) -> LoadGenCalls:
    calls = LoadGenCalls(LoadGenHere(FakeClock(T0)))
    monkeypatch.setattr(ray_control_plane, "_call_loadgen", calls)
    return calls


def load_plane() -> RayControlPlane:
    return RayControlPlane(ArefSettings(api_token=None, ray_dashboard_url="http://127.0.0.1:8265"), clock=FakeClock(T0))


def test_without_the_loadgen_actor_status_and_stop_are_idle_and_create_nothing(loadgen: LoadGenCalls) -> None:
    plane = load_plane()
    status, stopped = run(plane.load_status()), run(plane.stop_load())
    assert status == stopped
    assert (status["running"], status["plan"], status["target"], status["stats"]["requests"]) == (
        False,
        None,
        ORDERS_URL,
        0,
    )
    assert loadgen.calls == [("status", (), False), ("stop", (), False)]
    assert loadgen.exists is False


def test_start_creates_the_actor_and_its_view_comes_back_unchanged(loadgen: LoadGenCalls) -> None:
    plane = load_plane()
    plan = TrafficPlan(Profile.SPIKE, rate_per_s=2, duration_s=3, spike_rate_per_s=4, spike_at_s=1, spike_s=1)

    async def scenario() -> tuple[dict[str, Any], ...]:
        started = await plane.start_load(plan)
        with pytest.raises(ConflictError):
            await plane.start_load(plan)
        await loadgen.actor.driver.wait()
        done = await plane.load_status()
        stopped = await plane.stop_load()
        return dict(started), dict(done), dict(stopped)

    started, done, stopped = run(scenario())
    assert loadgen.calls[0] == ("start", (to_record(plan),), True)
    assert [c[0] for c in loadgen.calls] == ["start", "start", "status", "stop"]
    assert (started["running"], started["target"], started["plan"]["profile"], started["plan"]["spike_at_s"]) == (
        True,
        URL,
        "spike",
        1.0,
    )
    orders = loadgen.actor.orders  # 2 in the first second, 4 in the burst, 2 in the last
    assert (orders, done["running"], done["sent"]) == (8, False, 8)
    assert done["stats"]["by_status"] == {"201": 6, "503": 2}
    assert (done["stats"]["errors"], done["stats"]["latency_p99_ms"]) == (2, 40.0)
    assert stopped == done
