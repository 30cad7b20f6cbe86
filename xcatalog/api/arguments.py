"""Check JSON arguments against a registered function's signature before it runs. Pure.

:class:`ArgumentModel` builds one pydantic model per function from
:func:`inspect.signature` (annotations resolved as ``eval_str`` does, one
by one; a parameter without an annotation, or whose annotation cannot be
resolved or has no pydantic schema, accepts anything). :meth:`ArgumentModel.bind` maps
positional and keyword arguments onto the parameters exactly as a Python
call would, validates (and coerces: ``"2"`` for an ``int`` becomes ``2``)
and returns what to call the function with, or raises
:class:`~xcatalog.errors.ValidationFailed` listing every problem with a
``loc`` that points into the request body: ``("args", 0)`` or ``("kwargs", "b")``.

Fields are named ``p0, p1, ...`` with the parameter names as aliases, so a
parameter called ``schema`` or ``model_config`` cannot collide with
:class:`~pydantic.BaseModel` attributes.

Example:
    >>> def add(a: int, b: int = 1) -> int:
    ...     return a + b
    >>> ArgumentModel.for_function(add).bind(["2"], {})
    ((2,), {})
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model
from pydantic_core import to_jsonable_python

from xcatalog.errors import ValidationFailed

__all__ = ["ArgumentModel"]

_EMPTY = inspect.Parameter.empty
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_LOOSE = ConfigDict(arbitrary_types_allowed=True, extra="forbid")
_ARBITRARY = ConfigDict(arbitrary_types_allowed=True)


def _safe_type(annotation: Any) -> Any:
    """The annotation when pydantic can validate it, else ``Any`` (the function still gets the raw JSON value)."""
    if annotation is _EMPTY or isinstance(annotation, str):
        return Any
    try:
        # Probed in the same context as the real field: a model allowing arbitrary types.
        create_model("probe", __config__=_ARBITRARY, value=(annotation, ...))
    except Exception:  # any schema-building failure: the parameter is left unchecked rather than unusable
        return Any
    return annotation


def _signature(func: Callable[..., Any]) -> inspect.Signature | None:
    try:
        return inspect.signature(func, eval_str=True)
    except (NameError, SyntaxError, TypeError, AttributeError):
        pass  # some annotation names something not importable here: resolve the others one by one
    except ValueError:
        return None
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    namespace = getattr(inspect.unwrap(func), "__globals__", {})
    parameters = [
        parameter.replace(annotation=_resolve(parameter.annotation, namespace))
        for parameter in signature.parameters.values()
    ]
    return signature.replace(parameters=parameters)


def _resolve(annotation: Any, namespace: dict[str, Any]) -> Any:
    if not isinstance(annotation, str):
        return annotation
    try:
        # The same evaluation inspect.signature(eval_str=True) does, for one annotation.
        return eval(annotation, namespace)  # the function's own source text, never request data
    except Exception:  # unresolvable: the parameter accepts anything
        return _EMPTY


def _jsonable_errors(
    exc: ValidationError, locate: Callable[[tuple[Any, ...]], tuple[Any, ...]]
) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors(include_url=False):
        entry: dict[str, Any] = {"loc": list(locate(tuple(error["loc"]))), "msg": error["msg"], "type": error["type"]}
        if "input" in error:
            entry["input"] = to_jsonable_python(error["input"], fallback=repr)
        errors.append(entry)
    return errors


class ArgumentModel:
    """A pydantic model of one function's parameters, and the binding of call arguments to it.

    Build it with :meth:`for_function`; it is immutable and safe to cache per function.

    Attributes:
        name: The function's name (for messages).
        parameters: The signature's parameters, in order (``()`` when it has no readable signature).
        model: The pydantic model of the named parameters.
    """

    def __init__(self, name: str, signature: inspect.Signature | None) -> None:
        self.name = name
        self.accepts_anything = signature is None
        self._signature = signature
        self.parameters: tuple[inspect.Parameter, ...] = tuple(signature.parameters.values()) if signature else ()
        named = [p for p in self.parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        self._field_of = {parameter.name: f"p{index}" for index, parameter in enumerate(named)}
        self._parameter_of = {field: name for name, field in self._field_of.items()}
        fields: dict[str, Any] = {
            self._field_of[p.name]: (
                _safe_type(p.annotation),
                Field(default=... if p.default is _EMPTY else p.default, alias=p.name, validate_default=False),
            )
            for p in named
        }
        self.model: type[BaseModel] = create_model(  # type: ignore[call-overload]
            f"{name}_arguments", __config__=ConfigDict(arbitrary_types_allowed=True, extra="ignore"), **fields
        )
        self._var_positional = next((p for p in self.parameters if p.kind is p.VAR_POSITIONAL), None)
        self._var_keyword = next((p for p in self.parameters if p.kind is p.VAR_KEYWORD), None)
        self._extra_args: TypeAdapter[Any] | None = (
            TypeAdapter(list[_safe_type(self._var_positional.annotation)], config=_LOOSE)  # type: ignore[misc,arg-type]
            if self._var_positional
            else None
        )
        self._extra_kwargs: TypeAdapter[Any] | None = (
            TypeAdapter(dict[str, _safe_type(self._var_keyword.annotation)], config=_LOOSE)  # type: ignore[misc,arg-type]
            if self._var_keyword
            else None
        )

    @classmethod
    def for_function(cls, func: Callable[..., Any]) -> ArgumentModel:
        """The argument model of ``func`` (annotations resolved where possible)."""
        return cls(getattr(func, "__name__", "function"), _signature(func))

    def bind(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """Map, validate and coerce call arguments.

        Args:
            args: Positional arguments from the request.
            kwargs: Keyword arguments from the request.

        Returns:
            ``(args, kwargs)`` to call the function with: positional-only
            parameters and ``*args`` positionally, everything else by keyword;
            parameters left out keep the function's own defaults.

        Raises:
            ValidationFailed: Wrong arity, unknown or duplicate names, missing
                required parameters, or values of the wrong type; ``errors``
                lists each with a ``loc`` into the body.
        """
        if self.accepts_anything:
            return tuple(args), dict(kwargs)
        errors: list[dict[str, Any]] = []
        values: dict[str, Any] = {}  # parameter name -> raw value
        origin: dict[str, tuple[Any, ...]] = {}  # parameter name -> loc in the body
        positional = [p for p in self.parameters if p.kind in _POSITIONAL]
        for index, value in enumerate(args[: len(positional)]):
            values[positional[index].name] = value
            origin[positional[index].name] = ("args", index)
        surplus = list(args[len(positional) :])
        if surplus and self._var_positional is None:
            errors.append(
                {
                    "loc": ["args", len(positional)],
                    "msg": f"{self.name}() takes {len(positional)} positional argument(s) but {len(args)} were given",
                    "type": "too_many_positional",
                }
            )
        extra_kwargs: dict[str, Any] = {}
        for key, value in kwargs.items():
            parameter = next((p for p in self.parameters if p.name == key), None)
            is_named = parameter is not None and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
            if parameter is not None and parameter.kind is parameter.POSITIONAL_ONLY:
                is_named = False
                if self._var_keyword is None:
                    errors.append(
                        {
                            "loc": ["kwargs", key],
                            "msg": f"{key!r} is positional-only: pass it in args",
                            "type": "positional_only",
                        }
                    )
                    continue
            if is_named and key in values:
                errors.append(
                    {
                        "loc": ["kwargs", key],
                        "msg": f"{key!r} is given both in args and kwargs",
                        "type": "multiple_values",
                    }
                )
            elif is_named:
                values[key] = value
                origin[key] = ("kwargs", key)
            elif self._var_keyword is not None:
                extra_kwargs[key] = value
            else:
                known = ", ".join(self._field_of) or "(none)"
                errors.append(
                    {
                        "loc": ["kwargs", key],
                        "msg": f"{self.name}() has no parameter {key!r}; parameters: {known}",
                        "type": "unexpected_keyword_argument",
                    }
                )

        validated: BaseModel | None = None
        try:
            validated = self.model.model_validate(values)
        except ValidationError as exc:
            errors.extend(_jsonable_errors(exc, lambda loc: self._locate(loc, origin)))
        checked_surplus: list[Any] = surplus
        if surplus and self._extra_args is not None:
            try:
                checked_surplus = self._extra_args.validate_python(surplus)
            except ValidationError as exc:
                start = len(positional)
                errors.extend(_jsonable_errors(exc, lambda loc: ("args", start + int(loc[0]), *loc[1:])))
        checked_kwargs: dict[str, Any] = extra_kwargs
        if extra_kwargs and self._extra_kwargs is not None:
            try:
                checked_kwargs = self._extra_kwargs.validate_python(extra_kwargs)
            except ValidationError as exc:
                errors.extend(_jsonable_errors(exc, lambda loc: ("kwargs", *loc)))
        if errors or validated is None:
            shown = "; ".join(f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in errors[:5])
            raise ValidationFailed(
                f"The arguments for {self.name}() do not match its signature: {shown}. "
                f"Send {{'args': [...], 'kwargs': {{...}}}} matching {self.signature_text()}.",
                errors=errors,
            )
        call_args: list[Any] = []
        call_kwargs: dict[str, Any] = {}
        for parameter in self.parameters:
            field = self._field_of.get(parameter.name)
            if field is None or field not in validated.model_fields_set:
                continue
            value = getattr(validated, field)
            if parameter.kind is parameter.POSITIONAL_ONLY or (
                parameter.kind is parameter.POSITIONAL_OR_KEYWORD and surplus
            ):
                call_args.append(value)  # needed positionally so that *args can follow
            else:
                call_kwargs[parameter.name] = value
        call_args.extend(checked_surplus)
        call_kwargs.update(checked_kwargs)
        return tuple(call_args), call_kwargs

    def _locate(self, loc: tuple[Any, ...], origin: Mapping[str, tuple[Any, ...]]) -> tuple[Any, ...]:
        if not loc:
            return ("kwargs",)
        name = str(loc[0])
        name = self._parameter_of.get(name, name)  # pydantic reports aliases, but be safe
        return (*origin.get(name, ("kwargs", name)), *loc[1:])

    def signature_text(self) -> str:
        """The signature as Python shows it, for messages."""
        return f"{self.name}{self._signature if self._signature is not None else '(...)'}"
