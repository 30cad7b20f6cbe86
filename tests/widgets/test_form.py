from __future__ import annotations

import datetime as dt
import re
from typing import Literal

import ipywidgets as widgets
import pandas as pd
import pytest
from pydantic import AwareDatetime, BaseModel, Field, NaiveDatetime

from xcatalog.enrichment import EnrichedRegistry, get_enriched
from xcatalog.errors import NotRegistered, ValidationFailed
from xcatalog.inference import ObjectIdStr
from xcatalog.registry import XRegistry
from xcatalog.resources import FrameResource
from xcatalog.widgets._editors import (
    FieldContext,
    FieldEditor,
    FieldSpec,
    ModelEditor,
    OptionalEditor,
    RowsEditor,
    ValueEditor,
)
from xcatalog.widgets._fields import select_editor, widget_is
from xcatalog.widgets.form import (
    ModelForm,
    is_objectid_field,
    is_server_assigned,
    validation_problems,
    without_repeated_choice_errors,
)

from .conftest import Product, product_rows, quiet_settings

VALID = {"name": "Lamp", "category": "Electronics", "country": "FR", "city": "Paris", "price": 12.5}


def fill(form: ModelForm, values: dict[str, object]) -> None:
    for key, value in values.items():
        form.fields[key].set(value)


# -- rendering ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "control"),
    [
        ("name", widgets.Text),
        ("price", widgets.BoundedFloatText),
        ("quantity", widgets.BoundedIntText),
        ("status", widgets.Dropdown),
        ("kind", widgets.Dropdown),
        ("active", widgets.Checkbox),
        ("tags", widgets.TagsInput),
        ("released", widgets.DatePicker),
        ("notes", widgets.Textarea),
        ("variants", widgets.VBox),
        ("attributes", widgets.Textarea),
        ("category", widgets.Text),  # no enrichment: a plain text box
    ],
)
def test_each_schema_node_gets_its_widget(registry: XRegistry, key: str, control: type) -> None:
    form = ModelForm(registry, "Product", role="clerk")
    assert type(form.fields[key].control) is control


def test_number_bounds_come_from_the_constraints(registry: XRegistry) -> None:
    form = ModelForm(registry, "Product", role="clerk")
    price, quantity = form.fields["price"].control, form.fields["quantity"].control
    assert (price.min, price.max) == (0.0, 10_000.0)
    assert quantity.min == 1  # gt=0 on an int: the next int inside the bound
    quantity.value = -5
    assert quantity.value == 1


def test_optional_fields_get_a_none_switch_and_sub_models_a_sub_form(registry: XRegistry) -> None:
    form = ModelForm(registry, "Product", role="clerk")
    address = form.fields["address"]
    assert isinstance(address, OptionalEditor)
    assert isinstance(address.inner, ModelEditor)
    assert address.none_switch.value is True
    assert "address" not in form.value  # "none" repeats the default: left out, not written as null
    address.none_switch.value = False
    address.inner.panel.editors["street"].set("1 Main St")
    address.inner.panel.editors["city"].set("Lyon")
    assert form.value["address"] == {"street": "1 Main St", "city": "Lyon"}


def test_initial_data_and_defaults_are_shown(registry: XRegistry) -> None:
    data = {
        **VALID,
        "released": "2024-05-01",
        "tags": ["desk", "light"],
        "address": {"street": "Rue 1", "city": "Lyon"},
    }
    form = ModelForm(registry, "Product", role="clerk", data=data)
    assert form.fields["status"].get() == "open"
    assert form.fields["quantity"].get() == 1
    assert form.fields["released"].control.value == dt.date(2024, 5, 1)
    assert form.fields["tags"].get() == ["desk", "light"]
    instance = form.instance
    assert isinstance(instance, Product)
    assert instance.address is not None and instance.address.city == "Lyon"


def test_an_unknown_model_shows_an_error_panel_with_what_exists(registry: XRegistry) -> None:
    form = ModelForm(registry, "Prodcut", role="clerk")
    assert form.registered is None
    assert "Prodcut" in form.notice.value and "Product" in form.notice.value
    assert form.value == {}
    assert form.submit() is None
    with pytest.raises(NotRegistered, match="Prodcut"):
        _ = form.instance


