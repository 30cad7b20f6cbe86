"""Pure helpers that read pydantic v2 type annotations (no registry state).

What the type registry needs to know about a type without registering it:
its base type (:func:`describe_base_type`), its declared constraints
(:func:`extract_constraints`) and description, and how to build a model with
one validated ``value`` field (:func:`build_validated_model`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, NewType, get_args, get_origin

import annotated_types
from pydantic import AfterValidator, BaseModel, create_model
from pydantic.fields import FieldInfo

from xcatalog.registry._namespace import validate_segment

__all__ = [
    "CONSTRAINT_KEYS",
    "GENERATED_MODULE",
    "TypeValidator",
    "build_validated_model",
    "describe_base_type",
    "description_of",
    "extract_constraints",
    "validators_of",
]

CONSTRAINT_KEYS = ("gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length", "pattern")
GENERATED_MODULE = "xcatalog.registry.generated"
# Set on models made by build_validated_model: the validators of their ``value`` field.
_VALIDATORS_MARK = "__xcatalog_validators__"


@dataclass(frozen=True)
class TypeValidator:
    """A named validator function: it takes a value and returns it (possibly cleaned) or raises ``ValueError``.

    Attributes:
        func: The function.
        name: Its registered name.
        description: What it checks.
    """

    func: Callable[[Any], Any]
    name: str
    description: str | None = None

    def __call__(self, value: Any) -> Any:
        """Apply the validator."""
        return self.func(value)

    # The seed reads these two attributes off registered validators.
    @property
    def _name(self) -> str:
        return self.name

    @property
    def _description(self) -> str | None:
        return self.description


def describe_base_type(type_class: Any) -> str:
    """The underlying type of ``type_class`` as a short name.

    ``Annotated[int, ...]`` -> ``"int"``; a ``str`` subclass -> ``"str"``;
    ``Decimal`` -> ``"Decimal"``; a ``BaseModel`` -> its name; a validator type
    made by :func:`build_validated_model` -> the base type of its ``value``;
    anything else -> its written form (``"list[int]"``).
    """
    if get_origin(type_class) is Annotated:
        return describe_base_type(get_args(type_class)[0])
    if isinstance(type_class, NewType):
        return describe_base_type(type_class.__supertype__)
    if isinstance(type_class, type):
        if issubclass(type_class, BaseModel):
            if getattr(type_class, _VALIDATORS_MARK, None) is not None:
                return describe_base_type(type_class.model_fields["value"].annotation)
            return type_class.__name__
        if type_class.__module__ == "builtins":
            return type_class.__name__
        for base in type_class.__mro__[1:]:
            if base.__module__ == "builtins" and base is not object:
                return base.__name__
        return type_class.__name__
    return inspect.formatannotation(type_class)


def extract_constraints(type_class: Any) -> dict[str, Any]:
    """Constraints (:data:`CONSTRAINT_KEYS`) declared on a type's annotation metadata.

    Reads ``Field(...)`` (:class:`~pydantic.fields.FieldInfo`),
    ``StringConstraints``, ``annotated_types`` objects (``Gt``, ``Interval``,
    ``Len``, ...) and, for validator types, the metadata of their ``value`` field.
    """
    if get_origin(type_class) is Annotated:
        base, *metadata = get_args(type_class)
        found = extract_constraints(base)
        found.update(_constraints_in(metadata))
        return found
    if isinstance(type_class, NewType):
        return extract_constraints(type_class.__supertype__)
    if (
        isinstance(type_class, type)
        and issubclass(type_class, BaseModel)
        and getattr(type_class, _VALIDATORS_MARK, None) is not None
    ):
        field = type_class.model_fields["value"]
        found = extract_constraints(field.annotation)
        found.update(_constraints_in(field.metadata))
        return found
    return {}


def _constraints_in(metadata: Iterable[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in _flatten(metadata):
        for key in CONSTRAINT_KEYS:
            value = getattr(item, key, None)
            if value is not None:
                found[key] = getattr(value, "pattern", value)  # a compiled pattern -> its source
    return found


def _flatten(metadata: Iterable[Any]) -> Iterator[Any]:
    for item in metadata:
        if isinstance(item, FieldInfo):
            yield from _flatten(item.metadata)
        elif isinstance(item, annotated_types.GroupedMetadata):
            yield from _flatten(iter(item))
        else:
            yield item


def description_of(type_class: Any) -> str | None:
    """The ``Field(description=...)`` of an ``Annotated`` form, or a non-builtin class's docstring."""
    if get_origin(type_class) is Annotated:
        for item in get_args(type_class)[1:]:
            if isinstance(item, FieldInfo) and item.description:
                return item.description
        return None
    if isinstance(type_class, type) and type_class.__module__ != "builtins" and type_class.__doc__:
        return inspect.cleandoc(type_class.__doc__)
    return None


def build_validated_model(
    base_type: Any,
    validators: Sequence[Callable[[Any], Any]],
    name: str,
    *,
    module: str = GENERATED_MODULE,
    description: str | None = None,
) -> type[BaseModel]:
    """Make a model with one field ``value: base_type`` checked by ``validators`` in order.

    Pure: nothing is registered. :meth:`TypeRegistry.create_validated_type`
    builds and registers in one step; :mod:`xcatalog.registry.common_types`
    uses this to define its validator types at import time.

    Args:
        base_type: The type of ``value`` (may itself be ``Annotated``).
        validators: Functions ``value -> value`` raising ``ValueError`` on bad input.
        name: The class name.
        module: ``__module__`` of the class (where it can be imported from).
        description: The class docstring.

    Returns:
        The model class; ``Model(value=x)`` validates ``x``.
    """
    validate_segment(name)
    named = [
        item if isinstance(item, TypeValidator) else TypeValidator(item, getattr(item, "__name__", "validator"))
        for item in validators
    ]
    # Any: a runtime-built Annotated form is not a static type for the checker.
    value_type: Any = Annotated[base_type, *[AfterValidator(item.func) for item in named]] if named else base_type
    model: type[BaseModel] = create_model(
        name,
        __module__=module,
        __doc__=description or f"{describe_base_type(base_type)} checked by {', '.join(v.name for v in named)}.",
        value=(value_type, ...),
    )
    setattr(model, _VALIDATORS_MARK, tuple(named))
    return model


def validators_of(type_class: Any) -> tuple[TypeValidator, ...] | None:
    """The validators of a model made by :func:`build_validated_model`, or ``None`` for anything else."""
    if isinstance(type_class, type) and issubclass(type_class, BaseModel):
        marked: tuple[TypeValidator, ...] | None = getattr(type_class, _VALIDATORS_MARK, None)
        return marked
    return None
