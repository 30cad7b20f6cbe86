"""Rebuild a working pydantic v2 model from a stored JSON schema.

Dynamic models (inferred from a collection, built at run time) have no import
path, so the store keeps their JSON schema and :func:`model_from_schema` turns
it back into a model that validates the same data. It reads the schema that
pydantic v2's ``model_json_schema()`` writes:

* nested objects through ``$defs`` / ``$ref`` (recursive ones too) and inline
  ``object`` schemas with ``properties``; ``additionalProperties`` as a dict
  type or as the model's ``extra`` setting;
* arrays (``items``; ``uniqueItems`` -> ``set``; ``prefixItems`` -> ``tuple``);
* ``anyOf`` / ``oneOf`` / ``type: [...]`` unions, ``null`` members -> optional,
  ``discriminator`` kept when the members allow it;
* ``enum`` in ``$defs`` -> an :class:`~enum.Enum` of that title, inline ``enum``
  and ``const`` -> :data:`~typing.Literal`;
* formats ``date-time``, ``date``, ``time``, ``duration``, ``uuid``, ``binary``,
  ``uri``, and pydantic's decimal shape (number or patterned string) ->
  :class:`~decimal.Decimal` with its ``max_digits`` / ``decimal_places``;
* constraints ``minLength``, ``maxLength``, ``pattern``, ``minimum``,
  ``maximum``, ``exclusiveMinimum``, ``exclusiveMaximum``, ``multipleOf``,
  ``minItems``, ``maxItems``; defaults, titles, descriptions, examples.

A ``default_factory`` leaves no trace in the schema: an optional array comes
back with ``[]``, an object with ``{}``, anything else with ``None``.

Property names are the aliases pydantic wrote. A property that is not a safe
Python field name (``Fi-x``, ``class``, ``_id``, ``json``) becomes a safe name
with the property as its alias; ``python_names`` can give the original Python
names back. Anything the schema does not say (custom validators, methods)
cannot come back: the rebuilt model validates what the schema describes.
"""

from __future__ import annotations

import datetime as dt
import enum
import keyword
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, cast

from pydantic import AnyUrl, BaseModel, ConfigDict, Field, PydanticUserError, TypeAdapter, ValidationError, create_model
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from xcatalog.errors import RegistryError

__all__ = ["SchemaRebuildError", "model_from_schema", "python_field_name"]

_FORMATS: dict[str, Any] = {
    "date-time": dt.datetime,
    "date": dt.date,
    "time": dt.time,
    "duration": dt.timedelta,
    "uuid": uuid.UUID,
    "binary": bytes,
    "uri": AnyUrl,
    "decimal": Decimal,
}
_SCALARS: dict[str, Any] = {"string": str, "integer": int, "number": float, "boolean": bool, "null": type(None)}
_CONSTRAINTS = {
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
    "multipleOf": "multiple_of",
    "minItems": "min_length",
    "maxItems": "max_length",
}
# The string branch pydantic writes for Decimal starts like this.
_DECIMAL_PATTERN = "^(?!^[-+.]*$)[+-]?0*"
_MAX_DIGITS = re.compile(r"\(\?=\[\\d\.\]\{1,(\d+)\}")
_DECIMAL_PLACES = re.compile(r"\\\.\??\\d\{0,(\d+)\}0\*\$")
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_RESERVED = frozenset(dir(BaseModel))


class SchemaRebuildError(RegistryError):
    """A stored JSON schema cannot be turned back into a model (say which node and why)."""


def python_field_name(name: str) -> str:
    """A safe Python field name for a JSON property (the property stays as the alias).

    Example:
        >>> python_field_name("Fi-x"), python_field_name("class"), python_field_name("_id"), python_field_name("json")
        ('Fi_x', 'class_', 'id', 'json_')
    """
    if _is_safe(name):
        return name
    cleaned = re.sub(r"\W+", "_", name).strip("_") or "field"
    if cleaned[0].isdigit():
        cleaned = f"field_{cleaned}"
    return cleaned if _is_safe(cleaned) else f"{cleaned}_"


