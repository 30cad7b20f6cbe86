"""Streaming field statistics of a stream of documents.

:class:`SchemaAccumulator` walks documents once and keeps, per field path, the
counts of each value type, array lengths and a few examples. Memory grows with
the number of distinct paths and types, never with the number of documents, so
it can consume a whole cursor batch by batch; accumulators built on separate
parts of the data :meth:`~SchemaAccumulator.merge` into one.

Presence
    ``presence`` is the share of the *parent's occurrences* that hold the field:
    for a top-level field the analysed documents, for ``shipping.city`` the
    documents whose ``shipping`` is a sub-document, for ``items[].sku`` the
    sub-documents inside ``items`` arrays. The elements of an array (``items[]``)
    are present by definition (presence 1). ``parent_count`` is that denominator.
    A field is *required* when ``presence == 1`` and it is never null.

Confidence interval
    ``presence_ci`` is the 95% Wilson score interval of ``presence``. When the
    collection size ``total_count`` is known and larger than the sample, a
    finite-population correction narrows it: the Wilson formula is applied with
    the effective sample size ``n * (N - 1) / (N - n)``, where ``N`` estimates
    the parent's occurrences in the whole collection
    (``parent_count * total_count / sample_size``). A full scan
    (``total_count <= sample_size``) gives the exact rate ``(p, p)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import methodcaller
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from xcatalog.errors import InferenceError, format_choices
from xcatalog.inference.bson_types import ARRAY, OBJECT, example_value, type_name
from xcatalog.inference.naming import item_path, join_path

try:  # the C helper behind Counter.update: counts an iterable into a dict at C speed
    from collections import _count_elements  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - every CPython has it; other interpreters may not

    def _count_elements(mapping: dict[Any, int], iterable: Iterable[Any]) -> None:
        get = mapping.get
        for element in iterable:
            mapping[element] = get(element, 0) + 1


__all__ = [
    "FieldStats",
    "SchemaAccumulator",
    "SchemaStats",
    "analyze_documents",
    "wilson_interval",
]

_Z_95 = 1.959963984540054
_SCALAR, _OBJECT_KIND, _ARRAY_KIND = 0, 1, 2
# Offers a path considers before it stops looking for more distinct examples: a
# boolean field never fills five slots and must not cost a lookup per document.
_EXAMPLE_BUDGET = 200
_MISSING: Any = object()


def wilson_interval(
    successes: int, trials: int, *, population: int | None = None, z: float = _Z_95
) -> tuple[float, float]:
    """Wilson score interval of a proportion, with an optional finite-population correction.

    Args:
        successes: How many of the trials had the property.
        trials: How many were observed (the sample).
        population: How many exist in total; when larger than ``trials`` the
            interval uses the effective sample size ``n * (N - 1) / (N - n)``;
            when not larger the sample is the population and the rate is exact.
        z: The normal quantile (1.96 for 95%).

    Returns:
        ``(low, high)`` within ``[0, 1]``; ``(0.0, 1.0)`` when there are no trials.

    Raises:
        ValueError: ``successes`` is negative or larger than ``trials``.

    Example:
        >>> low, high = wilson_interval(70, 100)
        >>> round(low, 3), round(high, 3)
        (0.604, 0.781)
    """
    if trials <= 0:
        return (0.0, 1.0)
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must be between 0 and trials ({trials}), got {successes}")
    rate = successes / trials
    if population is not None and population <= trials:
        return (rate, rate)
    effective = trials if population is None else trials * (population - 1) / (population - trials)
    z2 = z * z
    denominator = 1 + z2 / effective
    center = (rate + z2 / (2 * effective)) / denominator
    half = z * math.sqrt(rate * (1 - rate) / effective + z2 / (4 * effective * effective)) / denominator
    return (max(0.0, center - half), min(1.0, center + half))


class FieldStats(BaseModel):
    """Statistics of one field path.

    Attributes:
        path: Dotted path, arrays marked ``[]`` (``items[].sku``).
        parent: Path of the enclosing object or array, ``None`` at the top level.
        key: The document key, ``None`` for array elements (``items[]``).
        depth: 0 for top-level fields, +1 per key or array level below.
        presence_count: How many times the field held a value (null included).
        parent_count: Occurrences of the parent that could hold it (see module doc).
        presence: ``presence_count / parent_count``.
        presence_ci: 95% interval of ``presence`` (Wilson; finite-population corrected).
        types: Type name -> count, most frequent first (``str``, ``int``, ``null``...).
        null_count: How many values were null.
        examples: A few distinct example values (JSON-friendly, nulls excluded).
        array_count: How many values were arrays.
        array_min_length: Shortest array seen (``None`` if none).
        array_max_length: Longest array seen.
        array_mean_length: Mean array length.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    parent: str | None = None
    key: str | None = None
    depth: int = 0
    presence_count: int = 0
    parent_count: int = 0
    presence: float = 0.0
    presence_ci: tuple[float, float] = (0.0, 1.0)
    types: dict[str, int] = Field(default_factory=dict)
    null_count: int = 0
    examples: list[Any] = Field(default_factory=list)
    array_count: int = 0
    array_min_length: int | None = None
    array_max_length: int | None = None
    array_mean_length: float | None = None

    @property
    def is_array_item(self) -> bool:
        """Whether the path names the elements of an array (``items[]``)."""
        return self.key is None

    @property
    def is_array(self) -> bool:
        """Whether the field held an array at least once."""
        return ARRAY in self.types

    @property
    def is_object(self) -> bool:
        """Whether the field held a sub-document at least once."""
        return OBJECT in self.types

    @property
    def is_required(self) -> bool:
        """Present in every occurrence of its parent and never null."""
        return self.presence_count >= self.parent_count and self.null_count == 0

    @property
    def dominant_type(self) -> str | None:
        """The most frequent non-null type name, ``None`` if only nulls were seen."""
        return next((name for name in self.types if name != "null"), None)


