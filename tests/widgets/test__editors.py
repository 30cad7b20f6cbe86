from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pytest
from pydantic import BaseModel, Field

from xcatalog.registry.ui_schema import generate_ui_schema
from xcatalog.widgets._editors import (
    OMIT,
    FieldContext,
    FieldsPanel,
    FieldSpec,
    JsonEditor,
    OptionalEditor,
    RowsEditor,
    ValueEditor,
    build_editor,
    format_problems,
)
from xcatalog.widgets._fields import DEFAULT_FIELD_RULES
from xcatalog.widgets.form import validation_problems


class Line(BaseModel):
    sku: str
    quantity: int = Field(default=1, ge=1)


class Account(BaseModel):
    login: str
    email: str
    homepage_url: str = ""
    description: str = ""
    lines: list[Line] = Field(default_factory=list)


CONTEXT = FieldContext(DEFAULT_FIELD_RULES)


def panel(data: dict[str, Any] | None = None) -> FieldsPanel:
    return FieldsPanel(generate_ui_schema(Account), CONTEXT, data)


def test_panel_value_leaves_out_empty_text_required_or_not() -> None:
    value = panel().get()
    assert value == {}  # required ones fail validation as missing, optional ones keep their defaults
    assert [error["type"] for error in validation_problems(Account, value)] == ["missing", "missing"]
    filled = panel({"login": "ada", "description": "x"}).get()
    assert filled == {"login": "ada", "description": "x"}


def test_problems_are_placed_under_their_fields_and_the_rest_returned() -> None:
    fields = panel()
    errors = [
        {"loc": ("login",), "msg": "Field required"},
        {"loc": (), "msg": "The record is wrong"},
        {"loc": ("nope",), "msg": "Unknown"},
    ]
    warnings = [{"loc": ("email",), "msg": "Looks odd"}]
    loose_errors, loose_warnings = fields.show_problems(errors, warnings)
    assert [problem["msg"] for problem in loose_errors] == ["The record is wrong", "Unknown"]
    assert loose_warnings == []
    assert fields.editors["login"].problem_text() == "Field required"
    assert "Looks odd" in fields.editors["email"].problem_text()
    fields.show_problems([], [], only={"login"})
    assert fields.editors["login"].problem_text() == ""
    assert "Looks odd" in fields.editors["email"].problem_text()  # not in ``only``: left as it was


@pytest.mark.parametrize(
    ("extra", "when_none"),
    [
        ({}, OMIT),  # optional with default None: "none" is the default, left out
        ({"default": 3}, None),  # None is a choice against the default
        ({"required": True}, None),  # required: None must be sent
    ],
)
def test_build_editor_wraps_nullable_fields_in_a_none_switch(extra: dict[str, Any], when_none: Any) -> None:
    descriptor = {"widget": "text", "nullable": True, **extra}
    spec = FieldSpec(name="x", key="x", path="x", descriptor=descriptor, initial="hi")
    editor = build_editor(spec, CONTEXT)
    assert isinstance(editor, OptionalEditor)
    assert editor.get() == "hi" and editor.none_switch.value is False
    editor.set(None)
    assert editor.get() is when_none and editor.inner.control.disabled


def test_format_problems_escapes_html() -> None:
    text = format_problems(["<b>bad</b>"], ["careful & slow"])
    assert "&lt;b&gt;bad&lt;/b&gt;" in text and "careful &amp; slow" in text


def test_without_a_matching_rule_a_field_is_lenient_json() -> None:
    spec = FieldSpec(name="x", key="x", path="x", descriptor={"widget": "text"})
    editor = build_editor(spec, FieldContext(rules=()))
    assert isinstance(editor, JsonEditor) and editor.lenient
    editor.control.value = "plain words"
    assert editor.get() == "plain words"


def test_a_value_editor_converts_both_ways() -> None:
    spec = FieldSpec(name="n", key="n", path="n", descriptor={"widget": "text"}, initial=7)
    editor = ValueEditor(spec, widgets.Text(), read=lambda text: OMIT if text == "" else int(text), write=str)
    assert editor.control.value == "7" and editor.get() == 7
    editor.control.value = ""
    assert editor.get() is OMIT


def test_rows_add_remove_and_place_their_problems() -> None:
    fields = panel({"lines": [{"sku": "A1", "quantity": 2}]})
    rows = fields.editors["lines"]
    assert isinstance(rows, RowsEditor)
    changes: list[bool] = []
    rows.watch(lambda: changes.append(True))
    second = rows.add_row({"sku": "B2"})
    assert changes == [True]
    assert rows.get() == [{"sku": "A1", "quantity": 2}, {"sku": "B2", "quantity": 1}]
    errors = [
        {"loc": (1, "quantity"), "msg": "Input should be greater than or equal to 1"},
        {"loc": (0,), "msg": "Input should be a valid dictionary"},
        {"loc": (), "msg": "List should have at most 1 item"},
    ]
    rows.show_problems(errors)
    assert "greater than or equal to 1" in second.editors["quantity"].problem_text()
    assert "0: Input should be a valid dictionary" in rows.problem_text()
    assert "List should have at most 1 item" in rows.problem_text()
    rows.set_disabled(True)
    assert rows.add_button.disabled and all(leaf.control.disabled for leaf in second.editors.values())
    assert rows.add_row().editors["sku"].control.disabled  # a row added later is disabled too
    rows.set_disabled(False)
    rows.remove_row(rows.rows[0])
    assert [row.get() for row in rows.rows] == [{"sku": "B2", "quantity": 1}, {"quantity": 1}]  # empty sku left out
    assert len(changes) == 3
    rows.set([])
    assert rows.get() is OMIT  # optional: no rows leaves the default
