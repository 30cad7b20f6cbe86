from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from xcatalog.registry import ModelPermission, XRegistry

pytestmark = pytest.mark.mongodb

PRODUCT = "ns.models.live.Product"
CUSTOMER = "ns.models.live.Customer"
OBJECT_ID = "65a1b2c3d4e5f6a7b8c9d0e1"


def test_enrichment_of_a_discovered_model(
    shop_client: TestClient, discovered: dict[str, Any], analyst: dict[str, str]
) -> None:
    response = shop_client.get(f"/api/enrichment/models/{PRODUCT}/enrichment", headers=analyst)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model_name"] == PRODUCT
    assert body["resource_name"] == "shop"
    assert body["collection"] == "products"
    assert body["total_count"] == 60
    assert 0 < len(body["sample_data"]) <= 10
    assert {value["value"] for value in body["categorical_fields"]["category"]["frequencies"]} == {
        "books",
        "games",
        "music",
    }
    assert body["is_live"] is False  # the fixture settings turn auto_refresh off


def test_sensitive_values_are_masked_without_read_sensitive(
    shop_client: TestClient,
    discovered: dict[str, Any],
    registry: XRegistry,
    admin: dict[str, str],
    analyst: dict[str, str],
) -> None:
    masked = shop_client.get(f"/api/enrichment/models/{CUSTOMER}/enrichment", headers=analyst).text
    assert "p***@example.com" in masked
    assert "person" not in masked
    registry.models.get(CUSTOMER).metadata.permissions["admin"] = {ModelPermission.READ, ModelPermission.READ_SENSITIVE}
    clear = shop_client.get(f"/api/enrichment/models/{CUSTOMER}/enrichment", headers=admin).json()
    emails = [row["email"] for row in clear["sample_data"]]
    assert emails and all(email.startswith("person") and email.endswith("@example.com") for email in emails)


@pytest.mark.parametrize(
    ("params", "expected_first"),
    [
        ({}, None),
        ({"prefix": "ga"}, "games"),
        ({"prefix": "MU"}, "music"),
        ({"limit": 1}, None),
    ],
)
def test_suggestions(
    shop_client: TestClient,
    discovered: dict[str, Any],
    analyst: dict[str, str],
    params: dict[str, Any],
    expected_first: str | None,
) -> None:
    response = shop_client.get(f"/api/enrichment/models/{PRODUCT}/suggestions/category", params=params, headers=analyst)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["field"] == "category"
    assert body["suggestions"] == [item["value"] for item in body["ranked"]]
    assert set(body["suggestions"]) <= {"books", "games", "music"}
    assert len(body["suggestions"]) == params.get("limit", 1 if "prefix" in params else 3)
    if expected_first:
        assert body["suggestions"][0] == expected_first


def test_suggestions_given_other_values_rank_co_occurrence_first(
    shop_client: TestClient, discovered: dict[str, Any], analyst: dict[str, str]
) -> None:
    # Books are all from FR, though DE is the more frequent country overall: the given value wins.
    given = json.dumps({"category": "books"})
    body = shop_client.get(
        f"/api/enrichment/models/{PRODUCT}/suggestions/country", params={"given": given}, headers=analyst
    ).json()
    assert body["suggestions"] == ["FR", "DE"]
    assert [item["source"] for item in body["ranked"]] == ["co-occurrence", "frequency"]
    plain = shop_client.get(f"/api/enrichment/models/{PRODUCT}/suggestions/country", headers=analyst).json()
    assert plain["suggestions"] == ["DE", "FR"]


@pytest.mark.parametrize("given", ["not json", "[1, 2]", "3"])
def test_suggestions_refuse_a_given_that_is_not_an_object(
    shop_client: TestClient, discovered: dict[str, Any], analyst: dict[str, str], given: str
) -> None:
    response = shop_client.get(
        f"/api/enrichment/models/{PRODUCT}/suggestions/country", params={"given": given}, headers=analyst
    )
    assert response.status_code == 422
    assert response.json()["detail"]["errors"][0]["loc"] == ["query", "given"]


