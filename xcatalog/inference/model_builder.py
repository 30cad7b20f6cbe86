"""Field statistics -> pydantic v2 model classes.

Rules (issue 4):

* one class per sub-document path, named from the path: ``Order``,
  ``OrderShipping``, ``OrderItemsItem`` (arrays of sub-documents add ``Item``);
  when two paths give the same name (``first_name`` and ``firstName``), the
  later one spells its keys out (``Order_firstName``), then takes a number;
* a field absent from some parents or sometimes null is ``X | None = None``;
* mixed types become a union ordered by frequency; pydantic's smart union keeps
  every value's own type (``True`` stays ``bool``, ``1`` stays ``int``, ``"1"``
  stays ``str``) because an exact match always wins over a lax conversion;
* arrays become ``list[item]`` (``list[Any]`` when only empty arrays were seen);
  ``datetime`` for dates, :class:`~xcatalog.inference.bson_types.BsonDecimal`
  for Decimal128, :class:`~xcatalog.inference.bson_types.ObjectIdStr` for
  ObjectId, ``bytes`` for binary, ``Any`` for the other BSON types;
* sub-documents nested deeper than ``max_depth``, with more than ``max_fields``
  keys, or never seen with a key become ``dict[str, Any]``;
* ``Literal[...]`` only for the paths passed in ``categorical``;
* keys that are not valid field names get a safe name and ``Field(alias=key)``,
  with ``validate_by_name=True`` (pydantic 2.11's successor of
  ``populate_by_name``), so the model validates the original documents.

Generation is deterministic: the same statistics give the same classes.
"""

from __future__ import annotations

import datetime as dt
import operator
import uuid
from collections.abc import Iterable, Mapping, Sequence
from functools import reduce
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from xcatalog.errors import InferenceError, format_choices
from xcatalog.inference.bson_types import ARRAY, OBJECT, BsonDecimal, ObjectIdStr
from xcatalog.inference.naming import class_name_part, field_names, identifier_part, to_class_name
from xcatalog.inference.stats import FieldStats, SchemaStats, analyze_documents

__all__ = ["RESERVED_NAMES", "SCALAR_ANNOTATIONS", "infer_model", "model_from_stats"]

#: Annotation of each scalar type name; type names not listed become ``Any``.
SCALAR_ANNOTATIONS: Mapping[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "bytes": bytes,
    "datetime": dt.datetime,
    "date": dt.date,
    "time": dt.time,
    "ObjectId": ObjectIdStr,
    "Decimal128": BsonDecimal,
    "Decimal": BsonDecimal,
    "UUID": uuid.UUID,
}

#: Names the source of a generated model imports; no class or field may take them.
RESERVED_NAMES: frozenset[str] = frozenset(
    {"Any", "BaseModel", "BsonDecimal", "ConfigDict", "Field", "Literal", "ObjectIdStr", "UUID"}
    | {"date", "datetime", "time", "None", "True", "False"}
)

# An object whose keys look like data (a map keyed by ids or dates) rather than
# a schema: many keys, each present in few documents.
_MAP_MIN_KEYS = 50
_MAP_MAX_MEAN_PRESENCE = 0.05


def model_from_stats(
    stats: SchemaStats,
    name: str,
    *,
    categorical: Mapping[str, Sequence[Any]] | None = None,
    type_overrides: Mapping[str, Any] | None = None,
    max_depth: int = 8,
    max_fields: int = 200,
    extra: Literal["allow", "ignore", "forbid"] = "allow",
) -> type[BaseModel]:
    """Build pydantic model classes from field statistics.

    Args:
        stats: From :func:`~xcatalog.inference.analyze_documents` or
            :func:`~xcatalog.inference.stats_from_pipeline`.
        name: Name of the top-level model; made PascalCase (``"orders"`` -> ``Orders``).
        categorical: ``{path: allowed values}``; those fields become
            ``Literal[...]`` (``None`` among the values makes the field optional).
        type_overrides: ``{path: annotation}`` replacing the inferred type of a
            field (optionality still follows the statistics).
        max_depth: Deepest field level that still gets its own sub-model
            (top-level fields are level 0); deeper sub-documents are ``dict[str, Any]``.
        max_fields: Sub-documents with more distinct keys are ``dict[str, Any]``.
        extra: What the models do with keys they do not declare; ``"allow"``
            keeps them, so a document outside the sample loses nothing.

    Returns:
        The top-level model class; sub-models are reachable through its fields.

    Raises:
        InferenceError: A path in ``categorical`` or ``type_overrides`` is not in
            the statistics, or a categorical value list is empty.

    Example:
        >>> from xcatalog.inference import analyze_documents
        >>> Order = model_from_stats(analyze_documents([{"_id": 1, "shipping": {"city": "Oslo"}}]), "Order")
        >>> Order.model_fields["shipping"].annotation.__name__
        'OrderShipping'
    """
    return _ModelBuilder(
        stats,
        name,
        categorical=categorical or {},
        type_overrides=type_overrides or {},
        max_depth=max_depth,
        max_fields=max_fields,
        extra=extra,
    ).build()


