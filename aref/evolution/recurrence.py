"""Fault signatures and recurrence matching.

A fault signature is ``service:detector:fault_kind``, each part lower-case with runs of other
characters folded to ``_`` (``"Payments:Error Rate:error"`` -> ``payments:error_rate:error``).
An incident is a recurrence when an incident with the same signature had its onset strictly
earlier (optionally within ``window_seconds``); the recurrence rate is the share of incidents
that are recurrences, in percent. A signature that names only the service (every other part
``unknown``) says nothing about the fault and never matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aref.errors import InvalidInputError
from aref.evolution.chain import ChainFacts
from aref.models import Incident

UNKNOWN = "unknown"
_FOLD = re.compile(r"[^a-z0-9]+")
_SEPARATORS = re.compile(r"[:/|]")


def _part(text: str) -> str:
    return _FOLD.sub("_", text.strip().lower()).strip("_")


def fault_signature(service: str, detector: str, fault_kind: str) -> str:
    """The signature of a fault; the detector (or metric) and kind default to ``unknown``."""
    name = _part(service)
    if not name:
        raise InvalidInputError("service", "must not be empty")
    return ":".join((name, _part(detector) or UNKNOWN, _part(fault_kind) or UNKNOWN))


def normalise_signature(raw: str) -> str:
    """Normalise a signature written by hand or by another pillar (``:``, ``/`` or ``|`` separated)."""
    parts = [p for p in (_part(s) for s in _SEPARATORS.split(raw)) if p]
    if not parts:
        raise InvalidInputError("fault_signature", "must name at least a service")
    return ":".join(parts)


def derive_signature(incident: Incident, facts: ChainFacts | None = None) -> str:
    """The incident's own signature when it has one, else service + first alert metric + fault kind.

    The fault kind is the injected fault type seen in the chain, else the anomaly class.
    """
    if incident.fault_signature.strip():
        return normalise_signature(incident.fault_signature)
    facts = facts or ChainFacts()
    detector = next(iter(facts.alert_metrics or facts.detectors), "")
    if not detector and incident.detection_class is not None:
        detector = incident.detection_class.value
    kind = next(iter(facts.fault_types), "")
    if not kind and incident.anomaly_class is not None:
        kind = incident.anomaly_class.value
    return fault_signature(incident.service, detector, kind)


def is_specific(signature: str) -> bool:
    """True when the signature names more than the service."""
    return any(part != UNKNOWN for part in signature.split(":")[1:])


@dataclass(frozen=True)
class Recurrence:
    incident_id: str
    signature: str
    previous_incident_ids: tuple[str, ...]


@dataclass(frozen=True)
class Pattern:
    """A signature and the incidents that share it, oldest first."""

    signature: str
    incident_ids: tuple[str, ...]
    first_seen: float
    last_seen: float

    @property
    def count(self) -> int:
        return len(self.incident_ids)


class RecurrenceMatcher:
    """Matches incidents by fault signature; stateless, the history is passed in."""

    def __init__(self, window_seconds: float | None = None) -> None:
        if window_seconds is not None and window_seconds <= 0:
            raise InvalidInputError("window_seconds", "must be > 0")
        self._window = window_seconds

    def match(self, incident: Incident, history: Iterable[Incident]) -> Recurrence | None:
        """The earlier incidents sharing ``incident``'s signature, oldest first; None when there are none."""
        signature = derive_signature(incident)
        if not is_specific(signature):
            return None
        earlier = sorted(
            (h for h in history if h.id != incident.id and self._precedes(h, incident)),
            key=lambda h: h.onset_at,
        )
        previous = tuple(dict.fromkeys(h.id for h in earlier if derive_signature(h) == signature))
        return Recurrence(incident.id, signature, previous) if previous else None

    def recurrence_rate(self, incidents: Sequence[Incident]) -> float | None:
        """Percent of ``incidents`` that recur an earlier one of them; None when there are none."""
        groups = self._groups(incidents)
        total = sum(len(g) for g in groups.values())
        if not total:
            return None
        recurring = sum(
            1
            for signature, group in groups.items()
            if is_specific(signature)
            for later in group
            if any(self._precedes(e, later) for e in group)
        )
        return recurring / total * 100.0

    def patterns(self, incidents: Sequence[Incident], min_occurrences: int = 2) -> tuple[Pattern, ...]:
        """Signatures shared by at least ``min_occurrences`` incidents, most frequent first."""
        if min_occurrences < 1:
            raise InvalidInputError("min_occurrences", "must be >= 1")
        found = [
            Pattern(sig, tuple(i.id for i in group), group[0].onset_at, group[-1].onset_at)
            for sig, group in self._groups(incidents).items()
            if len(group) >= min_occurrences and is_specific(sig)
        ]
        return tuple(sorted(found, key=lambda p: (-p.count, p.signature)))

    @staticmethod
    def _groups(incidents: Iterable[Incident]) -> dict[str, list[Incident]]:
        """Incidents (deduplicated by id) grouped by signature, each group ordered by onset."""
        groups: dict[str, list[Incident]] = {}
        for incident in sorted({i.id: i for i in incidents}.values(), key=lambda i: i.onset_at):
            groups.setdefault(derive_signature(incident), []).append(incident)
        return groups

    def _precedes(self, earlier: Incident, later: Incident) -> bool:
        if earlier.onset_at >= later.onset_at:
            return False
        return self._window is None or later.onset_at - earlier.onset_at <= self._window
