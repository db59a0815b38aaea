"""Notifications as a Ray Serve application: the dispatcher behind HTTP routes and handle methods.

Routes (prefix ``/notifications``): POST /notifications/send, POST /notifications/batch,
GET|POST /notifications/shed-level, GET|POST /notifications/templates,
GET /notifications/history, GET /notifications/stats. Handle methods: ``send_notification``,
``send_batch`` (+ ``apply_faults``, ``whoami``, ``health``).

An error fault on this service hits delivery attempts (each retried with backoff); a message
that fails every attempt answers 502, a shed one 200, a delivered one 201. Shedding follows
the operator's level, the service's feature flags (pulled from adaptation) and its degradation
tier (pulled from absorption: reduced sheds ``low`` and stops retrying, minimal sheds ``normal``).
Adaptation's traffic weights for notifications route each message: ``backup`` sends it on its
channel's fallback (``policy.FALLBACK_CHANNEL``); the record names the route.
"""

import random
from collections.abc import Callable
from typing import Any, Literal

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from ray import serve
from ray.serve import Application

from aref.absorption.degradation import NOTIFICATION_RETRIES
from aref.errors import InvalidInputError
from services.base.admin import ADMIN
from services.base.checks import IDEMPOTENCY_KEY_PATTERN
from services.base.envelope import Envelope
from services.base.faults import FaultDraw
from services.base.replica import ServiceReplica, create_api, parse, respond
from services.notifications.dispatcher import Dispatcher
from services.notifications.policy import (
    SHED_BY_OPERATOR,
    Priority,
    RetryPolicy,
    flag_shed_level,
    is_shed,
    route_channel,
    shed_cause,
    tier_floor,
)

Channel = Literal["email", "sms", "push", "webhook"]
Level = Literal["low", "normal", "high", "critical"]


class NotificationsArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_attempts: int = Field(3, ge=1, le=10)
    base_delay_s: float = Field(0.5, ge=0, le=60)
    backoff_factor: float = Field(2.0, ge=1, le=10)
    max_delay_s: float = Field(30.0, ge=0, le=600)


class Send(BaseModel):
    channel: Channel = "email"
    recipient: str = Field(min_length=1, max_length=200)
    message: str | None = Field(None, min_length=1, max_length=2000)
    template: str | None = Field(None, min_length=1, max_length=64)
    params: dict[str, Any] = Field(default_factory=dict)
    priority: Level = "normal"
    order_id: str | None = Field(None, max_length=64)
    idempotency_key: str | None = Field(
        None, pattern=IDEMPOTENCY_KEY_PATTERN, description="a repeat answers the delivered or shed message, unsent"
    )


class Batch(BaseModel):
    messages: list[dict[str, Any]] = Field(min_length=1, max_length=500)


class ShedLevel(BaseModel):
    level: Level
    reason: str = Field("", max_length=200)


