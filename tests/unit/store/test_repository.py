"""Repository (aref/store/repository.py): typed models over any Store."""

from __future__ import annotations

import dataclasses

import pytest

from aref.errors import NotFoundError
from aref.models import Incident, IncidentSeverity, IncidentStatus, RecoveryTier, TimelineEntry
from aref.store import Collection, Repository, Store


def make(n: int, service: str, severity: IncidentSeverity = IncidentSeverity.SEV3) -> Incident:
    return Incident(f"INC-{n}", f"incident {n}", service, severity, onset_at=float(n), correlation_id=f"c-{n}")


@pytest.fixture
def repo(store: Store) -> Repository[Incident]:
    return Repository(store, Collection.INCIDENTS, Incident)


def test_save_returns_the_item_and_find_rebuilds_it(repo: Repository[Incident], store: Store) -> None:
    item = make(1, "api").note(5.0, "page", "on-call paged")
    assert repo.save(item) is item
    found = repo.find("INC-1")
    assert found == item
    assert found is not None
    assert found.timeline == (TimelineEntry(5.0, "page", "on-call paged"),)
    assert store.get(Collection.INCIDENTS, "INC-1") == {
        "id": "INC-1", "title": "incident 1", "service": "api", "severity": "sev3", "onset_at": 1.0,
        "correlation_id": "c-1", "status": "detected", "detected_at": None, "resolved_at": None,
        "detection_class": None, "anomaly_class": None, "recovery_tier": None, "fault_signature": "",
        "timeline": [{"at": 5.0, "kind": "page", "detail": "on-call paged"}], "onset_witness": "breaching_sample",
    }  # fmt: skip


def test_find_of_an_unknown_key_is_none(repo: Repository[Incident]) -> None:
    assert repo.find("INC-404") is None


def test_require_raises_not_found_naming_kind_and_key(repo: Repository[Incident]) -> None:
    repo.save(make(1, "api"))
    assert repo.require("INC-1") == make(1, "api")
    with pytest.raises(NotFoundError) as err:
        repo.require("INC-404")
    assert (err.value.kind, err.value.key) == ("incident", "INC-404")


def test_saving_again_replaces_in_place(repo: Repository[Incident]) -> None:
    for n in (1, 2, 3):
        repo.save(make(n, "api"))
    resolved = make(1, "api").advance(IncidentStatus.RESOLVED, 9.0)
    repo.save(resolved)
    assert [i.id for i in repo.all()] == ["INC-1", "INC-2", "INC-3"]
    assert repo.require("INC-1") == resolved


def test_all_and_where_filter_on_stored_values_and_enums(repo: Repository[Incident]) -> None:
    repo.save(make(1, "api", IncidentSeverity.SEV1))
    repo.save(make(2, "db", IncidentSeverity.SEV1))
    repo.save(make(3, "api", IncidentSeverity.SEV2))
    repo.save(dataclasses.replace(make(4, "api", IncidentSeverity.SEV1), recovery_tier=RecoveryTier.T2))
    assert [i.id for i in repo.all()] == ["INC-1", "INC-2", "INC-3", "INC-4"]
    assert [i.id for i in repo.all(service="api")] == ["INC-1", "INC-3", "INC-4"]
    assert [i.id for i in repo.all(service="api", severity=IncidentSeverity.SEV1)] == ["INC-1", "INC-4"]
    assert [i.id for i in repo.all(severity="sev1", recovery_tier=RecoveryTier.T2)] == ["INC-4"]
    assert [i.id for i in repo.where({"recovery_tier": None, "service": "api"})] == ["INC-1", "INC-3"]
    assert repo.all(service="web") == []


def test_delete_removes_only_the_named_item(repo: Repository[Incident]) -> None:
    repo.save(make(1, "api"))
    repo.save(make(2, "api"))
    assert repo.delete("INC-1") is True
    assert repo.delete("INC-1") is False
    assert repo.find("INC-1") is None
    assert [i.id for i in repo.all()] == ["INC-2"]


def test_a_custom_key_function_decides_the_key(store: Store) -> None:
    by_service = Repository(store, Collection.INCIDENTS, Incident, key_of=lambda i: i.service)
    by_service.save(make(1, "api"))
    by_service.save(make(2, "api"))
    assert by_service.require("api") == make(2, "api")
    assert store.get(Collection.INCIDENTS, "INC-1") is None
