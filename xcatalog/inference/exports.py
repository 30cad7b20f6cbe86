"""Exports of a model: JSON schema, MongoDB ``$jsonSchema`` validator, Python source.

* :func:`json_schema` -- the model's JSON schema, keys as stored (aliases).
* :func:`mongo_validator` -- ``{"$jsonSchema": ...}`` for ``create_collection``
  / ``collMod``: ``bsonType`` instead of ``type`` (dates as ``date``,
  :class:`~xcatalog.inference.bson_types.ObjectIdStr` as ``objectId``, numbers
  as any numeric BSON type), references inlined, and the keywords MongoDB
  rejects (``$ref``, ``$defs``, ``default``, ``format``, ``examples``...) left out.
* :func:`model_source` -- readable Python source for the model and its
  sub-models (sub-models first, imports at the top); executing it defines
  equivalent models (same fields, aliases, defaults, config and JSON schema).
  Validators, methods and computed fields are not rendered.
"""

from __future__ import annotations

import ast
import math
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen, MultipleOf
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from xcatalog.errors import InferenceError
from xcatalog.registry.json_schemas import catalog_json_schema

__all__ = ["json_schema", "model_source", "mongo_validator"]

# JSON schema type (+ format) -> BSON types that hold such values.
_BSON_TYPES: dict[str, list[str]] = {
    "string": ["string"],
    "integer": ["int", "long"],
    "number": ["double", "int", "long", "decimal"],
    "boolean": ["bool"],
    "null": ["null"],
    "object": ["object"],
    "array": ["array"],
}
_BSON_STRING_FORMATS: dict[str, list[str]] = {
    "date-time": ["date"],
    "date": ["date"],
    "objectid": ["objectId"],
    "binary": ["binData"],
    "base64": ["binData"],
    "uuid": ["binData", "string"],
}
# Keywords MongoDB's $jsonSchema accepts and that pass through unchanged.
_MONGO_PASSTHROUGH = frozenset(
    {
        "title",
        "description",
        "required",
        "enum",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "multipleOf",
    }
)
_CONSTRAINT_NAMES: dict[type, str] = {
    Gt: "gt",
    Ge: "ge",
    Lt: "lt",
    Le: "le",
    MultipleOf: "multiple_of",
    MinLen: "min_length",
    MaxLen: "max_length",
}


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of ``model`` (validation mode, properties named by alias).

    Args:
        model: A pydantic model class.

    Returns:
        ``model.model_json_schema(by_alias=True)``, written by
        :func:`~xcatalog.registry.json_schemas.catalog_json_schema` (decimals marked ``format: decimal``).
    """
    return catalog_json_schema(model, by_alias=True, mode="validation")


def mongo_validator(model: type[BaseModel]) -> dict[str, Any]:
    """A MongoDB collection validator equivalent to ``model``.

    Args:
        model: A pydantic model class (typically from :func:`~xcatalog.inference.infer_model`).

    Returns:
        ``{"$jsonSchema": {...}}`` with ``bsonType`` keywords, ready for
        ``db.create_collection(name, validator=...)``.

    Raises:
        InferenceError: The model refers to itself (MongoDB schemas cannot recurse).

    Example:
        >>> from xcatalog.inference import infer_model
        >>> mongo_validator(infer_model([{"n": 1}], "Counter"))["$jsonSchema"]["properties"]["n"]
        {'bsonType': ['int', 'long'], 'title': 'N'}
    """
    schema = json_schema(model)
    definitions = schema.pop("$defs", {})
    return {"$jsonSchema": _to_bson_schema(schema, definitions, model.__name__, ())}


def _to_bson_schema(
    node: Mapping[str, Any], definitions: Mapping[str, Any], model_name: str, seen: tuple[str, ...]
) -> Any:
    out: dict[str, Any] = {}
    reference = node.get("$ref")
    if isinstance(reference, str):
        name = reference.rsplit("/", 1)[-1]
        if name in seen:
            raise InferenceError(
                f"Model {model_name} refers to {name} recursively; a MongoDB $jsonSchema cannot express that. "
                "Break the cycle (e.g. with dict[str, Any]) before building a validator."
            )
        out.update(_to_bson_schema(definitions[name], definitions, model_name, (*seen, name)))
    json_type = node.get("type")
    if json_type is not None:
        names = [json_type] if isinstance(json_type, str) else list(json_type)
        bson_types: list[str] = []
        for name in names:
            if name == "string" and node.get("format") in _BSON_STRING_FORMATS:
                found = _BSON_STRING_FORMATS[node["format"]]
            else:
                found = _BSON_TYPES.get(name, [])
            bson_types.extend(bson_type for bson_type in found if bson_type not in bson_types)
        out["bsonType"] = bson_types[0] if len(bson_types) == 1 else bson_types
    for key, value in node.items():
        if key in ("properties", "patternProperties"):
            out[key] = {name: _to_bson_schema(sub, definitions, model_name, seen) for name, sub in value.items()}
        elif key in ("items", "not"):
            out[key] = _to_bson_schema(value, definitions, model_name, seen)
        elif key == "additionalProperties":
            out[key] = value if isinstance(value, bool) else _to_bson_schema(value, definitions, model_name, seen)
        elif key in ("anyOf", "oneOf", "allOf"):
            members = [_to_bson_schema(sub, definitions, model_name, seen) for sub in value]
            if key == "anyOf":
                # A decimal's union is kept apart only by its format marker, which MongoDB does not take: join it
                # to its parent union as pydantic itself would have.
                members = [
                    part for member in members for part in (member["anyOf"] if list(member) == ["anyOf"] else [member])
                ]
            out[key] = members
        elif key == "const":
            out["enum"] = [value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            # JSON schema 2020 gives the bound; MongoDB (draft 4) wants the bound plus a flag.
            out["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            out[key] = True
        elif key in _MONGO_PASSTHROUGH:
            out[key] = value
    return out


# -- Python source ------------------------------------------------------------


class _Imports:
    def __init__(self) -> None:
        self.names: dict[str, set[str]] = {"pydantic": {"BaseModel"}}
        self.bound: dict[str, str] = {"BaseModel": "pydantic"}

    def use(self, module: str, name: str) -> str:
        owner = self.bound.setdefault(name, module)
        if owner != module:
            raise InferenceError(
                f"model_source cannot import {name} from both {owner} and {module}; rename one of the classes."
            )
        self.names.setdefault(module, set()).add(name)
        return name

    def render(self) -> str:
        groups: list[list[str]] = [[], [], []]
        for module in sorted(self.names):
            top = module.split(".")[0]
            group = 0 if top in sys.stdlib_module_names else 2 if top == "xcatalog" else 1
            groups[group].append(f"from {module} import {', '.join(sorted(self.names[module]))}")
        return "\n\n".join("\n".join(group) for group in groups if group)


def model_source(model: type[BaseModel]) -> str:
    """Readable Python source that defines ``model`` and the models it uses.

    Sub-models come first, then the model itself; imports are at the top.
    Fields keep their aliases (``id: ObjectIdStr = Field(alias="_id")``),
    defaults, descriptions and simple constraints; the class docstring and
    ``model_config`` are kept too.

    Args:
        model: A pydantic model class.

    Returns:
        The source text; ``exec`` of it (or importing it from a file) defines
        classes with the same names, fields and JSON schema. The source does
        not use ``from __future__ import annotations``; code that has it and
        ``exec``s the source should compile it with ``dont_inherit=True``, or
        the annotations become strings a bare ``exec`` namespace cannot resolve.

    Raises:
        InferenceError: The model uses something the renderer cannot write
            down: a forward reference or cycle, a custom validator in an
            annotation, a default or config value without a literal form.

    Example:
        >>> from xcatalog.inference import infer_model
        >>> print(model_source(infer_model([{"_id": 1}], "Thing")))
        from pydantic import BaseModel, ConfigDict, Field
        <BLANKLINE>
        <BLANKLINE>
        class Thing(BaseModel):
            \"\"\"Inferred by xcatalog from 1 documents.\"\"\"
        <BLANKLINE>
            model_config = ConfigDict(extra="allow", validate_by_name=True)
        <BLANKLINE>
            id: int = Field(alias="_id")
        <BLANKLINE>
    """
    ordered = _models_in_dependency_order(model)
    imports = _Imports()
    for candidate in ordered:
        imports.use("__generated__", candidate.__name__)  # claims the class names
    imports.names.pop("__generated__")
    blocks = [_render_class(candidate, imports) for candidate in ordered]
    return imports.render() + "\n\n\n" + "\n\n\n".join(blocks) + "\n"


def _models_in_dependency_order(model: type[BaseModel]) -> list[type[BaseModel]]:
    ordered: list[type[BaseModel]] = []
    in_progress: list[type[BaseModel]] = []

    def visit(candidate: type[BaseModel]) -> None:
        if candidate in ordered:
            return
        if candidate in in_progress:
            cycle = " -> ".join(item.__name__ for item in [*in_progress, candidate])
            raise InferenceError(f"model_source cannot write recursive models ({cycle}); break the cycle first.")
        in_progress.append(candidate)
        for field_info in candidate.model_fields.values():
            for used in _models_in(field_info.annotation):
                visit(used)
        in_progress.pop()
        same_name = [item for item in ordered if item.__name__ == candidate.__name__]
        if same_name:
            raise InferenceError(
                f"model_source found two different models named {candidate.__name__}; rename one of them."
            )
        ordered.append(candidate)

    visit(model)
    return ordered


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    if get_origin(annotation) is Literal:
        return found
    for argument in get_args(annotation):
        found.extend(_models_in(argument))
    return found


def _render_class(model: type[BaseModel], imports: _Imports) -> str:
    lines = [f"class {model.__name__}(BaseModel):"]
    if model.__doc__:
        lines.append(f"    {_docstring_literal(model.__doc__)}")
        lines.append("")
    config = dict(model.model_config)
    if config:
        imports.use("pydantic", "ConfigDict")
        arguments = ", ".join(
            f"{key}={_literal(value, f'{model.__name__}.model_config[{key!r}]')}"
            for key, value in sorted(config.items())
        )
        lines.append(f"    model_config = ConfigDict({arguments})")
        lines.append("")
    for name, field_info in model.model_fields.items():
        lines.append(f"    {_render_field(model, name, field_info, imports)}")
    while lines[-1] == "":
        lines.pop()
    if len(lines) == 1:
        lines.append("    pass")
    return "\n".join(lines)


def _docstring_literal(doc: str) -> str:
    # Triple quotes only when the text survives them unchanged: no quotes or
    # backslashes to escape, and no control characters (a raw "\r" would be read
    # back as "\n", a NUL is not even allowed in source).
    plain = all(line.isprintable() for line in doc.split("\n"))
    if plain and '"""' not in doc and "\\" not in doc and not doc.endswith('"'):
        return f'"""{doc}"""'
    return repr(doc)


