from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import ipywidgets as widgets
import pytest
from pydantic import BaseModel, Field, SecretStr

from xcatalog.enrichment import CategoryStats
from xcatalog.registry.ui_schema import generate_ui_schema
from xcatalog.widgets._editors import (
    OMIT,
    FieldContext,
    FieldsPanel,
    FieldSpec,
    JsonEditor,
    ModelEditor,
    OptionalEditor,
)
from xcatalog.widgets._fields import (
    DEFAULT_FIELD_RULES,
    is_categorical_choice,
    is_categorical_text,
    is_model_list,
    suggestion_options,
    widget_is,
)


class Node(BaseModel):
    label: str
    children: list[Node] = Field(default_factory=list)


class Account(BaseModel):
    login: str
    password: SecretStr
    email: str
    homepage_url: str = ""
    description: str = ""
    created: dt.datetime
    wakeup: dt.time | None = None
    score: int
    ratio: float = 0.5
    limit: int = Field(default=5, ge=1, lt=10)
    ident: int | str = 0
    extra: dict[str, int] = Field(default_factory=dict)
    tree: Node | None = None


CONTEXT = FieldContext(DEFAULT_FIELD_RULES)


def panel(data: dict[str, Any] | None = None, categories: dict[str, CategoryStats] | None = None) -> FieldsPanel:
    return FieldsPanel(generate_ui_schema(Account), FieldContext(DEFAULT_FIELD_RULES, categories or {}), data)


@pytest.mark.parametrize(
    ("key", "control"),
    [
        ("login", widgets.Text),
        ("password", widgets.Password),
        ("email", widgets.Text),
        ("homepage_url", widgets.Text),
        ("description", widgets.Textarea),
        ("created", widgets.NaiveDatetimePicker),
        ("wakeup", widgets.TimePicker),
        ("score", widgets.IntText),
        ("ratio", widgets.FloatText),
        ("limit", widgets.BoundedIntText),
        ("ident", widgets.Textarea),
        ("extra", widgets.Textarea),
    ],
)
def test_the_default_table_picks_a_widget_per_node(key: str, control: type) -> None:
    assert type(panel().editors[key].control) is control


def test_placeholders_hint_emails_and_urls() -> None:
    editors = panel().editors
    assert editors["email"].control.placeholder == "name@example.org"
    assert editors["homepage_url"].control.placeholder.startswith("https://")


def test_exclusive_int_bounds_become_inclusive_ones() -> None:
    control = panel().editors["limit"].control
    assert (control.min, control.max, control.value) == (1, 9, 5)


