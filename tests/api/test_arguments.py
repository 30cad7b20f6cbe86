from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel

from xcatalog.api.arguments import ArgumentModel
from xcatalog.errors import ValidationFailed


class Point(BaseModel):
    x: float
    y: float


class Opaque:
    """Not something pydantic can build from JSON."""


def add(a: int, b: int = 1) -> int:
    return a + b


def mixed(a: int, b: int = 1, /, *rest: float, c: str = "x", **extra: int) -> None:
    return None


def shadowing(schema: dict[str, int], model_config: int = 3, copy: bool = False) -> None:
    return None


def rich(when: dt.date, where: Point, tags: list[str] | None = None) -> None:
    return None


def opaque(thing: Opaque, note: Undefined) -> None:  # type: ignore[name-defined]  # noqa: F821
    return None


def untyped(a, b=2):  # type: ignore[no-untyped-def]
    return None


@pytest.mark.parametrize(
    ("func", "args", "kwargs", "expected"),
    [
        (add, [1, 2], {}, ((), {"a": 1, "b": 2})),
        (add, ["3"], {}, ((), {"a": 3})),  # b keeps the function's own default
        (add, [], {"a": 1, "b": "2"}, ((), {"a": 1, "b": 2})),
        (mixed, [1], {}, ((1,), {})),
        (mixed, [1, 2, "3.5", 4], {"c": "y", "z": "5"}, ((1, 2, 3.5, 4.0), {"c": "y", "z": 5})),
        (mixed, [1], {"a": "7"}, ((1,), {"a": 7})),  # positional-only name goes to **extra, as in Python
        (shadowing, [{"k": "1"}], {"copy": True}, ((), {"schema": {"k": 1}, "copy": True})),
        (untyped, [[1], {"x": None}], {}, ((), {"a": [1], "b": {"x": None}})),
    ],
)
def test_bind_maps_and_coerces_like_a_call(
    func: Any, args: list[Any], kwargs: dict[str, Any], expected: tuple[tuple[Any, ...], dict[str, Any]]
) -> None:
    assert ArgumentModel.for_function(func).bind(args, kwargs) == expected


def test_bind_builds_rich_types_from_json() -> None:
    call_args, call_kwargs = ArgumentModel.for_function(rich).bind(["2024-05-01", {"x": 1, "y": "2"}], {})
    assert call_args == ()
    assert call_kwargs == {"when": dt.date(2024, 5, 1), "where": Point(x=1, y=2)}


@pytest.mark.parametrize(
    ("func", "args", "kwargs", "loc", "error_type"),
    [
        (add, [], {}, ["kwargs", "a"], "missing"),
        (add, ["x"], {}, ["args", 0], "int_parsing"),
        (add, [1, 2, 3], {}, ["args", 2], "too_many_positional"),
        (add, [1], {"a": 2}, ["kwargs", "a"], "multiple_values"),
        (add, [], {"a": 1, "zz": 2}, ["kwargs", "zz"], "unexpected_keyword_argument"),
        (mixed, [1, 2, "x"], {}, ["args", 2], "float_parsing"),
        (mixed, [1], {"z": "q"}, ["kwargs", "z"], "int_parsing"),
        (rich, ["nope", {"x": 1}], {}, ["args", 0], "date_from_datetime_parsing"),
        (rich, ["2024-01-01", {"x": 1}], {}, ["args", 1, "y"], "missing"),
        (opaque, [{}], {"note": 1}, ["args", 0], "is_instance_of"),
    ],
)
def test_bind_reports_every_problem_with_a_location(
    func: Any, args: list[Any], kwargs: dict[str, Any], loc: list[Any], error_type: str
) -> None:
    with pytest.raises(ValidationFailed, match=r"do not match its signature") as caught:
        ArgumentModel.for_function(func).bind(args, kwargs)
    assert {"loc": loc, "type": error_type} in [{"loc": e["loc"], "type": e["type"]} for e in caught.value.errors]


def test_positional_only_by_name_is_refused_without_var_keyword() -> None:
    def head(a: int, /) -> int:
        return a

    with pytest.raises(ValidationFailed, match="positional-only") as caught:
        ArgumentModel.for_function(head).bind([], {"a": 1})
    assert caught.value.errors[0]["loc"] == ["kwargs", "a"]


def test_message_shows_the_signature() -> None:
    with pytest.raises(ValidationFailed, match=r"mixed\(a: int, b: int = 1, /, \*rest: float"):
        ArgumentModel.for_function(mixed).bind([], {})


def test_unresolvable_annotation_accepts_anything() -> None:
    model = ArgumentModel.for_function(opaque)
    with pytest.raises(ValidationFailed):
        model.bind([{}], {"note": object()})  # 'thing' is still checked
    thing = Opaque()
    assert model.bind([thing], {"note": [1, "a"]}) == ((), {"thing": thing, "note": [1, "a"]})


def test_callable_without_signature_passes_arguments_through() -> None:
    model = ArgumentModel(name="builtin", signature=None)
    assert model.bind([1, "a"], {"k": 2}) == ((1, "a"), {"k": 2})
