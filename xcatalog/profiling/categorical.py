"""Categorical detection and the Good–Turing estimate of unseen values.

A field is **categorical** when all of these hold (``docs/profiling.md``):

* it has at least one non-null value;
* its distinct count is at most ``threshold`` (``[registry.enrichment] categorical_threshold``, default 100);
* its distinct count is at most ``max_ratio`` times its non-null count
  (``[profiling] categorical_max_ratio``, default 0.5) — so each value repeats on
  average at least ``1 / max_ratio`` times; ten distinct names in ten rows are
  not a category.

The **unseen share** (Good–Turing) estimates the probability that the next value
is one not seen so far: the number of values seen exactly once divided by the
number of values seen. Near 0 the set looks closed (validation may reject new
values); near 1 it is open (a key, free text).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["is_categorical", "unseen_share"]


def is_categorical(unique_count: int | None, count: int, *, threshold: int = 100, max_ratio: float = 0.5) -> bool:
    """Decide whether a field is categorical.

    Args:
        unique_count: Distinct non-null values (``None`` when unknown: not categorical).
        count: Non-null values.
        threshold: Most distinct values a categorical field may have.
        max_ratio: Largest ``unique_count / count``.

    Returns:
        Whether the field passes the rule in the module docstring.

    Example:
        >>> is_categorical(3, 100), is_categorical(3, 4), is_categorical(150, 10_000)
        (True, False, False)
    """
    if unique_count is None or count <= 0 or unique_count <= 0:
        return False
    return unique_count <= threshold and unique_count <= max_ratio * count


def unseen_share(frequencies: Iterable[int], sample_size: int | None = None) -> float | None:
    """Good–Turing estimate of the share of values not seen yet: singletons / sample size.

    Args:
        frequencies: How many times each distinct value occurs.
        sample_size: Values observed; default the sum of ``frequencies``.

    Returns:
        A share between 0 and 1, or ``None`` when nothing was observed.

    Example:
        >>> unseen_share([5, 3, 1, 1])
        0.2
    """
    counts = list(frequencies)
    size = sum(counts) if sample_size is None else sample_size
    if size <= 0:
        return None
    singletons = sum(1 for count in counts if count == 1)
    return singletons / size
