from __future__ import annotations

from typing import Any

import bson
import pytest

from xcatalog.errors import InferenceError
from xcatalog.inference import analyze_documents, schema_pipeline, stats_from_pipeline


def row(path: list[str | None], type_: str, count: int, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "path": path,
        "type": type_,
        "count": count,
        "first": None,
        "last": None,
        "min": None,
        "max": None,
    }
    base.update({"min_length": None, "max_length": None, "total_length": 0})
    base.update(extra)
    return base


# What schema_pipeline() returns for these documents (written by hand):
#   {"_id": ObjectId, "a": 1, "s": {"c": "x"}, "tags": ["t", "u"]}
#   {"_id": ObjectId, "a": "b", "s": {}, "tags": []}
#   {"_id": ObjectId, "a": None, "items": [{"sku": "A"}, {"qty": Int64(2)}]}
OID = [bson.ObjectId("65f1c0ffee0000000000000" + str(digit)) for digit in range(3)]
ROWS = [
    row([], "object", 3),
    row(["a"], "int", 1, first=1, last=1, min=1, max=1),
    row(["a"], "string", 1, first="b", last="b", min="b", max="b"),
    row(["a"], "null", 1),
    row(["_id"], "objectId", 3, first=OID[0], last=OID[2], min=OID[0], max=OID[2]),
    row(["s"], "object", 2),
    row(["s", "c"], "string", 1, first="x", last="x", min="x", max="x"),
    row(["tags"], "array", 2, min_length=0, max_length=2, total_length=2),
    row(["tags", None], "string", 2, first="t", last="u", min="t", max="u"),
    row(["items"], "array", 1, min_length=2, max_length=2, total_length=2),
    row(["items", None], "object", 2),
    row(["items", None, "sku"], "string", 1, first="A", last="A", min="A", max="A"),
    row(["items", None, "qty"], "long", 1, first=2, last=2, min=2, max=2),
]
DOCUMENTS = [
    {"_id": OID[0], "a": 1, "s": {"c": "x"}, "tags": ["t", "u"]},
    {"_id": OID[1], "a": "b", "s": {}, "tags": []},
    {"_id": OID[2], "a": None, "items": [{"sku": "A"}, {"qty": bson.Int64(2)}]},
]


def comparable(stats: Any) -> dict[str, tuple[Any, ...]]:
    return {
        path: (
            field.parent,
            field.key,
            field.depth,
            field.presence_count,
            field.parent_count,
            field.presence,
            field.presence_ci,
            field.types,
            field.null_count,
            field.array_count,
            field.array_min_length,
            field.array_max_length,
            field.array_mean_length,
        )
        for path, field in stats.fields.items()
    }


def test_stats_from_hand_made_rows_match_the_python_analysis() -> None:
    from_rows = stats_from_pipeline(ROWS, sample_size=999, total_count=50)
    in_python = analyze_documents(DOCUMENTS, total_count=50)
    assert comparable(from_rows) == comparable(in_python)
    assert from_rows.sample_size == 3  # the document-count row wins over sample_size
    assert from_rows.total_count == 50


def test_field_order_is_parents_first_id_first_then_alphabetical() -> None:
    stats = stats_from_pipeline(ROWS)
    assert list(stats.fields) == [
        "_id",
        "a",
        "items",
        "items[]",
        "items[].qty",
        "items[].sku",
        "s",
        "s.c",
        "tags",
        "tags[]",
    ]


def test_examples_are_converted_and_distinct() -> None:
    stats = stats_from_pipeline(ROWS, max_examples=5)
    assert stats.fields["_id"].examples == [str(OID[0]), str(OID[2])]
    assert stats.fields["a"].examples == [1, "b"]
    assert stats.fields["tags[]"].examples == ["t", "u"]
    assert stats_from_pipeline(ROWS, max_examples=1).fields["a"].examples == [1]


def test_bson_type_names_map_to_python_names() -> None:
    rows = [row([], "object", 1)] + [
        row([name], bson_type, 1)
        for name, bson_type in [
            ("d", "double"),
            ("l", "long"),
            ("i", "int"),
            ("dec", "decimal"),
            ("dt", "date"),
            ("b", "bool"),
            ("bin", "binData"),
            ("re", "regex"),
            ("new", "someFutureType"),
        ]
    ]
    types = {path: list(field.types) for path, field in stats_from_pipeline(rows).fields.items()}
    assert types == {
        "b": ["bool"],
        "bin": ["bytes"],
        "d": ["float"],
        "dec": ["Decimal128"],
        "dt": ["datetime"],
        "i": ["int"],
        "l": ["int"],
        "new": ["someFutureType"],
        "re": ["Regex"],
    }


def test_keys_with_dots_keep_their_own_path() -> None:
    rows = [row([], "object", 1), row(["a.b"], "int", 1), row(["a"], "object", 1), row(["a", "b"], "string", 1)]
    stats = stats_from_pipeline(rows)
    assert stats.fields["a\\.b"].types == {"int": 1}
    assert stats.fields["a.b"].types == {"str": 1}
    assert stats.fields["a.b"].parent == "a"


def test_sample_size_is_used_without_the_document_row() -> None:
    stats = stats_from_pipeline([row(["a"], "int", 2)], sample_size=4)
    assert stats.sample_size == 4 and stats.fields["a"].presence == 0.5


def test_missing_document_count_is_explained() -> None:
    with pytest.raises(InferenceError, match=r"no document count.*pass sample_size"):
        stats_from_pipeline([row(["a"], "int", 2)])


@pytest.mark.parametrize(
    ("bad_row", "match"),
    [
        ({"path": "a", "type": "int", "count": 1}, r"Row #1 .* no list 'path'"),
        ({"path": ["a"], "count": 1}, r"Row #1 .*got keys \['count', 'path'\]"),
        ({"path": [None], "type": "int", "count": 1}, r"Row #1 has an invalid path \[None\]"),
        ({"path": ["a", 3], "type": "int", "count": 1}, r"invalid path \['a', 3\]"),
    ],
)
def test_malformed_rows_are_explained(bad_row: dict[str, Any], match: str) -> None:
    with pytest.raises(InferenceError, match=match):
        stats_from_pipeline([bad_row], sample_size=1)


def test_pipeline_stages() -> None:
    pipeline = schema_pipeline(sample_size=100, max_depth=3)
    assert pipeline[0] == {"$sample": {"size": 100}}
    assert [next(iter(stage)) for stage in pipeline] == [
        "$sample",
        "$project",
        "$addFields",
        "$addFields",
        "$addFields",
        "$project",
        "$unwind",
        "$project",
        "$group",
        "$project",
    ]
    assert pipeline[-2]["$group"]["_id"] == {"p": "$p", "t": "$t"}
    assert next(iter(schema_pipeline())) == {"$project": {"_id": 0, "_xc_level0": [{"p": [], "v": "$$ROOT"}]}}


@pytest.mark.parametrize(
    ("options", "match"),
    [({"sample_size": 0}, "sample_size must be at least 1"), ({"max_depth": 0}, "max_depth must be at least 1")],
)
def test_bad_pipeline_options(options: dict[str, int], match: str) -> None:
    with pytest.raises(InferenceError, match=match):
        schema_pipeline(**options)


def test_pipeline_is_plain_data() -> None:
    import json

    text = json.dumps(schema_pipeline(sample_size=5, max_depth=2))  # no BSON classes: any driver can send it
    assert json.loads(text) == schema_pipeline(sample_size=5, max_depth=2)