class SchemaStats(BaseModel):
    """Field statistics of a set of documents.

    Attributes:
        fields: ``{path: FieldStats}``, parents before children, siblings in the
            order their keys were first seen.
        sample_size: How many documents were analysed.
        total_count: How many documents the collection holds, when known.
    """

    model_config = ConfigDict(frozen=True)

    fields: dict[str, FieldStats] = Field(default_factory=dict)
    sample_size: int = 0
    total_count: int | None = None

    def top_level(self) -> list[FieldStats]:
        """The fields of the documents themselves, in order."""
        return [stats for stats in self.fields.values() if stats.parent is None]

    def children(self, path: str) -> list[FieldStats]:
        """The fields directly below ``path`` (its keys, then its array elements ``path[]``).

        Raises:
            InferenceError: ``path`` is not a field of these statistics.
        """
        if path not in self.fields:
            raise InferenceError(
                f"No field '{path}' in the schema statistics. "
                f"Known paths: {format_choices(self.fields)}. Use one of them, e.g. from top_level()."
            )
        return [stats for stats in self.fields.values() if stats.parent == path]


@dataclass
class _RawPath:
    """Counts of one path before rates are derived (shared by both analysis routes)."""

    path: str
    parent: str | None
    key: str | None
    depth: int
    types: dict[str, int]
    examples: list[Any] = field(default_factory=list)
    array_count: int = 0
    length_min: int | None = None
    length_max: int | None = None
    length_total: int = 0