def test_suggestions_for_an_unknown_field_are_404(
    shop_client: TestClient, discovered: dict[str, Any], analyst: dict[str, str]
) -> None:
    response = shop_client.get(f"/api/enrichment/models/{PRODUCT}/suggestions/colour", headers=analyst)
    assert response.status_code == 404
    assert "colour" in response.json()["message"]


def test_field_statistics(shop_client: TestClient, discovered: dict[str, Any], analyst: dict[str, str]) -> None:
    body = shop_client.get(f"/api/enrichment/models/{PRODUCT}/statistics/price", headers=analyst).json()
    assert body["path"] == "price"
    assert body["total_count"] == 60
    assert body["null_count"] == 0
    assert body["presence"] == 1.0
    missing = shop_client.get(f"/api/enrichment/models/{PRODUCT}/statistics/colour", headers=analyst)
    assert missing.status_code == 404
    assert "price" in missing.json()["message"]


@pytest.mark.parametrize(
    ("record", "valid"),
    [
        ({"_id": OBJECT_ID, "sku": "P999", "name": "New", "price": 1.5, "category": "books", "country": "FR"}, True),
        ({"_id": OBJECT_ID, "sku": "P999", "name": "New", "price": 1.5, "category": "toys", "country": "FR"}, False),
        (
            {"_id": OBJECT_ID, "sku": "P999", "name": "New", "price": "cheap", "category": "books", "country": "FR"},
            False,
        ),
    ],
)
def test_validate_grades_against_observed_values_and_inserts_nothing(
    shop_client: TestClient,
    discovered: dict[str, Any],
    mongo_db: Any,
    admin: dict[str, str],
    registry: XRegistry,
    record: dict[str, Any],
    valid: bool,
) -> None:
    registry.models.get(PRODUCT).metadata.permissions["admin"] = {ModelPermission.READ, ModelPermission.CREATE}
    response = shop_client.post(f"/api/enrichment/models/{PRODUCT}/validate", json=record, headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["valid"] is valid, body
    assert bool(body["errors"]) is not valid
    assert mongo_db.products.count_documents({}) == 60


def test_validate_needs_create(shop_client: TestClient, discovered: dict[str, Any], analyst: dict[str, str]) -> None:
    response = shop_client.post(f"/api/enrichment/models/{PRODUCT}/validate", json={"sku": "x"}, headers=analyst)
    assert response.status_code == 403
    assert response.json()["detail"]["operation"] == "create"


def test_refresh_needs_update_and_recomputes(
    shop_client: TestClient, discovered: dict[str, Any], mongo_db: Any, registry: XRegistry, admin: dict[str, str]
) -> None:
    denied = shop_client.post(f"/api/enrichment/refresh/{PRODUCT}", headers=admin)
    assert denied.status_code == 403
    registry.models.get(PRODUCT).metadata.permissions["admin"] = {ModelPermission.READ, ModelPermission.UPDATE}
    mongo_db.products.insert_one({"sku": "P100", "name": "Extra", "price": 2.0, "category": "games", "country": "FR"})
    response = shop_client.post(f"/api/enrichment/refresh/{PRODUCT}", headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["refreshed"] is True
    assert response.json()["total_count"] == 61
    assert registry.audit.events(action="refresh", role="admin")


def test_model_without_enrichment_is_404(client: TestClient, analyst: dict[str, str]) -> None:
    response = client.get("/api/enrichment/models/Product/enrichment", headers=analyst)
    assert response.status_code == 404
    assert response.json()["code"] == "enrichment_error"
    refresh = client.post("/api/enrichment/refresh/Salary", headers={"X-API-Key": "admin-key-0123456789abcdef"})
    assert refresh.status_code == 404  # admin holds update on Salary, but it was never enriched


def test_ambiguous_model_name_is_409(
    shop_client: TestClient, discovered: dict[str, Any], analyst: dict[str, str]
) -> None:
    response = shop_client.get("/api/enrichment/models/Product/enrichment", headers=analyst)
    assert response.status_code == 409
    assert response.json()["detail"]["candidates"] == ["ns.models.live.Product", "ns.models.shop.Product"]


def test_reading_enrichment_without_read_is_403(client: TestClient, analyst: dict[str, str]) -> None:
    response = client.get("/api/enrichment/models/Salary/statistics/amount", headers=analyst)
    assert response.status_code == 403
