from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from xcatalog.registry import XRegistry


def _paths(items: list[dict[str, Any]]) -> list[str]:
    return [item["path"] for item in items]


# -- functions -----------------------------------------------------------------------------------------------------
def test_list_functions_shows_only_what_the_role_holds_a_permission_on(
    client: TestClient, admin: dict[str, str], analyst: dict[str, str]
) -> None:
    as_admin = client.get("/api/registry/functions", headers=admin)
    as_analyst = client.get("/api/registry/functions", headers=analyst)
    assert as_admin.status_code == as_analyst.status_code == 200
    assert "ns.functions.hr.payroll_total" in _paths(as_admin.json())
    assert "ns.functions.hr.payroll_total" not in _paths(as_analyst.json())
    assert "ns.functions.math.add" in _paths(as_analyst.json())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"namespace": "math.*"}, ["ns.functions.math.add"]),
        ({"tag": "math"}, ["ns.functions.math.add"]),
        ({"namespace": "ns.functions.text.*"}, ["ns.functions.text.greet"]),
        ({"namespace": "nothing.*"}, []),
    ],
)
def test_list_functions_filters(
    client: TestClient, analyst: dict[str, str], query: dict[str, str], expected: list[str]
) -> None:
    response = client.get("/api/registry/functions", params=query, headers=analyst)
    assert _paths(response.json()) == expected


def test_get_function_gives_the_seed_fields(client: TestClient, analyst: dict[str, str]) -> None:
    body = client.get("/api/registry/functions/add", headers=analyst).json()
    assert body["name"] == "add"
    assert body["namespace"] == "math"
    assert body["path"] == "ns.functions.math.add"
    assert body["signature"] == "(a: int, b: int = 1) -> int"
    assert body["permissions"] == {"*": ["execute"]}
    assert body["docstring"] == "Add two integers."


def test_get_function_of_another_role_is_403(client: TestClient, analyst: dict[str, str]) -> None:
    response = client.get("/api/registry/functions/payroll_total", headers=analyst)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_unknown_function_is_404_listing_names(client: TestClient, analyst: dict[str, str]) -> None:
    response = client.get("/api/registry/functions/sub", headers=analyst)
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_registered"
    assert "add" in body["detail"]["available"]
    assert "sub" in body["message"]


def test_ambiguous_name_is_409_with_candidates(
    registry: XRegistry, client: TestClient, analyst: dict[str, str]
) -> None:
    registry.functions.register(lambda a, b: a - b, name="add", namespace="other")
    response = client.get("/api/registry/functions/add", headers=analyst)
    assert response.status_code == 409
    assert response.json()["detail"]["candidates"] == ["ns.functions.math.add", "ns.functions.other.add"]


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("add", {"args": [2, 3]}, 5),
        ("add", {"args": ["2"]}, 3),  # coerced by the signature's annotations
        ("add", {"kwargs": {"a": 4, "b": 4}}, 8),
        ("greet", {"args": ["Ana"], "kwargs": {"punctuation": "?"}}, "Hello, Ana?"),
        ("ns.functions.math.add", {"args": [1]}, 2),
    ],
)
def test_execute_runs_registered_functions(
    client: TestClient, analyst: dict[str, str], name: str, body: dict[str, Any], expected: Any
) -> None:
    response = client.post(f"/api/registry/functions/{name}/execute", json=body, headers=analyst)
    assert response.status_code == 200, response.text
    assert response.json()["result"] == expected
    assert response.json()["duration"] >= 0


def test_execute_counts_and_audits_the_call(registry: XRegistry, client: TestClient, analyst: dict[str, str]) -> None:
    client.post("/api/registry/functions/add/execute", json={"args": [1, 1]}, headers=analyst)
    assert registry.functions["add"].call_count == 1
    events = registry.audit.events(action="execute", path="ns.functions.math.add")
    assert [(event.role, event.allowed) for event in events] == [("analyst", True)]


@pytest.mark.parametrize(
    ("body", "loc", "error_type"),
    [
        ({"args": ["x"]}, ["args", 0], "int_parsing"),
        ({"kwargs": {"a": 1, "c": 2}}, ["kwargs", "c"], "unexpected_keyword_argument"),
        ({"args": [1, 2, 3]}, ["args", 2], "too_many_positional"),
        ({"kwargs": {}}, ["kwargs", "a"], "missing"),
        ({"args": [1], "kwargs": {"a": 1}}, ["kwargs", "a"], "multiple_values"),
    ],
)
def test_execute_rejects_arguments_that_do_not_fit_the_signature(
    registry: XRegistry,
    client: TestClient,
    analyst: dict[str, str],
    body: dict[str, Any],
    loc: list[Any],
    error_type: str,
) -> None:
    response = client.post("/api/registry/functions/add/execute", json=body, headers=analyst)
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "validation_failed"
    assert {"loc": loc, "type": error_type} in [
        {"loc": error["loc"], "type": error["type"]} for error in payload["detail"]["errors"]
    ]
    assert registry.functions["add"].call_count == 0  # nothing ran


def test_execute_refuses_a_role_field_in_the_body(client: TestClient, analyst: dict[str, str]) -> None:
    body = {"args": [[1.0]], "role": "admin", "user_role": "admin"}
    response = client.post("/api/registry/functions/payroll_total/execute", json=body, headers=analyst)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


@pytest.mark.parametrize("params", [{"role": "admin"}, {"user_role": "admin"}])
def test_a_role_in_the_query_is_ignored(client: TestClient, analyst: dict[str, str], params: dict[str, str]) -> None:
    response = client.post(
        "/api/registry/functions/payroll_total/execute", params=params, json={"args": [[1.0]]}, headers=analyst
    )
    assert response.status_code == 403


