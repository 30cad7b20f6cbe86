"""FunctionRunner: a form from a registered function's signature that runs it through ``execute``.

The parameters become a pydantic model (``<name>Arguments``) built from the
function's resolved type hints, so the form is rendered, validated and shows
its errors exactly like :class:`~xcatalog.widgets.form.ModelForm`. "Run"
schedules :meth:`FunctionRegistry.execute` as a task on the kernel's loop
(``runner.last_task``), which checks the role's ``execute`` permission and the
time limit; the runner shows the result, the error or the denial, and the
function's call statistics.

A parameter without an annotation, or whose annotation cannot be resolved,
is typed ``Any`` (a text box whose text is passed as is); ``*args`` is a JSON
list and ``**kwargs`` a JSON object.

Example:
    >>> FunctionRunner(registry, "shop.total", role="analyst")   # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import html
import inspect
import typing
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import ipywidgets as widgets
from pydantic import BaseModel, ConfigDict, Field, create_model

from xcatalog.errors import FunctionFailed, PermissionDenied, ValidationFailed, XCatalogError
from xcatalog.registry import RegisteredFunction, XRegistry
from xcatalog.registry.ui_schema import generate_ui_schema
from xcatalog.widgets._editors import FieldContext, FieldRule, FieldsPanel, format_problems
from xcatalog.widgets._fields import DEFAULT_FIELD_RULES
from xcatalog.widgets._tasks import ProgressCallback, TaskPanel, describe_error, error_html
from xcatalog.widgets.form import validation_problems

__all__ = ["FunctionRunner", "Outcome", "arguments_model", "format_stats"]

Outcome = Literal["ok", "failed", "denied", "invalid"]
"""What the last run came to."""

_RESULT_LIMIT = 5_000
_VARIADIC = {inspect.Parameter.VAR_POSITIONAL: list[Any], inspect.Parameter.VAR_KEYWORD: dict[str, Any]}


def _field_name(parameter: str, index: int) -> str:
    # Pydantic keeps names starting with "_" private: such a parameter gets a public name and keeps its own as alias.
    return parameter if not parameter.startswith("_") else f"param_{index}"


def arguments_model(registered: RegisteredFunction) -> type[BaseModel]:
    """A pydantic model with one field per parameter of a registered function.

    Args:
        registered: The function's registry entry.

    Returns:
        ``<Name>Arguments``; a parameter without a default is required; each
        field's alias is the parameter name.
    """
    func = registered.func
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # an annotation naming something not importable here: fall back to Any for all
        hints = {}
    fields: dict[str, Any] = {}
    for index, parameter in enumerate(inspect.signature(func).parameters.values()):
        name = _field_name(parameter.name, index)
        if parameter.kind in _VARIADIC:
            annotation = _VARIADIC[parameter.kind]
            fields[name] = (annotation, Field(default_factory=annotation, alias=parameter.name))
            continue
        annotation = hints.get(parameter.name, Any)
        default = ... if parameter.default is inspect.Parameter.empty else parameter.default
        fields[name] = (annotation, Field(default, alias=parameter.name))
    title = "".join(part[:1].upper() + part[1:] for part in registered.metadata.name.split("_")) + "Arguments"
    with warnings.catch_warnings():
        # A parameter named like a BaseModel attribute ("json", "schema") only shadows it on this private model.
        warnings.simplefilter("ignore")
        model: type[BaseModel] = create_model(
            title, __config__=ConfigDict(arbitrary_types_allowed=True, populate_by_name=True), **fields
        )
    return model


def format_stats(registered: RegisteredFunction) -> str:
    """The call statistics of a function as one HTML line."""
    stats = registered.stats
    if not registered.metadata.track_execution:
        return "<small>Calls are not tracked for this function (track_execution is off).</small>"
    if stats.call_count == 0:
        return "<small>Not called yet.</small>"
    average = stats.average_duration or 0.0
    last = stats.last_duration or 0.0
    when = stats.last_called.isoformat(timespec="seconds") if stats.last_called else ""
    return (
        f"<small>Calls: <b>{stats.call_count}</b> ({stats.error_count} failed) · last {last:.4f} s · "
        f"average {average:.4f} s · last called {html.escape(when)}</small>"
    )


def _result_html(result: Any) -> str:
    rich = getattr(result, "_repr_html_", None)
    if callable(rich):
        try:
            shown = rich()
        except Exception:  # a broken _repr_html_ must not hide the result: fall back to repr
            shown = None
        if isinstance(shown, str):
            return shown
    text = repr(result)
    if len(text) > _RESULT_LIMIT:
        text = text[:_RESULT_LIMIT] + f"… ({len(text) - _RESULT_LIMIT:,} more characters)"
    return f"<pre>{html.escape(text)}</pre>"


class FunctionRunner(widgets.VBox):  # type: ignore[misc]
    """Run a registered function from a form; see the module docstring.

    Args:
        registry: The registry holding the function.
        function: Its path or unambiguous name.
        role: Who runs it; ``execute`` is checked on every run.
        timeout: Seconds before the run is abandoned; default ``execution_timeout`` from the settings.
        rules: Extra ``(predicate, factory)`` field rules, tried before the defaults.

    Attributes:
        registered: The function's entry (``None`` when it could not be found).
        arguments: The pydantic model of the parameters.
        fields: The parameter editors by parameter name.
        run_button: Runs the function.
        result: The result, the error or the denial.
        stats: The call statistics.
        tasks: Progress, cancel and the error panel.
        last_task: The last run (await it in tests and notebooks).
        last_result: What the last successful run returned.
        last_outcome: ``ok``, ``failed``, ``denied`` or ``invalid``, or ``None`` before any run.
    """

    def __init__(
        self,
        registry: XRegistry,
        function: str,
        role: str = "anonymous",
        *,
        timeout: float | None = None,
        rules: Sequence[FieldRule] = (),
    ) -> None:
        super().__init__()
        self.registry = registry
        self.role = role
        self.timeout = timeout
        self.notice = widgets.HTML(value="")
        self.result = widgets.HTML(value="")
        self.stats = widgets.HTML(value="")
        self.tasks = TaskPanel()
        self.run_button = widgets.Button(description="Run", button_style="primary", icon="play")
        self.registered: RegisteredFunction | None = None
        self.build_error: XCatalogError | None = None
        self.arguments: type[BaseModel] | None = None
        self.fields: dict[str, Any] = {}
        self.last_task: asyncio.Task[Any] | None = None
        self.last_result: Any = None
        self.last_outcome: Outcome | None = None
        self._panel: FieldsPanel | None = None
        try:
            self._build(function, (*rules, *DEFAULT_FIELD_RULES))
        except XCatalogError as exc:
            self.build_error = exc
            self.notice.value = error_html(describe_error(exc))
            self.children = (self.notice,)

    def _build(self, function: str, rules: Sequence[FieldRule]) -> None:
        registered = self.registry.functions.functions[function]
        self.registered = registered
        self.arguments = arguments_model(registered)
        self._panel = FieldsPanel(generate_ui_schema(self.arguments), FieldContext(rules))
        self.fields = self._panel.editors
        self.run_button.on_click(lambda _button: self.run())
        metadata = registered.metadata
        doc = f"<p>{html.escape(metadata.docstring.splitlines()[0])}</p>" if metadata.docstring else ""
        header = widgets.HTML(
            value=(
                f"<h3>{html.escape(metadata.name)}</h3><code>{html.escape(metadata.name + metadata.signature)}</code>"
                f"<br><small>{html.escape(metadata.ns_path)}</small>{doc}"
            )
        )
        self.stats.value = format_stats(registered)
        shown: tuple[Any, ...] = (header, self._panel.box, self.run_button, self.tasks, self.result, self.stats)
        self.children = shown

    @property
    def value(self) -> dict[str, Any]:
        """The arguments in the form, by parameter name (empty optional ones left out)."""
        return self._panel.get() if self._panel is not None else {}

    def run(self) -> asyncio.Task[Any] | None:
        """Validate the arguments and run the function (a task on the running loop).

        Returns:
            The task (also :attr:`last_task`), or ``None`` when the runner could not be built.
        """
        if self.registered is None:
            return None
        self.last_task = self.tasks.start(self._execute, label=f"Running {self.registered.metadata.name}")
        return self.last_task

    def call_arguments(self) -> tuple[list[Any], dict[str, Any]]:
        """The positional and keyword arguments for ``execute``, from the validated form.

        Raises:
            ValidationFailed: The form does not hold valid arguments.
        """
        registered, panel = self._require(), self._require_panel()
        if self.arguments is None:
            raise self.build_error or XCatalogError("The runner was not built.")
        problems = panel.input_problems() + validation_problems(self.arguments, self.value)
        if problems:
            raise ValidationFailed(f"{len(problems)} argument(s) are not valid; see the fields.", errors=problems)
        instance = self.arguments.model_validate(self.value)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        parameters = list(inspect.signature(registered.func).parameters.values())
        # With *args, the parameters before it must be passed by position too, or Python sees them twice.
        by_position: set[object] = {inspect.Parameter.POSITIONAL_ONLY}
        if any(parameter.kind is inspect.Parameter.VAR_POSITIONAL for parameter in parameters):
            by_position.add(inspect.Parameter.POSITIONAL_OR_KEYWORD)
        for index, parameter in enumerate(parameters):
            # Attributes, not model_dump(): sub-models reach the function as models, not dicts.
            value = getattr(instance, _field_name(parameter.name, index))
            if parameter.kind in by_position:
                args.append(value)
            elif parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                args.extend(value)
            elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
                kwargs.update(value)
            else:
                kwargs[parameter.name] = value
        return args, kwargs

    def _require(self) -> RegisteredFunction:
        if self.registered is None:
            # The reason the runner could not be built (NotRegistered, AmbiguousName, ...) is the useful error.
            raise self.build_error or XCatalogError("The runner was not built.")
        return self.registered

    def _require_panel(self) -> FieldsPanel:
        if self._panel is None:
            raise self.build_error or XCatalogError("The runner was not built.")
        return self._panel

    async def _execute(self, progress: ProgressCallback) -> Any:
        self.result.value = ""
        try:
            args, kwargs = self.call_arguments()
        except ValidationFailed as exc:
            if self._panel is not None:
                self._panel.show_problems(exc.errors)
            self.last_outcome = "invalid"
            self.result.value = format_problems([str(exc)])
            return None
        registered = self._require()
        self._require_panel().show_problems([])
        progress(0, 1, "running")
        path = registered.metadata.ns_path
        try:
            returned = await self.registry.functions.execute(path, args, kwargs, role=self.role, timeout=self.timeout)
        except PermissionDenied as exc:
            self.last_outcome = "denied"
            self.result.value = f"<b>Denied.</b> {error_html(describe_error(exc))}"
            return None
        except FunctionFailed as exc:
            self.last_outcome = "failed"
            self.result.value = f"<b>Failed.</b> {error_html(describe_error(exc))}"
            return None
        finally:
            self.stats.value = format_stats(registered)
        self.last_outcome = "ok"
        self.last_result = returned
        self.result.value = f"<b>Result</b> {_result_html(returned)}"
        return returned
