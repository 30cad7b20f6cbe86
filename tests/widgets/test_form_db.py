"""ModelForm against the real MongoDB wire-protocol test server."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, Field

from xcatalog.enrichment import get_enriched
from xcatalog.registry import XRegistry
from xcatalog.resources import MongoResource
from xcatalog.widgets.form import ModelForm

from .conftest import product_rows, quiet_settings

pytestmark = pytest.mark.mongodb


class Product(BaseModel):
    # Only BSON-native types: create_with_validation(insert=True) dumps the instance in python mode,
    # so an Enum or a datetime.date value cannot be encoded by pymongo (reported to the lead).
    name: str = Field(min_length=2)
    category: str
    country: str
    city: str
    price: float = Field(ge=0)
    active: bool = True
    tags: list[str] = Field(default_factory=list)


async def test_a_form_inserts_a_valid_record_into_the_collection(
    mongo_uri: str, mongo_db_name: str, mongo_db: Any
) -> None:
    mongo_db["products"].insert_many(product_rows())
    registry = XRegistry(quiet_settings())
    registry.models.register(Product, namespace="shop", permissions={"*": ["read"], "clerk": ["read", "create"]})
    resource = MongoResource(mongo_uri, mongo_db_name, settings=registry.settings.mongodb)
    enriched = get_enriched(registry)
    try:
        await enriched.enrich_from_resource(resource, "Product", collection="products", auto_refresh=False)
        form = ModelForm(registry, "Product", role="clerk", insert=True)  # picks up registry.enriched
        assert form.fields["country"].control.ensure_option is False  # typed text is judged by graded validation
        form.fields["country"].set("DE")
        assert set(form.fields["city"].control.options[:2]) == {"Berlin", "Munich"}
        for key, value in {"name": "Desk", "category": "Garden", "city": "Berlin", "price": 80.0}.items():
            form.fields[key].set(value)
        form.fields["category"].set("Gardn")
        assert await form.submit() is None  # type: ignore[misc]
        assert "Did you mean 'Garden'?" in form.field_problems("category")
        form.fields["category"].set("Garden")
        result = await form.submit()  # type: ignore[misc]
        assert result is not None, (form.tasks.error.value, form.result.value)
        assert result.inserted_id is not None
    finally:
        await enriched.close()
        await resource.close()
    stored = mongo_db["products"].find_one({"name": "Desk"})
    assert stored is not None and (stored["country"], stored["city"], stored["category"]) == ("DE", "Berlin", "Garden")
    assert mongo_db["products"].count_documents({}) == 61
