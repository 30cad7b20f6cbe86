from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from xcatalog.api.auth import Unauthenticated
from xcatalog.api.jobs import JobConflict
from xcatalog.api.problems import error_code, hide_connection_strings, install_error_handlers, status_for
from xcatalog.errors import (
    AlreadyRegistered,
    AmbiguousName,
    AuthenticationFailed,
    CollectionNotFound,
    ConfigError,
    EnrichmentError,
    FunctionFailed,
    FunctionTimeout,
    InferenceError,
    InvalidName,
    LoadFailed,
    NoMatchingModel,
    NotRegistered,
    PermissionDenied,
    ResourceError,
    ResourceUnreachable,
    StoreConflict,
    StoreError,
    ValidationFailed,
    XCatalogError,
)
from xcatalog.registry.audit import AuditLog


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Unauthenticated("x"), 401),
        (PermissionDenied("x"), 403),
        (NotRegistered("x"), 404),
        (CollectionNotFound("x"), 404),
        (EnrichmentError("x"), 404),
        (NoMatchingModel("x"), 404),
        (AmbiguousName("x"), 409),
        (AlreadyRegistered("x"), 409),
        (JobConflict("x", job_id="j"), 409),
        (StoreConflict("x"), 409),
        (InvalidName("x"), 422),
        (ValidationFailed("x"), 422),
        (InferenceError("x"), 422),
        (FunctionFailed("x"), 500),
        (ResourceError("x"), 502),
        (ResourceUnreachable("x"), 502),
        (AuthenticationFailed("x"), 502),
        (StoreError("x"), 503),
        (LoadFailed("x"), 503),
        (FunctionTimeout("x"), 504),
        (ConfigError("x"), 400),
        (XCatalogError("x"), 400),
    ],
)
def test_status_follows_the_nearest_class(error: XCatalogError, status: int) -> None:
    assert status_for(error) == status


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (NotRegistered("x"), "not_registered"),
        (FunctionTimeout("x"), "function_timeout"),
        (XCatalogError("x"), "xcatalog_error"),
        (CollectionNotFound("x"), "collection_not_found"),
    ],
)
def test_error_code_is_the_class_in_snake_case(error: XCatalogError, code: str) -> None:
    assert error_code(error) == code


def _app(audit: AuditLog) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app, audit)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("connect failed: mongodb://app:hunter2@db.internal:27017/shop")

    @app.get("/invalid")
    async def invalid() -> None:
        raise ValidationFailed(
            "bad record", errors=[{"loc": ("price",), "msg": "too low", "type": "gt", "input": object()}]
        )

    @app.get("/unreachable")
    async def unreachable() -> None:
        raise ResourceUnreachable("db.internal:27017 did not answer (uri mongodb://app:hunter2@db.internal:27017)")

    @app.get("/config")
    async def config() -> None:
        raise ConfigError("bad")

    @app.get("/typed/{number}")
    async def typed(number: int) -> int:
        return number

    return app


@pytest.fixture
def audit() -> AuditLog:
    return AuditLog()


@pytest.fixture
def bare(audit: AuditLog) -> TestClient:
    return TestClient(_app(audit))


def test_internal_error_is_500_without_secrets_or_trace(bare: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="xcatalog.api"):
        response = bare.get("/boom")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal_error"
    assert set(body) == {"code", "message", "detail"}
    for secret in ("hunter2", "db.internal", "Traceback", "RuntimeError"):
        assert secret not in response.text
    incident = body["detail"]["incident"]
    assert incident in body["message"]
    # The server log has the trace for the operator, with the password masked.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert incident in logged
    assert "Traceback" in logged
    assert "hunter2" not in logged


def test_structured_errors_keep_their_detail(bare: TestClient) -> None:
    response = bare.get("/invalid")
    assert response.status_code == 422
    error = response.json()["detail"]["errors"][0]
    assert error["loc"] == ["price"]
    assert error["input"].startswith("<object object")


def test_resource_errors_are_502_with_the_password_masked(bare: TestClient) -> None:
    response = bare.get("/unreachable")
    assert response.status_code == 502
    assert response.json()["code"] == "resource_unreachable"
    assert "hunter2" not in response.text
    assert "mongodb://<hidden>" in response.json()["message"]
    assert "app:" not in response.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see mongodb://u:p@h:1/db?x=1 now", "see mongodb://<hidden> now"),
        ("'mongodb+srv://cluster.example/db'", "'mongodb+srv://<hidden>'"),
        ("no uri here", "no uri here"),
    ],
)
def test_hide_connection_strings(text: str, expected: str) -> None:
    assert hide_connection_strings(text) == expected


def test_unknown_route_and_method_have_the_same_shape(bare: TestClient) -> None:
    missing = bare.get("/nope")
    wrong_method = bare.post("/boom")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "method_not_allowed")
    assert set(missing.json()) == set(wrong_method.json()) == {"code", "message", "detail"}


def test_request_validation_errors_are_422_with_field_errors(bare: TestClient) -> None:
    response = bare.get("/typed/abc")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["detail"]["errors"][0]["loc"] == ["path", "number"]


def test_other_xcatalog_errors_are_400(bare: TestClient) -> None:
    response = bare.get("/config")
    assert (response.status_code, response.json()["code"]) == (400, "config_error")
