from __future__ import annotations

import asyncio
from typing import Literal

import pytest
from pydantic import BaseModel

from xcatalog.errors import NotRegistered
from xcatalog.registry import XRegistry
from xcatalog.widgets.runner import FunctionRunner, arguments_model, format_stats


class Point(BaseModel):
    x: float
    y: float


def make_registry() -> XRegistry:
    registry = XRegistry()

    @registry.register_function(namespace="math", permissions={"*": ["view"], "analyst": ["execute", "view"]})
    def scale(value: float, factor: int = 2, unit: Literal["m", "cm"] = "m") -> str:
        """Scale a value.

        Longer text.
        """
        return f"{value * factor} {unit}"

    @registry.register_function(namespace="math", permissions={"*": ["execute"]})
    def divide(a: float, b: float, /) -> float:
        return a / b

    @registry.register_function(namespace="geo", permissions={"*": ["execute"]})
    async def norm(point: Point, *extra: float, **options: int) -> float:
        await asyncio.sleep(0)
        return (point.x**2 + point.y**2) ** 0.5 + sum(extra) + sum(options.values())

    @registry.register_function(namespace="misc", permissions={"*": ["execute"]})
    async def sleepy(seconds: float = 5.0) -> None:
        await asyncio.sleep(seconds)

    @registry.register_function(namespace="misc", permissions={"*": ["execute"]})
    def untyped(_hidden, anything="x"):  # type: ignore[no-untyped-def]
        return (_hidden, anything)

    return registry


@pytest.fixture
def registry() -> XRegistry:
    return make_registry()


def test_the_form_comes_from_the_signature(registry: XRegistry) -> None:
    runner = FunctionRunner(registry, "scale", role="analyst")
    assert list(runner.fields) == ["value", "factor", "unit"]
    assert runner.fields["factor"].get() == 2
    assert runner.fields["unit"].control.options == (("m", "m"), ("cm", "cm"))
    header = runner.children[0].value
    assert "scale(value: float, factor: int = 2" in header and "Scale a value." in header
    assert "Longer text" not in header
    assert "Not called yet." in runner.stats.value


async def test_run_shows_the_result_and_the_statistics(registry: XRegistry) -> None:
    runner = FunctionRunner(registry, "scale", role="analyst")
    runner.fields["value"].set(1.5)
    runner.fields["unit"].set("cm")
    runner.run_button.click()
    assert runner.last_task is not None
    assert await runner.last_task == "3.0 cm"
    assert runner.last_outcome == "ok"
    assert "3.0 cm" in runner.result.value
    assert "Calls: <b>1</b> (0 failed)" in runner.stats.value
    assert registry.functions.functions["scale"].stats.call_count == 1


async def test_a_role_without_execute_sees_the_denial(registry: XRegistry) -> None:
    runner = FunctionRunner(registry, "scale", role="visitor")
    runner.fields["value"].set(1.0)
    assert await runner.run() is None  # type: ignore[misc]
    assert runner.last_outcome == "denied"
    assert "Denied." in runner.result.value and "may not execute" in runner.result.value
    assert "&#x27;analyst&#x27;" in runner.result.value  # who holds it
    assert registry.functions.functions["scale"].stats.call_count == 0


async def test_a_failing_function_shows_its_error_and_counts_it(registry: XRegistry) -> None:
    runner = FunctionRunner(registry, "divide")
    runner.fields["a"].set(1.0)
    runner.fields["b"].set(0.0)
    assert await runner.run() is None  # type: ignore[misc]
    assert runner.last_outcome == "failed"
    assert "ZeroDivisionError" in runner.result.value
    assert "(1 failed)" in runner.stats.value


async def test_positional_only_variadic_and_model_arguments_are_passed(registry: XRegistry) -> None:
    runner = FunctionRunner(registry, "norm")
    runner.fields["point"].panel.editors["x"].set(3.0)  # type: ignore[attr-defined]
    runner.fields["point"].panel.editors["y"].set(4.0)  # type: ignore[attr-defined]
    runner.fields["extra"].control.value = "[1, 2]"
    runner.fields["options"].control.value = '{"k": 10}'
    args, kwargs = runner.call_arguments()
    assert isinstance(args[0], Point) and args[1:] == [1.0, 2.0] and kwargs == {"k": 10}
    assert await runner.run() == 18.0  # type: ignore[misc]

    divide = FunctionRunner(registry, "divide")
    divide.fields["a"].set(6.0)
    divide.fields["b"].set(3.0)
    assert divide.call_arguments() == ([6.0, 3.0], {})


async def test_invalid_arguments_are_shown_under_their_fields(registry: XRegistry) -> None:
    runner = FunctionRunner(registry, "norm")
    runner.fields["extra"].control.value = "[1,"
    assert await runner.run() is None  # type: ignore[misc]
    assert runner.last_outcome == "invalid"
    assert "Not valid JSON" in runner.fields["extra"].problem_text()
    assert registry.functions.functions["norm"].stats.call_count == 0


async def test_a_timeout_is_reported_as_a_failure(registry: XRegistry) -> None:
    runner = FunctionRunner(registry, "sleepy", timeout=0.01)
    assert await runner.run() is None  # type: ignore[misc]
    assert runner.last_outcome == "failed"
    assert "did not finish within 0.01 s" in runner.result.value


async def test_cancel_stops_a_long_run(registry: XRegistry) -> None:
    runner = FunctionRunner(registry, "sleepy")
    task = runner.run()
    assert task is not None
    await asyncio.sleep(0.01)
    runner.tasks.cancel_button.click()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert "cancelled" in runner.tasks.status.value


def test_unannotated_and_private_parameters_become_any_fields(registry: XRegistry) -> None:
    model = arguments_model(registry.functions.functions["untyped"])
    assert list(model.model_fields) == ["param_0", "anything"]
    assert model.model_fields["param_0"].alias == "_hidden"
    runner = FunctionRunner(registry, "untyped")
    runner.fields["_hidden"].set("secret")
    assert runner.call_arguments() == ([], {"_hidden": "secret", "anything": "x"})


def test_an_unknown_function_shows_an_error_panel(registry: XRegistry) -> None:
    runner = FunctionRunner(registry, "scael")
    assert runner.registered is None
    assert "scael" in runner.notice.value and "scale" in runner.notice.value
    assert runner.run() is None
    with pytest.raises(NotRegistered, match="scael"):
        runner.call_arguments()


def test_format_stats_says_when_calls_are_not_tracked() -> None:
    registry = XRegistry()
    registry.functions.register(lambda: 1, name="one", track_execution=False)
    assert "not tracked" in format_stats(registry.functions.functions["one"])