def _is_safe(name: str) -> bool:
    # Leading underscores make private attributes; BaseModel's own names would be shadowed.
    return bool(_IDENTIFIER.match(name)) and not keyword.iskeyword(name) and name not in _RESERVED


def model_from_schema(
    schema: Mapping[str, Any],
    *,
    name: str | None = None,
    python_names: Mapping[str, Mapping[str, str]] | None = None,
    module: str | None = None,
) -> type[BaseModel]:
    """Build a pydantic model from the JSON schema of a model.

    Args:
        schema: An object schema, as written by ``Model.model_json_schema()``.
        name: The class name; default the schema's ``title``.
        python_names: ``{model title: {property: python field name}}`` to restore
            the original field names of aliased properties.
        module: ``__module__`` of the new classes (helps pickling and reprs).

    Returns:
        A model class validating what the schema describes.

    Raises:
        SchemaRebuildError: The schema is not an object schema, or a ``$ref`` points nowhere.

    Example:
        >>> from pydantic import BaseModel
        >>> class Point(BaseModel):
        ...     x: int
        ...     y: int = 0
        >>> Rebuilt = model_from_schema(Point.model_json_schema())
        >>> Rebuilt(x="3").model_dump()
        {'x': 3, 'y': 0}
    """
    return _Builder(schema, python_names or {}, module).build_root(name)


