"""Field editors: the widgets of a form and how to read, write, watch, disable and annotate them.

A :class:`FieldEditor` wraps the widget of one field of a UI schema (see
:mod:`xcatalog.registry.ui_schema`): :meth:`~FieldEditor.get` and
:meth:`~FieldEditor.set` convert between the widget and the field's value,
:meth:`~FieldEditor.show_problems` puts each validation problem under its
field. :class:`FieldsPanel` lays out the editors of a model (or of a
sub-model), choosing each through the ordered rules of a :class:`FieldContext`
with :func:`build_editor`; the default rules are in :mod:`xcatalog.widgets._fields`.

Empty fields are left out of the values (:data:`OMIT`): an empty text or
JSON box, a picker or dropdown with nothing chosen, and a "none" switch that
merely repeats a ``None`` default. The model's default then applies to an
optional field, and a required one fails validation with pydantic's "Field
required" under the field, instead of being validated as ``""``. An untouched
optional field is therefore never written as an explicit empty value or null.

Nullable fields get a "none" switch (:class:`OptionalEditor`) around whatever
the rules chose; sub-models are nested sub-forms (:class:`ModelEditor`); a list
of sub-models is rows of sub-forms with "Add" and "Remove" buttons
(:class:`RowsEditor`); :class:`JsonEditor` edits anything else as JSON.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import ipywidgets as widgets

from xcatalog.enrichment.model import CategoryStats

__all__ = [
    "OMIT",
    "FieldContext",
    "FieldEditor",
    "FieldFactory",
    "FieldPredicate",
    "FieldRule",
    "FieldSpec",
    "FieldsPanel",
    "JsonEditor",
    "ModelEditor",
    "OptionalEditor",
    "RowsEditor",
    "ValueEditor",
    "build_editor",
    "format_problems",
]


class _Omit:
    """The value of a field left empty: it is left out of the record, so the model's default applies."""

    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()

_ERROR_COLOUR = "#b00020"
_WARNING_COLOUR = "#a15c00"


@dataclass(frozen=True)
class FieldSpec:
    """What a predicate and a factory see of one field.

    Attributes:
        name: The Python field name.
        key: The key the model validates (the alias when there is one).
        path: The dotted path from the form's model (``address.city``), keyed like the data.
        descriptor: The UI-schema descriptor of the field.
        categories: Observed values when the model is enriched and the field is categorical.
        initial: The value to show first (from ``data``, else the default), or ``None``.
    """

    name: str
    key: str
    path: str
    descriptor: Mapping[str, Any]
    categories: CategoryStats | None = None
    initial: Any = None

    @property
    def widget(self) -> str:
        """The widget the UI schema chose (``text``, ``number``, ``select`` ...)."""
        return str(self.descriptor.get("widget", "text"))

    @property
    def nullable(self) -> bool:
        """Whether ``None`` is accepted."""
        return bool(self.descriptor.get("nullable", False))

    @property
    def required(self) -> bool:
        """Whether the model needs a value (no default)."""
        return bool(self.descriptor.get("required", False))

    @property
    def defaults_to_none(self) -> bool:
        """Whether the model fills in ``None`` when the field is left out (an optional field with default ``None``)."""
        return (
            not self.required
            and self.descriptor.get("default") is None
            and not self.descriptor.get("default_factory", False)
        )

    @property
    def label(self) -> str:
        """The human label."""
        return str(self.descriptor.get("label") or self.name)


FieldPredicate = Callable[[FieldSpec], bool]
FieldFactory = Callable[[FieldSpec, "FieldContext"], "FieldEditor"]
FieldRule = tuple[FieldPredicate, FieldFactory]
"""``(predicate, factory)``: the factory builds the editor when the predicate accepts the field."""


@dataclass(frozen=True)
class FieldContext:
    """What every factory of one form shares.

    Attributes:
        rules: The table (extra rules first, then :data:`DEFAULT_FIELD_RULES`).
        categories: Observed categories by data path (from the enrichment), for nested sub-forms.
    """

    rules: Sequence[FieldRule]
    categories: Mapping[str, CategoryStats] = field(default_factory=dict)


def format_problems(errors: Sequence[str], warnings: Sequence[str] = ()) -> str:
    """Errors (red) and warnings (orange) as HTML lines, escaped."""
    lines = [f'<div style="color:{_ERROR_COLOUR}">{html.escape(message)}</div>' for message in errors]
    lines += [f'<div style="color:{_WARNING_COLOUR}">⚠ {html.escape(message)}</div>' for message in warnings]
    return "".join(lines)


