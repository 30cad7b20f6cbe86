"""The type registry: constrained, composite, validator and transformer types.

Types are written the pydantic v2 way: ``Annotated[int, Field(gt=0)]``,
``Annotated[str, StringConstraints(pattern=...)]``, a ``BaseModel`` for a
composite, a model with one validated ``value`` field for a validator type
(:meth:`TypeRegistry.create_validated_type`), or a function between two types
for a transformer (:meth:`TypeRegistry.register_transformer`).

Each type is registered under ``<prefix>.types.<namespace>.<name>``. When no
namespace is given it is the category's value, as in the seed:
``ns.types.constraint.PositiveInt``, ``ns.types.composite.Address``,
``ns.types.validator.Percentage``; transformers default to ``transformers``.

Validation goes through a cached :class:`pydantic.TypeAdapter` per type, then
through the validators registered for the type's name or path
(:meth:`TypeRegistry.register_validator`). Failures raise
:class:`~xcatalog.errors.ValidationFailed` carrying pydantic's error details.

Example:
    >>> from typing import Annotated
    >>> from pydantic import Field
    >>> types = TypeRegistry()
    >>> entry = types.register_type(Annotated[int, Field(gt=0)], name="PositiveInt", examples=[1, 5])
    >>> entry.metadata.ns_path, entry.metadata.base_type, entry.metadata.constraints
    ('ns.types.constraint.PositiveInt', 'int', {'gt': 0})
    >>> types.validate("PositiveInt", "7")
    7
"""

from __future__ import annotations

import inspect
import reprlib
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NewType

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter, ValidationError
from pydantic.errors import PydanticSchemaGenerationError

from xcatalog.config import TypeSettings
from xcatalog.errors import FunctionFailed, InvalidName, NotRegistered, ValidationFailed, format_choices
from xcatalog.registry._namespace import NamespaceIndex, validate_segment
from xcatalog.registry._type_info import (
    CONSTRAINT_KEYS,
    GENERATED_MODULE,
    TypeValidator,
    build_validated_model,
    describe_base_type,
    description_of,
    extract_constraints,
    validators_of,
)
from xcatalog.registry.audit import AuditLog

__all__ = [
    "CONSTRAINT_KEYS",
    "RegisteredType",
    "TypeCategory",
    "TypeMetadata",
    "TypeRegistry",
    "TypeValidator",
    "build_validated_model",
    "describe_base_type",
    "extract_constraints",
]

KIND = "types"
TRANSFORMER_NAMESPACE = "transformers"
# Tag that keeps a type's inputs out of error messages (passwords, card numbers).
SECRET_TAG = "secret"
_CACHEABLE = (str, int, float, bool, Decimal, type(None))
_MAX_CACHED_VALUES = 10_000
_short_repr = reprlib.Repr()
_short_repr.maxstring = 60
_short_repr.maxother = 60


class TypeCategory(StrEnum):
    """The kinds of registered types."""

    CONSTRAINT = "constraint"
    COMPOSITE = "composite"
    VALIDATOR = "validator"
    TRANSFORMER = "transformer"


