from __future__ import annotations

import datetime as dt

import pytest
from bson import Decimal128

from xcatalog.profiling.options import ProfileOptions
from xcatalog.profiling.pushdown import (
    assemble_profile,
    discovery_pipeline,
    field_stats,
    merge_discovery,
    stats_pipeline,
    values_pipeline,
)


def test_discovery_pipeline_top_level_and_nested() -> None:
    top = discovery_pipeline()
    assert top[0]["$project"]["kv"] == {"$objectToArray": "$$ROOT"}
    nested = discovery_pipeline("a.b")
    assert nested[0] == {"$match": {"$expr": {"$eq": [{"$type": "$a.b"}, "object"]}}}
    assert nested[1]["$project"]["kv"] == {"$objectToArray": "$a.b"}


def test_merge_discovery_prefixes_and_skips_unaddressable_keys() -> None:
    results = [
        {"_id": {"k": "x", "t": "int"}, "n": 3},
        {"_id": {"k": "x", "t": "string"}, "n": 1},
        {"_id": {"k": "$ref", "t": "string"}, "n": 1},
        {"_id": {"k": "a.b", "t": "int"}, "n": 1},
    ]
    assert merge_discovery(results, "parent") == {"parent.x": {"int": 3, "string": 1}}


def test_stats_pipeline_has_accumulators_for_the_types_present() -> None:
    group = stats_pipeline({"n": {"int": 5}, "s": {"string": 2, "null": 1}, "o": {"object": 2}})[0]["$group"]
    assert {"f0_present", "f0_nulls", "f0_num_min", "f0_mean", "f0_std"} <= set(group)
    assert "f0_str_min" not in group and "f1_num_min" not in group
    assert {"f1_str_min", "f1_min_length", "f1_whitespace"} <= set(group)
    assert "f2_subdocs" in group


def test_values_pipeline_limits_each_facet() -> None:
    facet = values_pipeline({"a": {"int": 1}, "b": {"objectId": 1}}, limit=101)[0]["$facet"]
    assert facet["f0"][-1] == {"$limit": 101}
    assert facet["f1"][1]["$group"]["_id"]["$cond"][1] == {"$toString": "$b"}


def test_field_stats_strips_the_prefix() -> None:
    assert field_stats({"f0_present": 3, "f1_present": 4, "_id": None}, 1) == {"present": 4}


def test_assemble_profile_from_pipeline_results() -> None:
    fields = {"status": {"string": 8, "null": 1}, "price": {"double": 6, "decimal": 2, "int": 1}, "when": {"date": 4}}
    stats = {
        "status": {
            "present": 9,
            "nulls": 1,
            "str_min": "a",
            "str_max": "b",
            "min_length": 1,
            "max_length": 1,
            "mean_length": 1.0,
            "empty": 0,
            "whitespace": 0,
        },
        "price": {
            "present": 9,
            "nulls": 0,
            "num_min": 1,
            "num_max": Decimal128("9.5"),
            "mean": Decimal128("4.5"),
            "std": 2.0,
            "zeros": 0,
            "negatives": 0,
            "infinite": 0,
        },
        "when": {"present": 4, "nulls": 0, "date_min": dt.datetime(2024, 1, 1), "date_max": dt.datetime(2024, 1, 3)},
    }
    groups = {
        "status": [{"_id": "a", "n": 5}, {"_id": "b", "n": 3}],
        "price": [{"_id": value, "n": 2 if value == 0 else 1} for value in range(8)],
        "when": [{"_id": dt.datetime(2024, 1, day), "n": 1} for day in (1, 2, 3)]
        + [{"_id": dt.datetime(2024, 1, 4), "n": 1}],
    }
    options = ProfileOptions(categorical_threshold=5)
    result = assemble_profile(
        fields, stats, groups, row_count=10, options=options, source="db.c", semantic_values={"status": ["a", "b"]}
    )
    assert result.mode == "full" and result.engine == "mongodb-pushdown"
    status = result.columns["status"]
    assert (status.count, status.null_count, status.missing_count) == (8, 1, 1)
    assert status.is_categorical and status.categories == {"a": 5, "b": 3}
    assert status.unseen_share == 0.0
    price = result.columns["price"]
    assert price.type_counts == {"float": 6, "decimal": 2, "int": 1}
    assert price.max == 9.5 and price.mean == 4.5
    assert price.unique_count is None and price.unique_count_more_than == 5  # more groups than the threshold
    assert price.duplicate_count is None
    when = result.columns["when"]
    assert when.datetime_range == dt.timedelta(days=2)
    assert when.missing_count == 6
    assert result.quality == pytest.approx(sum(column.quality for column in result.columns.values()) / 3)


def test_a_path_holding_only_sub_documents_counts_only_empty_ones() -> None:
    fields = {"meta": {"object": 5, "int": 1}}
    stats = {"meta": {"present": 3, "nulls": 0, "subdocs": 3, "num_min": 1, "num_max": 1, "mean": 1.0}}
    groups = {"meta": [{"_id": {}, "n": 2}, {"_id": 1, "n": 1}]}
    column = assemble_profile(fields, stats, groups, row_count=6, options=ProfileOptions()).columns["meta"]
    assert column.type_counts == {"object": 2, "int": 1}
    assert column.kind == "mixed"
    assert not column.is_categorical  # sub-documents cannot be category keys


def test_all_singleton_groups_give_an_exact_distinct_count_above_the_threshold() -> None:
    fields = {"key": {"int": 8}}
    stats = {"key": {"present": 8, "nulls": 0, "num_min": 0, "num_max": 7, "mean": 3.5}}
    groups = {"key": [{"_id": value, "n": 1} for value in range(6)]}  # threshold + 1 groups, each seen once
    column = assemble_profile(
        fields, stats, groups, row_count=8, options=ProfileOptions(categorical_threshold=5)
    ).columns["key"]
    assert column.unique_count == 8 and column.unique_count_more_than is None
    assert column.is_candidate_key and column.unseen_share == 1.0
