from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from xcatalog.api import API_VERSION, ApiKeys, create_app
from xcatalog.errors import ConfigError
from xcatalog.registry import XRegistry
from xcatalog.resources import FrameResource
from xcatalog.store import LocalStore

SEED_PATHS = {
    "/api/registry/functions",
    "/api/registry/functions/{name}",
    "/api/registry/functions/{name}/execute",
    "/api/registry/models",
    "/api/registry/models/{name}",
    "/api/registry/models/{name}/schema",
    "/api/registry/models/{name}/ui-schema",
    "/api/registry/types",
    "/api/registry/types/{name}/validate",
    "/api/enrichment/models/{name}/enrichment",
    "/api/enrichment/models/{name}/suggestions/{field}",
    "/api/enrichment/models/{name}/statistics/{field}",
    "/api/enrichment/models/{name}/validate",
    "/api/enrichment/refresh/{name}",
    "/api/discovery/resources/{resource_name}/discover",
    "/api/discovery/namespace/{pattern}",
}


class RecordingFrames(FrameResource):
    """Frames that remember being closed."""

    closed_count = 0

    async def close(self) -> None:
        type(self).closed_count += 1
        await super().close()


@pytest.mark.parametrize("keys", [None, {}])
def test_create_app_needs_keys(keys: dict[str, str] | None) -> None:
    with pytest.raises(ConfigError, match="needs API keys"):
        create_app(XRegistry(), api_keys=keys)


def test_create_app_refuses_weak_keys() -> None:
    with pytest.raises(ConfigError, match="shorter than 16"):
        create_app(XRegistry(), api_keys={"abc": "admin"})


def test_create_app_takes_an_api_keys_object(api_keys: dict[str, str]) -> None:
    app = create_app(XRegistry(), api_keys=ApiKeys(api_keys))
    assert app.state.xcatalog.keys.roles == ["admin", "analyst"]


def test_every_seed_endpoint_is_served(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["info"]["version"] == API_VERSION
    assert set(document["paths"]) >= SEED_PATHS
    extra = set(document["paths"]) - SEED_PATHS
    assert extra == {"/api/discovery/jobs", "/api/discovery/jobs/{job_id}"}


def test_every_endpoint_declares_its_response_model(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            success = next(code for code in operation["responses"] if code.startswith("2"))
            content = operation["responses"][success].get("content", {}).get("application/json", {})
            assert content.get("schema"), f"{method.upper()} {path} has no response schema"
            assert "ErrorBody" in str(operation["responses"].get("404", operation["responses"].get("403", {})))


def test_two_apps_share_nothing(api_keys: dict[str, str]) -> None:
    first, second = create_app(XRegistry(), api_keys=api_keys), create_app(XRegistry(), api_keys=api_keys)
    assert first.state.xcatalog is not second.state.xcatalog
    assert first.state.xcatalog.jobs is not second.state.xcatalog.jobs


def _frames() -> dict[str, pd.DataFrame]:
    return {
        "orders": pd.DataFrame({"order_id": [1, 2, 3], "status": ["open", "paid", "open"]}),
        "users": pd.DataFrame({"user_id": [1, 2], "city": ["Oslo", "Lyon"]}),
    }


def _discover(client: TestClient, admin: dict[str, str], wait_job: Any, resource: str = "frames") -> dict[str, Any]:
    started = client.post(f"/api/discovery/resources/{resource}/discover", params={"namespace": "sales"}, headers=admin)
    assert started.status_code == 202, started.text
    job: dict[str, Any] = wait_job(client, started.json()["job_id"], admin)
    return job


def test_discovery_saves_the_registry_to_the_store_and_closes_resources(
    tmp_path: Path, registry: XRegistry, api_keys: dict[str, str], admin: dict[str, str], wait_job: Any
) -> None:
    RecordingFrames.closed_count = 0
    with LocalStore(tmp_path / "catalog.db") as store:
        app = create_app(registry, api_keys=api_keys, store=store, resources={"frames": RecordingFrames(_frames())})
        with TestClient(app) as client:
            job = _discover(client, admin, wait_job)
            assert job["status"] == "succeeded", job
            assert sorted(job["registered"]) == ["ns.models.sales.Order", "ns.models.sales.User"]
        saved = store.read_all().kind("models")
        assert {"ns.models.sales.Order", "ns.models.sales.User"} <= set(saved)
        assert "ns.models.sales.Order" in store.read_all().kind("enrichment")
    assert RecordingFrames.closed_count == 1  # the app closed its resource at shutdown


def test_discovery_uses_the_connected_resources_of_the_enriched_registry(
    registry: XRegistry, api_keys: dict[str, str], admin: dict[str, str], wait_job: Any
) -> None:
    registry.get_enriched().connected_resources["notebook"] = FrameResource(_frames(), name="notebook")
    with TestClient(create_app(registry, api_keys=api_keys)) as client:
        assert _discover(client, admin, wait_job, resource="notebook")["status"] == "succeeded"
    assert "ns.models.sales.User" in registry.models


def test_shutdown_stops_the_refresh_tasks_it_started(
    api_keys: dict[str, str], admin: dict[str, str], wait_job: Any
) -> None:
    registry = XRegistry()  # default settings: auto_refresh on
    app = create_app(registry, api_keys=api_keys, resources={"frames": FrameResource(_frames())})
    with TestClient(app) as client:
        _discover(client, admin, wait_job)
        assert registry.enriched is not None
        assert sorted(registry.enriched.scheduler.keys) == ["ns.models.sales.Order", "ns.models.sales.User"]
    assert registry.enriched.scheduler.keys == []
