"""Graded validation of categorical fields against the values observed in the data. Pure.

The rule (closed or open set)
-----------------------------
A categorical field's set of values is judged **closed** when all three hold:

1. the profile flags the field categorical;
2. the Good–Turing estimate of the unseen share (values seen exactly once /
   non-null values observed) is at most ``max_unseen_share`` (default
   ``0.05``): fewer than one new observation in twenty is expected to bring a
   value never seen before;
3. at least ``min_observations`` (default ``20``) non-null values were
   observed — on fewer, the estimate is too noisy to forbid anything.

Otherwise the set is **open**.

Grading a value of such a field:

* seen in the sample -> fine (in a closed set, a value seen only once while a
  near spelling is common gets a ``category_rare`` warning: it may be a typo
  that made it into the data);
* never seen, closed set -> an **error** (``category_unseen``) naming the
  nearest valid values: ``Invalid value for category: 'Electroncs'. Did you
  mean 'Electronics'?``;
* never seen, open set -> a **warning** (``category_unseen_open_set``) with the
  same suggestions; the record is still accepted.

Errors and warnings use pydantic's error shape (``loc``, ``msg``, ``type``,
``input``) plus ``suggestions`` and a ``ctx`` with the figures behind the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xcatalog.enrichment._paths import path_tuple, path_values
from xcatalog.enrichment.model import CategoryStats, same_value
from xcatalog.enrichment.suggest import nearest_values
from xcatalog.errors import format_choices

__all__ = [
    "DEFAULT_MAX_UNSEEN_SHARE",
    "DEFAULT_MIN_OBSERVATIONS",
    "RARE_RATIO",
    "grade_categories",
    "is_closed_set",
]

DEFAULT_MAX_UNSEEN_SHARE = 0.05
DEFAULT_MIN_OBSERVATIONS = 20
#: A value seen once is flagged rare when a near spelling was seen at least this many times as often.
RARE_RATIO = 10


def is_closed_set(
    *,
    is_categorical: bool,
    unseen_share: float,
    observations: int,
    max_unseen_share: float = DEFAULT_MAX_UNSEEN_SHARE,
    min_observations: int = DEFAULT_MIN_OBSERVATIONS,
) -> bool:
    """Judge whether a categorical field's observed values are the whole set (see the module docstring).

    Args:
        is_categorical: The profile's categorical flag.
        unseen_share: Good–Turing estimate (singletons / observations).
        observations: Non-null values observed.
        max_unseen_share: Largest unseen share of a closed set.
        min_observations: Fewest observations to judge a set closed.

    Returns:
        ``True`` for a closed set.
    """
    return is_categorical and observations >= min_observations and unseen_share <= max_unseen_share


def _quote_choices(values: list[Any]) -> str:
    return ", ".join(repr(value) for value in values)


def grade_categories(
    record: Mapping[str, Any],
    categorical_fields: Mapping[str, CategoryStats],
    *,
    suggestion_limit: int = 3,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Grade every categorical value of ``record`` against the observed values.

    Args:
        record: The record, keyed like the documents the statistics came from
            (original keys, not python-safe aliases).
        categorical_fields: Field path -> observed values and closed-set verdict.
        suggestion_limit: Most nearest values to offer per problem.

    Returns:
        ``(errors, warnings)``, each a list of dicts with ``loc``, ``msg``,
        ``type``, ``input``, ``suggestions`` and ``ctx``.
    """
    errors: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for path, stats in categorical_fields.items():
        for value in path_values(record, path):
            if value is None or isinstance(value, dict | list):
                continue
            problem = _grade_value(path, value, stats, suggestion_limit)
            if problem is None:
                continue
            is_error, entry = problem
            (errors if is_error else warnings).append(entry)
    return errors, warnings


def _grade_value(path: str, value: Any, stats: CategoryStats, limit: int) -> tuple[bool, dict[str, Any]] | None:
    ctx = {"closed": stats.is_closed, "unseen_share": stats.unseen_share, "observations": stats.observations}
    seen = stats.count_of(value)
    if seen:
        if not stats.is_closed or seen > 1:
            return None
        others = [item for item in stats.frequencies if not same_value(item.value, value)]
        near = nearest_values(value, [item.value for item in others], limit=limit)
        common = [candidate for candidate in near if stats.count_of(candidate) >= RARE_RATIO * seen]
        if not common:
            return None
        message = (
            f"Rare value for {path}: {value!r} was seen only once in {stats.observations} values. "
            f"Did you mean {common[0]!r}?"
        )
        return False, _entry(path, value, message, "category_rare", common, ctx)

    near = nearest_values(value, stats.values, limit=limit)
    hint = f"Did you mean {near[0]!r}?" if near else f"Observed values: {format_choices(map(str, stats.values))}."
    if len(near) > 1:
        hint += f" (or {_quote_choices(near[1:])})"
    if stats.is_closed:
        message = f"Invalid value for {path}: {value!r}. {hint}"
        return True, _entry(path, value, message, "category_unseen", near, ctx)
    message = (
        f"Unseen value for {path}: {value!r} does not occur in the {stats.observations} sampled values; "
        f"the set looks open (about {stats.unseen_share:.0%} of new values are expected to be new), "
        f"so it is accepted. {hint}"
    )
    return False, _entry(path, value, message, "category_unseen_open_set", near, ctx)


def _entry(
    path: str, value: Any, message: str, kind: str, suggestions: list[Any], ctx: dict[str, Any]
) -> dict[str, Any]:
    return {
        "loc": path_tuple(path),
        "msg": message,
        "type": kind,
        "input": value,
        "suggestions": list(suggestions),
        "ctx": dict(ctx),
    }