def _relative(problems: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{**problem, "loc": tuple(problem.get("loc", ()))[1:]} for problem in problems]


# -- editors -------------------------------------------------------------------------------------------------------


class FieldEditor:
    """A widget for one field: read, write, watch, disable, and show the problems of that field.

    Args:
        spec: The field.
        control: The input widget.

    Attributes:
        spec: The field.
        control: The input widget.
        error: The ``HTML`` widget under the control that lists the field's problems.
        box: What the form lays out: label, control and problems.
    """

    def __init__(self, spec: FieldSpec, control: widgets.Widget) -> None:
        self.spec = spec
        self.control = control
        self.error = widgets.HTML(value="")
        marker = " *" if spec.required else ""
        description = spec.descriptor.get("description")
        title = f' title="{html.escape(str(description))}"' if description else ""
        self.label = widgets.HTML(value=f"<b{title}>{html.escape(spec.label)}{marker}</b>")
        self.label.layout.width = "180px"
        self.box = widgets.VBox([widgets.HBox([self.label, self.body()]), self.error])

    def body(self) -> widgets.Widget:
        """The widget placed beside the label (the control, or a control with extras)."""
        return self.control

    def get(self) -> Any:
        """The current value, or :data:`OMIT` to leave the field out."""
        return self.control.value

    def set(self, value: Any) -> None:
        """Show ``value``."""
        self.control.value = value

    def watch(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` whenever the user changes the value."""
        self.control.observe(lambda _change: callback(), names="value")

    def set_disabled(self, disabled: bool) -> None:
        """Make the field read-only (or editable again)."""
        self.control.disabled = disabled

    def input_problems(self) -> list[dict[str, Any]]:
        """Problems found before validation (text that is not JSON), in pydantic's error shape."""
        return []

    def show_problems(self, errors: Sequence[Mapping[str, Any]], warnings: Sequence[Mapping[str, Any]] = ()) -> None:
        """Show the problems of this field; their ``loc`` is relative to the field (``()`` for itself)."""

        def text(problem: Mapping[str, Any]) -> str:
            where = ".".join(str(part) for part in problem.get("loc", ()))
            return f"{where}: {problem['msg']}" if where else str(problem["msg"])

        self.error.value = format_problems([text(e) for e in errors], [text(w) for w in warnings])

    def problem_text(self) -> str:
        """The problems shown under the field, as plain text (for tests and logs)."""
        return html.unescape(_strip_tags(self.error.value))

    def editors(self) -> Iterator[FieldEditor]:
        """This editor and every editor nested in it."""
        yield self


class ValueEditor(FieldEditor):
    """An editor over a widget whose ``value`` trait holds the field's value, with conversions.

    Args:
        spec: The field.
        control: The widget.
        read: Widget value -> field value (return :data:`OMIT` to leave the field out).
        write: Field value -> widget value.
    """

    def __init__(
        self,
        spec: FieldSpec,
        control: widgets.Widget,
        *,
        read: Callable[[Any], Any] | None = None,
        write: Callable[[Any], Any] | None = None,
    ) -> None:
        self._read = read or (lambda value: value)
        self._write = write or (lambda value: value)
        super().__init__(spec, control)
        if spec.initial is not None:
            self.set(spec.initial)

    def get(self) -> Any:
        """The converted widget value."""
        return self._read(self.control.value)

    def set(self, value: Any) -> None:
        """Show ``value`` (converted for the widget)."""
        self.control.value = self._write(value)


class OptionalEditor(FieldEditor):
    """A "none" switch around another editor, for nullable fields."""

    def __init__(self, spec: FieldSpec, inner: FieldEditor) -> None:
        self.inner = inner
        self.none_switch = widgets.Checkbox(value=spec.initial is None, description="none", indent=False)
        self.none_switch.layout.width = "70px"
        super().__init__(spec, inner.control)
        self.inner.set_disabled(self.none_switch.value)
        self.none_switch.observe(lambda change: self.inner.set_disabled(bool(change["new"])), names="value")

    def body(self) -> widgets.Widget:
        """The inner editor's body beside the switch."""
        inner_body = self.inner.box if isinstance(self.inner, ModelEditor) else self.inner.body()
        return widgets.HBox([self.none_switch, inner_body])

    def get(self) -> Any:
        """The inner value; when the switch is on, ``None``, or :data:`OMIT` if ``None`` is the field's default."""
        if not self.none_switch.value:
            return self.inner.get()
        return OMIT if self.spec.defaults_to_none else None

    def set(self, value: Any) -> None:
        """``None`` turns the switch on; anything else goes to the inner editor."""
        self.none_switch.value = value is None
        if value is not None:
            self.inner.set(value)

    def watch(self, callback: Callable[[], None]) -> None:
        """Watch the switch and the inner editor."""
        self.none_switch.observe(lambda _change: callback(), names="value")
        self.inner.watch(callback)

    def set_disabled(self, disabled: bool) -> None:
        """Disable the switch and the inner editor (the inner one stays disabled while the switch is on)."""
        self.none_switch.disabled = disabled
        self.inner.set_disabled(disabled or self.none_switch.value)

    def input_problems(self) -> list[dict[str, Any]]:
        """The inner editor's problems, unless the value is ``None``."""
        return [] if self.none_switch.value else self.inner.input_problems()

    def show_problems(self, errors: Sequence[Mapping[str, Any]], warnings: Sequence[Mapping[str, Any]] = ()) -> None:
        """Nested problems go to a nested form; the rest are shown here."""
        if isinstance(self.inner, ModelEditor):
            self.inner.show_problems(errors, warnings)
        else:
            super().show_problems(errors, warnings)

    def editors(self) -> Iterator[FieldEditor]:
        """This editor and the inner one's editors."""
        yield self
        yield from self.inner.editors()


class JsonEditor(FieldEditor):
    """A textarea holding JSON, for lists of sub-models, mappings, unions and recursive models.

    Args:
        spec: The field.
        lenient: Text that is not JSON is passed on as a string (for unions that accept ``str``).
    """

    def __init__(self, spec: FieldSpec, *, lenient: bool = False) -> None:
        self.lenient = lenient
        control = widgets.Textarea(placeholder=f"JSON ({spec.descriptor.get('type', 'value')})")
        control.layout.width = "400px"
        super().__init__(spec, control)
        if spec.initial is not None:
            self.set(spec.initial)

    def get(self) -> Any:
        """The parsed JSON, :data:`OMIT` when empty, or the raw text when it does not parse."""
        text = self.control.value.strip()
        if not text:
            return OMIT
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text

    def set(self, value: Any) -> None:
        """Show ``value`` as indented JSON."""
        self.control.value = json.dumps(value, indent=2, default=str)

    def input_problems(self) -> list[dict[str, Any]]:
        """A ``json_invalid`` problem when the text is not JSON (unless lenient)."""
        text = self.control.value.strip()
        if not text or self.lenient:
            return []
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            message = f"Not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}."
            return [{"loc": (), "msg": message, "type": "json_invalid", "input": text}]
        return []


class FieldsPanel:
    """The editors of a model's fields (a form, or a sub-form), in schema order.

    Args:
        node: A UI-schema node with ``field_order`` and ``fields``.
        context: The rules and the observed categories.
        data: Initial values, keyed like the model's input (aliases).
        path: The dotted path of this node (``""`` for the form's model).
    """

    def __init__(
        self,
        node: Mapping[str, Any],
        context: FieldContext,
        data: Mapping[str, Any] | None = None,
        path: str = "",
    ) -> None:
        data = data or {}
        self.editors: dict[str, FieldEditor] = {}
        fields: Mapping[str, Any] = node.get("fields", {})
        for name in node.get("field_order", list(fields)):
            descriptor = fields[name]
            key = descriptor.get("alias") or name
            field_path = f"{path}.{key}" if path else key
            initial = data[key] if key in data else data.get(name, descriptor.get("default"))
            spec = FieldSpec(
                name=name,
                key=key,
                path=field_path,
                descriptor=descriptor,
                categories=context.categories.get(field_path),
                initial=initial,
            )
            self.editors[key] = build_editor(spec, context)
        self.box = widgets.VBox([editor.box for editor in self.editors.values()])

    def get(self) -> dict[str, Any]:
        """The values, keyed like the model's input; fields left empty are left out."""
        values = {key: editor.get() for key, editor in self.editors.items()}
        return {key: value for key, value in values.items() if value is not OMIT}

    def set(self, data: Mapping[str, Any]) -> None:
        """Show the values of ``data`` (other fields keep theirs)."""
        for key, value in data.items():
            if key in self.editors:
                self.editors[key].set(value)

    def watch(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(key)`` when the field ``key`` changes."""
        for key, editor in self.editors.items():
            editor.watch(functools.partial(callback, key))

    def set_disabled(self, disabled: bool) -> None:
        """Make every field read-only (or editable again)."""
        for editor in self.editors.values():
            editor.set_disabled(disabled)

    def input_problems(self) -> list[dict[str, Any]]:
        """Problems found before validation, with ``loc`` from this node."""
        found = []
        for key, editor in self.editors.items():
            found += [{**problem, "loc": (key, *problem["loc"])} for problem in editor.input_problems()]
        return found

    def show_problems(
        self,
        errors: Sequence[Mapping[str, Any]],
        warnings: Sequence[Mapping[str, Any]] = (),
        *,
        only: Collection[str] | None = None,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Show each problem under its field.

        Args:
            errors: Problems in pydantic's shape, ``loc`` from this node.
            warnings: Non-fatal problems of the same shape.
            only: Update only these fields (the ones the user touched); ``None`` updates all.

        Returns:
            ``(errors, warnings)`` that belong to no field (``loc`` empty or unknown).
        """

        def unplaced(problems: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
            return [dict(p) for p in problems if not p.get("loc") or p["loc"][0] not in self.editors]

        for key, editor in self.editors.items():
            if only is not None and key not in only:
                continue
            mine = [problem for problem in errors if problem.get("loc") and problem["loc"][0] == key]
            my_warnings = [problem for problem in warnings if problem.get("loc") and problem["loc"][0] == key]
            editor.show_problems(_relative(mine), _relative(my_warnings))
        return unplaced(errors), unplaced(warnings)

    def walk(self) -> Iterator[FieldEditor]:
        """Every editor, nested ones included."""
        for editor in self.editors.values():
            yield from editor.editors()


class ModelEditor(FieldEditor):
    """A nested sub-form for a sub-model field; its value is a dict."""

    def __init__(self, spec: FieldSpec, context: FieldContext) -> None:
        model_name = html.escape(str(spec.descriptor.get("model", "")))
        self.title = widgets.HTML(value=f"<b>{html.escape(spec.label)}</b> ({model_name})")
        data = spec.initial if isinstance(spec.initial, Mapping) else None
        self.panel = FieldsPanel(spec.descriptor, context, data, path=spec.path)
        self.frame = widgets.VBox([self.title, self.panel.box])
        self.frame.layout.border = "1px solid #ccc"
        self.frame.layout.padding = "4px"
        super().__init__(spec, self.frame)
        self.box = widgets.VBox([self.frame, self.error])

    def get(self) -> Any:
        """The sub-form's values as a dict."""
        return self.panel.get()

    def set(self, value: Any) -> None:
        """Show a dict's values in the sub-form."""
        if isinstance(value, Mapping):
            self.panel.set(value)

    def watch(self, callback: Callable[[], None]) -> None:
        """Watch every field of the sub-form."""
        self.panel.watch(lambda _key: callback())

    def set_disabled(self, disabled: bool) -> None:
        """Disable every field of the sub-form."""
        self.panel.set_disabled(disabled)

    def input_problems(self) -> list[dict[str, Any]]:
        """The sub-form's problems found before validation."""
        return self.panel.input_problems()

    def show_problems(self, errors: Sequence[Mapping[str, Any]], warnings: Sequence[Mapping[str, Any]] = ()) -> None:
        """Problems of sub-fields go under them; the rest under the sub-form."""
        unplaced_errors, unplaced_warnings = self.panel.show_problems(errors, warnings)
        super().show_problems(unplaced_errors, unplaced_warnings)

    def editors(self) -> Iterator[FieldEditor]:
        """This editor and the sub-form's editors."""
        yield self
        yield from self.panel.walk()


class RowsEditor(FieldEditor):
    """Rows of sub-forms with "Add" and "Remove" buttons, for a list of sub-models; its value is a list of dicts."""

    def __init__(self, spec: FieldSpec, context: FieldContext) -> None:
        self.context = context
        self.item_node: Mapping[str, Any] = spec.descriptor.get("item", {})
        self.rows: list[FieldsPanel] = []
        self._remove_buttons: list[widgets.Button] = []
        self._row_boxes: list[widgets.Widget] = []
        self._callbacks: list[Callable[[], None]] = []
        self._disabled = False
        self.add_button = widgets.Button(description="Add", icon="plus")
        self.add_button.on_click(lambda _button: self.add_row())
        self.rows_box = widgets.VBox([])
        super().__init__(spec, widgets.VBox([self.rows_box, self.add_button]))
        if isinstance(spec.initial, list | tuple):
            self.set(spec.initial)

    def add_row(self, data: Mapping[str, Any] | None = None) -> FieldsPanel:
        """Append a row (empty, or showing ``data``) and return its sub-form."""
        # "[]" marks a list item in enrichment paths (``variants[].city``).
        panel = FieldsPanel(self.item_node, self.context, data, path=f"{self.spec.path}[]")
        remove = widgets.Button(description="Remove", icon="trash", button_style="danger")
        remove.on_click(lambda _button: self.remove_row(panel))
        panel.watch(lambda _key: self._changed())
        panel.set_disabled(self._disabled)
        remove.disabled = self._disabled
        frame = widgets.VBox([panel.box, remove])
        frame.layout.border = "1px solid #ccc"
        frame.layout.padding = "4px"
        self.rows.append(panel)
        self._remove_buttons.append(remove)
        self._row_boxes.append(frame)
        self.rows_box.children = tuple(self._row_boxes)
        self._changed()
        return panel

    def remove_row(self, panel: FieldsPanel) -> None:
        """Remove the row holding ``panel``."""
        index = self.rows.index(panel)
        del self.rows[index], self._remove_buttons[index], self._row_boxes[index]
        self.rows_box.children = tuple(self._row_boxes)
        self._changed()

    def _changed(self) -> None:
        for callback in self._callbacks:
            callback()

    def get(self) -> Any:
        """The rows' values; :data:`OMIT` for no rows when the field is optional (its default applies)."""
        if not self.rows and not self.spec.required:
            return OMIT
        return [panel.get() for panel in self.rows]

    def set(self, value: Any) -> None:
        """Replace the rows with one per item of ``value``."""
        self.rows, self._remove_buttons, self._row_boxes = [], [], []
        self.rows_box.children = ()
        for item in value if isinstance(value, list | tuple) else []:
            self.add_row(item if isinstance(item, Mapping) else None)

    def watch(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` when a row is added, removed or edited."""
        self._callbacks.append(callback)

    def set_disabled(self, disabled: bool) -> None:
        """Disable the buttons and every row."""
        self._disabled = disabled
        self.add_button.disabled = disabled
        for panel, remove in zip(self.rows, self._remove_buttons, strict=True):
            panel.set_disabled(disabled)
            remove.disabled = disabled

    def input_problems(self) -> list[dict[str, Any]]:
        """The rows' problems found before validation, ``loc`` starting with the row index."""
        return [
            {**problem, "loc": (index, *problem["loc"])}
            for index, panel in enumerate(self.rows)
            for problem in panel.input_problems()
        ]

    def show_problems(self, errors: Sequence[Mapping[str, Any]], warnings: Sequence[Mapping[str, Any]] = ()) -> None:
        """Problems of a row go under its fields; the rest under the list."""

        def of_row(problems: Sequence[Mapping[str, Any]], index: int) -> list[dict[str, Any]]:
            return _relative([p for p in problems if p.get("loc") and p["loc"][0] == index])

        def unplaced(problems: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
            rows = range(len(self.rows))
            return [dict(p) for p in problems if not p.get("loc") or p["loc"][0] not in rows]

        list_errors, list_warnings = unplaced(errors), unplaced(warnings)
        for index, panel in enumerate(self.rows):
            loose_errors, loose_warnings = panel.show_problems(of_row(errors, index), of_row(warnings, index))
            # A problem of the row as a whole (not a dict, say) has no field to go under: show it under the list.
            list_errors += [{**problem, "loc": (index, *problem.get("loc", ()))} for problem in loose_errors]
            list_warnings += [{**problem, "loc": (index, *problem.get("loc", ()))} for problem in loose_warnings]
        super().show_problems(list_errors, list_warnings)

    def editors(self) -> Iterator[FieldEditor]:
        """This editor and every row's editors."""
        yield self
        for panel in self.rows:
            yield from panel.walk()


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text).strip()


def _fallback(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    # No rule matched (a custom table without a catch-all): text or JSON still lets the field be filled.
    return JsonEditor(spec, lenient=True)


def build_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """The editor of the first rule accepting ``spec``, with a "none" switch for nullable fields.

    Args:
        spec: The field.
        context: The rules (a form passes its extra rules followed by
            :data:`xcatalog.widgets._fields.DEFAULT_FIELD_RULES`) and the categories.

    Returns:
        The editor.
    """
    factory: FieldFactory = next((factory for predicate, factory in context.rules if predicate(spec)), _fallback)
    if not spec.nullable:
        return factory(spec, context)
    # The switch says "none"; the inner editor edits the value when there is one.
    inner = factory(replace(spec, descriptor={**spec.descriptor, "nullable": False}), context)
    return OptionalEditor(spec, inner)
