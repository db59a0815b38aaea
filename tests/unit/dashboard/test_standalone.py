"""The standalone factory serves the API over the local engines."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aref.dashboard.standalone import app
from tests.unit.dashboard.conftest import make_settings


def test_the_factory_builds_a_working_app_from_settings(tmp_path: Path) -> None:
    client = TestClient(app(make_settings(store="sqlite", data_dir=tmp_path)))
    assert client.get("/api/aref/status").status_code == 200
    assert client.post("/api/aref/services/orders/scale", json={"replicas": 2}).json()["running"] == 2
    assert (tmp_path / "aref.sqlite3").exists()


def test_without_settings_it_reads_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AREF_STORE", "memory")
    monkeypatch.setenv("AREF_API_TOKEN", "from-env")
    monkeypatch.setenv("AREF_DATA_DIR", str(tmp_path))
    client = TestClient(app())
    assert client.post("/api/aref/chaos/stop").status_code == 401
    assert client.post("/api/aref/chaos/stop", headers={"Authorization": "Bearer from-env"}).status_code == 200


def test_the_log_level_setting_takes_effect(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", root.level)  # restored after the test
    app(make_settings(store="memory", log_level="debug"))
    assert root.level == logging.DEBUG
    app(make_settings(store="memory", log_level="WARNING"))
    assert root.level == logging.WARNING