class _Builder:
    def __init__(
        self, schema: Mapping[str, Any], python_names: Mapping[str, Mapping[str, str]], module: str | None
    ) -> None:
        self.root = schema
        self.definitions: Mapping[str, Any] = schema.get("$defs", schema.get("definitions", {}))
        self.python_names = python_names
        self.module = module
        self.built: dict[str, Any] = {}
        self.in_progress: set[str] = set()
        self.models: list[type[BaseModel]] = []
        self.deferred = False

    def build_root(self, name: str | None) -> type[BaseModel]:
        if "$ref" in self.root and "properties" not in self.root:
            # A recursive model's schema is only a reference to its own definition.
            model = self.reference(str(self.root["$ref"]), "#")
        elif self.root.get("type", "object") == "object":
            model = self.object_model(self.root, name or str(self.root.get("title") or "DynamicModel"), path="#")
        else:
            model = None
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise SchemaRebuildError(
                f"Cannot rebuild a model from a schema of type {self.root.get('type')!r}: a model schema is an object "
                "with 'properties' (as written by Model.model_json_schema())."
            )
        if self.deferred:
            # Recursive $refs were left as forward references by name; resolve them now.
            namespace = {candidate.__name__: candidate for candidate in self.models}
            for candidate in self.models:
                candidate.model_rebuild(_types_namespace=namespace)
        return model

    # -- objects ----------------------------------------------------------
    def object_model(self, node: Mapping[str, Any], title: str, path: str) -> type[BaseModel]:
        class_name = _class_name(title)
        renames = self.python_names.get(str(node.get("title", title)), {})
        required = set(node.get("required", []))
        fields: dict[str, Any] = {}
        aliased = False
        for prop, prop_schema in node.get("properties", {}).items():
            field_name = renames.get(prop) or python_field_name(prop)
            while field_name in fields:
                field_name += "_"
            annotation = self.annotation(prop_schema, f"{path}/properties/{prop}", owner=class_name, prop=prop)
            alias = prop if field_name != prop else None
            aliased = aliased or alias is not None
            info = self.field_info(prop_schema, annotation, is_required=prop in required, alias=alias)
            fields[field_name] = (annotation, info)
        extra = node.get("additionalProperties")
        config = ConfigDict(
            extra="forbid" if extra is False else "allow" if extra is not None else "ignore",
            populate_by_name=aliased,
            protected_namespaces=(),
        )
        try:
            model: type[BaseModel] = create_model(  # type: ignore[call-overload]
                class_name,
                __config__=config,
                __doc__=node.get("description"),
                __module__=self.module or __name__,
                **fields,
            )
        except Exception as exc:
            raise SchemaRebuildError(f"Cannot rebuild model {class_name!r} at {path}: {exc}") from exc
        self.models.append(model)
        return model

    def field_info(
        self, node: Mapping[str, Any], annotation: Any, *, is_required: bool, alias: str | None
    ) -> FieldInfo:
        options: dict[str, Any] = {"alias": alias} if alias else {}
        for key in ("title", "description", "examples", "deprecated"):
            if key in node:
                options[key] = node[key]
        if is_required:
            return Field(**options)  # type: ignore[no-any-return]
        if "default" in node:
            return Field(default=_typed_default(annotation, node["default"]), **options)  # type: ignore[no-any-return]
        # pydantic writes no default for default_factory fields; an empty container is the usual one.
        kind = node.get("type")
        if kind == "array":
            return Field(default_factory=list, **options)  # type: ignore[no-any-return]
        if kind == "object":
            return Field(default_factory=dict, **options)  # type: ignore[no-any-return]
        # Unknown factory: None keeps the schema identical (no "default") and accepts a missing value.
        return Field(default_factory=_none, **options)  # type: ignore[no-any-return]

    # -- annotations ------------------------------------------------------
    def annotation(self, node: Any, path: str, *, owner: str, prop: str = "") -> Any:
        if node is True or node == {}:
            return Any
        if not isinstance(node, Mapping):
            raise SchemaRebuildError(f"Unexpected schema node at {path}: {node!r}.")
        if "$ref" in node:
            return self.reference(str(node["$ref"]), path)
        if "allOf" in node and len(node["allOf"]) == 1:
            return self.annotation(node["allOf"][0], path, owner=owner, prop=prop)
        if "const" in node:
            return Literal[node["const"]]
        if "enum" in node:
            return Literal[tuple(node["enum"])]
        for union_key in ("anyOf", "oneOf"):
            if union_key in node:
                return self.union(node, node[union_key], path, owner=owner, prop=prop)
        kind = node.get("type")
        if isinstance(kind, list):
            members = [{**node, "type": member} for member in kind]
            return self.union(node, members, path, owner=owner, prop=prop)
        return self.constrained(self.bare(node, path, owner=owner, prop=prop), node)

    def bare(self, node: Mapping[str, Any], path: str, *, owner: str, prop: str) -> Any:
        kind = node.get("type")
        if kind == "string":
            return _FORMATS.get(str(node.get("format")), str)
        if kind in _SCALARS:
            return _SCALARS[str(kind)]
        if kind == "array":
            if "prefixItems" in node:
                items = [self.annotation(item, f"{path}/prefixItems", owner=owner) for item in node["prefixItems"]]
                return tuple[tuple(items)] if items else tuple[()]  # type: ignore[misc]
            item = self.annotation(node.get("items", {}), f"{path}/items", owner=owner, prop=prop)
            return set[item] if node.get("uniqueItems") else list[item]  # type: ignore[valid-type]
        if kind == "object" or "properties" in node:
            if "properties" in node:
                title = str(node.get("title") or f"{owner}{_class_name(prop or 'Item')}")
                return self.object_model(node, title, path)
            values = node.get("additionalProperties", True)
            return dict[str, self.annotation(values, f"{path}/additionalProperties", owner=owner)]  # type: ignore[misc]
        return Any

    def constrained(self, annotation: Any, node: Mapping[str, Any]) -> Any:
        constraints = {_CONSTRAINTS[key]: value for key, value in node.items() if key in _CONSTRAINTS}
        if annotation is AnyUrl:
            # Url types carry their own length rules and refuse min_length/max_length.
            constraints = {key: value for key, value in constraints.items() if key not in ("min_length", "max_length")}
        if not constraints:
            return annotation
        return Annotated[annotation, Field(**constraints)]

    def union(self, node: Mapping[str, Any], members: list[Any], path: str, *, owner: str, prop: str) -> Any:
        decimal = _decimal_from(members)
        if decimal is not None:
            return decimal
        choices = [
            self.annotation(member, f"{path}/{index}", owner=owner, prop=prop) for index, member in enumerate(members)
        ]
        unique: list[Any] = []
        for choice in choices:
            if choice not in unique:
                unique.append(choice)
        annotation: Any = unique[0] if len(unique) == 1 else Union[tuple(unique)]  # noqa: UP007 - built at run time
        discriminator = node.get("discriminator")
        if isinstance(discriminator, Mapping) and "propertyName" in discriminator and type(None) not in unique:
            annotation = Annotated[annotation, Field(discriminator=str(discriminator["propertyName"]))]
        return annotation

    def reference(self, ref: str, path: str) -> Any:
        if not ref.startswith("#/"):
            raise SchemaRebuildError(
                f"Cannot follow $ref {ref!r} at {path}: only local references ('#/$defs/...') are stored."
            )
        if ref == "#":
            self.deferred = True
            return str(self.root.get("title") or "DynamicModel")
        parts = ref[2:].split("/")
        name = parts[-1]
        if name in self.built:
            return self.built[name]
        target: Any = self.root
        for part in parts:
            if not isinstance(target, Mapping) or part not in target:
                available = ", ".join(sorted(self.definitions)) or "(none)"
                raise SchemaRebuildError(f"$ref {ref!r} at {path} points nowhere; definitions available: {available}.")
            target = target[part]
        if name in self.in_progress:
            # A recursive model: refer to it by class name and resolve after every class exists.
            self.deferred = True
            return _class_name(str(target.get("title", name)))
        self.in_progress.add(name)
        try:
            if "enum" in target and "properties" not in target:
                built: Any = _enum_class(
                    str(target.get("title", name)), list(target["enum"]), self.module, target.get("description")
                )
            elif target.get("type") == "object" or "properties" in target:
                built = self.object_model(target, str(target.get("title", name)), ref)
            else:
                built = self.annotation(target, ref, owner=_class_name(name))
        finally:
            self.in_progress.discard(name)
        self.built[name] = built
        return built