def test_extra_rules_are_tried_before_the_defaults(registry: XRegistry) -> None:
    def is_name(spec: FieldSpec) -> bool:
        return spec.name == "name"

    def name_editor(spec: FieldSpec, context: FieldContext) -> FieldEditor:
        return ValueEditor(spec, widgets.Textarea(), write=str)

    form = ModelForm(registry, "Product", role="clerk", rules=[(is_name, name_editor)])
    assert type(form.fields["name"].control) is widgets.Textarea
    assert type(form.fields["city"].control) is widgets.Text


# -- validation ------------------------------------------------------------------------------------------------


def test_a_change_validates_and_shows_errors_only_under_touched_fields(registry: XRegistry) -> None:
    form = ModelForm(registry, "Product", role="clerk")
    form.fields["name"].set("x")
    assert "at least 2 characters" in form.field_problems("name")
    assert form.field_problems("category") == ""  # untouched, though empty
    form.fields["name"].set("Lamp")
    assert form.field_problems("name") == ""


def test_nested_errors_appear_under_the_nested_field(registry: XRegistry) -> None:
    form = ModelForm(registry, "Product", role="clerk", data=VALID)
    address = form.fields["address"]
    assert isinstance(address, OptionalEditor) and isinstance(address.inner, ModelEditor)
    address.none_switch.value = False
    address.inner.panel.editors["street"].set("Main")
    address.inner.panel.editors["city"].set("L")
    assert "at least 2 characters" in address.inner.panel.editors["city"].problem_text()
    assert address.inner.panel.editors["street"].problem_text() == ""


def test_instance_raises_the_structured_errors(registry: XRegistry) -> None:
    form = ModelForm(registry, "Product", role="clerk", data={**VALID, "name": "x"})
    with pytest.raises(ValidationFailed, match="name: String should have at least 2 characters") as caught:
        _ = form.instance
    assert [error["loc"] for error in caught.value.errors] == [("name",)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [("{", "Not valid JSON"), ('{"a": "x"}', "valid integer"), ('{"a": 1}', "")],
)
async def test_json_fields_report_unreadable_text_on_submit(registry: XRegistry, text: str, problem: str) -> None:
    form = ModelForm(registry, "Product", role="clerk", data=VALID)
    form.fields["attributes"].control.value = text
    task = form.submit()
    assert task is not None
    result = await task
    assert (result is None) == bool(problem)
    assert problem in form.field_problems("attributes")


async def test_lists_of_sub_models_are_rows_with_add_and_remove(registry: XRegistry) -> None:
    form = ModelForm(registry, "Product", role="clerk", data={**VALID, "variants": [{"street": "A", "city": "Lyon"}]})
    rows = form.fields["variants"]
    assert isinstance(rows, RowsEditor)
    assert form.value["variants"] == [{"street": "A", "city": "Lyon"}]
    rows.add_button.click()
    second = rows.rows[1]
    second.editors["street"].set("B")
    second.editors["city"].set("P")  # too short: shown under the row's own field on change
    assert "at least 2 characters" in second.editors["city"].problem_text()
    assert rows.rows[0].editors["city"].problem_text() == ""
    rows.rows[0].editors["city"].control.value = "L"  # an error in the first row goes to the first row
    assert "at least 2 characters" in rows.rows[0].editors["city"].problem_text()
    rows.rows[0].editors["city"].control.value = ""  # emptied: missing, not a too-short ""
    assert rows.rows[0].editors["city"].problem_text() == "Field required"
    rows.remove_row(rows.rows[0])
    assert form.value["variants"] == [{"street": "B", "city": "P"}]
    second.editors["city"].set("Paris")
    result = await form.submit()  # type: ignore[misc]
    assert result is not None and result.instance.variants[0].city == "Paris"
    rows.remove_row(rows.rows[0])
    assert "variants" not in form.value  # no rows: the default applies


def test_validation_problems_is_empty_for_valid_data() -> None:
    assert validation_problems(Product, VALID) == []
    assert validation_problems(Product, {})[0]["type"] == "missing"


# -- submitting -----------------------------------------------------------------------------------------------------


