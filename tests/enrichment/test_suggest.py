from __future__ import annotations

from typing import Any

import pytest

from xcatalog.enrichment.model import CategoryStats
from xcatalog.enrichment.suggest import nearest_values, rank_values

CITIES = CategoryStats.from_counts({"Paris": 3, "Lyon": 2, "Berlin": 4, "Munich": 1, "Madrid": 5})
ROWS: list[dict[str, Any]] = [
    *({"country": "FR", "city": "Paris"} for _ in range(3)),
    *({"country": "FR", "city": "Lyon"} for _ in range(2)),
    *({"country": "DE", "city": "Berlin"} for _ in range(4)),
    {"country": "DE", "city": "Munich"},
    *({"country": "ES", "city": "Madrid"} for _ in range(5)),
]


def values(suggestions: list[Any]) -> list[Any]:
    return [suggestion.value for suggestion in suggestions]


def test_ranks_by_marginal_frequency_without_given() -> None:
    ranked = rank_values("city", CITIES, rows=ROWS)
    assert values(ranked) == ["Madrid", "Berlin", "Paris", "Lyon", "Munich"]
    assert {suggestion.source for suggestion in ranked} == {"frequency"}
    assert ranked[0].count == 5


def test_cooccurrence_puts_values_seen_with_given_first_then_the_rest() -> None:
    ranked = rank_values("city", CITIES, given={"country": "FR"}, rows=ROWS)
    assert values(ranked)[:2] == ["Paris", "Lyon"]
    assert [s.source for s in ranked[:2]] == ["co-occurrence", "co-occurrence"]
    # every valid value is still offered, by marginal frequency
    assert values(ranked)[2:] == ["Madrid", "Berlin", "Munich"]
    assert ranked[2].source == "frequency"


def test_cooccurrence_given_matches_case_insensitively_and_ignores_unknown_fields() -> None:
    ranked = rank_values("city", CITIES, given={"country": "de", "unknown": "x", "city": "Madrid"}, rows=ROWS)
    assert values(ranked)[:2] == ["Berlin", "Munich"]


def test_given_with_no_joint_occurrence_falls_back_to_marginal_frequency() -> None:
    ranked = rank_values("city", CITIES, given={"country": "IT"}, rows=ROWS)
    assert values(ranked) == ["Madrid", "Berlin", "Paris", "Lyon", "Munich"]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("m", ["Madrid", "Munich"]), ("MA", ["Madrid"]), ("", ["Madrid", "Berlin", "Paris", "Lyon", "Munich"]), ("x", [])],
)
def test_prefix_filter_is_case_insensitive(prefix: str, expected: list[str]) -> None:
    assert values(rank_values("city", CITIES, prefix=prefix)) == expected


@pytest.mark.parametrize(("limit", "size"), [(2, 2), (0, 5), (-1, 5), (10, 5)])
def test_limit(limit: int, size: int) -> None:
    assert len(rank_values("city", CITIES, limit=limit)) == size


def test_non_categorical_field_falls_back_to_sample_values_by_count() -> None:
    ranked = rank_values("name", None, sample_values=["bob", "ann", "bob", None, {"x": 1}, "Bea"], prefix="b")
    assert values(ranked) == ["bob", "Bea"]
    assert ranked[0].count == 2
    assert ranked[0].source == "sample"


def test_array_fields_in_rows_count_each_item() -> None:
    tags = CategoryStats.from_counts({"a": 1, "b": 2, "c": 2})
    rows = [{"tags[]": ["a", "b"], "kind": "k1"}, {"tags[]": ["b", "c"], "kind": "k2"}, {"tags[]": ["c"], "kind": "k2"}]
    ranked = rank_values("tags[]", tags, given={"kind": "k2"}, rows=rows)
    assert values(ranked) == ["c", "b", "a"]
    assert ranked[0].count == 2
    ranked = rank_values("kind", CategoryStats.from_counts({"k1": 1, "k2": 2}), given={"tags[]": "a"}, rows=rows)
    assert values(ranked) == ["k1", "k2"]


def test_booleans_are_not_confused_with_integers() -> None:
    stats = CategoryStats.from_counts([(True, 3), (1, 2)])
    rows = [{"flag": True, "n": 1}]
    ranked = rank_values("n", stats, given={"flag": True}, rows=rows)
    assert [(s.value, s.source) for s in ranked] == [(1, "co-occurrence"), (True, "frequency")]


@pytest.mark.parametrize(
    ("typed", "expected_first"),
    [("Electroncs", "Electronics"), ("electronics", "Electronics"), ("bokks", "Books"), ("Garden", "Garden")],
)
def test_nearest_values(typed: str, expected_first: str) -> None:
    near = nearest_values(typed, ["Electronics", "Books", "Garden", "Toys"])
    assert near[0] == expected_first


def test_nearest_values_none_when_nothing_is_close() -> None:
    assert nearest_values("zzzzzz", ["Electronics", "Books"]) == []
    near = nearest_values("Bo", ["Books", "Boots", "Bolts"], limit=1, cutoff=0.3)
    assert len(near) == 1
    assert near[0] in {"Books", "Boots", "Bolts"}