def _render_field(model: type[BaseModel], name: str, field_info: FieldInfo, imports: _Imports) -> str:
    where = f"{model.__name__}.{name}"
    annotation = _render_annotation(field_info.annotation, imports, where)
    arguments: list[str] = []
    for item in field_info.metadata:
        constraint = _CONSTRAINT_NAMES.get(type(item))
        if constraint is None:
            raise InferenceError(
                f"model_source cannot write the annotation metadata {item!r} of {where}; "
                "only simple constraints (gt, ge, lt, le, multiple_of, min_length, max_length) are supported."
            )
        arguments.append(f"{constraint}={_literal(getattr(item, constraint), where)}")
    for attribute in ("alias", "title", "description", "examples"):
        value = getattr(field_info, attribute)
        if value is not None and not (attribute == "alias" and value == name):
            arguments.append(f"{attribute}={_literal(value, where)}")
    default_text: str | None = None
    if field_info.default_factory is not None:
        factory: Callable[..., Any] = field_info.default_factory
        if factory not in (list, dict, set, tuple, frozenset):
            raise InferenceError(f"model_source cannot write the default_factory {factory!r} of {where}.")
        default_text = f"default_factory={factory.__name__}"
    elif field_info.default is not PydanticUndefined:
        default_text = _literal(field_info.default, where)
    if not arguments:
        if default_text is None:
            return f"{name}: {annotation}"
        if not default_text.startswith("default_factory="):
            return f"{name}: {annotation} = {default_text}"
    imports.use("pydantic", "Field")
    if default_text is not None:
        arguments.insert(0, default_text)
    return f"{name}: {annotation} = Field({', '.join(arguments)})"


