"""The notification dispatcher: send (one or a batch), priority shedding, retries, templates, history.

A message below the effective shed level (``policy.effective_level``) is recorded as ``shed``
and never attempted. Otherwise it is attempted up to ``RetryPolicy.max_attempts`` times; each
attempt's fate is the caller's input (``attempt_fails(n)``, decided by the app from the fault
board) and its backoff is computed, so the dispatcher is deterministic and never sleeps.
Every message ends ``delivered``, ``failed`` or ``shed`` in collection ``notifications``.
The operator's shed level is shared by all replicas (collection ``notification_settings``).
A message sent with an idempotency key is recorded under an id derived from the key: a repeat
answers the delivered or shed record instead of sending again (a failed one is attempted again).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aref.clock import Clock
from aref.errors import InvalidInputError, NotFoundError
from aref.store import Store
from services.base import checks
from services.base.checks import DEFAULT_IDS, IdFactory
from services.notifications.policy import (
    BUILTIN_TEMPLATES,
    CHANNELS,
    Priority,
    RetryPolicy,
    effective_level,
    flag_shed_level,
    is_shed,
    placeholders,
    render,
)

NOTIFICATIONS = "notifications"
TEMPLATES = "notification_templates"
SETTINGS = "notification_settings"
STATUSES = ("delivered", "failed", "shed")


def keyed_id(idempotency_key: str) -> str:
    """The record id of the message sent with ``idempotency_key`` (the same on every replica)."""
    key = checks.idempotency_key("idempotency_key", idempotency_key)
    return "NTF-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def _final(record: Mapping[str, Any] | None) -> bool:
    return record is not None and record["status"] != "failed"


def _never(attempt: int) -> bool:
    return False


def _primary(channel: str) -> tuple[str, str]:
    return "primary", channel


class Dispatcher:
    def __init__(
        self, store: Store, clock: Clock, retry: RetryPolicy | None = None, ids: IdFactory = DEFAULT_IDS
    ) -> None:
        self._store = store
        self._clock = clock
        self.retry = retry or RetryPolicy()
        self._ids = ids

    def send(
        self,
        channel: str,
        recipient: str,
        *,
        message: str | None = None,
        template: str | None = None,
        params: Mapping[str, Any] | None = None,
        priority: str = "normal",
        order_id: str | None = None,
        flags: Mapping[str, bool] | None = None,
        attempt_fails: Callable[[int], bool] = _never,
        floor: Priority = Priority.LOW,
        retries: bool = True,
        route: Callable[[str], tuple[str, str]] = _primary,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Deliver one message (text, or a template with params); returns its record.

        ``floor`` and ``retries`` are what the degradation tier allows (``policy.tier_floor``);
        ``route`` maps the channel asked for to ``(route, channel used)`` (``policy.route_channel``)."""
        earlier = self.replay(idempotency_key)
        if earlier is not None:
            return earlier
        record_id = self._ids("NTF") if idempotency_key is None else keyed_id(idempotency_key)
        asked = checks.choice("channel", channel, CHANNELS)
        routed, kind = route(asked)
        to = checks.text("recipient", recipient)
        rank = Priority.parse(priority)
        body = self._body(message, template, params or {})
        level = max(effective_level(self.manual_level(), flags or {}), floor, key=lambda p: p.rank)
        attempts: list[dict[str, Any]] = []
        status = "shed"
        if not is_shed(rank, level):
            status = "failed"
            for n in range(1, (self.retry.max_attempts if retries else 1) + 1):
                ok = not attempt_fails(n)
                attempts.append({"attempt": n, "delay_s": self.retry.delay_before(n), "ok": ok})
                if ok:
                    status = "delivered"
                    break
        record: dict[str, Any] = {
            "id": record_id,
            "channel": kind,
            "route": routed,
            "recipient": to,
            "priority": rank.value,
            "template": template,
            "message": body,
            "order_id": order_id,
            "status": status,
            "shed_level": level.value,
            "attempts": attempts,
            "retries": max(0, len(attempts) - 1),
            "backoff_s": round(float(sum(a["delay_s"] for a in attempts)), 6),
            "at": self._clock.now(),
        }
        if idempotency_key is None:
            self._store.put(NOTIFICATIONS, record_id, record)
            return record
        stored = self._store.update(NOTIFICATIONS, record_id, lambda c: None if _final(c) else record)
        assert stored is not None
        return stored

    def replay(self, idempotency_key: str | None) -> dict[str, Any] | None:
        """The delivered or shed message an earlier send with ``idempotency_key`` recorded, if any."""
        if idempotency_key is None:
            return None
        earlier = self._store.get(NOTIFICATIONS, keyed_id(idempotency_key))
        return earlier if _final(earlier) else None

    def send_batch(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        flags: Mapping[str, bool] | None = None,
        attempt_fails: Callable[[int], bool] = _never,
        floor: Priority = Priority.LOW,
        retries: bool = True,
        route: Callable[[str], tuple[str, str]] = _primary,
    ) -> dict[str, Any]:
        """Send each message independently; an invalid one is reported, not fatal to the others."""
        if not messages:
            raise InvalidInputError("messages", "must not be empty")
        if len(messages) > 500:
            raise InvalidInputError("messages", "at most 500 per batch")
        results: list[dict[str, Any]] = []
        summary = dict.fromkeys((*STATUSES, "invalid"), 0)
        for i, item in enumerate(messages):
            try:
                record = self.send(
                    item.get("channel", ""),
                    item.get("recipient", ""),
                    message=item.get("message"),
                    template=item.get("template"),
                    params=item.get("params"),
                    priority=item.get("priority", "normal"),
                    order_id=item.get("order_id"),
                    flags=flags,
                    attempt_fails=attempt_fails,
                    floor=floor,
                    retries=retries,
                    route=route,
                )
            except (InvalidInputError, NotFoundError) as exc:
                field = exc.field if isinstance(exc, InvalidInputError) else exc.kind
                summary["invalid"] += 1
                results.append({"index": i, "status": "invalid", "field": f"messages.{i}.{field}", "error": str(exc)})
                continue
            summary[record["status"]] += 1
            results.append({"index": i, **record})
        return {"count": len(messages), "summary": summary, "results": results}

    def manual_level(self) -> Priority:
        saved = self._store.get(SETTINGS, "shed_level")
        return Priority.parse(saved["level"]) if saved else Priority.LOW

    def set_shed_level(self, level: str, *, reason: str = "") -> dict[str, Any]:
        """Set the operator's shed level (``low`` sheds nothing)."""
        wanted = Priority.parse(level, "level")
        self._store.put(SETTINGS, "shed_level", {"level": wanted.value, "reason": reason, "at": self._clock.now()})
        return self.shed_status({})

    def shed_status(self, flags: Mapping[str, bool], floor: Priority = Priority.LOW) -> dict[str, Any]:
        manual = self.manual_level()
        effective = max(effective_level(manual, flags), floor, key=lambda p: p.rank)
        return {
            "manual": manual.value,
            "from_flags": flag_shed_level(flags).value,
            "from_tier": floor.value,
            "effective": effective.value,
            "shed_priorities": [p.value for p in Priority if is_shed(p, effective)],
        }

    def templates(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {name: {"text": t, "builtin": True} for name, t in BUILTIN_TEMPLATES.items()}
        for saved in self._store.list(TEMPLATES):
            found[saved["name"]] = {"text": saved["text"], "builtin": False}
        return {name: {**t, "params": list(placeholders(t["text"]))} for name, t in found.items()}

    def add_template(self, name: str, text: str) -> dict[str, Any]:
        key = checks.text("name", name, max_length=64)
        if not key.isidentifier():
            raise InvalidInputError("name", "must be a plain identifier like order_shipped")
        if key in BUILTIN_TEMPLATES:
            raise InvalidInputError("name", f"{key!r} is a built-in template")
        body = checks.text("text", text, max_length=2000)
        placeholders(body)
        self._store.put(TEMPLATES, key, {"name": key, "text": body})
        return {"name": key, "text": body, "builtin": False, "params": list(placeholders(body))}

    def history(
        self, *, channel: str | None = None, status: str | None = None, recipient: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Sent messages, newest first."""
        where: dict[str, Any] = {}
        if channel is not None:
            where["channel"] = checks.choice("channel", channel, CHANNELS)
        if status is not None:
            where["status"] = checks.choice("status", status, STATUSES)
        if recipient is not None:
            where["recipient"] = recipient
        return self._store.list(NOTIFICATIONS, where=where)[-checks.limit(limit) :][::-1]

    def stats(self) -> dict[str, Any]:
        sent = self._store.list(NOTIFICATIONS)
        by_status = dict.fromkeys(STATUSES, 0)
        by_channel = dict.fromkeys(CHANNELS, 0)
        by_priority = {p.value: 0 for p in Priority}
        for record in sent:
            by_status[record["status"]] += 1
            by_channel[record["channel"]] += 1
            by_priority[record["priority"]] += 1
        attempted = by_status["delivered"] + by_status["failed"]
        return {
            "total": len(sent),
            "by_status": by_status,
            "by_channel": by_channel,
            "by_priority": by_priority,
            "delivery_rate": round(by_status["delivered"] / attempted, 4) if attempted else 1.0,
            "retries": sum(r["retries"] for r in sent),
            "manual_shed_level": self.manual_level().value,
        }

    def _body(self, message: str | None, template: str | None, params: Mapping[str, Any]) -> str:
        if (message is None) == (template is None):
            raise InvalidInputError("message", "give either a message or a template")
        if message is not None:
            return checks.text("message", message, max_length=2000)
        if not isinstance(params, Mapping):
            raise InvalidInputError("params", "must be an object")
        name = str(template)
        saved = self._store.get(TEMPLATES, name) if name not in BUILTIN_TEMPLATES else None
        text = BUILTIN_TEMPLATES.get(name) or (saved["text"] if saved else None)
        if text is None:
            raise NotFoundError("template", name)
        return render(text, params)
