"""Read a function's signature as text, fast (pure helper of the function registry).

:func:`inspect.signature` builds a ``Parameter`` object per parameter and is
the bulk of what registering a function costs. For plain Python functions the
same facts sit on the code object (names, kinds), ``__defaults__``,
``__kwdefaults__`` and ``__annotations__``; :func:`describe_signature` reads
them directly and falls back to :mod:`inspect` for everything else (builtins,
``functools.partial``, wrapped functions, callables with ``__signature__``).
Both paths give the same text (tests compare them).

Annotations are shown as written: under ``from __future__ import annotations``
they already are source text, and they are not quoted.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["ParameterText", "describe_signature", "describe_signature_with_inspect"]

_EMPTY = inspect.Parameter.empty


@dataclass(frozen=True, slots=True)
class ParameterText:
    """One parameter: its name, kind (``positional_or_keyword`` ...), annotation text and default."""

    name: str
    kind: str
    annotation: str | None
    default: Any
    has_default: bool


def format_annotation(annotation: Any) -> str | None:
    """The annotation as source text, or ``None`` when there is none."""
    if annotation is _EMPTY:
        return None
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def describe_signature(func: Callable[..., Any]) -> tuple[str, list[ParameterText], str | None]:
    """The signature text, the parameters and the return annotation of ``func``.

    Returns:
        ``("(x: int, y: int = 2) -> int", [...], "int")``; ``("(...)", [], None)``
        for callables without a readable signature.
    """
    if type(func) is types.FunctionType and "__wrapped__" not in func.__dict__ and "__signature__" not in func.__dict__:
        return _from_code(func)
    return describe_signature_with_inspect(func)


def _from_code(func: types.FunctionType) -> tuple[str, list[ParameterText], str | None]:
    code = func.__code__
    names = code.co_varnames
    positional = code.co_argcount
    positional_only = code.co_posonlyargcount
    keyword_only = code.co_kwonlyargcount
    defaults = func.__defaults__ or ()
    keyword_defaults = func.__kwdefaults__ or {}
    annotations = func.__annotations__
    first_default = positional - len(defaults)

    parameters: list[ParameterText] = []
    for index in range(positional):
        name = names[index]
        has_default = index >= first_default
        parameters.append(
            ParameterText(
                name,
                "positional_only" if index < positional_only else "positional_or_keyword",
                format_annotation(annotations.get(name, _EMPTY)),
                defaults[index - first_default] if has_default else None,
                has_default,
            )
        )
    next_name = positional + keyword_only
    if code.co_flags & inspect.CO_VARARGS:
        name = names[next_name]
        parameters.append(
            ParameterText(name, "var_positional", format_annotation(annotations.get(name, _EMPTY)), None, False)
        )
        next_name += 1
    for name in names[positional : positional + keyword_only]:
        parameters.append(
            ParameterText(
                name,
                "keyword_only",
                format_annotation(annotations.get(name, _EMPTY)),
                keyword_defaults.get(name),
                name in keyword_defaults,
            )
        )
    if code.co_flags & inspect.CO_VARKEYWORDS:
        name = names[next_name]
        parameters.append(
            ParameterText(name, "var_keyword", format_annotation(annotations.get(name, _EMPTY)), None, False)
        )
    return_type = format_annotation(annotations.get("return", _EMPTY))
    return _render(parameters, return_type), parameters, return_type


def _render(parameters: list[ParameterText], return_type: str | None) -> str:
    """Format like ``str(inspect.Signature)``: ``/`` after positional-only, bare ``*`` before keyword-only."""
    parts: list[str] = []
    seen_positional_only = False
    star_written = False
    for parameter in parameters:
        if parameter.kind != "positional_only" and seen_positional_only:
            parts.append("/")
            seen_positional_only = False
        if parameter.kind == "positional_only":
            seen_positional_only = True
        if parameter.kind == "keyword_only" and not star_written:
            parts.append("*")
        if parameter.kind in ("var_positional", "keyword_only"):
            star_written = True
        prefix = {"var_positional": "*", "var_keyword": "**"}.get(parameter.kind, "")
        text = prefix + parameter.name
        if parameter.annotation is not None:
            text += f": {parameter.annotation}"
        if parameter.has_default:
            text += f" = {parameter.default!r}" if parameter.annotation is not None else f"={parameter.default!r}"
        parts.append(text)
    if seen_positional_only:
        parts.append("/")
    rendered = f"({', '.join(parts)})"
    return rendered if return_type is None else f"{rendered} -> {return_type}"


def describe_signature_with_inspect(func: Callable[..., Any]) -> tuple[str, list[ParameterText], str | None]:
    """:func:`describe_signature` through :func:`inspect.signature` (any callable)."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        # Some builtins and C extensions expose no signature; they can still be registered.
        return "(...)", [], None
    parameters = [
        ParameterText(
            parameter.name,
            parameter.kind.name.lower(),
            format_annotation(parameter.annotation),
            None if parameter.default is _EMPTY else parameter.default,
            parameter.default is not _EMPTY,
        )
        for parameter in signature.parameters.values()
    ]
    return_type = format_annotation(signature.return_annotation)
    return _render(parameters, return_type), parameters, return_type