def _build_schema_stats(raw_paths: Iterable[_RawPath], sample_size: int, total_count: int | None) -> SchemaStats:
    """Turn raw counts (parents before children) into :class:`SchemaStats`."""
    object_counts: dict[str, int] = {}
    fields: dict[str, FieldStats] = {}
    scale = total_count / sample_size if total_count is not None and sample_size else None
    for raw in raw_paths:
        types = dict(sorted(raw.types.items(), key=lambda item: (-item[1], item[0])))
        presence_count = sum(types.values())
        if raw.key is None:  # array elements are present by definition
            parent_count = presence_count
        elif raw.parent is None:
            parent_count = sample_size
        else:
            parent_count = object_counts.get(raw.parent, 0)
        presence = presence_count / parent_count if parent_count else 0.0
        if raw.key is None:
            interval = (1.0, 1.0) if presence_count else (0.0, 1.0)
        else:
            population = None if scale is None else max(parent_count, round(parent_count * scale))
            interval = wilson_interval(min(presence_count, parent_count), parent_count, population=population)
        object_counts[raw.path] = types.get(OBJECT, 0)
        fields[raw.path] = FieldStats(
            path=raw.path,
            parent=raw.parent,
            key=raw.key,
            depth=raw.depth,
            presence_count=presence_count,
            parent_count=parent_count,
            presence=presence,
            presence_ci=interval,
            types=types,
            null_count=types.get("null", 0),
            examples=list(raw.examples),
            array_count=raw.array_count,
            array_min_length=raw.length_min if raw.array_count else None,
            array_max_length=raw.length_max if raw.array_count else None,
            array_mean_length=raw.length_total / raw.array_count if raw.array_count else None,
        )
    return SchemaStats(fields=fields, sample_size=sample_size, total_count=total_count)


class _Node:
    """One path of the accumulator's tree; counters only, no values kept."""

    __slots__ = (
        "children",
        "container_pairs",
        "container_types",
        "depth",
        "example_budget",
        "example_keys",
        "examples",
        "item",
        "key",
        "key_type_counts",
        "length_counts",
        "parent",
        "path",
        "pending_examples",
        "value_type_counts",
    )

    def __init__(self, path: str, parent: _Node | None, key: str | None, depth: int, example_budget: int) -> None:
        self.path = path
        self.parent = parent
        self.key = key
        self.depth = depth
        # When values here are objects: (key, type) -> count over their keys, the
        # child nodes, and the (key, type) pairs whose values must be walked.
        self.key_type_counts: dict[tuple[str, type], int] = {}
        self.children: dict[str, _Node] = {}
        self.container_pairs: list[tuple[str, type]] = []
        self.pending_examples: dict[str, _Node] = {}
        # When values here are arrays: lengths and the element node.
        self.item: _Node | None = None
        self.length_counts: dict[int, int] = {}  # array length -> how many arrays
        # For element nodes only: type -> count of the elements, and the element
        # types that must be walked (sub-documents, nested arrays).
        self.value_type_counts: dict[type, int] = {}
        self.container_types: list[type] = []
        self.examples: list[Any] = []
        self.example_keys: set[tuple[type, Hashable]] = set()
        self.example_budget = example_budget


# Work items of a chunk: the node, the values found at its path, whether they are objects.
_Batch = tuple[_Node, list[Any], bool]


