"""The 6-step adaptation decision tree.

1. assess the signal (what breached, by how much, how severe);
2. classify the anomaly (transient / persistent / escalating, ``classify.py``);
3. determine the blast radius (the service and all its callers, ``context.blast_radius``) and
   which of those callers already alert on live traffic (``alerting``);
4. list the candidate strategies (every registered strategy whose ``applies`` is true);
5. pick the least-impact candidate (lowest ``impact``; ties keep registration order);
6. produce a frozen ``Decision`` with the planned actions and a rationale naming each step.

The tree never names a strategy: it orders whatever it is given (``DEFAULT_STRATEGIES``).
It only decides; the engine executes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aref.adaptation.actions import Action, Escalate
from aref.adaptation.classify import AnomalyClassifier
from aref.adaptation.context import DecisionContext, Scope, ServiceState, blast_radius
from aref.adaptation.history import AlertEntry
from aref.adaptation.signals import AlertSignal
from aref.adaptation.strategies import DEFAULT_STRATEGIES, EscalateToRecovery, Strategy
from aref.errors import InvalidInputError
from aref.events import Severity, new_id
from aref.models import AnomalyClass
from aref.topology import DEMO_TOPOLOGY, DependencyGraph


@dataclass(frozen=True)
class Decision:
    id: str
    service: str
    strategy: str
    impact: int
    anomaly_class: AnomalyClass
    actions: tuple[Action, ...]
    rationale: str
    alert_id: str
    severity: Severity
    scope: Scope
    candidates: tuple[str, ...]
    decided_at: float

    @property
    def escalation_reason(self) -> str | None:
        """Why the decision hands over to recovery; None when it does not."""
        return next((a.reason for a in self.actions if isinstance(a, Escalate)), None)

    @property
    def escalates(self) -> bool:
        return self.escalation_reason is not None

    def action_descriptions(self) -> list[str]:
        return [a.describe() for a in self.actions]


def spread(alerting_dependents: Sequence[str]) -> str:
    return f", alerting too: {', '.join(alerting_dependents)}" if alerting_dependents else ""


class DecisionTree:
    def __init__(
        self,
        graph: DependencyGraph = DEMO_TOPOLOGY,
        classifier: AnomalyClassifier | None = None,
        strategies: Sequence[Strategy] = DEFAULT_STRATEGIES,
    ) -> None:
        if not strategies:
            raise InvalidInputError("strategies", "must not be empty")
        names = [s.name for s in strategies]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise InvalidInputError("strategies", f"duplicate names {duplicates}")
        negative = [s.name for s in strategies if s.impact < 0]
        if negative:
            raise InvalidInputError("strategies", f"impact must be >= 0: {negative}")
        self.graph = graph
        self.classifier = classifier or AnomalyClassifier()
        self.strategies: tuple[Strategy, ...] = tuple(sorted(strategies, key=lambda s: s.impact))
        self._fallback = EscalateToRecovery()

    def decide(
        self,
        signal: AlertSignal,
        chain: Sequence[AlertEntry],
        state_of: Callable[[str], ServiceState],
        now: float,
        alerting: frozenset[str] = frozenset(),
    ) -> Decision:
        assessment = signal.describe()
        classification = self.classifier.classify(signal, chain, now)
        scope = blast_radius(self.graph, signal.service)
        ctx = DecisionContext(
            signal=signal,
            classification=classification,
            scope=scope,
            states={member: state_of(member) for member in scope.members},
            now=now,
            alerting=alerting,
        )
        candidates = [s for s in self.strategies if s.applies(ctx)]
        chosen: Strategy = candidates[0] if candidates else self._fallback
        actions = chosen.plan(ctx)
        listed = ", ".join(f"{s.name}({s.impact})" for s in candidates) or "none"
        rationale = (
            f"1 assess: {assessment}; "
            f"2 classify: {classification.anomaly_class.value} ({classification.reason}); "
            f"3 {scope.describe()}{spread(ctx.alerting_dependents)}; "
            f"4 candidates: {listed}; "
            f"5 chose {chosen.name}: {chosen.purpose}"
        )
        return Decision(
            id=new_id("ADP"),
            service=signal.service,
            strategy=chosen.name,
            impact=chosen.impact,
            anomaly_class=classification.anomaly_class,
            actions=actions,
            rationale=rationale,
            alert_id=signal.alert_id,
            severity=signal.severity,
            scope=scope,
            candidates=tuple(s.name for s in candidates),
            decided_at=now,
        )