class TypeMetadata(BaseModel):
    """What the registry knows about a type.

    Attributes:
        name: The short name.
        namespace: The dotted namespace.
        category: Constraint, composite, validator or transformer.
        base_type: The underlying type: ``"int"``, ``"str"``, ``"Decimal"``, a model's name.
        constraints: ``gt``, ``ge``, ``lt``, ``le``, ``multiple_of``, ``min_length``,
            ``max_length``, ``pattern`` read from the annotation.
        validator_func: For validator types, the validators applied in order (not serialised).
        validator_names: Names of those validators.
        transformer_func: For transformers, the function (not serialised).
        from_type: For transformers, the input type.
        to_type: For transformers, the output type.
        description: What the type means.
        examples: Valid values (checked at registration when ``validate_on_register``).
        ns_path: The full registry path.
        tags: Free labels; ``"secret"`` keeps inputs out of error messages.
        module: Module of the class or function, when it has one.
        qualname: Qualified name of the class or function; ``module:qualname`` imports it.
        registered_at: When it was registered (UTC).
    """

    name: str
    namespace: str
    category: TypeCategory
    base_type: str
    constraints: dict[str, Any] = Field(default_factory=dict)
    validator_func: Callable[[Any], Any] | None = Field(default=None, exclude=True)
    validator_names: list[str] = Field(default_factory=list)
    transformer_func: Callable[[Any], Any] | None = Field(default=None, exclude=True)
    from_type: str | None = None
    to_type: str | None = None
    description: str | None = None
    examples: list[Any] = Field(default_factory=list)
    ns_path: str
    tags: set[str] = Field(default_factory=set)
    module: str | None = None
    qualname: str | None = None
    registered_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def import_path(self) -> str | None:
        """``module:qualname`` when the type (or transformer function) lives in a module."""
        return f"{self.module}:{self.qualname}" if self.module and self.qualname else None


class RegisteredType(BaseModel):
    """A type in the registry.

    Attributes:
        metadata: Name, path, base type, constraints, examples.
        type_class: What was registered: a class, an ``Annotated`` form, a generated model.
        usage_count: Successful validations and transformations so far.
        wraps_value: Whether ``type_class`` is a model with one ``value`` field that
            :meth:`TypeRegistry.validate` fills from a bare value and unwraps again.
        from_type: For transformers, the input type.
        to_type: For transformers, the output type.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    metadata: TypeMetadata
    type_class: Any
    usage_count: int = 0
    wraps_value: bool = False
    from_type: Any = None
    to_type: Any = None
    _adapters: dict[str, TypeAdapter[Any]] = PrivateAttr(default_factory=dict)

    @property
    def path(self) -> str:
        """The full registry path."""
        return self.metadata.ns_path

    def adapter(self, role: str = "value") -> TypeAdapter[Any]:
        """The cached TypeAdapter for the type (``role="value"``) or a transformer's ``"from"``/``"to"`` type."""
        cached = self._adapters.get(role)
        if cached is None:
            target = {"value": self.type_class, "from": self.from_type, "to": self.to_type}[role]
            cached = self._adapters[role] = _adapter_for(target)
        return cached


def _adapter_for(target: Any) -> TypeAdapter[Any]:
    try:
        return TypeAdapter(target)
    except PydanticSchemaGenerationError:
        # A plain class pydantic knows nothing about: accept instances of it.
        return TypeAdapter(target, config=ConfigDict(arbitrary_types_allowed=True))


def _type_label(type_class: Any) -> str:
    return type_class.__name__ if isinstance(type_class, type) else describe_base_type(type_class)


def _plain_errors(
    exc: ValidationError, prefix: tuple[Any, ...] = (), *, keep_input: bool = True
) -> list[dict[str, Any]]:
    """Pydantic's error dicts, made safe to store: ``ctx`` values as text, input dropped for secrets."""
    plain: list[dict[str, Any]] = []
    for error in exc.errors(include_url=False):
        item: dict[str, Any] = {"loc": (*prefix, *error["loc"]), "msg": error["msg"], "type": error["type"]}
        if keep_input:
            item["input"] = error.get("input")
        if "ctx" in error:
            item["ctx"] = {
                key: value if isinstance(value, _CACHEABLE) else str(value) for key, value in error["ctx"].items()
            }
        plain.append(item)
    return plain


