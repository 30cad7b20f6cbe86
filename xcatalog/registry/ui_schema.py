"""Describe how a pydantic model should be shown as a form: the UI schema.

:func:`generate_ui_schema` reads a model's ``model_fields`` and annotations and
returns a plain, JSON-ready dict that the widgets layer renders::

    {
        "title": "Order",
        "description": "An order.",
        "model": "shop.models.Order",
        "field_order": ["id", "status", ...],
        "fields": {
            "status": {
                "name": "status", "alias": None, "widget": "select", "type": "Status",
                "label": "Status", "required": False, "nullable": False, "order": 1,
                "description": None, "default": "open",
                "options": [{"label": "OPEN", "value": "open"}, ...],
            },
            ...
        },
    }

The widget of a field is the first match in an ordered table of
``(predicate, widget)`` rules (:data:`DEFAULT_WIDGET_RULES`), as in ipyautoui.
A predicate is a small function of a :class:`FieldShape`; pass ``extra_rules``
to try your own rules before the defaults, or ``rules`` to replace them::

    def is_color(shape: FieldShape) -> bool:
        return shape.annotation is str and shape.name.endswith("_color")

    generate_ui_schema(Theme, extra_rules=[(is_color, "color")])

The default order: select (Enum, Literal), object (sub-model), tags (list of
str), list (other sequences), dict (mappings), union (several types), toggle
(bool), number (int, float, Decimal), datetime, date, time, password / email /
url by type (``SecretStr``, ``EmailStr``, URL types), then the seed's name
rules for text fields (``password``, ``email``, ``url``/``link``,
``description``/``notes`` -> textarea), and ``text`` for everything else.
Name rules only apply to string fields, so ``email_verified: bool`` stays a
toggle.

What a field descriptor holds does not depend on the chosen widget: an Enum
field always lists its ``options``, a number its ``min``/``max``, a sub-model
its ``fields``, a sequence its ``item`` descriptor, a mapping its ``value``
descriptor, a union its ``variants``. A field with an alias is keyed by its
Python name and records the alias. Recursive models stop at the second visit
with ``"recursive": True``.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import re
import threading
import types
from collections import abc
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import AnyUrl, BaseModel, EmailStr, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, to_jsonable_python

__all__ = [
    "DEFAULT_WIDGET_RULES",
    "FieldShape",
    "WidgetRule",
    "generate_ui_schema",
    "is_bool",
    "is_date",
    "is_datetime",
    "is_enum",
    "is_literal",
    "is_mapping",
    "is_number",
    "is_sequence",
    "is_string_list",
    "is_submodel",
    "is_text",
    "is_time",
    "is_union",
    "text_named",
]

_CONSTRAINT_NAMES = ("gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length", "pattern")
# get_origin() gives the collections.abc class for typing.Sequence[...], typing.AbstractSet[...], etc.
_SEQUENCE_ORIGINS: frozenset[Any] = frozenset(
    {list, set, frozenset, tuple, abc.Sequence, abc.MutableSequence, abc.Set, abc.MutableSet}
)
_MAPPING_ORIGINS: frozenset[Any] = frozenset({dict, abc.Mapping, abc.MutableMapping})
_GROUPED_MARKER = "__is_annotated_types_grouped_metadata__"


@dataclass(frozen=True, slots=True)
class FieldShape:
    """What a widget predicate sees of a field (or of a list item, a mapping value).

    Attributes:
        name: The field's Python name (the parent field's name for an item).
        annotation: The type with ``Annotated`` and ``None`` stripped.
        nullable: Whether ``None`` is accepted.
        constraints: ``gt``, ``ge``, ``lt``, ``le``, ``multiple_of``, ``min_length``,
            ``max_length``, ``pattern`` found in the annotation or the ``Field``.
    """

    name: str
    annotation: Any
    nullable: bool = False
    constraints: Mapping[str, Any] = field(default_factory=dict)

    @property
    def origin(self) -> Any:
        """``typing.get_origin`` of the annotation (``list`` for ``list[int]``)."""
        return get_origin(self.annotation)

    @property
    def args(self) -> tuple[Any, ...]:
        """``typing.get_args`` of the annotation."""
        return get_args(self.annotation)


WidgetRule = tuple[Callable[[FieldShape], bool], str]
"""A ``(predicate, widget)`` pair: the widget applies when the predicate is true."""


def _is_class(annotation: Any, base: type | tuple[type, ...]) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, base)


def _is_union_type(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


# -- predicates ------------------------------------------------------------


def is_enum(shape: FieldShape) -> bool:
    """An :class:`enum.Enum` subclass."""
    return _is_class(shape.annotation, enum.Enum)


def is_literal(shape: FieldShape) -> bool:
    """A ``Literal[...]``."""
    return shape.origin is Literal


def is_submodel(shape: FieldShape) -> bool:
    """A nested pydantic model."""
    return _is_class(shape.annotation, BaseModel)


def is_sequence(shape: FieldShape) -> bool:
    """``list``, ``set``, ``frozenset``, ``tuple`` or ``Sequence``, bare or parametrised."""
    return shape.origin in _SEQUENCE_ORIGINS or shape.annotation in (list, set, frozenset, tuple)


def is_string_list(shape: FieldShape) -> bool:
    """A sequence of strings (``list[str]``, ``set[str]``, ``tuple[str, ...]``)."""
    if not is_sequence(shape) or not shape.args:
        return False
    item_types = [arg for arg in shape.args if arg is not Ellipsis]
    return all(_strip(arg)[0] is str for arg in item_types)


def is_mapping(shape: FieldShape) -> bool:
    """``dict`` or ``Mapping``, bare or parametrised."""
    return shape.origin in _MAPPING_ORIGINS or shape.annotation is dict


def is_union(shape: FieldShape) -> bool:
    """A union of several types (``None`` aside)."""
    return _is_union_type(shape.annotation)


def is_bool(shape: FieldShape) -> bool:
    """``bool``."""
    return shape.annotation is bool


def is_number(shape: FieldShape) -> bool:
    """``int``, ``float`` or ``Decimal`` (not ``bool``)."""
    return shape.annotation in (int, float, Decimal) or (
        _is_class(shape.annotation, (int, float, Decimal)) and not _is_class(shape.annotation, (bool, enum.Enum))
    )


def is_datetime(shape: FieldShape) -> bool:
    """``datetime.datetime``."""
    return _is_class(shape.annotation, dt.datetime)


def is_date(shape: FieldShape) -> bool:
    """``datetime.date`` (a ``datetime`` is matched by :func:`is_datetime` first)."""
    return _is_class(shape.annotation, dt.date) and not _is_class(shape.annotation, dt.datetime)


def is_time(shape: FieldShape) -> bool:
    """``datetime.time``."""
    return _is_class(shape.annotation, dt.time)


def is_text(shape: FieldShape) -> bool:
    """``str`` (or a ``str`` subclass that is not an Enum)."""
    return _is_class(shape.annotation, str) and not _is_class(shape.annotation, enum.Enum)


def _is_secret(shape: FieldShape) -> bool:
    return _is_class(shape.annotation, SecretStr)


def _is_email_type(shape: FieldShape) -> bool:
    return shape.annotation is EmailStr


def _is_url_type(shape: FieldShape) -> bool:
    return _is_class(shape.annotation, AnyUrl)


def text_named(*words: str) -> Callable[[FieldShape], bool]:
    """A predicate: a text field whose lower-cased name contains one of ``words``.

    Example:
        >>> rule = (text_named("colour", "color"), "color")
    """
    lowered = tuple(word.lower() for word in words)

    def predicate(shape: FieldShape) -> bool:
        name = shape.name.lower()
        return is_text(shape) and any(word in name for word in lowered)

    predicate.__name__ = f"text_named_{'_'.join(lowered)}"
    return predicate


DEFAULT_WIDGET_RULES: tuple[WidgetRule, ...] = (
    (is_enum, "select"),
    (is_literal, "select"),
    (is_submodel, "object"),
    (is_string_list, "tags"),
    (is_sequence, "list"),
    (is_mapping, "dict"),
    (is_union, "union"),
    (is_bool, "toggle"),
    (is_number, "number"),
    (is_datetime, "datetime"),
    (is_date, "date"),
    (is_time, "time"),
    (_is_secret, "password"),
    (_is_email_type, "email"),
    (_is_url_type, "url"),
    (text_named("password"), "password"),
    (text_named("email"), "email"),
    (text_named("url", "link"), "url"),
    (text_named("description", "notes"), "textarea"),
)
"""The built-in rules, first match wins; ``text`` when none matches."""


# -- annotations -------------------------------------------------------------


def _strip(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """Remove ``Annotated`` and ``None`` from a type: ``(inner type, nullable, metadata)``."""
    metadata: list[Any] = []
    nullable = False
    while True:
        if get_origin(annotation) is Annotated:
            metadata.extend(annotation.__metadata__)
            annotation = annotation.__origin__
            continue
        if _is_union_type(annotation):
            members = get_args(annotation)
            others = tuple(member for member in members if member is not type(None))
            if len(others) < len(members):
                nullable = True
                if len(others) == 1:
                    annotation = others[0]
                    continue
                annotation = Union[others]  # noqa: UP007 - a union built at run time
        if annotation is type(None):
            nullable = True
        return annotation, nullable, metadata


def _constraints(metadata: Iterable[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):
            found.update(_constraints(item.metadata))
            continue
        # isinstance() against the runtime-checkable protocol is slow; every GroupedMetadata carries the marker.
        if hasattr(item, _GROUPED_MARKER) and isinstance(item, annotated_types.GroupedMetadata):
            found.update(_constraints(iter(item)))
            continue
        for name in _CONSTRAINT_NAMES:
            value = getattr(item, name, None)
            if value is not None:
                found[name] = value
    return found


def _type_name(annotation: Any) -> str:
    """A short readable type: ``list[Address]``, ``int | str``, ``Literal['a', 'b']``."""
    if annotation is Any:
        return "Any"
    if annotation is Ellipsis:
        return "..."
    if annotation is type(None):
        return "None"
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _type_name(args[0])
    if origin is Literal:
        return f"Literal[{', '.join(repr(arg) for arg in args)}]"
    if _is_union_type(annotation):
        return " | ".join(_type_name(arg) for arg in args)
    if origin is not None:
        base = getattr(origin, "__name__", None) or repr(origin).replace("typing.", "")
        return f"{base}[{', '.join(_type_name(arg) for arg in args)}]" if args else base
    if isinstance(annotation, type):
        return annotation.__name__
    return repr(annotation).replace("typing.", "")


def _label(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").split()
    return " ".join(word[:1].upper() + word[1:] for word in spaced) or name


def _jsonable(value: Any) -> Any:
    try:
        return to_jsonable_python(value)
    except Exception:  # any value must still end up in the schema, if only as its repr
        return repr(value)


# -- caching -----------------------------------------------------------------
# Registering many models describes the same few annotations (str, int, datetime, a shared Enum) over and over;
# the analysis of a field's type and the walk through the rule table are the same every time, so they are
# remembered. Only what is a function of the annotation, the field name, the constraints and the rules is kept:
# a description that reaches a sub-model depends on which models are being visited (recursion), and is not.


def _cache_key(value: Any) -> Hashable:
    """A key under which ``value`` is only found again by a value that is described the same way.

    Classes compare by identity. Other annotations and constraint values compare by
    equality, which is too loose for a UI schema: ``int | str == str | int`` (the
    variants would come out in the other order), ``Ge(1) == Ge(1.0)``,
    ``Decimal("1.0") == Decimal("1.00")``. Pairing the value with its ``repr``
    keeps those apart.

    Raises:
        TypeError: ``value`` is not hashable (the caller then does not cache).
    """
    if isinstance(value, type):
        return value
    key = (value, repr(value))
    hash(key)
    return key


def _copy_node(value: Any) -> Any:
    """A deep copy of a JSON-ready description (dicts, lists and scalars), much faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {key: _copy_node(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_node(item) for item in value]
    return value


_Stripped = tuple[Any, bool, tuple[Any, ...]]
_NodeTable = dict[Hashable, dict[str, Any]]


class _DescriptionCache:
    """What :func:`generate_ui_schema` already worked out, shared by every call.

    Three tables, each bounded by ``max_entries`` (the oldest entry goes first):
    annotation -> :func:`_strip` result; field name -> label; and, per rule table,
    ``(name, annotation, nullable, constraints)`` -> the description of that shape.
    Reads are plain dict lookups (atomic in CPython); writes take a lock so that
    eviction stays consistent when several threads describe models at once.
    Widget predicates are assumed to be pure functions of the :class:`FieldShape`.
    """

    def __init__(self, max_entries: int = 4096, max_rule_tables: int = 32) -> None:
        self.max_entries = max_entries
        self.max_rule_tables = max_rule_tables
        self._lock = threading.Lock()
        self._stripped: dict[Hashable, _Stripped] = {}
        self._labels: dict[str, str] = {}
        self._nodes: dict[Hashable, _NodeTable] = {}
        # id(annotation) -> (annotation, key): typing caches Literal[...], Optional[...] and List[...], so the
        # same object comes back often and its repr need not be rebuilt. Holding the annotation keeps its id unique.
        self._keys: dict[int, tuple[Any, Hashable]] = {}

    def _store(self, table: dict[Any, Any], key: Hashable, value: Any, limit: int) -> None:
        with self._lock:
            while len(table) >= limit:
                del table[next(iter(table))]
            table[key] = value

    def key_for(self, annotation: Any) -> Hashable:
        """:func:`_cache_key` of an annotation, remembered by identity.

        Raises:
            TypeError: The annotation is not hashable.
        """
        if isinstance(annotation, type):
            return annotation
        found = self._keys.get(id(annotation))
        if found is not None and found[0] is annotation:
            return found[1]
        key = _cache_key(annotation)
        self._store(self._keys, id(annotation), (annotation, key), self.max_entries)
        return key

    def strip(self, annotation: Any) -> _Stripped:
        """:func:`_strip` of ``annotation``, with the metadata as a tuple."""
        try:
            key = self.key_for(annotation)
        except TypeError:
            inner, nullable, metadata = _strip(annotation)
            return inner, nullable, tuple(metadata)
        found = self._stripped.get(key)
        if found is None:
            inner, nullable, metadata = _strip(annotation)
            found = (inner, nullable, tuple(metadata))
            self._store(self._stripped, key, found, self.max_entries)
        return found

    def label(self, name: str) -> str:
        """:func:`_label` of a field name."""
        found = self._labels.get(name)
        if found is None:
            found = _label(name)
            self._store(self._labels, name, found, self.max_entries)
        return found

    def nodes_for(self, rules: tuple[WidgetRule, ...]) -> _NodeTable | None:
        """The description table for one rule table; ``None`` when the rules are not hashable."""
        try:
            found = self._nodes.get(rules)
        except TypeError:  # a predicate that is an unhashable callable object
            return None
        if found is None:
            found = {}
            self._store(self._nodes, rules, found, self.max_rule_tables)
        return found

    def store_node(self, table: _NodeTable, key: Hashable, node: dict[str, Any]) -> None:
        """Remember the description of a shape (the caller passes a copy it will not hand out)."""
        self._store(table, key, node, self.max_entries)


_DESCRIPTIONS = _DescriptionCache()
"""The memo behind :func:`generate_ui_schema`: it changes how fast, never what is generated."""


# -- building ----------------------------------------------------------------


class _Builder:
    """One generation: the rules in force and the models being described (for recursion).

    Args:
        rules: The widget table, first match wins.
        cache: Where to find and keep descriptions; ``None`` works everything out afresh.
    """

    def __init__(self, rules: Sequence[WidgetRule], cache: _DescriptionCache | None = _DESCRIPTIONS) -> None:
        self.rules = tuple(rules)
        self.visiting: list[type[BaseModel]] = []
        self.cache = cache
        self.nodes = cache.nodes_for(self.rules) if cache is not None else None
        # Counts sub-model visits, so that describe() knows when a description depended on them.
        self.submodels_described = 0

    def widget_for(self, shape: FieldShape) -> str:
        for predicate, widget in self.rules:
            if predicate(shape):
                return widget
        return "text"

    def model(self, model_class: type[BaseModel]) -> dict[str, Any]:
        self.visiting.append(model_class)
        try:
            fields: dict[str, Any] = {}
            for position, (name, info) in enumerate(model_class.model_fields.items()):
                fields[name] = self.field(name, info, position)
        finally:
            self.visiting.pop()
        doc = model_class.__doc__
        return {
            "title": model_class.model_config.get("title") or model_class.__name__,
            "description": inspect.cleandoc(doc) if doc else None,
            "model": f"{model_class.__module__}.{model_class.__qualname__}",
            "field_order": list(fields),
            "fields": fields,
        }

    def field(self, name: str, info: FieldInfo, position: int) -> dict[str, Any]:
        stripped = _strip(info.annotation) if self.cache is None else self.cache.strip(info.annotation)
        annotation, nullable, metadata = stripped
        label = _label(name) if self.cache is None else self.cache.label(name)
        # The Field's constraints first, then the annotation's: the later one wins, as pydantic applies them.
        constraints = _constraints(info.metadata) if info.metadata else {}
        if metadata:
            constraints.update(_constraints(metadata))
        shape = FieldShape(name=name, annotation=annotation, nullable=nullable, constraints=constraints)
        descriptor: dict[str, Any] = {
            "name": name,
            "alias": info.alias,
            "label": info.title or label,
            "required": info.is_required(),
            "description": info.description,
            "order": position,
        }
        if info.default is not PydanticUndefined:
            descriptor["default"] = _jsonable(info.default)
        else:
            descriptor["default"] = None
            if info.default_factory is not None:
                descriptor["default_factory"] = True
        descriptor.update(self.describe(shape))
        return descriptor

    def describe(self, shape: FieldShape) -> dict[str, Any]:
        """The widget and type-specific details of one shape (remembered unless a sub-model is involved)."""
        key = self._node_key(shape)
        if key is not None and self.nodes is not None:
            cached = self.nodes.get(key)
            if cached is not None:
                node: dict[str, Any] = _copy_node(cached)
                return node
        submodels_before = self.submodels_described
        node = self._describe(shape)
        if (
            key is not None
            and self.nodes is not None
            and self.cache is not None
            and self.submodels_described == submodels_before
        ):
            self.cache.store_node(self.nodes, key, _copy_node(node))
        return node

    def _node_key(self, shape: FieldShape) -> Hashable | None:
        if self.nodes is None or self.cache is None:
            return None
        try:
            constraints = tuple((name, _cache_key(value)) for name, value in shape.constraints.items())
            return (shape.name, self.cache.key_for(shape.annotation), shape.nullable, constraints)
        except TypeError:  # an unhashable annotation or constraint: describe it every time
            return None

    def _describe(self, shape: FieldShape) -> dict[str, Any]:
        annotation = shape.annotation
        node: dict[str, Any] = {
            "widget": self.widget_for(shape),
            "type": _type_name(annotation),
            "nullable": shape.nullable,
        }
        if shape.constraints:
            node["constraints"] = {key: _jsonable(value) for key, value in shape.constraints.items()}
        if is_enum(shape):
            node["options"] = [{"label": member.name, "value": _jsonable(member.value)} for member in annotation]
        elif is_literal(shape):
            node["options"] = [{"label": str(value), "value": _jsonable(value)} for value in shape.args]
        elif is_submodel(shape):
            node.update(self.submodel(annotation))
        elif is_sequence(shape):
            node.update(self.sequence(shape))
        elif is_mapping(shape):
            args = shape.args
            if len(args) == 2:
                node["key"] = _type_name(_strip(args[0])[0])
                node["value"] = self.describe(self.inner_shape(shape.name, args[1]))
        elif is_union(shape):
            node["variants"] = [self.describe(self.inner_shape(shape.name, member)) for member in shape.args]
        elif is_number(shape):
            node.update(_number_range(annotation, shape.constraints))
        return node

    def inner_shape(self, name: str, annotation: Any) -> FieldShape:
        inner, nullable, metadata = _strip(annotation) if self.cache is None else self.cache.strip(annotation)
        return FieldShape(name=name, annotation=inner, nullable=nullable, constraints=_constraints(metadata))

    def submodel(self, model_class: type[BaseModel]) -> dict[str, Any]:
        self.submodels_described += 1
        if model_class in self.visiting:
            return {"model": model_class.__name__, "recursive": True}
        described = self.model(model_class)
        return {"model": described["title"], "field_order": described["field_order"], "fields": described["fields"]}

    def sequence(self, shape: FieldShape) -> dict[str, Any]:
        args = shape.args
        if shape.origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            return {"items": [self.describe(self.inner_shape(shape.name, arg)) for arg in args]}
        item = args[0] if args else Any
        return {"item": self.describe(self.inner_shape(shape.name, item))}


def _number_range(annotation: Any, constraints: Mapping[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if "ge" in constraints or "gt" in constraints:
        extra["min"] = _jsonable(constraints.get("ge", constraints.get("gt")))
        extra["exclusive_min"] = "ge" not in constraints
    if "le" in constraints or "lt" in constraints:
        extra["max"] = _jsonable(constraints.get("le", constraints.get("lt")))
        extra["exclusive_max"] = "le" not in constraints
    if "multiple_of" in constraints:
        extra["step"] = _jsonable(constraints["multiple_of"])
    elif _is_class(annotation, int):
        extra["step"] = 1
    return extra


def generate_ui_schema(
    model_class: type[BaseModel],
    *,
    rules: Sequence[WidgetRule] | None = None,
    extra_rules: Sequence[WidgetRule] = (),
) -> dict[str, Any]:
    """Describe a model's fields for a form.

    Pure: reads the class only, builds a new dict each call. What does not
    depend on sub-models (the widget, type and details of a field's shape) is
    remembered across calls, per rule table, in a bounded memo; so widget
    predicates must be pure functions of the :class:`FieldShape`.

    Args:
        model_class: The pydantic model.
        rules: The widget table; default :data:`DEFAULT_WIDGET_RULES`.
        extra_rules: Rules tried before ``rules`` (first match wins).

    Returns:
        ``{"title", "description", "model", "order", "fields"}``; ``fields`` maps
        each Python field name to its descriptor (see the module docstring).

    Raises:
        TypeError: ``model_class`` is not a pydantic model class.
    """
    if not _is_class(model_class, BaseModel):
        raise TypeError(f"generate_ui_schema needs a pydantic BaseModel subclass, got {model_class!r}.")
    table = (*extra_rules, *(DEFAULT_WIDGET_RULES if rules is None else rules))
    return _Builder(table).model(model_class)