def test_execute_without_permission_is_403_audited_and_runs_nothing(
    registry: XRegistry, client: TestClient, analyst: dict[str, str]
) -> None:
    response = client.post("/api/registry/functions/payroll_total/execute", json={"args": "bad"}, headers=analyst)
    assert response.status_code == 422  # the body shape is checked first: args must be a list
    response = client.post("/api/registry/functions/payroll_total/execute", json={"args": [["x"]]}, headers=analyst)
    assert response.status_code == 403  # not 422: a refused role learns nothing about the parameters
    assert response.json()["detail"]["operation"] == "execute"
    assert registry.functions["payroll_total"].call_count == 0
    assert registry.audit.events(action="api_denied", role="analyst")


def test_admin_may_execute_its_function(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/registry/functions/payroll_total/execute", json={"args": [[1.5, 2.5]]}, headers=admin)
    assert response.json()["result"] == 4.0


def test_a_failing_function_answers_without_the_password(client: TestClient, analyst: dict[str, str]) -> None:
    response = client.post("/api/registry/functions/leak/execute", json={"args": [1]}, headers=analyst)
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "function_failed"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" in body["message"]
    assert "mongodb://<hidden>" in body["message"]


# -- models --------------------------------------------------------------------------------------------------------
def test_list_models_needs_list_permission(client: TestClient, admin: dict[str, str], analyst: dict[str, str]) -> None:
    assert _paths(client.get("/api/registry/models", headers=analyst).json()) == ["ns.models.shop.Product"]
    assert _paths(client.get("/api/registry/models", headers=admin).json()) == [
        "ns.models.hr.Salary",
        "ns.models.shop.Product",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"source": "static"}, ["ns.models.shop.Product"]),
        ({"source": "dynamic"}, []),
        ({"tag": "shop"}, ["ns.models.shop.Product"]),
        ({"namespace": "hr.*"}, []),
    ],
)
def test_list_models_filters(
    client: TestClient, analyst: dict[str, str], query: dict[str, str], expected: list[str]
) -> None:
    assert _paths(client.get("/api/registry/models", params=query, headers=analyst).json()) == expected


def test_get_model_has_schema_under_the_seed_name(client: TestClient, analyst: dict[str, str]) -> None:
    body = client.get("/api/registry/models/Product", headers=analyst).json()
    assert body["version"] == "1.0.0"
    assert body["source"] == "static"
    assert set(body["schema"]["properties"]) == {"sku", "name", "price", "category"}
    assert body["ui_schema"]["fields"]["price"]["widget"] == "number"


def test_schema_and_ui_schema_endpoints(client: TestClient, analyst: dict[str, str]) -> None:
    schema = client.get("/api/registry/models/Product/schema", headers=analyst).json()
    ui_schema = client.get("/api/registry/models/Product/ui-schema", headers=analyst).json()
    assert schema["required"] == ["sku", "name", "price"]
    assert ui_schema["field_order"][:2] == ["sku", "name"]


def test_ui_schema_is_generated_when_registration_kept_none(client: TestClient, analyst: dict[str, str]) -> None:
    from pydantic import BaseModel

    class Plain(BaseModel):
        flag: bool

    registry: XRegistry = client.app.state.xcatalog.registry  # type: ignore[attr-defined]
    registry.models.register(Plain, namespace="misc").metadata.ui_schema = None
    ui_schema = client.get("/api/registry/models/Plain/ui-schema", headers=analyst).json()
    assert ui_schema["fields"]["flag"]["widget"] == "toggle"


@pytest.mark.parametrize("suffix", ["", "/schema", "/ui-schema"])
def test_reading_a_model_without_read_is_403(client: TestClient, analyst: dict[str, str], suffix: str) -> None:
    response = client.get(f"/api/registry/models/Salary{suffix}", headers=analyst)
    assert response.status_code == 403
    assert response.json()["detail"] == {
        "role": "analyst",
        "operation": "read",
        "path": "ns.models.hr.Salary",
    }


# -- types ---------------------------------------------------------------------------------------------------------
def test_list_types(client: TestClient, analyst: dict[str, str]) -> None:
    body = client.get("/api/registry/types", headers=analyst).json()
    assert body == [
        {
            "name": "PositiveInt",
            "path": "ns.types.constraint.PositiveInt",
            "category": "constraint",
            "base_type": "int",
            "constraints": {"gt": 0},
            "examples": [1, 5],
            "description": None,
        }
    ]
    assert client.get("/api/registry/types", params={"category": "composite"}, headers=analyst).json() == []
    assert client.get("/api/registry/types", params={"category": "nope"}, headers=analyst).status_code == 422


@pytest.mark.parametrize(
    ("value", "valid", "validated"),
    [(5, True, 5), ("7", True, 7), (0, False, None), ("x", False, None)],
)
def test_validate_type(client: TestClient, analyst: dict[str, str], value: Any, valid: bool, validated: Any) -> None:
    response = client.post("/api/registry/types/PositiveInt/validate", json={"value": value}, headers=analyst)
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is valid
    assert body["value"] == validated
    assert bool(body["errors"]) is not valid


def test_validate_unknown_type_is_404(client: TestClient, analyst: dict[str, str]) -> None:
    response = client.post("/api/registry/types/Nope/validate", json={"value": 1}, headers=analyst)
    assert response.status_code == 404
    assert "PositiveInt" in response.json()["detail"]["available"]
