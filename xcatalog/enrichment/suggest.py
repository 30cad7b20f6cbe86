"""Ranking suggested values for a form field, and finding the valid values nearest to a typo. Pure.

Ranking, for a categorical field:

1. values seen *together with* the other fields already filled in (``given``),
   by joint count in the sampled documents — ``city`` given ``country="FR"``
   puts Paris and Lyon first;
2. then the remaining observed values by marginal frequency, so the list
   still offers every valid value;
3. for a field that is not categorical, the distinct values of the sampled
   documents by how often they occur.

Ties are broken by marginal count, then by text, so the order is stable. A
prefix keeps only values whose text starts with it, ignoring case.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xcatalog.enrichment.model import CategoryStats, Suggestion, same_value

__all__ = ["nearest_values", "rank_values"]


def _text(value: Any) -> str:
    return str(value).casefold()


def _matches(observed: Any, wanted: Any) -> bool:
    # An array field (``tags[]``) holds a list in a row: any item may match.
    if isinstance(observed, list):
        return any(_matches(item, wanted) for item in observed)
    if isinstance(observed, str) and isinstance(wanted, str):
        return observed.casefold() == wanted.casefold()
    return same_value(observed, wanted)


def _hashable(value: Any) -> Any:
    # Sample values may be dicts or lists; counting needs a hashable stand-in.
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return (type(value) is bool, value)


def rank_values(
    field: str,
    categories: CategoryStats | None,
    *,
    prefix: str = "",
    given: Mapping[str, Any] | None = None,
    rows: Sequence[Mapping[str, Any]] = (),
    sample_values: Iterable[Any] = (),
    limit: int = 10,
) -> list[Suggestion]:
    """Rank the values to suggest for ``field``.

    Args:
        field: The field path being filled.
        categories: Its observed values, when it is categorical.
        prefix: Keep only values whose text starts with this (case-insensitive).
        given: Values of other fields already filled in; fields absent from
            ``rows`` and ``None`` values are ignored.
        rows: Per sampled document, its categorical values by path (the joint
            sample for co-occurrence).
        sample_values: Values of the field in sampled documents (the fallback
            when the field is not categorical).
        limit: Most suggestions to return (``0`` or less: no limit).

    Returns:
        The suggestions, best first.
    """
    folded_prefix = prefix.casefold()

    def keep(value: Any) -> bool:
        return value is not None and _text(value).startswith(folded_prefix)

    ranked: list[Suggestion] = []
    if categories is not None and categories.frequencies:
        marginal = {_hashable(item.value): item.count for item in categories.frequencies}
        joint = _joint_counts(field, given or {}, rows)
        order = sorted(
            (item for item in categories.frequencies if keep(item.value)),
            key=lambda item: (
                -joint.get(_hashable(item.value), 0),
                -marginal[_hashable(item.value)],
                _text(item.value),
            ),
        )
        for item in order:
            together = joint.get(_hashable(item.value), 0)
            if together:
                ranked.append(Suggestion(value=item.value, count=together, source="co-occurrence"))
            else:
                ranked.append(Suggestion(value=item.value, count=item.count, source="frequency"))
    else:
        counts: Counter[Any] = Counter()
        first_seen: dict[Any, Any] = {}
        for value in sample_values:
            if not keep(value) or isinstance(value, dict | list):
                continue
            key = _hashable(value)
            counts[key] += 1
            first_seen.setdefault(key, value)
        for key, count in sorted(counts.items(), key=lambda pair: (-pair[1], _text(first_seen[pair[0]]))):
            ranked.append(Suggestion(value=first_seen[key], count=count, source="sample"))
    return ranked[:limit] if limit > 0 else ranked


def _joint_counts(field: str, given: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> dict[Any, int]:
    known = {path for row in rows for path in row}
    conditions = {path: value for path, value in given.items() if path != field and path in known and value is not None}
    if not conditions:
        return {}
    counts: Counter[Any] = Counter()
    for row in rows:
        if field not in row:
            continue
        if all(path in row and _matches(row[path], value) for path, value in conditions.items()):
            observed = row[field]
            for item in observed if isinstance(observed, list) else [observed]:
                counts[_hashable(item)] += 1
    return dict(counts)


def nearest_values(value: Any, candidates: Iterable[Any], *, limit: int = 3, cutoff: float = 0.6) -> list[Any]:
    """The candidates nearest to ``value`` in spelling, best first (case is ignored).

    Uses :func:`difflib.get_close_matches` on case-folded text: a value that
    differs only in case (``electronics``) scores 1.0 and comes first.

    Args:
        value: What was typed.
        candidates: The valid values.
        limit: Most values to return.
        cutoff: Similarity (0..1) below which a candidate is not offered.

    Returns:
        The nearest candidates in their original spelling.
    """
    by_text: dict[str, Any] = {}
    for candidate in candidates:
        if candidate is not None:
            by_text.setdefault(_text(candidate), candidate)
    matches = difflib.get_close_matches(_text(value), list(by_text), n=limit, cutoff=cutoff)
    return [by_text[match] for match in matches]