class Template(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    text: str = Field(min_length=1, max_length=2000)


api = create_api("AREF notifications")


@serve.deployment(name="notifications", ray_actor_options={"num_cpus": 0.05}, health_check_period_s=1)
@serve.ingress(api)
class NotificationsService(ServiceReplica):
    def __init__(self, args: dict[str, Any] | None = None, **replica: Any) -> None:
        """``replica``: the base's parts (settings, link, clock, store, identity) where Serve gives none (tests)."""
        options = NotificationsArgs.model_validate(args or {})
        super().__init__("notifications", **replica)
        retry = RetryPolicy(options.max_attempts, options.base_delay_s, options.backoff_factor, options.max_delay_s)
        self.dispatcher = Dispatcher(self.store, self.clock, retry)

    async def send_notification(self, payload: dict[str, Any]) -> dict[str, Any]:
        return (await self._send(payload)).to_dict()

    async def send_batch(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        return (await self._batch(messages)).to_dict()

    @api.post("/send")
    async def http_send(self, body: Send) -> JSONResponse:
        return respond(await self._send(body.model_dump()))

    @api.post("/batch")
    async def http_batch(self, body: Batch) -> JSONResponse:
        return respond(await self._batch(body.messages))

    @api.get("/shed-level")
    async def http_shed_level(self) -> JSONResponse:
        flags = self.runtime.control.flags
        return respond(
            await self.runtime.run(
                "shed_level", lambda _: self.dispatcher.shed_status(flags, tier_floor(self.runtime.control.feature_on))
            )
        )

    @api.post("/shed-level", tags=[ADMIN])
    async def http_set_shed_level(self, body: ShedLevel) -> JSONResponse:
        def set_level(_: object) -> dict[str, Any]:
            self.dispatcher.set_shed_level(body.level, reason=body.reason)
            return self.dispatcher.shed_status(self.runtime.control.flags, tier_floor(self.runtime.control.feature_on))

        return respond(await self.runtime.run("set_shed_level", set_level))

    @api.get("/templates")
    async def http_templates(self) -> JSONResponse:
        return respond(await self.runtime.run("templates", lambda _: {"templates": self.dispatcher.templates()}))

    @api.post("/templates", tags=[ADMIN])
    async def http_add_template(self, body: Template) -> JSONResponse:
        add = self.dispatcher.add_template
        return respond(await self.runtime.run("add_template", lambda _: add(body.name, body.text), status=201))

    @api.get("/history")
    async def http_history(
        self,
        channel: str | None = None,
        status: str | None = None,
        recipient: str | None = None,
        limit: int = Query(100, ge=1, le=1000),
    ) -> JSONResponse:
        def history(_: object) -> dict[str, Any]:
            found = self.dispatcher.history(channel=channel, status=status, recipient=recipient, limit=limit)
            return {"notifications": found, "count": len(found)}

        return respond(await self.runtime.run("history", history))

    @api.get("/stats")
    async def http_stats(self) -> JSONResponse:
        return respond(await self.runtime.run("notification_stats", lambda _: self.dispatcher.stats()))

    async def _send(self, payload: Any) -> Envelope:
        def send(draw: FaultDraw) -> Envelope:
            request = parse(Send, payload)
            earlier = self.dispatcher.replay(request.idempotency_key)
            if earlier is not None:
                return Envelope(200, earlier)  # sent (or shed) before: nothing sent, nothing counted again
            record = self.dispatcher.send(
                request.channel,
                request.recipient,
                message=request.message,
                template=request.template,
                params=request.params,
                priority=request.priority,
                order_id=request.order_id,
                flags=self.runtime.control.flags,
                attempt_fails=draw.fails,
                idempotency_key=request.idempotency_key,
                **self._controls(),
            )
            self._count_skipped(record)
            status = {"delivered": 201, "shed": 200}.get(record["status"], 502)
            body = (
                record
                if status != 502
                else {**record, "error": f"delivery failed after {len(record['attempts'])} attempts"}
            )
            return Envelope(status, body)

        return await self.runtime.run("send_notification", send, absorb_errors=True, shed_at_door=self._sheds(payload))

    def _sheds(self, payload: Any) -> Callable[[], bool]:
        """Whether the flags and tier in force shed this message (the operator's level is read later, in the work)."""

        def sheds() -> bool:
            priority = payload.get("priority", "normal") if isinstance(payload, dict) else "normal"
            try:
                rank = Priority.parse(str(priority))
            except InvalidInputError:  # refused by the work itself, with the field named
                return False
            floor = tier_floor(self.runtime.control.feature_on)
            return is_shed(rank, max(flag_shed_level(self.runtime.control.flags), floor, key=lambda p: p.rank))

        return sheds

    def _count_skipped(self, record: dict[str, Any]) -> None:
        """The replica's own count of work not done: a shed message by its cause, a retry the tier forbade."""
        tier = self._controls()
        if record["status"] == "shed":
            priority = Priority(record["priority"])
            manual = self.dispatcher.manual_level()
            cause = shed_cause(priority, manual, self.runtime.control.flags, tier["floor"])
            self.runtime.skip(cause or SHED_BY_OPERATOR)
        elif record["status"] == "failed" and not tier["retries"]:
            self.runtime.skip(NOTIFICATION_RETRIES)

    def _controls(self) -> dict[str, Any]:
        """What the controls in force allow: the shed floor and retries (the tier), the route (the weights)."""
        feature_on = self.runtime.control.feature_on
        floor: Priority = tier_floor(feature_on)
        traffic = dict(self.runtime.control.traffic)

        def route(channel: str) -> tuple[str, str]:
            return route_channel(channel, traffic, random.random())

        return {"floor": floor, "retries": feature_on(NOTIFICATION_RETRIES), "route": route}

    async def _batch(self, messages: Any) -> Envelope:
        def batch(draw: FaultDraw) -> dict[str, Any]:
            request = parse(Batch, {"messages": messages})
            flags = self.runtime.control.flags
            answer = self.dispatcher.send_batch(
                request.messages, flags=flags, attempt_fails=draw.fails, **self._controls()
            )
            for record in answer["results"]:
                if record["status"] != "invalid":
                    self._count_skipped(record)
            return answer

        return await self.runtime.run("send_batch", batch, absorb_errors=True)


def app(args: NotificationsArgs) -> Application:
    """Builder for serve_config.yaml: ``import_path: services.notifications.notifications_app:app``."""
    options = args if isinstance(args, NotificationsArgs) else NotificationsArgs.model_validate(args or {})
    application: Application = NotificationsService.bind(options.model_dump())  # type: ignore[attr-defined]
    return application
