"""Products, their categories and stock."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from .common import Money

__all__ = ["Inventory", "Product", "ProductCategory"]


class ProductCategory(StrEnum):
    """Where a product is shelved."""

    BOOKS = "books"
    ELECTRONICS = "electronics"
    GARDEN = "garden"
    TOYS = "toys"


class Product(BaseModel):
    """Something the shop sells."""

    sku: str = Field(pattern=r"^[A-Z]{3}-\d{4}$")
    name: str = Field(min_length=1, max_length=200)
    category: ProductCategory
    price: Money
    tags: set[str] = Field(default_factory=set)
    weight_kg: float | None = Field(None, gt=0)
    released: date | None = None


class Inventory(BaseModel):
    """How many of a product are in stock, and where."""

    sku: str
    warehouse: str = "main"
    quantity: int = Field(ge=0)
    reorder_level: int = Field(10, ge=0)
