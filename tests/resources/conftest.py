"""Fixture documents for the resource and inspector tests, and a seeded database.

The documents cover what real collections throw at inference: nested
sub-documents, sparse keys, mixed types, Decimal128, ObjectId, timezone-aware
datetimes, arrays of sub-documents, nulls, and keys that are not Python
identifiers.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
from bson import Decimal128, ObjectId

from xcatalog.config import MongoSettings
from xcatalog.resources.mongo import MongoResource

FAST = MongoSettings(server_selection_timeout_ms=3000, connect_timeout_ms=3000)


def make_orders(count: int = 60, seed: int = 7) -> list[dict[str, Any]]:
    """Orders with every awkward feature; deterministic for a seed."""
    rng = random.Random(seed)
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    orders: list[dict[str, Any]] = []
    for number in range(count):
        order: dict[str, Any] = {
            "_id": ObjectId(),
            "number": number,
            "customer_id": ObjectId(),
            "status": rng.choice(["paid", "open", "shipped"]),
            "total": Decimal128(f"{rng.randint(100, 99999) / 100:.2f}"),
            "placed_at": base + dt.timedelta(hours=number),
            "shipping": {"city": rng.choice(["Oslo", "Lima", "Pune"]), "zip": f"{rng.randint(1000, 9999)}"},
            "items": [
                {"sku": f"sku-{rng.randint(1, 50)}", "qty": rng.randint(1, 5), "price": rng.random() * 100}
                for _ in range(rng.randint(0, 3))
            ],
            # A field that is an int in most documents and a string in some.
            "ref": number if number % 4 else f"R{number}",
            "first-name": rng.choice(["Ana", "Bo"]),
            "class": rng.choice(["a", "b"]),
            "ünïcode": True,
            "with space": 1.5,
            "$ref": "legacy",
        }
        if number % 3 == 0:
            order["coupon"] = rng.choice(["SPRING", None])  # sparse, sometimes null
        if number % 5 == 0:
            order["shipping"]["notes"] = {"gate": rng.randint(1, 9)}  # deeper, sparse nesting
        orders.append(order)
    return orders


PEOPLE = [
    {"name": "ana", "age": 31},
    {"name": "bo", "age": None, "email": "bo@example.org"},
    {"name": "cy", "age": 40, "tags": ["x", "y"]},
]


@pytest.fixture
def orders() -> list[dict[str, Any]]:
    return make_orders()


@pytest.fixture
def seeded_db(mongo_db: Any, orders: list[dict[str, Any]]) -> Any:
    """The test database with ``orders``, ``people``, an empty ``empty`` and a ``system.js`` collection."""
    mongo_db.orders.insert_many([dict(order) for order in orders])
    mongo_db.people.insert_many([dict(person) for person in PEOPLE])
    mongo_db.create_collection("empty")
    mongo_db.create_collection("system.js")
    return mongo_db


@pytest.fixture
async def shop(mongo_uri: str, mongo_db_name: str, seeded_db: Any) -> AsyncIterator[MongoResource]:
    """A connected :class:`MongoResource` on the seeded database."""
    async with MongoResource(mongo_uri, mongo_db_name, settings=FAST) as resource:
        assert isinstance(resource, MongoResource)
        yield resource
