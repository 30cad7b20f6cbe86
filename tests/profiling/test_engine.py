"""The engine agrees exactly with an independent, straightforward pandas computation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from xcatalog.errors import ProfilingError
from xcatalog.profiling import profile, profile_documents
from xcatalog.profiling.engine import QUANTILES


def _table(rows: int = 3000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ints = pd.array(rng.integers(-50, 400, rows), dtype="Int64")
    ints[rng.random(rows) < 0.1] = pd.NA
    floats = rng.normal(10, 4, rows)
    floats[rng.random(rows) < 0.2] = np.nan
    floats[:3] = 0.0
    words = np.array(["alpha", "beta", "", "  ", "gamma delta", "ünïcödé"])
    text = pd.Series(words[rng.integers(0, len(words), rows)], dtype="str")
    text[rng.random(rows) < 0.15] = None
    names = pd.Series([f"name-{number}" for number in rng.integers(0, 2500, rows)], dtype="str")
    return pd.DataFrame(
        {
            "ints": ints,
            "floats": floats,
            "plain_ints": rng.integers(0, 10, rows),
            "text": text,
            "names": names,
            "flags": rng.random(rows) < 0.25,
            "when": pd.Timestamp("2021-03-04") + pd.to_timedelta(rng.integers(0, 10**7, rows), unit="s"),
            "size": pd.Categorical(rng.choice(["S", "M", "L"], rows)),
        }
    )


def _close(left: float | None, right: float) -> bool:
    return left is not None and math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-12)


def test_every_statistic_matches_pandas() -> None:
    frame = _table()
    result = profile(frame)
    assert result.row_count == len(frame)
    for name in frame.columns:
        series = frame[name]
        column = result.columns[name]
        assert column.count == int(series.count()), name
        assert column.null_count == int(series.isna().sum()), name
        assert column.missing_count == 0
        assert column.unique_count == int(series.nunique()), name
        assert column.duplicate_count == int(series.count()) - int(series.nunique())
        assert column.completeness == pytest.approx(series.count() / len(series))
    for name in ("ints", "floats", "plain_ints"):
        series = frame[name].dropna().astype("float64")
        column = result.columns[name]
        assert column.min == series.min() and column.max == series.max()
        assert _close(column.mean, float(series.mean()))
        assert _close(column.std, float(series.std()))
        assert column.zeros_count == int((series == 0).sum())
        assert column.negative_count == int((series < 0).sum())
        assert column.quantiles is not None
        for label, share in QUANTILES.items():
            assert _close(column.quantiles[label], float(series.quantile(share))), (name, label)
        assert column.histogram is not None and sum(column.histogram.counts) == len(series)
    text = frame["text"].dropna()
    column = result.columns["text"]
    lengths = text.str.len()
    assert (column.min_length, column.max_length) == (lengths.min(), lengths.max())
    assert _close(column.mean_length, float(lengths.mean()))
    assert column.empty_count == int((text == "").sum())
    assert column.whitespace_count == int(text.str.fullmatch(r"\s+").sum())
    assert (column.min, column.max) == (text.min(), text.max())
    flags = result.columns["flags"]
    assert flags.true_count == int(frame["flags"].sum())
    assert flags.false_count == int((~frame["flags"]).sum())
    when = result.columns["when"]
    assert when.min == frame["when"].min() and when.max == frame["when"].max()
    assert when.datetime_range == frame["when"].max() - frame["when"].min()
    for name in ("plain_ints", "size", "text", "flags"):
        column = result.columns[name]
        expected = frame[name].value_counts()
        assert column.is_categorical, name
        assert column.categories == {
            key.item() if hasattr(key, "item") else key: int(value) for key, value in expected.items()
        }
        assert list(column.categories.values()) == sorted(column.categories.values(), reverse=True)
    assert not result.columns["names"].is_categorical  # ~2500 distinct values


def test_mixed_int_and_string_column_keeps_both_types() -> None:
    values = [1, "a", 2, "b", 3, None, 3, "a", 10**20]
    result = profile(pd.DataFrame({"mixed": pd.Series(values, dtype=object)}))
    column = result.columns["mixed"]
    assert column.kind == "mixed"
    assert column.type_counts == {"int": 5, "string": 3}
    assert column.count == 8 and column.null_count == 1
    assert column.unique_count == pd.Series(values, dtype=object).nunique()
    assert column.consistency == pytest.approx(5 / 8)
    assert column.consistency is not None and column.consistency < 1
    assert column.min == 1 and column.max == 10**20  # numbers win the extremes of a mixed field
    assert column.min_length == 1  # from the strings


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([None, None], "empty"),
        ([[1, 2], [3], None], "array"),
        ([{"a": 1}, {"a": 1}, {"b": 2}], "object"),
        ([1.5, 2, 3.0], "numeric"),
        ([True, False, None], "boolean"),
    ],
)
def test_object_columns_are_split_by_type_family(values: list[object], kind: str) -> None:
    column = profile(pd.DataFrame({"x": pd.Series(values, dtype=object)})).columns["x"]
    assert column.kind == kind
    assert column.count == sum(value is not None for value in values)


def test_array_lengths_and_unhashable_values() -> None:
    column = profile(pd.DataFrame({"tags": pd.Series([["a", "b"], [], ["a", "b"], None], dtype=object)})).columns[
        "tags"
    ]
    assert (column.min_length, column.max_length, column.mean_length) == (0, 2, pytest.approx(4 / 3))
    assert column.unique_count == 2
    assert not column.is_categorical  # arrays cannot be category keys


def test_infinite_values_lower_validity() -> None:
    column = profile(pd.DataFrame({"x": [1.0, np.inf, 2.0, -np.inf]})).columns["x"]
    assert column.infinite_count == 2
    assert column.validity == pytest.approx(0.5)
    assert column.mean is None or not math.isnan(column.mean)


def test_approximate_unique_counts_are_close() -> None:
    frame = pd.DataFrame({"key": np.arange(20_000) % 7000})
    exact = profile(frame).columns["key"].unique_count
    estimate = profile(frame, approximate=True)
    assert exact == 7000
    assert estimate.approximate
    assert estimate.columns["key"].unique_count == pytest.approx(7000, rel=0.05)


def test_quantiles_and_histograms_can_be_switched_off() -> None:
    column = profile(pd.DataFrame({"x": [1, 2, 3]}), quantiles=False, histograms=False).columns["x"]
    assert column.quantiles is None and column.histogram is None


def test_histogram_bins_follow_the_option() -> None:
    column = profile(pd.DataFrame({"x": np.arange(100)}), histogram_bins=4).columns["x"]
    assert column.histogram is not None
    assert column.histogram.counts == [25, 25, 25, 25]
    assert column.histogram.edges[0] == 0 and column.histogram.edges[-1] == 99


def test_repeated_column_names_are_refused() -> None:
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ProfilingError, match="repeated column names: a"):
        profile(frame)


def test_candidate_key_and_unseen_share() -> None:
    result = profile(pd.DataFrame({"id": range(50), "grade": ["a", "b"] * 24 + ["c", "d"]}))
    assert result.columns["id"].is_candidate_key
    assert result.columns["id"].unseen_share == 1.0
    grade = result.columns["grade"]
    assert not grade.is_candidate_key
    assert grade.unseen_share == pytest.approx(2 / 50)  # "c" and "d" seen once


def test_empty_frame() -> None:
    result = profile(pd.DataFrame({"a": pd.Series([], dtype="int64")}))
    assert result.row_count == 0
    assert result.columns["a"].kind == "empty"
    assert result.columns["a"].quality == 0.0


def test_semantic_detection_uses_a_recorded_sample() -> None:
    emails = pd.Series([f"user{number}@example.com" for number in range(5000)], dtype="str")
    column = profile(pd.DataFrame({"email": emails}), semantic_sample_size=1000).columns["email"]
    assert column.semantic_type == "email"
    assert column.sensitive
    assert column.semantic_sample_size == 1000
    assert column.semantic_share == 1.0


# Names that collide with what polars or the engine call their own columns, or that are awkward as names.
AWKWARD_NAMES = ["count", "len", "index", "value", "frequency", "counts", "0.1|nulls", "a.b", "with space", ""]


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_any_column_name_is_profiled(name: str) -> None:
    rows = 40
    statuses = pd.Series(["new", "paid", "paid", "sent", None] * (rows // 5), dtype="str")
    levels = pd.Series([1, 2, 2, 3, 3, 3, 4, 4] * (rows // 8), dtype="int64")
    mixed = pd.Series([1, "a", 1, None] * (rows // 4), dtype=object)
    flags = pd.Series([True, False, False, True, True] * (rows // 5))
    # The awkward name on every kind of categorical column, next to one another and to plain names.
    frame = pd.DataFrame(
        {
            name: statuses,
            f"{name}_levels": levels,
            f"{name}_mixed": mixed,
            f"{name}_flags": flags,
            "count" if name != "count" else "other": levels.astype("float64"),
        }
    )
    result = profile(frame)
    assert list(result.columns) == [str(column) for column in frame.columns]
    for column_name in frame.columns:
        series = frame[column_name]
        column = result.columns[column_name]
        assert column.name == column_name
        assert column.count == int(series.count()), column_name
        assert column.null_count == int(series.isna().sum()), column_name
        assert column.unique_count == int(series.nunique()), column_name
        assert column.is_categorical, column_name
        expected = series.value_counts()
        assert column.categories == {
            key.item() if hasattr(key, "item") else key: int(count) for key, count in expected.items()
        }, column_name
    assert result.columns[name].min == "new" and result.columns[name].max == "sent"
    assert result.columns[f"{name}_levels"].mean == pytest.approx(levels.mean())
    assert result.columns[f"{name}_mixed"].type_counts == {"int": 20, "string": 10}


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_any_document_key_is_profiled(name: str) -> None:
    documents = [{name: ["x", "y", "y"][index % 3], "nested": {name: index % 2}} for index in range(30)]
    result = profile_documents(documents)
    top, nested = result.columns[name], result.columns[f"nested.{name}"]
    assert top.categories == {"y": 20, "x": 10}
    assert nested.categories == {0: 15, 1: 15}
    assert (top.count, nested.count) == (30, 30)