async def test_submit_without_enrichment_validates_with_the_model(registry: XRegistry) -> None:
    form = ModelForm(registry, "Product", role="clerk")
    fill(form, VALID)
    assert form.insert_toggle not in form.children[-3].children  # nothing to insert into
    result = await form.submit()  # type: ignore[misc]
    assert result is not None and result.record["name"] == "Lamp"
    assert form.last_result is result
    assert "Created" in form.result.value and "Lamp" in form.result.value
    assert registry.audit.events()[-1].action == "create"


async def test_a_role_without_create_sees_a_read_only_form(registry: XRegistry) -> None:
    form = ModelForm(registry, "Product", role="visitor", data=VALID)
    assert form.can_create is False
    assert "read-only" in form.notice.value
    leaves = [leaf for editor in form.fields.values() for leaf in editor.editors() if isinstance(leaf, ValueEditor)]
    assert {"address.street", "address.city"} <= {leaf.spec.path for leaf in leaves}  # the sub-form is included
    assert all(leaf.control.disabled for leaf in leaves)
    assert form.fields["address"].none_switch.disabled  # type: ignore[attr-defined]
    assert form.submit() is None
    assert form.submit_button not in form.children
    assert form.value["name"] == "Lamp"


async def test_submit_reports_a_denial_in_the_error_panel(registry: XRegistry) -> None:
    form = ModelForm(registry, "Product", role="clerk")
    fill(form, VALID)
    registry.models.get("Product").metadata.permissions.pop("clerk")  # revoked after the form was built
    assert await form.submit() is None  # type: ignore[misc]
    assert "may not create" in form.tasks.error.value


# -- with an enrichment --------------------------------------------------------------------------------------------


async def test_categorical_fields_get_ranked_suggestions(registry: XRegistry, enriched: EnrichedRegistry) -> None:
    form = ModelForm(registry, "Product", role="clerk", enriched=enriched)
    category = form.fields["category"].control
    assert isinstance(category, widgets.Combobox)
    assert set(category.options) == {"Electronics", "Books", "Garden"}
    assert category.ensure_option is False  # typed text reaches the kernel; graded validation judges it


async def test_a_misspelt_value_of_a_closed_set_reaches_the_kernel_and_blocks_submit(
    registry: XRegistry, enriched: EnrichedRegistry, products: FrameResource
) -> None:
    form = ModelForm(registry, "Product", role="clerk", enriched=enriched, insert=True)
    fill(form, {**VALID, "country": "DE", "city": "Munich"})
    # What the page sends when the user edits the picked value: the misspelling, not the old "Munich".
    form.fields["city"].control.value = "Munch"
    assert form.value["city"] == "Munch"
    message = "Invalid value for city: 'Munch'. Did you mean 'Munich'?"
    assert message in form.field_problems("city")
    assert await form.submit() is None  # type: ignore[misc]
    assert message in form.field_problems("city")
    assert "Not created: 1 error(s)" in form.result.value
    assert len(products.frames["products"]) == 60

    form.fields["city"].control.value = "Munich"
    assert form.field_problems("city") == ""
    result = await form.submit()  # type: ignore[misc]
    assert result is not None and result.record["city"] == "Munich"
    assert products.frames["products"].iloc[-1]["city"] == "Munich"


async def test_suggestions_re_rank_when_another_field_changes(registry: XRegistry, enriched: EnrichedRegistry) -> None:
    form = ModelForm(registry, "Product", role="clerk", enriched=enriched)
    form.fields["country"].set("DE")
    assert set(form.fields["city"].control.options[:2]) == {"Berlin", "Munich"}
    form.fields["country"].set("FR")
    assert set(form.fields["city"].control.options[:2]) == {"Paris", "Lyon"}


async def test_a_change_is_graded_against_the_observed_categories(
    registry: XRegistry, enriched: EnrichedRegistry
) -> None:
    form = ModelForm(registry, "Product", role="clerk", enriched=enriched)
    form.fields["category"].set("Electroncs")
    assert "Did you mean 'Electronics'?" in form.field_problems("category")


