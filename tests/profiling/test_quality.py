from __future__ import annotations

import pytest

from xcatalog.profiling.quality import field_quality, table_quality


def test_complete_single_typed_field_scores_one() -> None:
    score = field_quality(row_count=10, count=10, unique_count=3, type_counts={"int": 10})
    assert (score.completeness, score.validity, score.consistency, score.quality) == (1.0, 1.0, 1.0, 1.0)
    assert score.uniqueness == pytest.approx(0.3)  # reported, not part of the score


def test_formulas() -> None:
    score = field_quality(row_count=20, count=10, unique_count=10, type_counts={"string": 8, "int": 2}, invalid_count=2)
    assert score.completeness == 0.5
    assert score.consistency == 0.8
    assert score.validity == pytest.approx(6 / 10)
    assert score.quality == pytest.approx((0.5 + 0.8 + 0.6) / 3)


def test_semantic_share_drives_validity() -> None:
    score = field_quality(
        row_count=10, count=10, unique_count=10, type_counts={"string": 10}, semantic_share=0.9, semantic_base_count=10
    )
    assert score.validity == pytest.approx(0.9)


def test_field_without_values_scores_zero() -> None:
    score = field_quality(row_count=5, count=0, unique_count=0, type_counts={})
    assert score.validity is None and score.consistency is None and score.uniqueness is None
    assert score.quality == 0.0


def test_table_scores_are_means() -> None:
    fields = [
        field_quality(row_count=4, count=4, unique_count=4, type_counts={"int": 4}),
        field_quality(row_count=4, count=0, unique_count=0, type_counts={}),
    ]
    table = table_quality(fields)
    assert table.quality == 0.5
    assert table.completeness == 0.5
    assert table.validity == 1.0  # only fields with values
    assert table_quality([]).quality == 0.0
