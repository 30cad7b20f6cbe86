from __future__ import annotations

import pandas as pd
import pytest
from bson import ObjectId

from xcatalog.errors import ProfilingError
from xcatalog.profiling import profile, profile_documents


def test_documents_keep_absent_and_null_apart() -> None:
    documents = [{"a": 1, "b": None}, {"a": None}, {"a": 2, "b": "x"}, {"c": {"d": True}}]
    result = profile(documents)
    assert result.mode == "documents"
    a, b = result.columns["a"], result.columns["b"]
    assert (a.count, a.null_count, a.missing_count) == (2, 1, 1)
    assert (b.count, b.null_count, b.missing_count) == (1, 1, 2)
    assert result.columns["c.d"].missing_count == 3
    assert a.completeness == 0.5


def test_mixed_field_from_documents_keeps_both_types() -> None:
    # pymongoarrow without a schema would null out the minority type; every value must survive here.
    documents = [{"ref": n if n % 4 else f"R{n}"} for n in range(40)]
    column = profile(documents).columns["ref"]
    assert column.type_counts == {"string": 10, "int": 30}
    assert column.count == 40 and column.null_count == 0
    assert column.unique_count == 40
    assert column.consistency == 0.75


def test_object_ids_keep_their_type_name() -> None:
    column = profile([{"_id": ObjectId()} for _ in range(5)]).columns["_id"]
    assert column.type_counts == {"objectId": 5}
    assert column.semantic_type == "object_id"
    assert column.is_candidate_key


def test_samples_and_counts() -> None:
    documents = [{"n": n, "when": pd.Timestamp("2024-01-01")} for n in range(30)]
    result = profile_documents(documents, sample_rows=3, total_count=1000, mode="sample", source="db.c")
    assert result.total_count == 1000 and result.row_count == 30
    assert len(result.samples) == 3
    assert all(sample["when"] == "2024-01-01T00:00:00" for sample in result.samples)
    assert result.source == "db.c"


def test_series_and_frame_inputs() -> None:
    assert profile(pd.Series([1, 2], name="x")).columns["x"].count == 2
    assert profile(pd.DataFrame({"x": [1]}), sample_rows=0).samples == []


@pytest.mark.parametrize("bad", ["text", {"a": 1}, 42])
def test_unusable_input_is_refused(bad: object) -> None:
    with pytest.raises(ProfilingError, match="pass a pandas DataFrame or a list of"):
        profile(bad)  # type: ignore[arg-type]


def test_non_mapping_document_is_refused() -> None:
    with pytest.raises(ProfilingError, match="Document 1 is a list"):
        profile([{"a": 1}, [1, 2]])  # type: ignore[list-item]