async def test_submit_shows_graded_errors_under_their_fields(
    registry: XRegistry, enriched: EnrichedRegistry, products: FrameResource
) -> None:
    form = ModelForm(registry, "Product", role="clerk", enriched=enriched, insert=True)
    fill(form, {**VALID, "category": "Electroncs", "name": "x"})
    assert await form.submit() is None  # type: ignore[misc]
    assert "Did you mean 'Electronics'?" in form.field_problems("category")
    assert "at least 2 characters" in form.field_problems("name")
    assert "2 error(s)" in form.result.value
    assert len(products.frames["products"]) == 60
    denied = registry.audit.events()[-1]
    assert (denied.action, denied.allowed) == ("create", False)


async def test_submit_inserts_a_valid_record(
    registry: XRegistry, enriched: EnrichedRegistry, products: FrameResource
) -> None:
    form = ModelForm(registry, "Product", role="clerk", enriched=enriched, insert=True)
    fill(form, VALID)
    assert form.insert_toggle.value is True
    result = await form.submit()  # type: ignore[misc]
    assert result is not None and result.inserted_id is not None
    assert "inserted with id" in form.result.value
    assert len(products.frames["products"]) == 61
    assert products.frames["products"].iloc[-1]["name"] == "Lamp"
    assert all(form.field_problems(key) == "" for key in form.fields)


@pytest.mark.parametrize(("role", "masked"), [("visitor", True), ("auditor", False)])
async def test_read_only_forms_mask_sensitive_data(
    registry: XRegistry, enriched: EnrichedRegistry, role: str, masked: bool
) -> None:
    form = ModelForm(registry, "Product", role=role, enriched=enriched, data={**VALID, "email": "ana@example.com"})
    shown = form.fields["email"].get()
    assert (shown != "ana@example.com") is masked
    assert "example.com" in shown


class Tiny(BaseModel):
    label: str


def test_a_model_registered_without_ui_schema_still_renders() -> None:
    from xcatalog.config import Settings

    registry = XRegistry(Settings.model_validate({"registry": {"models": {"auto_generate_ui": False}}}))
    registry.models.register(Tiny, namespace="t")
    assert registry.models.get("Tiny").metadata.ui_schema is None
    form = ModelForm(registry, "Tiny")
    assert list(form.fields) == ["label"]


def test_value_can_be_set_from_code(registry: XRegistry) -> None:
    form = ModelForm(registry, "Product", role="clerk")
    form.value = {**VALID, "tags": ["a"], "unknown": 1}
    assert {key: form.value[key] for key in VALID} == VALID
    assert form.value["tags"] == ["a"] and "unknown" not in form.value


# -- empty fields and time zones --------------------------------------------------------------------------------------


class Stamped(BaseModel):
    id: str = Field(alias="_id")
    label: str = Field(min_length=2)
    note: str = ""
    created_at: dt.datetime
    seen_at: AwareDatetime | None = None
    local_at: NaiveDatetime | None = None
    checked_at: dt.datetime | None = None


@pytest.fixture
def stamped() -> XRegistry:
    registry = XRegistry(quiet_settings())
    registry.models.register(Stamped, namespace="t", permissions={"*": ["read", "list", "create"]})
    return registry


def test_an_untouched_form_holds_no_values(stamped: XRegistry) -> None:
    form = ModelForm(stamped, "Stamped")
    assert form.value == {}
    errors, _ = form.show_problems()
    assert {error["loc"]: error["type"] for error in errors} == {
        ("label",): "missing",
        ("created_at",): "missing",
    }
    for key in ("label", "created_at"):
        assert form.field_problems(key) == "Field required"
    # A str ``_id`` is left to the database in a create form: empty, and not an error.
    assert form.field_problems("_id") == form.field_problems("note") == ""


@pytest.mark.parametrize(("key", "problem"), [("label", "Field required"), ("_id", "")])
def test_a_text_field_emptied_again_is_left_out_not_blank(stamped: XRegistry, key: str, problem: str) -> None:
    form = ModelForm(stamped, "Stamped")
    form.fields[key].set("abc")
    assert form.value == {key: "abc"}
    form.fields[key].set("")
    assert key not in form.value
    assert form.field_problems(key) == problem