def infer_model(
    documents: Iterable[Mapping[str, Any]],
    name: str,
    *,
    total_count: int | None = None,
    categorical: Mapping[str, Sequence[Any]] | None = None,
    type_overrides: Mapping[str, Any] | None = None,
    max_depth: int = 8,
    max_fields: int = 200,
    extra: Literal["allow", "ignore", "forbid"] = "allow",
) -> type[BaseModel]:
    """Infer a pydantic model from documents (analysis then :func:`model_from_stats`).

    Args:
        documents: Mappings, e.g. sampled MongoDB documents.
        name: Name of the top-level model.
        total_count: Size of the whole collection, if known.
        categorical: See :func:`model_from_stats`.
        type_overrides: See :func:`model_from_stats`.
        max_depth: See :func:`model_from_stats`.
        max_fields: See :func:`model_from_stats`.
        extra: See :func:`model_from_stats`.

    Returns:
        A model class that validates every one of ``documents``.

    Raises:
        InferenceError: A document is not a mapping, or an option names an unknown path.

    Example:
        >>> User = infer_model([{"_id": 1, "first-name": "Ana"}, {"_id": 2}], "User")
        >>> User.model_validate({"_id": 3, "first-name": "Bo"}).first_name
        'Bo'
    """
    stats = analyze_documents(documents, total_count=total_count)
    return model_from_stats(
        stats,
        name,
        categorical=categorical,
        type_overrides=type_overrides,
        max_depth=max_depth,
        max_fields=max_fields,
        extra=extra,
    )


