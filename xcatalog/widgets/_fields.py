"""The default table of field rules: which editor a UI-schema field gets.

:data:`DEFAULT_FIELD_RULES` is an ordered tuple of ``(predicate, factory)``
pairs; :func:`~xcatalog.widgets._editors.build_editor` uses the first whose
predicate accepts the :class:`~xcatalog.widgets._editors.FieldSpec`. A
predicate sees the field's UI-schema descriptor (from
:mod:`xcatalog.registry.ui_schema`) and, when the model is enriched, the
observed categories of the field; a factory returns a
:class:`~xcatalog.widgets._editors.FieldEditor`.

Categorical text fields, and ``Literal``/``Enum`` fields of strings with
observed categories, get a combobox of observed values, re-ranked by the form
(any text is accepted by the page; graded validation reports values outside a
closed set under the field); lists of sub-models get rows of sub-forms; other lists
(not of strings), mappings, unions and recursive models are edited as JSON in
a textarea for now.

Empty fields are left out of the form's value (see :mod:`xcatalog.widgets._editors`).

Date-and-time fields (``datetime`` and pydantic's ``AwareDatetime``,
``NaiveDatetime``, ``PastDatetime``, ``FutureDatetime``) get a picker of naive
wall-clock times, shown and edited in UTC (:class:`DatetimeEditor`). What the
form gives back keeps the time zone the value needs:

* an ``AwareDatetime`` field always gets an aware value in UTC, a
  ``NaiveDatetime`` field always a naive one (in UTC);
* any other field gets an aware value in UTC when the value put into the form
  (``data``, ``form.value = ...``, ``editor.set``) was aware (a ``datetime`` with
  ``tzinfo`` or an ISO string ending in ``Z`` or ``+hh:mm``), and a naive
  one when it was naive or nothing was put in; times the user picks follow the
  same rule.

Example (a colour picker for text fields named ``*_color``)::

    def is_color(spec: FieldSpec) -> bool:
        return spec.widget == "text" and spec.name.endswith("_color")

    def color_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
        return ValueEditor(spec, widgets.ColorPicker(value=spec.initial or "#000000"))

    ModelForm(registry, "Theme", rules=[(is_color, color_editor)])
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from typing import Any, Literal

import ipywidgets as widgets

from xcatalog.widgets._editors import (
    OMIT,
    FieldContext,
    FieldEditor,
    FieldPredicate,
    FieldRule,
    FieldSpec,
    JsonEditor,
    ModelEditor,
    RowsEditor,
    ValueEditor,
)

__all__ = [
    "DEFAULT_FIELD_RULES",
    "DatetimeEditor",
    "combobox_editor",
    "date_editor",
    "datetime_editor",
    "is_categorical_choice",
    "is_categorical_text",
    "is_datetime_field",
    "is_json",
    "is_model_list",
    "json_editor",
    "model_editor",
    "number_editor",
    "password_editor",
    "rows_editor",
    "select_editor",
    "suggestion_options",
    "tags_editor",
    "text_editor",
    "textarea_editor",
    "time_editor",
    "toggle_editor",
    "widget_is",
]

_INT_LIMIT = 10**15
# pydantic's datetime types are not ``datetime`` subclasses, so the UI schema gives them a text box; they still
# get the picker. The UI schema names them by class.
_DATETIME_TYPES = frozenset({"datetime", "AwareDatetime", "NaiveDatetime", "PastDatetime", "FutureDatetime"})
_FLOAT_LIMIT = sys.float_info.max


# -- predicates ------------------------------------------------------------------------------------------------------


def widget_is(*names: str) -> FieldPredicate:
    """A predicate: the UI schema chose one of these widgets for the field."""

    def predicate(spec: FieldSpec) -> bool:
        return spec.widget in names

    predicate.__name__ = f"widget_is_{'_'.join(names)}"
    return predicate


def is_categorical_text(spec: FieldSpec) -> bool:
    """A text field whose enrichment found categories (it gets a combobox of suggestions)."""
    return spec.widget == "text" and spec.categories is not None and bool(spec.categories.frequencies)


def is_categorical_choice(spec: FieldSpec) -> bool:
    """A dropdown of string options (``Literal``/``Enum``) whose enrichment found categories.

    It gets the ranked suggestion combobox of a categorical text field; the
    ``Literal`` (or ``Enum``) still validates what is typed.
    """
    options = spec.descriptor.get("options") or []
    return (
        spec.widget == "select"
        and spec.categories is not None
        and bool(spec.categories.frequencies)
        and bool(options)
        and all(isinstance(option.get("value"), str) for option in options)
    )


def is_datetime_field(spec: FieldSpec) -> bool:
    """A date-and-time field: the ``datetime`` widget, or one of pydantic's datetime types (``AwareDatetime`` ...)."""
    return spec.widget == "datetime" or spec.descriptor.get("type") in _DATETIME_TYPES