def test_empty_optional_fields_leave_the_defaults_to_the_model(stamped: XRegistry) -> None:
    form = ModelForm(stamped, "Stamped", data={"_id": "a1", "label": "Lamp", "created_at": "2025-07-01T10:00:00"})
    assert form.value == {"_id": "a1", "label": "Lamp", "created_at": dt.datetime(2025, 7, 1, 10, 0)}
    instance = form.instance
    assert isinstance(instance, Stamped)
    assert (instance.note, instance.seen_at) == ("", None)
    assert instance.model_fields_set == {"id", "label", "created_at"}  # nothing stored as an explicit null


def test_a_none_switch_turned_on_over_a_value_default_gives_none() -> None:
    class Limited(BaseModel):
        limit: int | None = 5
        needed: int | None

    registry = XRegistry(quiet_settings())
    registry.models.register(Limited, namespace="t")
    form = ModelForm(registry, "Limited")
    form.fields["limit"].set(None)
    assert form.value == {"limit": None, "needed": None}  # neither None is the default: both are kept


UTC_TEN = dt.datetime(2025, 7, 1, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("key", "given", "expected"),
    [
        ("created_at", "2025-07-01T10:00:00Z", UTC_TEN),
        ("created_at", "2025-07-01T12:00:00+02:00", UTC_TEN),
        ("created_at", dt.datetime(2025, 7, 1, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))), UTC_TEN),
        ("created_at", "2025-07-01T10:00:00", UTC_TEN.replace(tzinfo=None)),
        ("checked_at", "2025-07-01T10:00:00Z", UTC_TEN),
        ("seen_at", "2025-07-01T10:00:00Z", UTC_TEN),
        ("seen_at", "2025-07-01T10:00:00", UTC_TEN),  # an AwareDatetime field: a naive input is taken as UTC
        ("local_at", "2025-07-01T12:00:00+02:00", UTC_TEN.replace(tzinfo=None)),  # NaiveDatetime stays naive
    ],
)
def test_datetimes_keep_their_time_zone(stamped: XRegistry, key: str, given: object, expected: dt.datetime) -> None:
    form = ModelForm(stamped, "Stamped", data={"_id": "a1", "label": "Lamp", "created_at": "2025-01-01T00:00:00Z"})
    form.value = {key: given}
    assert form.value[key] == expected
    assert form.value[key].tzinfo == expected.tzinfo
    assert getattr(form.instance, key) == expected


def test_an_aware_datetime_field_gets_a_picker_shown_in_utc(stamped: XRegistry) -> None:
    form = ModelForm(stamped, "Stamped", data={"seen_at": "2025-07-01T12:00:00+02:00"})
    seen = form.fields["seen_at"]
    assert isinstance(seen, OptionalEditor)
    assert type(seen.control) is widgets.NaiveDatetimePicker
    assert seen.control.value == dt.datetime(2025, 7, 1, 10, 0)
    seen.control.value = dt.datetime(2025, 7, 2, 8, 30)  # the user picks a time: it is UTC
    assert form.value["seen_at"] == dt.datetime(2025, 7, 2, 8, 30, tzinfo=dt.UTC)


def test_a_user_picked_time_follows_the_zone_of_the_value_put_in(stamped: XRegistry) -> None:
    form = ModelForm(stamped, "Stamped", data={"created_at": "2025-07-01T10:00:00Z"})
    form.fields["created_at"].control.value = dt.datetime(2025, 7, 3, 9, 0)
    assert form.value["created_at"] == dt.datetime(2025, 7, 3, 9, 0, tzinfo=dt.UTC)
    form.fields["created_at"].set("2025-07-01T10:00:00")
    form.fields["created_at"].control.value = dt.datetime(2025, 7, 3, 9, 0)
    assert form.value["created_at"] == dt.datetime(2025, 7, 3, 9, 0)


async def test_submit_of_an_aware_record_keeps_it_aware(stamped: XRegistry) -> None:
    form = ModelForm(stamped, "Stamped")
    form.value = {"_id": "a1", "label": "Lamp", "created_at": "2025-07-01T10:00:00Z"}
    result = await form.submit()  # type: ignore[misc]
    assert result is not None
    assert result.instance.created_at == UTC_TEN
    assert result.instance.created_at.tzinfo is not None


