from __future__ import annotations

import gc
import math
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xcatalog.errors import InferenceError
from xcatalog.inference import SchemaAccumulator, SchemaStats, analyze_documents, type_name, wilson_interval
from xcatalog.inference.naming import item_path, join_path

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5)
keys = st.sampled_from(["a", "b", "_id", "a.b", "x-y", ""]) | st.text(max_size=3)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=12,
)
json_documents = st.lists(st.dictionaries(keys, json_values, max_size=5), max_size=8)


def reference_counts(documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A deliberately naive recursive walk: per path, type counts and array lengths."""
    found: dict[str, dict[str, Any]] = {}

    def record(path: str, value: Any) -> None:
        entry = found.setdefault(path, {"types": {}, "lengths": []})
        name = type_name(type(value))
        entry["types"][name] = entry["types"].get(name, 0) + 1
        if isinstance(value, Mapping):
            for key, member in value.items():
                record(join_path(path, key), member)
        elif isinstance(value, list):
            entry["lengths"].append(len(value))
            for element in value:
                record(item_path(path), element)

    for document in documents:
        for key, member in document.items():
            record(join_path(None, key), member)
    return found


@given(json_documents)
@settings(max_examples=150, deadline=None)
def test_counts_match_a_naive_walk(documents: list[dict[str, Any]]) -> None:
    stats = analyze_documents(documents)
    expected = reference_counts(documents)
    assert set(stats.fields) == set(expected)
    for path, entry in expected.items():
        field = stats.fields[path]
        assert field.types == entry["types"]
        assert field.presence_count == sum(entry["types"].values())
        assert field.null_count == entry["types"].get("null", 0)
        lengths = entry["lengths"]
        assert field.array_count == len(lengths)
        assert field.array_min_length == (min(lengths) if lengths else None)
        assert field.array_max_length == (max(lengths) if lengths else None)
        if lengths:
            assert field.array_mean_length == pytest.approx(sum(lengths) / len(lengths))
    assert stats.sample_size == len(documents)


@given(json_documents, json_documents)
@settings(max_examples=100, deadline=None)
def test_merge_equals_a_single_pass(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> None:
    left, right = SchemaAccumulator(), SchemaAccumulator()
    left.add_many(first)
    right.add_many(second)
    left.merge(right)
    assert left.result(total_count=100) == analyze_documents(first + second, total_count=100)
    assert left.document_count == len(first) + len(second)


def test_presence_is_relative_to_the_parent() -> None:
    documents = [
        {"shipping": {"city": "Oslo"}},
        {"shipping": {"city": "Lyon"}},
        {"shipping": {}},
        {},
        {"shipping": None},
    ]
    stats = analyze_documents(documents)
    shipping, city = stats.fields["shipping"], stats.fields["shipping.city"]
    assert (shipping.presence_count, shipping.parent_count, shipping.presence) == (4, 5, 0.8)
    assert shipping.null_count == 1
    assert (city.presence_count, city.parent_count) == (2, 3)
    assert city.presence == pytest.approx(2 / 3)
    assert city.parent == "shipping" and city.key == "city" and city.depth == 1
    assert not city.is_required and not shipping.is_required


def test_array_items_and_their_keys() -> None:
    documents = [{"items": [{"sku": "A"}, {"sku": "B", "qty": 1}]}, {"items": []}, {"items": [{"qty": None}]}]
    stats = analyze_documents(documents)
    items, element, sku = stats.fields["items"], stats.fields["items[]"], stats.fields["items[].sku"]
    assert (items.array_count, items.array_min_length, items.array_max_length) == (3, 0, 2)
    assert items.array_mean_length == 1.0
    assert element.is_array_item and element.presence == 1.0 and element.presence_ci == (1.0, 1.0)
    assert element.types == {"object": 3}
    assert (sku.presence_count, sku.parent_count) == (2, 3)
    assert stats.fields["items[].qty"].null_count == 1
    assert [field.path for field in stats.children("items[]")] == ["items[].sku", "items[].qty"]


def test_fields_are_ordered_parents_first_by_first_appearance() -> None:
    stats = analyze_documents([{"b": 1, "a": {"y": 1, "x": 2}}, {"c": [1], "a": {"z": 3}}])
    assert list(stats.fields) == ["b", "a", "a.y", "a.x", "a.z", "c", "c[]"]
    assert [field.path for field in stats.top_level()] == ["b", "a", "c"]


def test_types_are_sorted_by_frequency_then_name() -> None:
    stats = analyze_documents([{"v": "a"}, {"v": 1}, {"v": 2}, {"v": True}, {"v": None}])
    assert list(stats.fields["v"].types.items()) == [("int", 2), ("bool", 1), ("null", 1), ("str", 1)]
    assert stats.fields["v"].dominant_type == "int"


def test_keys_with_dots_do_not_merge_with_nesting() -> None:
    stats = analyze_documents([{"a.b": 1, "a": {"b": "x"}}])
    assert stats.fields["a\\.b"].types == {"int": 1}
    assert stats.fields["a.b"].types == {"str": 1}


def test_examples_are_distinct_typed_and_bounded() -> None:
    documents = [{"v": value} for value in [1, True, 1.0, "1", 1, "x" * 100, None, 2, 3, 4]]
    examples = analyze_documents(documents, max_examples=5).fields["v"].examples
    assert examples == [1, True, 1.0, "1", "x" * 79 + "…"]
    assert [type(example) for example in examples[:3]] == [int, bool, float]
    assert analyze_documents(documents, max_examples=0).fields["v"].examples == []


def test_examples_of_a_low_cardinality_field_stop_looking() -> None:
    accumulator = SchemaAccumulator()
    accumulator.add_many({"flag": index % 2 == 0, "n": index} for index in range(1000))
    stats = accumulator.result()
    assert stats.fields["flag"].examples == [True, False]
    assert stats.fields["n"].examples == [0, 1, 2, 3, 4]
    assert accumulator._root.pending_examples == {}  # nothing left to look at per document


def test_memory_is_bounded_by_paths_not_documents() -> None:
    class Document(dict[str, Any]):
        pass

    accumulator = SchemaAccumulator()
    probe = Document(a=1, b={"c": [1, 2]})
    reference = weakref.ref(probe)
    accumulator.add(probe)
    del probe
    gc.collect()
    assert reference() is None, "the accumulator kept a document"

    def documents(count: int) -> Iterator[dict[str, Any]]:
        for index in range(count):
            yield {"a": index, "b": {"c": list(range(index % 7)), "d": f"text {index}"}}

    accumulator.add_many(documents(3000))
    stats = accumulator.result()
    assert len(stats.fields) == 5
    assert all(len(field.examples) <= 5 for field in stats.fields.values())
    assert stats.sample_size == 3001


@pytest.mark.parametrize(
    ("successes", "trials", "population", "expected"),
    [
        (70, 100, None, (0.6041, 0.7810)),
        (0, 10, None, (0.0, 0.2775)),
        (10, 10, None, (0.7225, 1.0)),
        (5, 0, None, (0.0, 1.0)),
        (70, 100, 100, (0.7, 0.7)),
        (70, 100, 50, (0.7, 0.7)),
    ],
)
def test_wilson_interval(successes: int, trials: int, population: int | None, expected: tuple[float, float]) -> None:
    if trials == 0:
        assert wilson_interval(0, 0) == expected
        return
    low, high = wilson_interval(successes, trials, population=population)
    assert low == pytest.approx(expected[0], abs=1e-4)
    assert high == pytest.approx(expected[1], abs=1e-4)


def test_finite_population_correction_narrows_the_interval() -> None:
    wide = wilson_interval(70, 100, population=10**9)
    narrow = wilson_interval(70, 100, population=150)
    unbounded = wilson_interval(70, 100)
    assert unbounded[0] == pytest.approx(wide[0], abs=1e-6)
    assert narrow[0] > wide[0] and narrow[1] < wide[1]
    assert narrow[0] < 0.7 < narrow[1]


@pytest.mark.parametrize("successes", [-1, 11])
def test_wilson_interval_rejects_impossible_counts(successes: int) -> None:
    with pytest.raises(ValueError, match="between 0 and trials"):
        wilson_interval(successes, 10)


def test_total_count_feeds_the_intervals() -> None:
    documents = [{"a": 1}] * 7 + [{}] * 3
    sampled = analyze_documents(documents, total_count=1000).fields["a"]
    full = analyze_documents(documents, total_count=10).fields["a"]
    unknown = analyze_documents(documents).fields["a"]
    assert full.presence_ci == (0.7, 0.7)
    assert sampled.presence_ci[0] <= 0.7 <= sampled.presence_ci[1]
    assert sampled.presence_ci[1] - sampled.presence_ci[0] < unknown.presence_ci[1] - unknown.presence_ci[0]
    assert analyze_documents(documents, total_count=1000).total_count == 1000


def test_nested_intervals_scale_the_population() -> None:
    documents = [{"s": {"x": 1}}, {"s": {}}] * 5
    field = analyze_documents(documents, total_count=20).fields["s.x"]
    assert field.parent_count == 10
    low, high = field.presence_ci
    assert (low, high) == wilson_interval(5, 10, population=20)
    assert not math.isclose(low, high)


@pytest.mark.parametrize("document", [[1, 2], "text", None, 3])
def test_non_mapping_documents_are_refused(document: Any) -> None:
    with pytest.raises(InferenceError, match=r"Document #2 is a .*, not a mapping"):
        analyze_documents([{"a": 1}, document])


def test_non_string_keys_are_refused() -> None:
    with pytest.raises(InferenceError, match=r"non-string key 1 \(int\) inside 'a'"):
        analyze_documents([{"a": {1: "x"}}])


@pytest.mark.parametrize(("option", "value"), [("max_examples", -1)])
def test_bad_options(option: str, value: int) -> None:
    with pytest.raises(InferenceError, match=option):
        SchemaAccumulator(**{option: value})


def test_result_rejects_negative_total() -> None:
    with pytest.raises(InferenceError, match="total_count must be 0 or more"):
        SchemaAccumulator().result(total_count=-1)


def test_merge_into_itself_is_refused() -> None:
    accumulator = SchemaAccumulator()
    with pytest.raises(InferenceError, match="into itself"):
        accumulator.merge(accumulator)


def test_children_of_unknown_path() -> None:
    stats = analyze_documents([{"a": 1}])
    with pytest.raises(InferenceError, match=r"No field 'b'.*Known paths: a"):
        stats.children("b")


def test_empty_input() -> None:
    stats = analyze_documents([])
    assert stats == SchemaStats(fields={}, sample_size=0, total_count=None)
    assert stats.top_level() == []


def test_stats_serialise_to_json() -> None:
    import bson

    stats = analyze_documents([{"_id": bson.ObjectId(), "price": bson.Decimal128("1.5"), "tags": ["a"]}])
    restored = SchemaStats.model_validate_json(stats.model_dump_json())
    assert restored.fields["tags[]"].examples == ["a"]
    assert restored.fields["_id"].types == {"ObjectId": 1}


def test_generic_mappings_and_tuples_are_walked() -> None:
    from collections import OrderedDict

    stats = analyze_documents([OrderedDict(a=OrderedDict(b=(1, 2)), c=frozenset({3}))])
    assert stats.fields["a"].types == {"object": 1}
    assert stats.fields["a.b[]"].types == {"int": 2}
    assert stats.fields["c[]"].types == {"int": 1}


@given(json_documents, st.integers(min_value=1, max_value=4))
@settings(max_examples=100, deadline=None)
def test_chunk_size_does_not_change_the_result(documents: list[dict[str, Any]], chunk_size: int) -> None:
    small = SchemaAccumulator(chunk_size=chunk_size)
    small.add_many(documents)
    assert small.result() == analyze_documents(documents)


def test_other_mapping_types_count_like_dicts() -> None:
    from collections import OrderedDict

    import bson
    from bson.codec_options import CodecOptions
    from bson.raw_bson import RawBSONDocument
    from bson.son import SON

    plain = [{"a": 1, "b": {"c": [1, {"d": "x"}]}}, {"a": "y", "b": {"c": []}}, {"b": None}]
    mixed = [
        SON([("a", 1), ("b", OrderedDict([("c", [1, SON([("d", "x")])])]))]),
        {"a": "y", "b": SON([("c", [])])},
        OrderedDict([("b", None)]),
    ]
    raw = bson.decode_all(b"".join(map(bson.encode, plain)), CodecOptions(document_class=RawBSONDocument))
    expected = analyze_documents(plain)
    assert analyze_documents(mixed) == expected
    assert analyze_documents(raw) == expected


def test_bad_chunk_size() -> None:
    with pytest.raises(InferenceError, match="chunk_size must be at least 1"):
        SchemaAccumulator(chunk_size=0)


def test_documents_before_a_bad_one_are_counted() -> None:
    accumulator = SchemaAccumulator(chunk_size=10)
    with pytest.raises(InferenceError, match="Document #3 is a list"):
        accumulator.add_many([{"a": 1}, {"a": 2}, [], {"a": 4}])
    assert accumulator.document_count == 2
    assert accumulator.result().fields["a"].presence_count == 2
