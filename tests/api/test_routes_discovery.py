from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from xcatalog.registry import XRegistry


@pytest.mark.mongodb
def test_discovery_job_registers_every_collection(
    shop_client: TestClient, discovered: dict[str, Any], registry: XRegistry, admin: dict[str, str]
) -> None:
    assert discovered["resource"] == "shop"
    assert discovered["namespace"] == "live"
    assert sorted(discovered["registered"]) == ["ns.models.live.Customer", "ns.models.live.Product"]
    assert discovered["errors"] == []
    assert discovered["progress"] == {"done": 2, "total": 2, "current": "products"}
    assert "ns.models.live.Product" in registry.models
    models = shop_client.get("/api/registry/models", params={"source": "dynamic"}, headers=admin).json()
    assert sorted(model["path"] for model in models) == ["ns.models.live.Customer", "ns.models.live.Product"]
    jobs = shop_client.get("/api/discovery/jobs", headers=admin).json()
    assert [job["id"] for job in jobs] == [discovered["id"]]


@pytest.mark.mongodb
def test_a_collection_that_fails_is_reported_and_the_others_still_register(
    shop_client: TestClient, registry: XRegistry, admin: dict[str, str], wait_job: Any
) -> None:
    # The static ns.models.shop.Product of the fixture registry takes the path 'products' would get.
    started = shop_client.post(
        "/api/discovery/resources/shop/discover", params={"namespace": "shop"}, headers=admin
    ).json()
    assert started["status_url"] == f"/api/discovery/jobs/{started['job_id']}"
    job = wait_job(shop_client, started["job_id"], admin)
    assert job["status"] == "succeeded"
    assert job["registered"] == ["ns.models.shop.Customer"]
    assert [(error["collection"], error["stage"]) for error in job["errors"]] == [("products", "register")]
    assert "AlreadyRegistered" in job["errors"][0]["reason"]
    assert registry.models.get("ns.models.shop.Product").metadata.source.value == "static"


@pytest.mark.mongodb
def test_discovery_needs_an_admin_role(
    shop_client: TestClient, registry: XRegistry, analyst: dict[str, str], admin: dict[str, str]
) -> None:
    response = shop_client.post("/api/discovery/resources/shop/discover", headers=analyst)
    assert response.status_code == 403
    assert response.json()["detail"]["operation"] == "discover"
    assert shop_client.get("/api/discovery/jobs", headers=analyst).status_code == 403
    assert shop_client.get("/api/discovery/jobs", headers=admin).json() == []
    assert len(registry.models) == 2  # nothing was discovered


@pytest.mark.mongodb
def test_unknown_resource_is_404_listing_the_configured_ones(shop_client: TestClient, admin: dict[str, str]) -> None:
    response = shop_client.post("/api/discovery/resources/elsewhere/discover", headers=admin)
    assert response.status_code == 404
    assert response.json()["detail"]["available"] == ["shop"]


@pytest.mark.mongodb
@pytest.mark.parametrize("namespace", ["1bad", "a..b", "with space", "a.b-c"])
def test_namespace_must_be_dotted_identifiers(shop_client: TestClient, admin: dict[str, str], namespace: str) -> None:
    response = shop_client.post(
        "/api/discovery/resources/shop/discover", params={"namespace": namespace}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["detail"]["errors"][0]["loc"] == ["query", "namespace"]


@pytest.mark.mongodb
def test_unknown_job_is_404(shop_client: TestClient, admin: dict[str, str]) -> None:
    response = shop_client.get("/api/discovery/jobs/nope", headers=admin)
    assert response.status_code == 404
    assert response.json()["code"] == "not_registered"


# -- namespace search (no database) --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "functions", "models", "types"),
    [
        ("shop", [], ["ns.models.shop.Product"], []),
        ("math.*", ["ns.functions.math.add"], [], []),
        ("ns.*.constraint.*", [], [], ["ns.types.constraint.PositiveInt"]),
        ("hr", [], [], []),  # the analyst may neither see payroll_total nor list Salary
        ("nothing", [], [], []),
    ],
)
def test_namespace_search_as_analyst(
    client: TestClient,
    analyst: dict[str, str],
    pattern: str,
    functions: list[str],
    models: list[str],
    types: list[str],
) -> None:
    body = client.get(f"/api/discovery/namespace/{pattern}", headers=analyst).json()
    assert body == {"pattern": pattern, "functions": functions, "models": models, "types": types}


def test_namespace_search_as_admin_sees_more(client: TestClient, admin: dict[str, str]) -> None:
    body = client.get("/api/discovery/namespace/hr", headers=admin).json()
    assert body["functions"] == ["ns.functions.hr.payroll_total"]
    assert body["models"] == ["ns.models.hr.Salary"]


def test_namespace_search_needs_a_key(client: TestClient) -> None:
    assert client.get("/api/discovery/namespace/shop").status_code == 401
