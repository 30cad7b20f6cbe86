from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import pytest

from xcatalog.registry._signatures import ParameterText, describe_signature, describe_signature_with_inspect


def no_parameters() -> None: ...


def plain(a, b=1, *args, c, d=None, **kwargs):  # type: ignore[no-untyped-def]
    return a


def annotated(value: float, factor: float = 2.0, *rest: int, clamp: bool = False, **options: Any) -> float:
    return value


def positional_only(a: int, b: int = 0, /, c: int = 1) -> int:
    return a


def only_positional(a, /):  # type: ignore[no-untyped-def]
    return a


def keyword_only(*, key: str, other: list[int] | None = None) -> dict[str, int]:
    return {}


def defaults_with_reprs(text="it's", items=(1, 2), nothing=None, flag=True):  # type: ignore[no-untyped-def]
    return text


async def coroutine(x: int) -> int:
    return x


CASES: list[Callable[..., Any]] = [
    no_parameters,
    plain,
    annotated,
    positional_only,
    only_positional,
    keyword_only,
    defaults_with_reprs,
    coroutine,
    lambda x, *, y=3: x,
]


@pytest.mark.parametrize("func", CASES, ids=lambda func: func.__name__)
def test_fast_path_agrees_with_inspect(func: Callable[..., Any]) -> None:
    assert describe_signature(func) == describe_signature_with_inspect(func)


@pytest.mark.parametrize(
    "func",
    [plain, only_positional, defaults_with_reprs, lambda x, *, y=3: x],
    ids=lambda func: func.__name__,
)
def test_unannotated_text_matches_str_of_inspect_signature(func: Callable[..., Any]) -> None:
    assert describe_signature(func)[0] == str(inspect.signature(func))


def test_annotations_are_shown_as_written_without_quotes() -> None:
    text, parameters, return_type = describe_signature(annotated)
    assert text == "(value: float, factor: float = 2.0, *rest: int, clamp: bool = False, **options: Any) -> float"
    assert return_type == "float"
    assert parameters[1] == ParameterText("factor", "positional_or_keyword", "float", 2.0, True)
    assert [parameter.kind for parameter in parameters] == [
        "positional_or_keyword",
        "positional_or_keyword",
        "var_positional",
        "keyword_only",
        "var_keyword",
    ]


def test_positional_only_marker_and_bare_star() -> None:
    assert describe_signature(positional_only)[0] == "(a: int, b: int = 0, /, c: int = 1) -> int"
    assert describe_signature(keyword_only)[0] == "(*, key: str, other: list[int] | None = None) -> dict[str, int]"


def test_wrapped_and_partial_functions_go_through_inspect() -> None:
    @functools.wraps(annotated)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return annotated(*args, **kwargs)

    assert describe_signature(wrapper) == describe_signature(annotated)
    text, parameters, _ = describe_signature(functools.partial(positional_only, 1))
    assert [parameter.name for parameter in parameters] == ["b", "c"]
    assert text == "(b: int = 0, /, c: int = 1) -> int"


def test_callables_without_a_signature() -> None:
    assert describe_signature(type) == ("(...)", [], None)
    assert describe_signature(dict.fromkeys)[0] == "(iterable, value=None, /)"


def test_objects_with_their_own_signature() -> None:
    def target(x: int) -> int:
        return x

    target.__signature__ = inspect.signature(lambda y, z=1: y)  # type: ignore[attr-defined]
    assert describe_signature(target)[0] == "(y, z=1)"