def test_an_aware_datetime_is_shown_in_utc_and_stays_aware() -> None:
    created = dt.datetime(2024, 1, 2, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    editor = panel({"created": created}).editors["created"]
    assert editor.control.value == dt.datetime(2024, 1, 2, 10, 0)
    assert editor.get() == dt.datetime(2024, 1, 2, 10, 0, tzinfo=dt.UTC)
    assert editor.get().tzinfo is dt.UTC


@pytest.mark.parametrize(("text", "expected"), [("", OMIT), ("42", 42), ("abc", "abc"), ('"x"', "x")])
def test_union_fields_are_lenient_json(text: str, expected: Any) -> None:
    editor = panel().editors["ident"]
    editor.control.value = text
    assert editor.get() == expected if expected is not OMIT else editor.get() is OMIT
    assert editor.input_problems() == []


class Chain(BaseModel):
    name: str
    next: Chain | None = None


def test_recursive_models_and_lists_of_models_are_edited_as_json() -> None:
    tree = panel({"tree": {"label": "root", "children": [{"label": "leaf"}]}}).editors["tree"]
    assert isinstance(tree, OptionalEditor) and isinstance(tree.inner, ModelEditor)
    assert isinstance(tree.inner.panel.editors["children"], JsonEditor)
    assert tree.get() == {"label": "root", "children": [{"label": "leaf"}]}
    chain = FieldsPanel(generate_ui_schema(Chain), CONTEXT, {"next": {"name": "b"}}).editors["next"]
    assert isinstance(chain, OptionalEditor) and isinstance(chain.inner, JsonEditor)
    assert chain.get() == {"name": "b"}


@pytest.mark.parametrize(
    ("stats", "is_combobox"),
    [
        (CategoryStats.from_counts({"a": 10, "b": 12}, is_closed=True), True),
        (CategoryStats.from_counts({"a": 1, "b": 1}), True),
        (CategoryStats(), False),
        (None, False),
    ],
)
def test_categorical_text_fields_get_a_combobox(stats: CategoryStats | None, is_combobox: bool) -> None:
    categories = {"login": stats} if stats is not None else {}
    editor = panel(categories=categories).editors["login"]
    control = editor.control
    assert isinstance(control, widgets.Combobox) is is_combobox
    if is_combobox:
        # Open or closed, the page sends any text: a closed set's misspelling is reported by graded validation.
        assert control.ensure_option is False
        assert set(control.options) == {"a", "b"}
        control.value = "c"
        assert editor.get() == "c"


class Shipment(BaseModel):
    country: Literal["FR", "DE", "ES"]
    size: Literal[1, 2]


@pytest.mark.parametrize(
    ("key", "stats", "control"),
    [
        ("country", CategoryStats.from_counts({"DE": 5, "FR": 9}, is_closed=True), widgets.Combobox),
        ("country", CategoryStats(), widgets.Dropdown),  # no observed values: nothing to rank
        ("country", None, widgets.Dropdown),
        ("size", CategoryStats.from_counts({1: 5, 2: 9}, is_closed=True), widgets.Dropdown),  # not text
    ],
)
def test_a_literal_with_observed_categories_gets_the_suggestion_combobox(
    key: str, stats: CategoryStats | None, control: type
) -> None:
    categories = {key: stats} if stats is not None else {}
    editor = FieldsPanel(generate_ui_schema(Shipment), FieldContext(DEFAULT_FIELD_RULES, categories)).editors[key]
    assert type(editor.control) is control
    assert is_categorical_choice(editor.spec) is (control is widgets.Combobox)
    if control is widgets.Combobox:
        # Observed values first (by frequency), then the Literal's unseen choice.
        assert editor.control.options == ("FR", "DE", "ES")
        editor.control.value = "UK"  # the page sends it; the Literal rejects it on validation
        assert editor.get() == "UK"


@pytest.mark.parametrize(
    ("options", "ranked", "expected"),
    [
        ([], ["b", "a", "b"], ["b", "a"]),
        ([{"value": "x"}, {"value": "y"}, {"value": "z"}], ["z", "q"], ["z", "x", "y"]),
        ([{"value": "x"}, {"value": "y"}], [], ["y", "x"]),  # nothing ranked: the observed values
    ],
)
def test_suggestion_options_rank_observed_values_and_keep_only_allowed_choices(
    options: list[dict[str, Any]], ranked: list[str], expected: list[str]
) -> None:
    spec = FieldSpec(
        name="f",
        key="f",
        path="f",
        descriptor={"widget": "select" if options else "text", "options": options},
        categories=CategoryStats.from_counts({"y": 3, "x": 1}),
    )
    assert suggestion_options(spec, ranked) == expected


def test_a_text_box_shows_the_descriptors_placeholder() -> None:
    schema = generate_ui_schema(Account)
    schema["fields"]["login"] = {**schema["fields"]["login"], "placeholder": "left empty: assigned on insert"}
    control = FieldsPanel(schema, CONTEXT).editors["login"].control
    assert control.placeholder == "left empty: assigned on insert"


def test_predicates_read_the_spec() -> None:
    spec = FieldSpec(name="x", key="x", path="x", descriptor={"widget": "number"})
    assert widget_is("number", "text")(spec)
    assert not widget_is("text")(spec)
    assert not is_categorical_text(spec)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"widget": "object"}, True),
        ({"widget": "object", "recursive": True}, False),
        ({"widget": "object", "nullable": True}, False),
        ({"widget": "number"}, False),
    ],
)
def test_is_model_list_wants_plain_sub_models(item: dict[str, Any], expected: bool) -> None:
    spec = FieldSpec(name="x", key="x", path="x", descriptor={"widget": "list", "item": item})
    assert is_model_list(spec) is expected
