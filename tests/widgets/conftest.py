"""Shared data for the widget tests: a product model, its registry, and an enrichment over a DataFrame."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Literal

import pandas as pd
import pytest
from pydantic import BaseModel, Field

from xcatalog.config import Settings
from xcatalog.enrichment import EnrichedRegistry, get_enriched
from xcatalog.registry import XRegistry
from xcatalog.resources import FrameResource

PLACES = [("FR", "Paris"), ("FR", "Lyon"), ("DE", "Berlin"), ("DE", "Munich"), ("ES", "Madrid")]
CATEGORIES = ["Electronics", "Books", "Garden"]


class Status(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class Address(BaseModel):
    street: str
    city: str = Field(min_length=2)


class Product(BaseModel):
    """A product on sale."""

    name: str = Field(min_length=2)
    category: str
    country: str
    city: str
    price: float = Field(ge=0, le=10_000)
    quantity: int = Field(default=1, gt=0)
    status: Status = Status.OPEN
    kind: Literal["new", "used"] = "new"
    active: bool = True
    tags: list[str] = Field(default_factory=list)
    released: dt.date | None = None
    notes: str | None = None
    email: str | None = None
    address: Address | None = None
    variants: list[Address] = Field(default_factory=list)
    attributes: dict[str, int] = Field(default_factory=dict)


def product_rows(count: int = 60) -> list[dict[str, Any]]:
    rows = []
    for index in range(count):
        country, city = PLACES[index % len(PLACES)]
        rows.append(
            {
                "name": f"item {index}",
                "category": CATEGORIES[index % 3],
                "country": country,
                "city": city,
                "price": 1.5 + index,
                "email": f"owner{index}@example.com",
            }
        )
    return rows


def quiet_settings() -> Settings:
    return Settings.model_validate({"registry": {"enrichment": {"auto_refresh": False}}})


@pytest.fixture
def registry() -> XRegistry:
    registry = XRegistry(quiet_settings())
    registry.models.register(
        Product,
        namespace="shop",
        permissions={
            "*": ["read", "list"],
            "clerk": ["read", "list", "create"],
            "auditor": ["read", "list", "read_sensitive"],
        },
    )
    return registry


@pytest.fixture
def products() -> FrameResource:
    return FrameResource({"products": pd.DataFrame(product_rows())}, name="catalog", seed=7)


@pytest.fixture
async def enriched(registry: XRegistry, products: FrameResource) -> EnrichedRegistry:
    enriched = get_enriched(registry)
    await enriched.enrich_from_resource(products, "Product", collection="products", auto_refresh=False)
    return enriched