class _ModelBuilder:
    def __init__(
        self,
        stats: SchemaStats,
        name: str,
        *,
        categorical: Mapping[str, Sequence[Any]],
        type_overrides: Mapping[str, Any],
        max_depth: int,
        max_fields: int,
        extra: Literal["allow", "ignore", "forbid"],
    ) -> None:
        self.stats = stats
        self.categorical = categorical
        self.type_overrides = type_overrides
        self.max_depth = max_depth
        self.max_fields = max_fields
        self.config = ConfigDict(validate_by_name=True, extra=extra)
        for option, paths in (("categorical", categorical), ("type_overrides", type_overrides)):
            unknown = [path for path in paths if path not in stats.fields]
            if unknown:
                raise InferenceError(
                    f"{option} names paths that are not in the statistics: {', '.join(map(repr, unknown))}. "
                    f"Known paths: {format_choices(stats.fields)}."
                )
        for path, values in categorical.items():
            if not [value for value in values if value is not None]:
                raise InferenceError(
                    f"categorical['{path}'] has no non-null value; give the allowed values "
                    "or leave the field out of categorical."
                )
        self.key_children: dict[str | None, list[FieldStats]] = {}
        self.item_of: dict[str, FieldStats] = {}
        for field_stats in stats.fields.values():
            if field_stats.key is None:
                if field_stats.parent is not None:
                    self.item_of[field_stats.parent] = field_stats
            else:
                self.key_children.setdefault(field_stats.parent, []).append(field_stats)
        self.class_names = self._assign_class_names(name)
        self.built: dict[str | None, type[BaseModel]] = {}

    # -- names ---------------------------------------------------------------

    def _is_model_path(self, field_stats: FieldStats) -> bool:
        if OBJECT not in field_stats.types or field_stats.path in self.type_overrides:
            return False
        children = self.key_children.get(field_stats.path, [])
        if not children or field_stats.depth >= self.max_depth or len(children) > self.max_fields:
            return False
        mean_presence = sum(child.presence for child in children) / len(children)
        return not (len(children) >= _MAP_MIN_KEYS and mean_presence < _MAP_MAX_MEAN_PRESENCE)

    def _segments(self, field_stats: FieldStats) -> list[str | None]:
        segments: list[str | None] = []
        current: FieldStats | None = field_stats
        while current is not None:
            segments.append(current.key)
            current = self.stats.fields[current.parent] if current.parent is not None else None
        return segments[::-1]

    def _assign_class_names(self, name: str) -> dict[str | None, str]:
        root = to_class_name(name)
        if root in RESERVED_NAMES:
            root += "Model"
        names: dict[str | None, str] = {None: root}
        taken = {root} | RESERVED_NAMES
        for field_stats in self.stats.fields.values():
            if not self._is_model_path(field_stats):
                continue
            segments = self._segments(field_stats)
            pascal = "".join(class_name_part(key) if key is not None else "Item" for key in segments)
            literal = "_".join(identifier_part(key) if key is not None else "item" for key in segments)
            candidates = [root + pascal, f"{root}_{literal}"]
            chosen = next((candidate for candidate in candidates if candidate not in taken), None)
            counter = 2
            while chosen is None:
                candidate = f"{candidates[0]}{counter}"
                chosen = candidate if candidate not in taken else None
                counter += 1
            names[field_stats.path] = chosen
            taken.add(chosen)
        return names

    # -- classes -------------------------------------------------------------

    def build(self) -> type[BaseModel]:
        return self._model(None)

    def _model(self, path: str | None) -> type[BaseModel]:
        built = self.built.get(path)
        if built is not None:
            return built
        children = self.key_children.get(path, [])
        names = field_names([child.key for child in children if child.key is not None], reserved=self._reserved())
        definitions: dict[str, Any] = {}
        for child in children:
            assert child.key is not None  # key_children holds keys only
            annotation, optional = self._field_annotation(child)
            field_name = names[child.key]
            alias = child.key if field_name != child.key else None
            if optional:
                definitions[field_name] = (annotation, Field(default=None, alias=alias))
            else:
                definitions[field_name] = (annotation, Field(alias=alias))
        model = create_model(  # type: ignore[call-overload]
            self.class_names[path],
            __config__=self.config,
            __doc__=self._docstring(path),
            **definitions,
        )
        self.built[path] = model
        return model  # type: ignore[no-any-return]

    def _reserved(self) -> frozenset[str]:
        return RESERVED_NAMES | frozenset(self.class_names.values())

    def _docstring(self, path: str | None) -> str:
        if path is None:
            size = f"{self.stats.sample_size:,} documents"
            if self.stats.total_count is not None and self.stats.total_count != self.stats.sample_size:
                size += f" (sampled from {self.stats.total_count:,})"
            return f"Inferred by xcatalog from {size}."
        field_stats = self.stats.fields[path]
        return f"Sub-document at `{path}` ({field_stats.types.get(OBJECT, 0):,} seen)."

    # -- annotations ---------------------------------------------------------

    def _field_annotation(self, field_stats: FieldStats) -> tuple[Any, bool]:
        annotation = self._value_annotation(field_stats)
        optional = not field_stats.is_required
        if field_stats.path in self.categorical and None in self.categorical[field_stats.path]:
            optional = True
        if optional and annotation is not Any:
            annotation = annotation | None
        return annotation, optional

    def _value_annotation(self, field_stats: FieldStats) -> Any:
        path = field_stats.path
        if path in self.type_overrides:
            return self.type_overrides[path]
        if path in self.categorical:
            values = tuple(dict.fromkeys(value for value in self.categorical[path] if value is not None))
            return Literal[values]
        members: list[Any] = []
        for name in field_stats.types:
            member: Any
            if name == "null":
                continue
            if name == OBJECT:
                member = self._model(path) if self._is_model_path(field_stats) else dict[str, Any]
            elif name == ARRAY:
                member = list[self._item_annotation(field_stats)]  # type: ignore[misc]
            else:
                member = SCALAR_ANNOTATIONS.get(name, Any)
            if member is Any:
                return Any
            if member not in members:
                members.append(member)
        if not members:  # only nulls were seen
            return Any
        return reduce(operator.or_, members)

    def _item_annotation(self, field_stats: FieldStats) -> Any:
        item = self.item_of.get(field_stats.path)
        if item is None:  # only empty arrays were seen
            return Any
        annotation = self._value_annotation(item)
        if item.null_count and annotation is not Any:
            annotation = annotation | None
        return annotation
