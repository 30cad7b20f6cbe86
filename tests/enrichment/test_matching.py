from __future__ import annotations

import pytest

from xcatalog.enrichment.matching import rank_models, top_level_fields


def test_top_level_fields() -> None:
    assert top_level_fields(["a", "b.c", "items[].sku", "items[]", ""]) == {"a", "b", "items"}


def test_overlap_is_share_of_the_models_fields() -> None:
    ranked = rank_models({"_id", "name", "price", "category", "extra"}, {"P": ["name", "price", "category", "sku"]})
    assert ranked[0].overlap == 0.75
    assert ranked[0].matched == ["category", "name", "price"]
    assert ranked[0].missing == ["sku"]


def test_ranking_prefers_overlap_then_field_count_then_path() -> None:
    fields = {"a", "b", "c", "d", "e"}
    ranked = rank_models(
        fields, {"small": ["a"], "big": ["a", "b", "c", "d"], "other": ["a", "z"], "also": ["a"], "e": []}
    )
    assert [match.model for match in ranked] == ["big", "also", "small", "other"]


@pytest.mark.parametrize("models", [{}, {"empty": []}])
def test_nothing_to_rank(models: dict[str, list[str]]) -> None:
    assert rank_models({"a"}, models) == []