def _none() -> None:
    return None


def _typed_default(annotation: Any, default: Any) -> Any:
    """The stored default as the field's type (an enum member, a model), as the original default was.

    The JSON schema holds defaults as JSON; left raw, an enum field would
    default to a plain string and pydantic would warn when serialising it.
    """
    if default is None or default is PydanticUndefined:
        return default
    try:
        return TypeAdapter(annotation).validate_python(default)
    except (PydanticUserError, ValidationError, TypeError, NameError):
        return default


def _class_name(title: str) -> str:
    cleaned = re.sub(r"\W+", "_", title).strip("_") or "Model"
    return f"M_{cleaned}" if cleaned[0].isdigit() else cleaned


def _enum_class(title: str, values: list[Any], module: str | None, description: str | None) -> type[enum.Enum]:
    members: dict[str, Any] = {}
    for index, value in enumerate(values):
        member = python_field_name(str(value)).upper() if isinstance(value, str) else f"VALUE_{index}"
        members[member if member not in members else f"{member}_{index}"] = value
    # A str/int mixin makes members compare equal to their values, as the original enums usually do.
    mixin: type | None = None
    if all(isinstance(value, str) for value in values):
        mixin = str
    elif all(type(value) is int for value in values):
        mixin = int
    built: Any = enum.Enum(_class_name(title), members, type=mixin, module=module or __name__)  # type: ignore[misc]
    built.__doc__ = description
    return cast("type[enum.Enum]", built)


def _decimal_from(members: list[Any]) -> Any:
    """Recognise ``Decimal``, which pydantic writes as ``anyOf: [number, patterned string]``."""
    if len(members) != 2 or not all(isinstance(member, Mapping) for member in members):
        return None
    number = next((member for member in members if member.get("type") == "number"), None)
    text = next((member for member in members if member.get("type") == "string"), None)
    if number is None or text is None or not str(text.get("pattern", "")).startswith(_DECIMAL_PATTERN):
        return None
    pattern = str(text["pattern"])
    options: dict[str, Any] = {_CONSTRAINTS[key]: value for key, value in number.items() if key in _CONSTRAINTS}
    if match := _MAX_DIGITS.search(pattern):
        options["max_digits"] = int(match[1]) - 1
    if match := _DECIMAL_PLACES.search(pattern):
        options["decimal_places"] = int(match[1])
    return Annotated[Decimal, Field(**options)] if options else Decimal