def _render_annotation(annotation: Any, imports: _Imports, where: str) -> str:
    if annotation is Any:
        return imports.use("typing", "Any")
    if annotation is None or annotation is type(None):
        return "None"
    origin = get_origin(annotation)
    arguments = get_args(annotation)
    if origin is Union or origin is types.UnionType:
        return " | ".join(_render_annotation(argument, imports, where) for argument in arguments)
    if origin is Literal:
        imports.use("typing", "Literal")
        return f"Literal[{', '.join(_literal(argument, where) for argument in arguments)}]"
    if origin is typing.Annotated:
        raise InferenceError(
            f"model_source cannot write the Annotated type of {where} ({annotation!r}); "
            "use a plain type or a class with __get_pydantic_core_schema__."
        )
    if origin is not None and isinstance(origin, type):
        head = _render_annotation(origin, imports, where)
        inner = ", ".join(
            "..." if argument is Ellipsis else _render_annotation(argument, imports, where) for argument in arguments
        )
        return f"{head}[{inner}]" if arguments else head
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return annotation.__name__
        if annotation.__module__ == "builtins":
            return annotation.__qualname__
        if "." in annotation.__qualname__ or "<" in annotation.__qualname__:
            raise InferenceError(
                f"model_source cannot import the nested or local class {annotation!r} used by {where}."
            )
        module = "collections.abc" if annotation.__module__ == "_collections_abc" else annotation.__module__
        return imports.use(module, annotation.__qualname__)
    raise InferenceError(
        f"model_source cannot write the annotation {annotation!r} of {where}; "
        "use classes, unions, Literal, list/dict/set/tuple or Any."
    )


def _literal(value: Any, where: str) -> str:
    """Python source for a literal value, strings in double quotes."""
    if isinstance(value, str):
        text = repr(value)
        if text.startswith("'") and '"' not in value:
            text = '"' + text[1:-1].replace("\\'", "'") + '"'
        return text
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_literal(item, where) for item in value)
        if isinstance(value, tuple):
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        return f"[{inner}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(key, where)}: {_literal(item, where)}" for key, item in value.items()) + "}"
    text = repr(value)
    try:
        same = ast.literal_eval(text) == value and type(ast.literal_eval(text)) is type(value)
    except (ValueError, SyntaxError):
        same = False
    if not same:
        raise InferenceError(f"model_source cannot write the value {value!r} of {where} as a Python literal.")
    return text