class SchemaAccumulator:
    """Streaming schema analysis: feed documents, read :class:`SchemaStats`.

    Memory is bounded by the number of distinct field paths and value types,
    not by the number of documents; no document is kept beyond the chunk being
    counted. Examples come from the first values seen at each path.

    How it is fast: documents are taken in chunks, and every path is counted
    column-wise over the chunk -- the (key, type) pairs of all sibling objects in
    one C-level ``Counter``-style call, array lengths and element types likewise
    -- so Python-level work is per path and chunk, not per value. Only keys or
    types never met before make it look at single documents.

    Args:
        max_examples: Distinct examples kept per path (0 keeps none).
        chunk_size: Documents counted together (memory holds one chunk's references).

    Example:
        >>> accumulator = SchemaAccumulator()
        >>> accumulator.add_many([{"a": 1}, {"a": "x", "b": None}])
        >>> stats = accumulator.result()
        >>> stats.fields["a"].types
        {'int': 1, 'str': 1}
    """

    def __init__(self, *, max_examples: int = 5, chunk_size: int = 2000) -> None:
        if max_examples < 0:
            raise InferenceError(f"max_examples must be 0 or more, got {max_examples}.")
        if chunk_size < 1:
            raise InferenceError(f"chunk_size must be at least 1, got {chunk_size}.")
        self.max_examples = max_examples
        self.chunk_size = chunk_size
        self._budget = _EXAMPLE_BUDGET if max_examples else 0
        self._root = _Node("", None, None, -1, 0)
        self._documents = 0
        # type -> kind, filled as types are met.
        self._kinds: dict[type, int] = {dict: _OBJECT_KIND, list: _ARRAY_KIND, type(None): _SCALAR, str: _SCALAR}

    @property
    def document_count(self) -> int:
        """How many documents were added (merged ones included)."""
        return self._documents

    def add(self, document: Mapping[str, Any]) -> None:
        """Add one document (prefer :meth:`add_many`: it counts whole chunks at once).

        Raises:
            InferenceError: The document is not a mapping or has a non-string key.
        """
        self.add_many((document,))

    def add_many(self, documents: Iterable[Mapping[str, Any]]) -> None:
        """Add documents from any iterable (a list, a generator, a decoded batch).

        Raises:
            InferenceError: A document is not a mapping (the documents before it
                are counted), or a key is not a string (the counts of that
                chunk may then be partial).
        """
        iterator = iter(documents)
        while True:
            chunk = list(islice(iterator, self.chunk_size))
            if not chunk:
                return
            if set(map(type, chunk)) != {dict}:
                bad = next((index for index, document in enumerate(chunk) if not isinstance(document, Mapping)), None)
                if bad is not None:
                    if bad:
                        self._add_chunk(chunk[:bad])
                    raise InferenceError(
                        f"Document #{self._documents + 1} is a {type(chunk[bad]).__name__}, not a mapping. "
                        "Pass documents (dicts), e.g. the items of a find() cursor."
                    )
            self._add_chunk(chunk)

    def _add_chunk(self, documents: list[Mapping[str, Any]]) -> None:
        self._documents += len(documents)
        work: list[_Batch] = [(self._root, documents, True)]
        while work:
            node, values, is_object = work.pop()
            if is_object:
                self._count_objects(node, values, work)
            else:
                self._count_arrays(node, values, work)

    def _count_objects(self, node: _Node, objects: list[Mapping[str, Any]], work: list[_Batch]) -> None:
        counts = node.key_type_counts
        before = {pair: counts.get(pair, 0) for pair in node.container_pairs}
        size = len(counts)
        # dict.values is the fast path; other mappings (SON, RawBSONDocument...)
        # go through their own values() so that keys and values stay aligned.
        values_of: Callable[[Any], Iterable[Any]] = dict.values if set(map(type, objects)) == {dict} else _values
        # Every (key, type) pair of every object, counted in one C call.
        keys = chain.from_iterable(objects)
        _count_elements(counts, zip(keys, map(type, chain.from_iterable(map(values_of, objects)))))  # noqa: B905
        if len(counts) != size:
            for obj in objects:
                self._discover_keys(node, obj)
        if node.pending_examples:
            for obj in objects:
                _offer_object_examples(node, obj, self.max_examples)
                if not node.pending_examples:
                    break
        for pair in node.container_pairs:
            found = counts.get(pair, 0) - before.get(pair, 0)
            if not found:
                continue
            key, value_type = pair
            members = map(methodcaller("get", key), objects)
            if found == len(objects):
                batch = list(members)
            else:
                batch = [member for member in members if type(member) is value_type]
            work.append((node.children[key], batch, self._kinds[value_type] == _OBJECT_KIND))

    def _count_arrays(self, node: _Node, arrays: list[Collection[Any]], work: list[_Batch]) -> None:
        _count_elements(node.length_counts, map(len, arrays))
        total = sum(map(len, arrays))
        if not total:
            return
        item = node.item or self._new_item(node)
        counts = item.value_type_counts
        before = {value_type: counts.get(value_type, 0) for value_type in item.container_types}
        size = len(counts)
        _count_elements(counts, map(type, chain.from_iterable(arrays)))
        if len(counts) != size:
            self._discover_item_types(item)
        if item.example_budget:
            _offer_item_examples(item, chain.from_iterable(arrays), self.max_examples)
        for value_type in item.container_types:
            found = counts.get(value_type, 0) - before.get(value_type, 0)
            if not found:
                continue
            if found == total:
                batch = list(chain.from_iterable(arrays))
            else:
                batch = [element for element in chain.from_iterable(arrays) if type(element) is value_type]
            work.append((item, batch, self._kinds[value_type] == _OBJECT_KIND))

    def _kind(self, value_type: type) -> int:
        kind = self._kinds.get(value_type)
        if kind is None:
            name = type_name(value_type)
            kind = _OBJECT_KIND if name == OBJECT else _ARRAY_KIND if name == ARRAY else _SCALAR
            self._kinds[value_type] = kind
        return kind

    def _new_child(self, parent: _Node, key: str) -> _Node:
        path = join_path(parent.path if parent is not self._root else None, key)
        child = _Node(path, parent, key, parent.depth + 1, self._budget)
        parent.children[key] = child
        if child.example_budget:
            parent.pending_examples[key] = child
        return child

    def _new_item(self, parent: _Node) -> _Node:
        item = _Node(item_path(parent.path), parent, None, parent.depth + 1, self._budget)
        parent.item = item
        return item

    def _discover_keys(self, node: _Node, value: Mapping[str, Any]) -> None:
        """Register the keys and container (key, type) pairs of ``value`` that ``node`` had not met yet."""
        children = node.children
        for key, member in value.items():
            child = children.get(key)
            if child is None:
                if type(key) is not str:
                    where = f"inside '{node.path}'" if node.path else "at the top level"
                    raise InferenceError(
                        f"A document has the non-string key {key!r} ({type(key).__name__}) {where}. "
                        "Document keys must be strings; convert them before analysing."
                    )
                child = self._new_child(node, key)
            member_type = type(member)
            if self._kind(member_type) and (key, member_type) not in node.container_pairs:
                node.container_pairs.append((key, member_type))

    def _discover_item_types(self, item: _Node) -> None:
        for value_type in item.value_type_counts:
            if self._kind(value_type) and value_type not in item.container_types:
                item.container_types.append(value_type)

    def merge(self, other: SchemaAccumulator) -> None:
        """Add the counts of ``other`` (built on other documents) to this accumulator.

        Raises:
            InferenceError: ``other`` is this accumulator.
        """
        if other is self:
            raise InferenceError("Cannot merge a SchemaAccumulator into itself; merge a separate accumulator.")
        for value_type, kind in other._kinds.items():
            self._kinds.setdefault(value_type, kind)
        self._documents += other._documents
        mapping: dict[int, _Node] = {id(other._root): self._root}
        for theirs in _preorder(other._root):
            parent = mapping[id(theirs.parent)]
            if theirs.key is None:
                ours = parent.item or self._new_item(parent)
            else:
                ours = parent.children.get(theirs.key) or self._new_child(parent, theirs.key)
            mapping[id(theirs)] = ours
        for theirs in [other._root, *_preorder(other._root)]:
            ours = mapping[id(theirs)]
            _add_counts(ours.key_type_counts, theirs.key_type_counts)
            _add_counts(ours.value_type_counts, theirs.value_type_counts)
            _add_counts(ours.length_counts, theirs.length_counts)
            ours.container_pairs.extend(pair for pair in theirs.container_pairs if pair not in ours.container_pairs)
            ours.container_types.extend(kind for kind in theirs.container_types if kind not in ours.container_types)
            for example in theirs.examples:  # already converted; example_value() is idempotent on them
                _keep_example(ours, example, self.max_examples)
            ours.example_budget = min(ours.example_budget, theirs.example_budget)
        for node in _preorder(self._root):
            owner = node.parent
            if owner is None or node.key is None:
                continue
            if node.example_budget and len(node.examples) < self.max_examples:
                owner.pending_examples.setdefault(node.key, node)
            else:
                owner.pending_examples.pop(node.key, None)

    def result(self, total_count: int | None = None) -> SchemaStats:
        """The statistics of everything added so far.

        Args:
            total_count: Size of the whole collection, if known; it narrows the
                presence intervals (finite-population correction).

        Returns:
            A :class:`SchemaStats`; the accumulator can keep going afterwards.

        Raises:
            InferenceError: ``total_count`` is negative.
        """
        if total_count is not None and total_count < 0:
            raise InferenceError(f"total_count must be 0 or more, got {total_count}.")
        return _build_schema_stats(self._raw_paths(), self._documents, total_count)

    def _raw_paths(self) -> Iterator[_RawPath]:
        names: dict[type, str] = {}

        def named(counts: Iterable[tuple[type, int]]) -> dict[str, int]:
            totals: dict[str, int] = {}
            for value_type, count in counts:
                name = names.get(value_type)
                if name is None:
                    name = names[value_type] = type_name(value_type)
                totals[name] = totals.get(name, 0) + count
            return totals

        per_parent: dict[int, dict[str, list[tuple[type, int]]]] = {}
        for node in _preorder(self._root):
            parent = node.parent
            assert parent is not None  # only the root has no parent
            if node.key is None:
                type_counts = node.value_type_counts.items()
            else:
                by_key = per_parent.get(id(parent))
                if by_key is None:
                    by_key = per_parent[id(parent)] = {}
                    for (key, value_type), count in parent.key_type_counts.items():
                        by_key.setdefault(key, []).append((value_type, count))
                type_counts = by_key.get(node.key, [])  # type: ignore[assignment]
            lengths = node.length_counts
            yield _RawPath(
                path=node.path,
                parent=None if parent is self._root else parent.path,
                key=node.key,
                depth=node.depth,
                types=named(type_counts),
                examples=node.examples,
                array_count=sum(lengths.values()),
                length_min=min(lengths) if lengths else None,
                length_max=max(lengths) if lengths else None,
                length_total=sum(length * count for length, count in lengths.items()),
            )