def is_model_list(spec: FieldSpec) -> bool:
    """A list of (non-recursive, non-nullable) sub-models: edited as rows of sub-forms."""
    item = spec.descriptor.get("item") or {}
    return (
        spec.widget == "list"
        and item.get("widget") == "object"
        and not item.get("recursive")
        and not item.get("nullable")
    )


def is_json(spec: FieldSpec) -> bool:
    """A field edited as JSON: other sequences, mappings, unions, recursive models."""
    return spec.widget in ("list", "dict", "union") or (
        spec.widget == "object" and bool(spec.descriptor.get("recursive"))
    )


# -- factories ---------------------------------------------------------------------------------------------------------


def _text_reader(spec: FieldSpec) -> Callable[[Any], Any]:
    # Empty text is "not filled in", even for a required field: pydantic then says "Field required".
    def read(value: Any) -> Any:
        return OMIT if value == "" else value

    return read


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


def text_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A one-line text box (with the descriptor's ``placeholder``, or a hint for emails and URLs)."""
    hint = {"email": "name@example.org", "url": "https://…"}.get(spec.widget, "")
    placeholder = str(spec.descriptor.get("placeholder") or hint)
    return ValueEditor(spec, widgets.Text(placeholder=placeholder), read=_text_reader(spec), write=_as_text)


def textarea_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A multi-line text box."""
    return ValueEditor(spec, widgets.Textarea(), read=_text_reader(spec), write=_as_text)


def password_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A masked text box."""
    return ValueEditor(spec, widgets.Password(), read=_text_reader(spec), write=_as_text)


def suggestion_options(spec: FieldSpec, ranked: Sequence[Any] = ()) -> list[str]:
    """What a suggestion combobox offers: ``ranked`` values (default: the observed ones), then unseen choices.

    For a ``Literal``/``Enum`` field only its choices are offered, observed ones first in the given order.
    """
    observed = [str(value) for value in (ranked or (spec.categories.values if spec.categories is not None else []))]
    choices = [str(option["value"]) for option in spec.descriptor.get("options") or []]
    if not choices:
        return list(dict.fromkeys(observed))
    allowed = set(choices)
    return list(dict.fromkeys([*(value for value in observed if value in allowed), *choices]))


def combobox_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A combobox offering the observed values (and a ``Literal``'s other choices), ranked by the form.

    Any typed text reaches the kernel (``ensure_option=False``): a value outside a
    closed set is then reported under the field by the graded validation (with
    "Did you mean ...?") instead of being silently refused by the page, which
    would leave the previous value in place.
    """
    control = widgets.Combobox(
        options=suggestion_options(spec), ensure_option=False, placeholder="type to see suggestions"
    )
    return ValueEditor(spec, control, read=_text_reader(spec), write=_as_text)


def select_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A dropdown of an Enum's or a Literal's options."""
    options = [(str(option["label"]), option["value"]) for option in spec.descriptor.get("options", [])]
    control = widgets.Dropdown(options=options, value=None)
    allowed = {repr(value) for _, value in options}

    def write(value: Any) -> Any:
        return value if repr(value) in allowed else None

    def read(value: Any) -> Any:
        return OMIT if value is None else value

    return ValueEditor(spec, control, read=read, write=write)


def toggle_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A checkbox."""
    return ValueEditor(spec, widgets.Checkbox(value=False, indent=False), write=bool)


def number_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """An int or float box, bounded by the field's ``ge``/``gt``/``le``/``lt`` constraints."""
    descriptor = spec.descriptor
    is_int = descriptor.get("type") == "int" or (
        isinstance(descriptor.get("step"), int) and descriptor.get("type") not in ("float", "Decimal")
    )
    low, high = descriptor.get("min"), descriptor.get("max")
    if is_int:
        # An exclusive bound on an int is the next int inside it.
        low = None if low is None else int(low) + (1 if descriptor.get("exclusive_min") else 0)
        high = None if high is None else int(high) - (1 if descriptor.get("exclusive_max") else 0)
    start = 0 if low is None or low <= 0 else low
    start = start if high is None or start <= high else high
    control: widgets.Widget
    if is_int:
        if low is None and high is None:
            control = widgets.IntText(value=start)
        else:
            lo, hi = (-_INT_LIMIT if low is None else low), (_INT_LIMIT if high is None else high)
            control = widgets.BoundedIntText(value=start, min=lo, max=hi, step=descriptor.get("step", 1))
        return ValueEditor(spec, control, write=int)
    if low is None and high is None:
        control = widgets.FloatText(value=float(start))
    else:
        lo_f = -_FLOAT_LIMIT if low is None else float(low)
        hi_f = _FLOAT_LIMIT if high is None else float(high)
        control = widgets.BoundedFloatText(value=float(start), min=lo_f, max=hi_f)
    if descriptor.get("step") is not None:
        control.step = float(descriptor["step"])
    return ValueEditor(spec, control, write=float)


def _parse_datetime(value: Any) -> dt.datetime | None:
    """A ``datetime`` (aware or naive, as given) from a ``datetime``, a ``date`` or an ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value))


DatetimeZone = Literal["aware", "naive", "as_given"]


class DatetimeEditor(ValueEditor):
    """A date-and-time picker that gives back values with the time zone the field needs.

    The picker holds naive wall-clock times in UTC; :meth:`get` adds UTC back
    when the value is aware (see the module docstring for the rule).

    Args:
        spec: The field.
        zone: ``"aware"`` (always UTC-aware), ``"naive"`` (always naive), or
            ``"as_given"`` (aware when the last value put in was aware).

    Attributes:
        zone: The rule.
        is_aware: Whether :meth:`get` returns an aware value.
    """

    def __init__(self, spec: FieldSpec, zone: DatetimeZone = "as_given") -> None:
        self.zone = zone
        self.is_aware = zone == "aware"
        super().__init__(spec, widgets.NaiveDatetimePicker())

    def get(self) -> Any:
        """The picked time (aware in UTC or naive, see the rule), or :data:`OMIT` when none is picked."""
        value = self.control.value
        if value is None:
            return OMIT
        return value.replace(tzinfo=dt.UTC) if self.is_aware else value

    def set(self, value: Any) -> None:
        """Show ``value`` (a ``datetime``, ``date`` or ISO string) in UTC; an aware one makes :meth:`get` aware."""
        parsed = _parse_datetime(value)
        if parsed is None:
            self.control.value = None
            return
        if self.zone == "as_given":
            self.is_aware = parsed.tzinfo is not None
        self.control.value = parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo is not None else parsed


def _parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _parse_time(value: Any) -> dt.time | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))


def _picker_reader(spec: FieldSpec) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        return OMIT if value is None else value

    return read


def datetime_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A date-and-time picker shown in UTC, keeping values aware when the field or the input is (see above)."""
    zones: dict[str, DatetimeZone] = {"AwareDatetime": "aware", "NaiveDatetime": "naive"}
    return DatetimeEditor(spec, zones.get(str(spec.descriptor.get("type")), "as_given"))


def date_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A date picker."""
    return ValueEditor(spec, widgets.DatePicker(), read=_picker_reader(spec), write=_parse_date)


def time_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A time picker."""
    return ValueEditor(spec, widgets.TimePicker(), read=_picker_reader(spec), write=_parse_time)


def tags_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A tags box for a list of strings."""

    def write(value: Any) -> list[str]:
        return [str(item) for item in value] if isinstance(value, list | tuple | set | frozenset) else []

    return ValueEditor(spec, widgets.TagsInput(value=[], allow_duplicates=False), write=write)


def json_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A JSON textarea (lenient for unions: text that is not JSON passes as a string)."""
    return JsonEditor(spec, lenient=spec.widget == "union")


def rows_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """Rows of sub-forms with add and remove buttons."""
    return RowsEditor(spec, context)


def model_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
    """A nested sub-form."""
    return ModelEditor(spec, context)


def _always(spec: FieldSpec) -> bool:
    return True


DEFAULT_FIELD_RULES: tuple[FieldRule, ...] = (
    # Before the combobox: pydantic's datetime types have the "text" widget and may look categorical.
    (is_datetime_field, datetime_editor),
    (is_categorical_text, combobox_editor),
    # Before the dropdown: a Literal the wizard made from observed categories keeps its ranked suggestions.
    (is_categorical_choice, combobox_editor),
    (is_model_list, rows_editor),
    (is_json, json_editor),
    (widget_is("select"), select_editor),
    (widget_is("object"), model_editor),
    (widget_is("tags"), tags_editor),
    (widget_is("toggle"), toggle_editor),
    (widget_is("number"), number_editor),
    (widget_is("date"), date_editor),
    (widget_is("time"), time_editor),
    (widget_is("password"), password_editor),
    (widget_is("textarea"), textarea_editor),
    (_always, text_editor),
)
"""The built-in table, first match wins; ``text``, ``email`` and ``url`` fall through to a text box."""
