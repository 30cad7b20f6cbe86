"""mongo_validator() against the real test server: it accepts the source documents and rejects bad ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import bson
import pytest
from pymongo.errors import WriteError

from xcatalog.inference import infer_model, mongo_validator

from .conftest import FIXTURES

pytestmark = pytest.mark.mongodb


def test_validator_accepts_the_documents_it_was_inferred_from(mongo_db: Any) -> None:
    documents = [
        {
            "_id": bson.ObjectId(),
            "at": dt.datetime(2024, 1, 1),
            "n": 1,
            "price": bson.Decimal128("9.99"),
            "tags": ["a"],
        },
        {"_id": bson.ObjectId(), "at": dt.datetime(2024, 1, 2), "n": None, "shipping": {"city": "Oslo"}, "tags": []},
    ]
    validator = mongo_validator(infer_model(documents, "Order"))
    collection = mongo_db.create_collection("orders", validator=validator)
    collection.insert_many(documents)
    assert collection.count_documents({}) == 2
    with pytest.raises(WriteError, match="Document failed validation"):
        collection.insert_one({"at": "not a date", "tags": []})
    with pytest.raises(WriteError, match="Document failed validation"):
        collection.insert_one({"at": dt.datetime(2024, 1, 3), "tags": [1]})


@pytest.mark.parametrize("name", ["nested", "sparse", "mixed_types", "array_of_subdocuments", "objectid", "decimal128"])
def test_validator_accepts_fixture_documents(mongo_db: Any, name: str) -> None:
    documents = [dict(document) for document in FIXTURES[name]]
    collection = mongo_db.create_collection(name, validator=mongo_validator(infer_model(documents, name)))
    collection.insert_many(documents)
    assert collection.count_documents({}) == len(documents)