def _preorder(root: _Node) -> Iterator[_Node]:
    """The nodes below ``root``, parents first, keys in first-seen order, then the array elements."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node is not root:
            yield node
        following = list(node.children.values())
        if node.item is not None:
            following.append(node.item)
        stack.extend(reversed(following))


def _add_counts(ours: dict[Any, int], theirs: Mapping[Any, int]) -> None:
    for key, count in theirs.items():
        ours[key] = ours.get(key, 0) + count


def _keep_example(node: _Node, value: Any, max_examples: int) -> None:
    if len(node.examples) >= max_examples:
        return
    example = example_value(value)
    if example is None:
        return
    marker = (type(example), example)
    if marker not in node.example_keys:
        node.example_keys.add(marker)
        node.examples.append(example)


def _offer_object_examples(node: _Node, value: Mapping[str, Any], max_examples: int) -> None:
    finished = []
    missing = _MISSING
    for key, child in node.pending_examples.items():
        member = value.get(key, missing)
        if member is missing:
            continue
        child.example_budget -= 1
        _keep_example(child, member, max_examples)
        if child.example_budget <= 0 or len(child.examples) >= max_examples:
            child.example_budget = 0
            finished.append(key)
    for key in finished:
        del node.pending_examples[key]


def _values(mapping: Mapping[str, Any]) -> Iterable[Any]:
    return mapping.values()


def _offer_item_examples(item: _Node, values: Iterable[Any], max_examples: int) -> None:
    for element in values:
        item.example_budget -= 1
        _keep_example(item, element, max_examples)
        if item.example_budget <= 0 or len(item.examples) >= max_examples:
            item.example_budget = 0
            return


def analyze_documents(
    documents: Iterable[Mapping[str, Any]],
    *,
    total_count: int | None = None,
    max_examples: int = 5,
) -> SchemaStats:
    """Field statistics of documents, in one streaming pass.

    Args:
        documents: Mappings (a list, a generator, decoded cursor batches).
        total_count: Size of the whole collection when the documents are a
            sample; narrows the presence intervals.
        max_examples: Distinct examples kept per path.

    Returns:
        The :class:`SchemaStats`.

    Raises:
        InferenceError: A document is not a mapping or has a non-string key.

    Example:
        >>> stats = analyze_documents([{"a": {"b": 1}}, {"a": {}}])
        >>> stats.fields["a.b"].presence
        0.5
    """
    accumulator = SchemaAccumulator(max_examples=max_examples)
    accumulator.add_many(documents)
    return accumulator.result(total_count=total_count)