# -- MongoDB's _id in a create form -------------------------------------------------------------------------------


class Stored(BaseModel):
    id: ObjectIdStr = Field(alias="_id")
    label: str


class Numbered(BaseModel):
    id: int = Field(alias="_id")
    label: str


@pytest.fixture
def stored() -> XRegistry:
    registry = XRegistry(quiet_settings())
    permissions = {"*": ["read", "list"], "clerk": ["read", "list", "create"]}
    registry.models.register(Stored, namespace="t", permissions=permissions)
    registry.models.register(Numbered, namespace="t", permissions=permissions)
    return registry


def test_an_objectid_id_is_optional_and_empty_in_a_create_form(stored: XRegistry) -> None:
    form = ModelForm(stored, "Stored", role="clerk")
    id_editor = form.fields["_id"]
    assert "*" not in id_editor.label.value and "Id" in id_editor.label.value  # shown, not required
    assert id_editor.control.value == "" and "assigned on insert" in id_editor.control.placeholder
    errors, _ = form.show_problems()
    assert [error["loc"] for error in errors] == [("label",)]
    assert form.field_problems("_id") == ""
    form.fields["label"].set("Lamp")
    assert form.value == {"label": "Lamp"}
    assert re.fullmatch(r"[0-9a-f]{24}", form.record()["_id"])  # what submit sends: a fresh id
    assert isinstance(form.instance, Stored)


async def test_submit_without_an_id_creates_the_record_with_a_fresh_one(stored: XRegistry) -> None:
    form = ModelForm(stored, "Stored", role="clerk", enriched=get_enriched(stored))
    form.fields["label"].set("Lamp")
    result = await form.submit()  # type: ignore[misc]
    assert result is not None and result.record["label"] == "Lamp"
    assert re.fullmatch(r"[0-9a-f]{24}", result.record["_id"])


@pytest.mark.parametrize("given", ["abc", "z" * 24, "0" * 25, " " + "a" * 23])
async def test_an_id_that_is_not_an_objectid_is_refused(stored: XRegistry, given: str) -> None:
    form = ModelForm(stored, "Stored", role="clerk", enriched=get_enriched(stored))
    fill(form, {"_id": given, "label": "Lamp"})
    assert f"Invalid ObjectId for _id: {given!r} is not 24 hexadecimal characters" in form.field_problems("_id")
    assert await form.submit() is None  # type: ignore[misc]
    assert "Invalid ObjectId for _id" in form.field_problems("_id")
    with pytest.raises(ValidationFailed, match="Invalid ObjectId for _id"):
        form.instance  # noqa: B018


async def test_a_given_objectid_is_kept(stored: XRegistry) -> None:
    form = ModelForm(stored, "Stored", role="clerk", enriched=get_enriched(stored))
    fill(form, {"_id": "65F1C0FFEE00000000000000", "label": "Lamp"})
    assert form.field_problems("_id") == ""
    result = await form.submit()  # type: ignore[misc]
    assert result is not None and result.record["_id"] == "65F1C0FFEE00000000000000"


@pytest.mark.parametrize(
    ("model", "role", "required"),
    [
        ("Stored", "clerk", False),
        ("Stored", "visitor", True),  # a read-only form creates nothing: it shows the model as it is
        ("Numbered", "clerk", True),  # an int id: an id the database makes up would not fit it
    ],
)
def test_which_id_is_left_to_the_database(stored: XRegistry, model: str, role: str, required: bool) -> None:
    form = ModelForm(stored, model, role=role)
    assert ("*" in form.fields["_id"].label.value) is required
    placeholder = getattr(form.fields["_id"].control, "placeholder", "")
    assert ("assigned on insert" in placeholder) is not required


