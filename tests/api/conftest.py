"""Fixtures of the HTTP API tests: a small registry, API keys and a test client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from xcatalog.api import create_app
from xcatalog.config import Settings
from xcatalog.registry import XRegistry
from xcatalog.resources import MongoResource

ADMIN_KEY = "admin-key-0123456789abcdef"
ANALYST_KEY = "analyst-key-0123456789abcdef"
KEYS = {ADMIN_KEY: "admin", ANALYST_KEY: "analyst"}
ADMIN = {"X-API-Key": ADMIN_KEY}
ANALYST = {"X-API-Key": ANALYST_KEY}


class Product(BaseModel):
    """A product of the shop."""

    sku: str
    name: str
    price: Decimal = Field(ge=0)
    category: str = "misc"


class Salary(BaseModel):
    """Only admins may read this one."""

    employee: str
    amount: float


def add(a: int, b: int = 1) -> int:
    """Add two integers."""
    return a + b


async def greet(name: str, *, punctuation: str = "!") -> str:
    """Say hello."""
    return f"Hello, {name}{punctuation}"


def leak(value: int) -> int:
    """Fail with a connection string in the message."""
    raise RuntimeError(f"cannot reach mongodb://app:hunter2@db.internal:27017/shop for {value}")


def payroll_total(amounts: list[float]) -> float:
    """Sum salaries (admins only)."""
    return sum(amounts)


def no_settings_refresh() -> Settings:
    # No background refresh tasks: tests control when enrichment is recomputed.
    return Settings.model_validate({"registry": {"enrichment": {"auto_refresh": False}}})


def build_registry() -> XRegistry:
    registry = XRegistry(no_settings_refresh())
    registry.functions.register(add, namespace="math", tags={"math"})
    registry.functions.register(greet, namespace="text")
    registry.functions.register(leak, namespace="ops")
    registry.functions.register(payroll_total, namespace="hr", permissions={"admin": {"execute", "view"}})
    registry.models.register(Product, namespace="shop", tags={"shop"})
    registry.models.register(Salary, namespace="hr", permissions={"admin": {"read", "list", "create", "update"}})
    registry.types.register_type(Annotated[int, Field(gt=0)], name="PositiveInt", examples=[1, 5])
    return registry


@pytest.fixture
def registry() -> XRegistry:
    return build_registry()


@pytest.fixture
def app(registry: XRegistry) -> FastAPI:
    return create_app(registry, api_keys=KEYS)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def admin() -> dict[str, str]:
    """Headers of a key whose role is admin."""
    return dict(ADMIN)


@pytest.fixture
def analyst() -> dict[str, str]:
    """Headers of a key whose role is analyst."""
    return dict(ANALYST)


@pytest.fixture
def api_keys() -> dict[str, str]:
    """The configured keys and their roles."""
    return dict(KEYS)


# -- a small shop in the real test database -------------------------------------------------------------------------
CATEGORIES = ["books", "games", "music"]


def seed_shop(database: Any) -> None:
    """Two small collections: products (a closed categorical field) and customers (emails: sensitive)."""
    database.products.insert_many(
        [
            {
                "sku": f"P{index:03d}",
                "name": f"Item {index}",
                "price": float(index % 17) + 0.5,
                "category": CATEGORIES[index % 3],
                "country": ["FR", "DE", "DE"][index % 3],
            }
            for index in range(60)
        ]
    )
    database.customers.insert_many(
        [{"email": f"person{index}@example.com", "city": ["Paris", "Berlin"][index % 2]} for index in range(30)]
    )


def wait_for_job(client: TestClient, job_id: str, headers: dict[str, str], timeout: float = 60.0) -> dict[str, Any]:
    """Poll a discovery job until it finishes (the app's loop runs it in the client's thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/discovery/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"discovery job {job_id} did not finish within {timeout} s: {job}")


@pytest.fixture
def shop_client(mongo_uri: str, mongo_db: Any, mongo_db_name: str, registry: XRegistry) -> Iterator[TestClient]:
    """A client whose app may discover the seeded shop database as the resource 'shop'."""
    seed_shop(mongo_db)
    resource = MongoResource(mongo_uri, mongo_db_name, name="shop")
    app = create_app(registry, api_keys=KEYS, resources={"shop": resource})
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def discovered(shop_client: TestClient) -> dict[str, Any]:
    """The finished job of discovering the shop into the namespace 'live' (ns.models.live.Product, .Customer)."""
    started = shop_client.post("/api/discovery/resources/shop/discover", params={"namespace": "live"}, headers=ADMIN)
    assert started.status_code == 202, started.text
    job = wait_for_job(shop_client, started.json()["job_id"], ADMIN)
    assert job["status"] == "succeeded", job
    return job


@pytest.fixture
def wait_job() -> Any:
    """The job-polling helper, for tests that start their own discovery."""
    return wait_for_job
