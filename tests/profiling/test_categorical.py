from __future__ import annotations

import pytest

from xcatalog.profiling.categorical import is_categorical, unseen_share


@pytest.mark.parametrize(
    ("unique", "count", "threshold", "ratio", "expected"),
    [
        (3, 100, 100, 0.5, True),
        (100, 1000, 100, 0.5, True),  # at the threshold
        (101, 1000, 100, 0.5, False),  # above the threshold
        (5, 10, 100, 0.5, True),  # ratio exactly at the limit
        (6, 10, 100, 0.5, False),  # ratio above the limit
        (0, 0, 100, 0.5, False),  # no values
        (None, 10, 100, 0.5, False),  # unknown distinct count
        (10, 10, 100, 1.0, True),  # ratio 1 allows all-distinct
    ],
)
def test_categorical_rule(unique: int | None, count: int, threshold: int, ratio: float, expected: bool) -> None:
    assert is_categorical(unique, count, threshold=threshold, max_ratio=ratio) is expected


@pytest.mark.parametrize(
    ("frequencies", "size", "expected"),
    [([5, 3, 1, 1], None, 0.2), ([4, 4], None, 0.0), ([1, 1, 1], None, 1.0), ([], None, None), ([1, 2], 10, 0.1)],
)
def test_unseen_share(frequencies: list[int], size: int | None, expected: float | None) -> None:
    assert unseen_share(frequencies, size) == expected
