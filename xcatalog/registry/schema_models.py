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
  ``uri``, and the decimal shape (number or string, marked ``format: decimal``
  by :func:`~xcatalog.registry.json_schemas.catalog_json_schema`, or with
  pydantic 2.13's patterned string) -> :class:`~decimal.Decimal` with its
  ``max_digits`` / ``decimal_places`` read from the string's pattern;
* constraints ``minLength``, ``maxLength``, ``pattern``, ``minimum``,
  ``maximum``, ``exclusiveMinimum``, ``exclusiveMaximum``, ``multipleOf``,
  ``minItems``, ``maxItems``; defaults, titles, descriptions, examples.

Every other keyword (a ``format`` pydantic does not know such as ``objectid``
or ``int64``, ``bsonType``, ``readOnly``, ``x-...`` extensions) is written back
verbatim where it stood, on the field, on a nested node or on the model, so the
rebuilt model's ``model_json_schema()`` keeps it and a schema diff against the
original sees no change. ``format: objectid`` (which xcatalog's inference
writes for ObjectId fields) is a ``str`` that also accepts a ``bson.ObjectId``,
and a ``Decimal`` also accepts a ``bson.Decimal128``, recognised by duck typing:
the registry never imports the driver.

A ``default_factory`` leaves no trace in the schema: an optional array comes
back with ``[]``, an object with ``{}``, anything else with ``None``.

Property names are the aliases pydantic wrote. A property that is not a safe
Python field name (``Fi-x``, ``class``, ``_id``, ``json``) becomes a safe name
with the property as its alias; ``python_names`` can give the original Python
names back. Anything the schema does not say (custom validators, methods)
cannot come back: the rebuilt model validates what the schema describes.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import keyword
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, cast

from pydantic import (
    AnyUrl,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PydanticUserError,
    TypeAdapter,
    ValidationError,
    create_model,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticUndefined, core_schema

from xcatalog.errors import RegistryError
from xcatalog.registry.json_schemas import DECIMAL_FORMAT

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


def _objectid_to_str(value: Any) -> Any:
    # bson.ObjectId by class and module name: the registry layer does not import the driver.
    value_type = type(value)
    if value_type.__name__ == "ObjectId" and (value_type.__module__ or "").split(".")[0] == "bson":
        return str(value)
    return value


def _decimal128_to_decimal(value: Any) -> Any:
    # bson.Decimal128 has to_decimal(); Decimal itself does not.
    to_decimal = getattr(value, "to_decimal", None)
    return to_decimal() if callable(to_decimal) and not isinstance(value, Decimal) else value


# String formats pydantic does not know, with a converter for the driver values they stand for; the format
# keyword itself is kept as an extra keyword.
_FORMAT_CONVERTERS: dict[str, Any] = {"objectid": _objectid_to_str}
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
# The string branch of a decimal (pydantic 2.13's pattern, which catalog_json_schema keeps writing) starts like this.
_DECIMAL_PATTERN = "^(?!^[-+.]*$)[+-]?0*"
_MAX_DIGITS = re.compile(r"\(\?=\[\\d\.\]\{1,(\d+)\}")
_DECIMAL_PLACES = re.compile(r"\\\.\??\\d\{0,(\d+)\}0\*\$")
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_RESERVED = frozenset(dir(BaseModel))
# Keywords the rebuilt annotations write back themselves. ``format`` is one only for the formats in _FORMATS.
_STRUCTURE_KEYWORDS = frozenset(
    {"$ref", "allOf", "anyOf", "oneOf", "const", "enum", "discriminator", "type", "items", "prefixItems"}
    | {"uniqueItems", "properties", "required", "additionalProperties", "$defs", "definitions"}
    | set(_CONSTRAINTS)
)
# Keywords a property's FieldInfo writes back (see _Builder.field_info).
_FIELD_KEYWORDS = frozenset({"title", "description", "examples", "deprecated", "default"})
# Keywords a model class writes back itself (its title, docstring and extra setting).
_MODEL_KEYWORDS = _STRUCTURE_KEYWORDS | {"title", "description"}


class SchemaRebuildError(RegistryError):
    """A stored JSON schema cannot be turned back into a model (say which node and why)."""


class _KeptKeywords:
    """Annotation metadata that adds stored JSON-schema keywords back to the generated schema.

    Hashable by the keywords' repr, because ``typing.Union`` hashes its members
    and the keyword values may be dicts and lists.
    """

    __slots__ = ("keywords",)

    def __init__(self, keywords: Mapping[str, Any]) -> None:
        self.keywords = dict(keywords)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _KeptKeywords) and other.keywords == self.keywords

    def __hash__(self) -> int:
        return hash(repr(sorted(self.keywords.items(), key=lambda item: item[0])))

    def __repr__(self) -> str:
        return f"_KeptKeywords({self.keywords!r})"

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        generated = handler(schema)
        # A copy: whoever edits the generated schema must not edit this model's keywords.
        generated.update(copy.deepcopy(self.keywords))
        return generated


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
            annotation = self.annotation(
                prop_schema, f"{path}/properties/{prop}", owner=class_name, prop=prop, handled=_FIELD_KEYWORDS
            )
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
        model_extras = _extra_keywords(node, _MODEL_KEYWORDS)
        if model_extras:
            config["json_schema_extra"] = model_extras
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
    def annotation(
        self, node: Any, path: str, *, owner: str, prop: str = "", handled: frozenset[str] = frozenset()
    ) -> Any:
        """The annotation of a schema node, carrying the node's keywords it would not write back itself.

        ``handled`` names keywords someone else writes back (a property's title,
        default... come from its FieldInfo).
        """
        annotation = self.bare_annotation(node, path, owner=owner, prop=prop)
        if isinstance(node, Mapping) and "properties" in node and "$ref" not in node:
            handled = handled | _MODEL_KEYWORDS  # an inline object: its model class keeps its own keywords
        extras = _extra_keywords(node, handled) if isinstance(node, Mapping) else {}
        if not extras:
            return annotation
        return Annotated[annotation, _KeptKeywords(extras)]

    def bare_annotation(self, node: Any, path: str, *, owner: str, prop: str = "") -> Any:
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
            # Each member takes the node's structure and constraints; its other keywords are kept once, on the union.
            shared = {key: value for key, value in node.items() if key in _STRUCTURE_KEYWORDS}
            members = [{**shared, "type": member} | _member_keywords(node, member) for member in kind]
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
        if constraints:
            annotation = Annotated[annotation, Field(**constraints)]
        converter = _FORMAT_CONVERTERS.get(str(node.get("format"))) if node.get("type") == "string" else None
        if converter is not None:
            # After the constraints, so they stay on the string schema that the converter wraps.
            annotation = Annotated[annotation, BeforeValidator(converter)]
        return annotation

    def union(self, node: Mapping[str, Any], members: list[Any], path: str, *, owner: str, prop: str) -> Any:
        decimal = _decimal_from(node, members)
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
                # A definition is written inline where it is used; its title was only its name.
                built = self.annotation(target, ref, owner=_class_name(name), handled=frozenset({"title"}))
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


def _decimal_from(node: Mapping[str, Any], members: list[Any]) -> Any:
    """Recognise ``Decimal``: ``anyOf: [number, string]`` marked ``format: decimal``, or with a patterned string.

    :func:`~xcatalog.registry.json_schemas.catalog_json_schema` writes the marker; catalogs stored before it
    have only pydantic 2.13's pattern on the string branch.
    """
    if len(members) != 2 or not all(isinstance(member, Mapping) for member in members):
        return None
    number = next((member for member in members if member.get("type") == "number"), None)
    text = next((member for member in members if member.get("type") == "string"), None)
    if number is None or text is None:
        return None
    pattern = str(text.get("pattern", ""))
    if node.get("format") != DECIMAL_FORMAT and not pattern.startswith(_DECIMAL_PATTERN):
        return None
    options: dict[str, Any] = {_CONSTRAINTS[key]: value for key, value in number.items() if key in _CONSTRAINTS}
    if pattern.startswith(_DECIMAL_PATTERN):
        if match := _MAX_DIGITS.search(pattern):
            options["max_digits"] = int(match[1]) - 1
        if match := _DECIMAL_PLACES.search(pattern):
            options["decimal_places"] = int(match[1])
    # Constraints first: they belong to the decimal schema, which the converter then wraps.
    return Annotated[Decimal, Field(**options), BeforeValidator(_decimal128_to_decimal)]


def _extra_keywords(node: Mapping[str, Any], handled: frozenset[str]) -> dict[str, Any]:
    """The keywords of ``node`` its rebuilt annotation would not write back (``handled`` are written elsewhere).

    A keyword holding a ``$ref`` is left out: the definitions it points to are rebuilt under their own names.
    """
    kind = node.get("type")
    is_text = kind == "string" or (isinstance(kind, list) and "string" in kind)
    known_format = is_text and node.get("format") in _FORMATS
    return {
        key: value
        for key, value in node.items()
        if key not in handled
        and key not in _STRUCTURE_KEYWORDS
        and not (key == "format" and known_format)
        and not _mentions_ref(value)
    }


def _member_keywords(node: Mapping[str, Any], member: str) -> dict[str, Any]:
    """What a member of ``type: [...]`` takes from its node besides the structure: a known format, an object's title."""
    if member == "string" and node.get("format") in _FORMATS:
        return {"format": node["format"]}
    if member == "object" and "properties" in node and "title" in node:
        return {"title": node["title"]}
    return {}


def _mentions_ref(value: Any) -> bool:
    if isinstance(value, Mapping):
        return "$ref" in value or any(_mentions_ref(item) for item in value.values())
    if isinstance(value, list):
        return any(_mentions_ref(item) for item in value)
    return False