class TypeRegistry:
    """Registry of custom types, validators and transformers.

    Args:
        settings: ``[registry.types]``; defaults when ``None``.
        audit: The audit log to record into; a private one when ``None``.
        prefix: The root segment of every path.

    Attributes:
        types: The entries: a read-only mapping by full path that also accepts
            an unambiguous short name or partial path.
        validators: Validators by the type name they were registered for
            (a registered type's name or path, or a name such as ``"str"``).
    """

    def __init__(
        self,
        settings: TypeSettings | None = None,
        *,
        audit: AuditLog | None = None,
        prefix: str = "ns",
    ) -> None:
        self.settings = settings if settings is not None else TypeSettings()
        self.audit = audit if audit is not None else AuditLog()
        self.prefix = validate_segment(prefix, "namespace prefix")
        self.types: NamespaceIndex[RegisteredType] = NamespaceIndex(KIND, self.prefix)
        self.validators: dict[str, list[TypeValidator]] = {}
        # (path, input type, input) -> (expiry on the monotonic clock, validated value)
        self._validated: dict[tuple[str, type, Any], tuple[float, Any]] = {}

    # -- registration ----------------------------------------------------
    def register_type(
        self,
        type_class: Any,
        name: str | None = None,
        category: TypeCategory | str | None = None,
        namespace: str | None = None,
        description: str | None = None,
        examples: Sequence[Any] | None = None,
        tags: Iterable[str] | None = None,
        *,
        allow_override: bool | None = None,
    ) -> RegisteredType:
        """Register a type.

        Args:
            type_class: A class, an ``Annotated[...]`` form or a ``NewType``.
            name: The short name; required for forms without a class name (``Annotated``).
            category: Default: ``validator`` for models from :func:`build_validated_model`,
                ``composite`` for other models, else ``constraint``.
            namespace: Default: the category's value.
            description: Default: the ``Field(description=...)`` or the class docstring.
            examples: Valid values; each is validated when ``validate_on_register`` is on.
            tags: Free labels (``"secret"`` keeps inputs out of error messages).
            allow_override: Replace an entry at the same path; default from the settings.

        Returns:
            The new entry.

        Raises:
            InvalidName: No usable name, a bad namespace, or an unknown category.
            AlreadyRegistered: The path is taken and override is off.
            ValidationFailed: An example is not valid; the message says which and why.
        """
        is_model = isinstance(type_class, type) and issubclass(type_class, BaseModel)
        marked = validators_of(type_class)
        if category is None:
            category = (
                TypeCategory.VALIDATOR
                if marked is not None
                else (TypeCategory.COMPOSITE if is_model else TypeCategory.CONSTRAINT)
            )
        chosen_category = _as_category(category)
        type_name = name if name is not None else _class_name(type_class)
        validator_func = _compose(marked) if marked else None
        return self._register(
            type_class,
            name=type_name,
            category=chosen_category,
            namespace=namespace,
            description=description or description_of(type_class),
            examples=examples,
            tags=tags,
            allow_override=allow_override,
            wraps_value=marked is not None,
            extra={
                "validator_func": validator_func,
                "validator_names": [item.name for item in marked or ()],
                "module": getattr(type_class, "__module__", None) if isinstance(type_class, type) else None,
                "qualname": getattr(type_class, "__qualname__", None) if isinstance(type_class, type) else None,
            },
        )

    def _register(
        self,
        type_class: Any,
        *,
        name: str,
        category: TypeCategory,
        namespace: str | None,
        description: str | None,
        examples: Sequence[Any] | None,
        tags: Iterable[str] | None,
        allow_override: bool | None,
        wraps_value: bool = False,
        from_type: Any = None,
        to_type: Any = None,
        extra: dict[str, Any] | None = None,
    ) -> RegisteredType:
        chosen_namespace = namespace if namespace is not None else category.value
        path = self.types.path_for(chosen_namespace, name)
        override = self.settings.allow_override if allow_override is None else allow_override
        metadata = TypeMetadata(
            name=name,
            namespace=chosen_namespace,
            category=category,
            base_type=describe_base_type(from_type if category is TypeCategory.TRANSFORMER else type_class),
            constraints=extract_constraints(from_type if category is TypeCategory.TRANSFORMER else type_class),
            description=description,
            examples=list(examples or ()),
            ns_path=path,
            tags=set(tags or ()),
            **(extra or {}),
        )
        registered = RegisteredType(
            metadata=metadata, type_class=type_class, wraps_value=wraps_value, from_type=from_type, to_type=to_type
        )
        if self.settings.validate_on_register and metadata.examples:
            self._check_examples(registered)
        replaced = self.types.add(path, registered, allow_override=override)
        self._validated.clear()
        self.audit.record(
            "register",
            path,
            kind=KIND,
            replaced=replaced is not None,
            category=category.value,
            tags=sorted(metadata.tags),
        )
        return registered

    def _check_examples(self, registered: RegisteredType) -> None:
        errors: list[dict[str, Any]] = []
        failed: list[str] = []
        secret = SECRET_TAG in registered.metadata.tags
        for index, example in enumerate(registered.metadata.examples):
            try:
                self._validate_entry(registered, example, use_cache=False, count=False)
            except ValidationFailed as exc:
                shown = "<secret>" if secret else _short_repr.repr(example)
                failed.append(f"example {index} ({shown}): {'; '.join(e['msg'] for e in exc.errors)}")
                errors.extend({**error, "loc": ("examples", index, *error["loc"])} for error in exc.errors)
        if failed:
            raise ValidationFailed(
                f"{registered.path} was not registered: {len(failed)} of its examples are invalid: "
                f"{' | '.join(failed)}. Fix or drop those examples, or register with validate_on_register off.",
                errors=errors,
            )

    def register_validator(
        self,
        type_name: str,
        validator_func: Callable[[Any], Any],
        name: str | None = None,
        description: str | None = None,
    ) -> TypeValidator:
        """Attach a named validator to a type name.

        Validators registered for a registered type's name or path run after its
        own validation in :meth:`validate` (when ``enable_validators`` is on).
        Any validator can also be used by name in :meth:`create_validated_type`.

        Args:
            type_name: A registered type's name or path, or a base type name such as ``"str"``.
            validator_func: ``value -> value``, raising ``ValueError`` on bad input.
            name: Default ``validator_func.__name__``.
            description: Default: the function's docstring.

        Returns:
            The named validator.
        """
        validator = TypeValidator(
            func=validator_func,
            name=name or str(getattr(validator_func, "__name__", "validator")),
            description=description or inspect.getdoc(validator_func),
        )
        self.validators.setdefault(type_name, []).append(validator)
        self._validated.clear()
        self.audit.record("register_validator", type_name, kind=KIND, validator=validator.name)
        return validator

    def create_validated_type(
        self,
        base_type: Any,
        validators: Sequence[Callable[[Any], Any] | str],
        name: str,
        namespace: str | None = None,
        *,
        description: str | None = None,
        examples: Sequence[Any] | None = None,
        tags: Iterable[str] | None = None,
        allow_override: bool | None = None,
    ) -> type[BaseModel]:
        """Build a model ``name(value: base_type)`` checked by ``validators`` and register it.

        Args:
            base_type: The type of ``value``.
            validators: Functions, or names of validators given to :meth:`register_validator`.
            name: The type's name.
            namespace: Default ``validator``.
            description: The type's description.
            examples: Valid bare values (not wrapped in ``{"value": ...}``).
            tags: Free labels.
            allow_override: Replace an entry at the same path.

        Returns:
            The model: ``Percentage(value=50)`` works, ``Percentage(value=150)``
            raises pydantic's ``ValidationError`` (a ``ValueError``).

        Raises:
            NotRegistered: A validator name is unknown.
        """
        resolved = [self._find_validator(item) if isinstance(item, str) else item for item in validators]
        model = build_validated_model(base_type, resolved, name, description=description)
        self.register_type(
            model,
            name=name,
            category=TypeCategory.VALIDATOR,
            namespace=namespace,
            description=description,
            examples=examples,
            tags=tags,
            allow_override=allow_override,
        )
        return model

    def _find_validator(self, validator_name: str) -> TypeValidator:
        for registered in self.validators.values():
            for validator in registered:
                if validator.name == validator_name:
                    return validator
        known = [validator.name for registered in self.validators.values() for validator in registered]
        raise NotRegistered(
            f"No validator named {validator_name!r}. Registered validators: {format_choices(known)}. "
            "Register it with register_validator() first, or pass the function itself.",
            name=validator_name,
            available=known,
        )

    def register_transformer(
        self,
        from_type: Any,
        to_type: Any,
        transformer_func: Callable[[Any], Any],
        name: str | None = None,
        *,
        namespace: str = TRANSFORMER_NAMESPACE,
        description: str | None = None,
        examples: Sequence[Any] | None = None,
        tags: Iterable[str] | None = None,
        allow_override: bool | None = None,
    ) -> RegisteredType:
        """Register a function turning ``from_type`` values into ``to_type`` values.

        Args:
            from_type: The input type (validated before the call).
            to_type: The output type (validated after the call).
            transformer_func: The function.
            name: Default ``<from>_to_<to>`` (``float_to_str``).
            namespace: Default ``transformers``, as in the seed.
            description: Default: the function's docstring.
            examples: Valid inputs.
            tags: Free labels.
            allow_override: Replace an entry at the same path.

        Returns:
            The entry (category ``transformer``); apply it with :meth:`transform`.
        """
        transformer_name = name or f"{_type_label(from_type)}_to_{_type_label(to_type)}"
        doc = description or inspect.getdoc(transformer_func)
        # A class holding the function, as in the seed, so ``type_class.transform(x)`` works too.
        holder = type(
            transformer_name,
            (),
            {"transform": staticmethod(transformer_func), "__doc__": doc, "__module__": GENERATED_MODULE},
        )
        return self._register(
            holder,
            name=transformer_name,
            category=TypeCategory.TRANSFORMER,
            namespace=namespace,
            description=doc,
            examples=examples,
            tags=tags,
            allow_override=allow_override,
            from_type=from_type,
            to_type=to_type,
            extra={
                "transformer_func": transformer_func,
                "from_type": describe_base_type(from_type),
                "to_type": describe_base_type(to_type),
                "module": getattr(transformer_func, "__module__", None),
                "qualname": getattr(transformer_func, "__qualname__", None),
            },
        )

    def remove(self, key: str) -> RegisteredType:
        """Unregister a type and return its entry.

        Raises:
            NotRegistered: No such type.
        """
        registered = self.types.remove(key)
        self._validated.clear()
        self.audit.record("remove", registered.path, kind=KIND)
        return registered

    def register_common_types(self, *, allow_override: bool = False) -> list[RegisteredType]:
        """Register the ready-made types of :mod:`xcatalog.registry.common_types`.

        PositiveInt, Email, PhoneNumber, CreditCard (Luhn), StrongPassword, Money
        and Address. Calling it again is harmless: a type already registered at
        its path with the same class is kept as it is.

        Returns:
            Their entries.
        """
        from xcatalog.registry.common_types import COMMON_TYPES

        entries: list[RegisteredType] = []
        for spec in COMMON_TYPES:
            path = self.types.path_for(spec.namespace, spec.name)
            existing = self.types.get(path)
            if existing is not None and existing.type_class is spec.type_class and not allow_override:
                entries.append(existing)
                continue
            entries.append(
                self.register_type(
                    spec.type_class,
                    name=spec.name,
                    category=spec.category,
                    namespace=spec.namespace,
                    description=spec.description,
                    examples=spec.examples,
                    tags=spec.tags,
                    allow_override=allow_override,
                )
            )
        return entries

    # -- reading ---------------------------------------------------------
    def __getitem__(self, key: str) -> RegisteredType:
        """The entry at a path or unambiguous name (raises NotRegistered / AmbiguousName)."""
        return self.types[key]

    def __contains__(self, key: object) -> bool:
        return key in self.types

    def __len__(self) -> int:
        return len(self.types)

    def get(self, key: str) -> RegisteredType:
        """The entry at a full path, partial path or unambiguous short name (as ``registry[key]``).

        ``registry.types.get(key)`` answers ``None`` instead when nothing matches.

        Raises:
            NotRegistered: Nothing matches; the message lists what exists.
            AmbiguousName: A short name matches several namespaces.
        """
        return self.types[key]

    def get_by_namespace(self, ns_path: str) -> RegisteredType | None:
        """The entry at exactly ``ns_path`` (a full path), or ``None``."""
        return self.types.get(ns_path) if ns_path.startswith(f"{self.prefix}.{KIND}.") else None

    def find_by_namespace(self, pattern: str) -> list[RegisteredType]:
        """Entries whose path matches a glob (``ns.types.contact.*`` or ``contact.*``), by path."""
        return self.types.find(pattern)

    find = find_by_namespace

    def find_by_category(self, category: TypeCategory | str) -> list[RegisteredType]:
        """Entries of one category, by path."""
        wanted = _as_category(category)
        return [entry for entry in self._ordered() if entry.metadata.category is wanted]

    def find_by_tag(self, tag: str) -> list[RegisteredType]:
        """Entries carrying ``tag``, by path."""
        return [entry for entry in self._ordered() if tag in entry.metadata.tags]

    def _ordered(self) -> list[RegisteredType]:
        return [self.types[path] for path in sorted(self.types)]

    # -- using -----------------------------------------------------------
    def validate(self, type_name: str, value: Any) -> Any:
        """Validate ``value`` as a registered type and return the validated value.

        Constraint types return the (coerced) value, composite types a model
        instance, validator types the bare validated value (a bare input is
        wrapped in ``{"value": ...}`` and unwrapped again), transformers check
        their input type. Validators registered for the type's name or path run
        afterwards. Hashable scalar results are cached for ``validation_cache_ttl``
        seconds when ``cache_validated_values`` is on.

        Raises:
            NotRegistered: No such type.
            ValidationFailed: The value is invalid; ``errors`` holds pydantic's details.
        """
        return self._validate_entry(self.types[type_name], value, use_cache=True)

    def is_valid(self, type_name: str, value: Any) -> bool:
        """Whether :meth:`validate` accepts ``value``."""
        try:
            self.validate(type_name, value)
        except ValidationFailed:
            return False
        return True

    def transform(self, name: str, value: Any) -> Any:
        """Apply a registered transformer: validate the input, call it, validate the output.

        Raises:
            NotRegistered: No transformer by that name.
            ValidationFailed: The input is not a valid ``from_type``, or the output not a valid ``to_type``.
            FunctionFailed: The transformer raised; the original is chained.
        """
        registered = self.types[name]
        if registered.metadata.category is not TypeCategory.TRANSFORMER or registered.metadata.transformer_func is None:
            transformers = [entry.path for entry in self.find_by_category(TypeCategory.TRANSFORMER)]
            raise NotRegistered(
                f"{registered.path} is a {registered.metadata.category.value} type, not a transformer. "
                f"Transformers: {format_choices(transformers)}. Use validate() for other types.",
                name=name,
                available=transformers,
            )
        source = self._run_adapter(registered, "from", value, f"input of transformer {registered.path}")
        try:
            output = registered.metadata.transformer_func(source)
        except Exception as exc:
            raise FunctionFailed(
                f"Transformer {registered.path} raised {type(exc).__name__}: {exc}. The original is chained.",
                path=registered.path,
            ) from exc
        result = self._run_adapter(registered, "to", output, f"output of transformer {registered.path}")
        registered.usage_count += 1
        return result

    @property
    def _caching(self) -> bool:
        return self.settings.cache_validated_values and self.settings.validation_cache_ttl > 0

    def validators_for(self, type_name: str) -> list[TypeValidator]:
        """The validators :meth:`validate` runs after a type's own checks (registered for its name or path)."""
        return self._extra_validators(self.types[type_name])

    def _extra_validators(self, registered: RegisteredType) -> list[TypeValidator]:
        return self.validators.get(registered.metadata.name, []) + self.validators.get(registered.path, [])

    def _validate_entry(self, registered: RegisteredType, value: Any, *, use_cache: bool, count: bool = True) -> Any:
        cache_key: tuple[str, type, Any] | None = None
        if use_cache and self._caching and isinstance(value, _CACHEABLE):
            cache_key = (registered.path, type(value), value)
            hit = self._validated.get(cache_key)
            if hit is not None and hit[0] > time.monotonic():
                registered.usage_count += 1
                return hit[1]
        role = "from" if registered.metadata.category is TypeCategory.TRANSFORMER else "value"
        wrapped = registered.wraps_value and not isinstance(value, registered.type_class)
        result = self._run_adapter(registered, role, value, registered.path, wrapped=wrapped)
        if registered.wraps_value:
            result = result.value
        if self.settings.enable_validators:
            for validator in self._extra_validators(registered):
                result = self._run_validator(registered, validator, result)
        if count:  # checking examples at registration is not a use
            registered.usage_count += 1
        if cache_key is not None and isinstance(result, _CACHEABLE):
            if len(self._validated) >= _MAX_CACHED_VALUES:
                del self._validated[next(iter(self._validated))]  # the oldest entry
            self._validated[cache_key] = (time.monotonic() + self.settings.validation_cache_ttl, result)
        return result

    def _run_adapter(
        self, registered: RegisteredType, role: str, value: Any, what: str, *, wrapped: bool = False
    ) -> Any:
        """Validate with the entry's adapter for ``role``; ``wrapped`` sends ``{"value": value}``."""
        secret = SECRET_TAG in registered.metadata.tags
        try:
            return registered.adapter(role).validate_python({"value": value} if wrapped else value)
        except ValidationError as exc:
            errors = _plain_errors(exc, keep_input=not secret)
            if wrapped:  # the caller gave a bare value: the 'value' field is our wrapping, not theirs
                errors = [{**error, "loc": tuple(error["loc"][1:])} for error in errors]
            shown = "value" if secret else f"value {_short_repr.repr(value)}"
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc']) or 'value'}: {error['msg']}" for error in errors
            )
            if role == "to":
                expected = str(registered.metadata.to_type)
            else:
                constraints = registered.metadata.constraints
                expected = registered.metadata.base_type + (f" with {constraints}" if constraints else "")
            raise ValidationFailed(
                f"Invalid {shown} for {what}: {problems}. Expected a {expected}.", errors=errors
            ) from exc

    def _run_validator(self, registered: RegisteredType, validator: TypeValidator, value: Any) -> Any:
        try:
            return validator(value)
        except (ValueError, TypeError, AssertionError) as exc:
            secret = SECRET_TAG in registered.metadata.tags
            error: dict[str, Any] = {"loc": (), "msg": str(exc), "type": "value_error", "validator": validator.name}
            if not secret:
                error["input"] = value
            raise ValidationFailed(
                f"Validator {validator.name!r} rejected the "
                f"{'value' if secret else 'value ' + _short_repr.repr(value)} for {registered.path}: {exc}.",
                errors=[error],
            ) from exc


def _as_category(category: TypeCategory | str) -> TypeCategory:
    if isinstance(category, TypeCategory):
        return category
    for member in TypeCategory:
        if str(category).lower() in (member.value, member.name.lower()):
            return member
    raise InvalidName(
        f"Unknown type category {category!r}; valid categories are: {', '.join(m.value for m in TypeCategory)}."
    )


def _class_name(type_class: Any) -> str:
    if isinstance(type_class, type | NewType):
        return str(type_class.__name__)
    raise InvalidName(
        f"{type_class!r} has no class name of its own (Annotated and generic forms do not): "
        "pass name='...' to register_type."
    )


def _compose(validators: Sequence[TypeValidator]) -> Callable[[Any], Any]:
    def apply_all(value: Any) -> Any:
        for validator in validators:
            value = validator(value)
        return value

    apply_all.__name__ = "_then_".join(validator.name for validator in validators) or "no_validators"
    return apply_all