@pytest.mark.parametrize(
    ("descriptor", "server_assigned", "objectid"),
    [
        ({"name": "id", "alias": "_id", "type": "ObjectIdStr"}, True, True),
        ({"name": "id", "alias": "_id", "type": "str", "format": "objectid"}, True, True),
        ({"name": "id", "alias": "_id", "type": "str"}, True, False),
        ({"name": "_id", "alias": None, "type": "str"}, True, False),
        ({"name": "id", "alias": "_id", "type": "int"}, False, False),
        ({"name": "id", "alias": None, "type": "ObjectIdStr"}, False, True),
    ],
)
def test_server_assigned_ids_are_decided_from_the_key_and_the_type(
    descriptor: dict[str, object], server_assigned: bool, objectid: bool
) -> None:
    assert is_server_assigned(descriptor) is server_assigned
    assert is_objectid_field(descriptor) is objectid


def test_the_objectid_format_is_read_from_the_models_json_schema() -> None:
    # A model rebuilt from a stored JSON schema may type the id as a plain str carrying ``format: objectid``.
    class Rebuilt(BaseModel):
        id: str = Field(alias="_id", json_schema_extra={"format": "objectid"})

    assert is_objectid_field({"name": "id", "alias": "_id", "type": "str"}, Rebuilt)


# -- Literal fields with observed categories -------------------------------------------------------------------------


class Placed(BaseModel):
    name: str
    category: str
    country: Literal["FR", "DE", "ES", "IT"]
    city: str
    price: float


@pytest.fixture
async def placed() -> tuple[XRegistry, EnrichedRegistry]:
    registry = XRegistry(quiet_settings())
    registry.models.register(Placed, namespace="shop", permissions={"*": ["read", "list", "create"]})
    resource = FrameResource({"products": pd.DataFrame(product_rows())}, name="catalog", seed=7)
    enriched = get_enriched(registry)
    await enriched.enrich_from_resource(resource, "Placed", collection="products", auto_refresh=False)
    return registry, enriched


async def test_a_literal_with_an_enrichment_suggests_and_re_ranks(placed: tuple[XRegistry, EnrichedRegistry]) -> None:
    registry, enriched = placed
    form = ModelForm(registry, "Placed", enriched=enriched)
    country = form.fields["country"].control
    assert isinstance(country, widgets.Combobox)
    assert set(country.options) == {"FR", "DE", "ES", "IT"}  # observed first, then the Literal's unseen "IT"
    assert country.options[-1] == "IT"
    form.fields["country"].set("DE")
    assert set(form.fields["city"].control.options[:2]) == {"Berlin", "Munich"}
    form.fields["city"].set("Paris")
    assert form.fields["country"].control.options[0] == "FR"  # the city re-ranks the countries too
    form.fields["country"].control.value = "UK"
    # The Literal refuses it too; the graded message, which says what was meant, is the one shown.
    assert form.field_problems("country").startswith("Invalid value for country: 'UK'.")
    assert "Input should be" not in form.field_problems("country")
    assert ("country",) in {
        p["loc"] for p in validation_problems(Placed, form.record()) if p["type"] == "literal_error"
    }


@pytest.mark.parametrize(
    ("errors", "kept"),
    [
        ([{"loc": ("a",), "type": "literal_error"}, {"loc": ("a",), "type": "category_unseen"}], ["category_unseen"]),
        ([{"loc": ("a",), "type": "enum"}, {"loc": ("a",), "type": "category_unseen"}], ["category_unseen"]),
        (
            [{"loc": ("a",), "type": "literal_error"}, {"loc": ("b",), "type": "category_unseen"}],
            ["literal_error", "category_unseen"],
        ),
        ([{"loc": ("a",), "type": "literal_error"}], ["literal_error"]),
    ],
)
def test_a_choice_error_repeating_a_graded_one_is_dropped(errors: list[dict[str, object]], kept: list[str]) -> None:
    assert [error["type"] for error in without_repeated_choice_errors(errors)] == kept


async def test_a_dropdown_change_re_ranks_the_suggestion_boxes(placed: tuple[XRegistry, EnrichedRegistry]) -> None:
    registry, enriched = placed
    form = ModelForm(registry, "Placed", enriched=enriched, rules=[(widget_is("select"), select_editor)])
    country = form.fields["country"].control
    assert isinstance(country, widgets.Dropdown)
    country.value = "DE"
    assert set(form.fields["city"].control.options[:2]) == {"Berlin", "Munich"}
    country.value = "ES"
    assert form.fields["city"].control.options[0] == "Madrid"
