from __future__ import annotations

import random
from typing import Any

from xcatalog.enrichment.build import build_enrichment, category_changes, category_rows
from xcatalog.enrichment.model import ModelEnrichment
from xcatalog.profiling import profile_documents


def shop_documents(count: int = 60, seed: int = 1) -> list[dict[str, Any]]:
    generator = random.Random(seed)
    places = [("FR", "Paris"), ("FR", "Lyon"), ("DE", "Berlin"), ("ES", "Madrid")]
    documents = []
    for index in range(count):
        country, city = places[index % len(places)]
        documents.append(
            {
                "_id": index,
                "name": f"item {index}",
                "category": ["Electronics", "Books", "Garden"][index % 3],
                "email": f"user{index}@example.com",
                "address": {"country": country, "city": city},
                "tags": ["a", "b"][: 1 + index % 2],
                "price": round(generator.uniform(1, 100), 2),
            }
        )
    return documents


def enrich(documents: list[dict[str, Any]], **options: Any) -> ModelEnrichment:
    profile = profile_documents(documents)
    return build_enrichment(
        model_name="ns.models.shop.Product",
        resource_name="shop",
        collection="products",
        documents=documents,
        profile=profile,
        total_count=1000,
        **options,
    )


def test_build_combines_profile_into_fields_categories_and_quality() -> None:
    enrichment = enrich(shop_documents())
    assert enrichment.sample_size == 60
    assert enrichment.total_count == 1000
    assert enrichment.sample_share == 0.06
    assert set(enrichment.categorical_fields) >= {"category", "address.country", "address.city"}
    category = enrichment.categorical_fields["category"]
    assert category.values == ["Books", "Electronics", "Garden"]
    assert category.observations == 60
    assert category.unseen_share == 0
    assert category.is_closed
    assert enrichment.fields["email"].sensitive
    assert enrichment.fields["email"].semantic_type == "email"
    assert enrichment.sensitive_fields == {"email": "email"}
    assert "name" not in enrichment.categorical_fields
    assert enrichment.data_quality["completeness"]["category"] == 1.0
    assert 0 < enrichment.data_quality["overall"] <= 1
    assert enrichment.statistics["field_statistics"]["price"]["types"] == {"float": 60}
    assert len(enrichment.sample_data) == 10
    assert enrichment.category_rows[0]["address.city"] == "Paris"


def test_small_sample_is_never_judged_closed() -> None:
    enrichment = enrich(shop_documents(12))
    assert "category" in enrichment.categorical_fields
    assert not enrichment.categorical_fields["category"].is_closed


def test_categorical_detection_can_be_switched_off() -> None:
    enrichment = enrich(shop_documents(), categorical_detection=False)
    assert enrichment.categorical_fields == {}
    assert enrichment.category_rows == [{} for _ in range(60)]


def test_field_stats_from_inference_are_used_for_array_paths() -> None:
    documents = shop_documents()
    field_stats = {"tags[]": {"presence": 1.0, "types": {"string": 90}, "null_count": 0, "examples": ["a", "b"]}}
    enrichment = enrich(documents, field_stats=field_stats)
    assert enrichment.fields["tags[]"].types == {"string": 90}
    assert enrichment.fields["tags[]"].examples == ["a", "b"]


def test_category_rows_keep_arrays_and_skip_nulls() -> None:
    rows = category_rows([{"a": 1, "t": ["x", "y"]}, {"a": None}, {}], ["a", "t[]"])
    assert rows == [{"a": 1, "t[]": ["x", "y"]}, {}, {}]


def test_snapshot_round_trips_through_json() -> None:
    documents = shop_documents()
    for document in documents:
        document["_id"] = object()  # not JSON: must be stringified in sample data
    enrichment = enrich(documents)
    restored = ModelEnrichment.model_validate(enrichment.model_dump(mode="json"))
    assert restored.categorical_fields == enrichment.categorical_fields
    assert restored.fields == enrichment.fields
    assert restored.model_dump(mode="json") == enrichment.model_dump(mode="json")


def test_category_changes_report_new_and_vanished_values() -> None:
    before = enrich(shop_documents())
    changed = shop_documents()
    for document in changed:
        if document["category"] == "Garden":
            document["category"] = "Toys"
    after = enrich(changed)
    changes = {change.path: change for change in category_changes(before, after)}
    assert list(changes) == ["category"]
    assert changes["category"].added == ["Toys"]
    assert changes["category"].removed == ["Garden"]
