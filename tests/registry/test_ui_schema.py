from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Annotated, Any, Literal

import pytest
from pydantic import AnyUrl, BaseModel, Field, HttpUrl, SecretStr, StringConstraints, create_model

from xcatalog.registry import ui_schema
from xcatalog.registry.ui_schema import (
    DEFAULT_WIDGET_RULES,
    FieldShape,
    generate_ui_schema,
    is_text,
    text_named,
)


def field_of(name: str, annotation: Any, default: Any = ...) -> dict[str, Any]:
    definition: dict[str, Any] = {name: (annotation, default)}
    descriptor: dict[str, Any] = generate_ui_schema(create_model("Model", **definition))["fields"][name]
    return descriptor


class Color(Enum):
    RED = "red"
    BLUE = "blue"


class Priority(IntEnum):
    LOW = 1
    HIGH = 2


@pytest.mark.parametrize(
    ("name", "annotation", "widget"),
    [
        # the seed's name rules, for text fields
        ("password", str, "password"),
        ("user_password_hash", str, "password"),
        ("email", str, "email"),
        ("contact_Email", str, "email"),
        ("homepage_url", str, "url"),
        ("link", str, "url"),
        ("description", str, "textarea"),
        ("notes", str | None, "textarea"),
        # the seed's type rules
        ("active", bool, "toggle"),
        ("count", int, "number"),
        ("ratio", float, "number"),
        ("amount", Decimal, "number"),
        ("created", dt.datetime, "datetime"),
        ("born", dt.date, "date"),
        ("opens", dt.time, "time"),
        ("name", str, "text"),
        ("anything", Any, "text"),
        # name rules do not override a non-text type
        ("email_verified", bool, "toggle"),
        ("password_changed_at", dt.datetime, "datetime"),
        ("description_length", int, "number"),
        # by type
        ("secret", SecretStr, "password"),
        ("site", HttpUrl, "url"),
        ("source", AnyUrl, "url"),
        # structure
        ("color", Color, "select"),
        ("priority", Priority, "select"),
        ("status", Literal["open", "closed"], "select"),
        ("tags", list[str], "tags"),
        ("labels", set[str], "tags"),
        ("aliases", Sequence[str], "tags"),
        ("seen", AbstractSet[int], "list"),
        ("lookup", Mapping[str, float], "dict"),
        ("scores", list[int], "list"),
        ("pair", tuple[int, str], "list"),
        ("anything_list", list, "list"),
        ("meta", dict[str, int], "dict"),
        ("raw", dict, "dict"),
        ("choice", int | str, "union"),
    ],
)
def test_widget_detection(name: str, annotation: Any, widget: str) -> None:
    assert field_of(name, annotation)["widget"] == widget


def test_enum_and_literal_list_their_options() -> None:
    assert field_of("color", Color)["options"] == [
        {"label": "RED", "value": "red"},
        {"label": "BLUE", "value": "blue"},
    ]
    assert field_of("priority", Priority)["options"] == [
        {"label": "LOW", "value": 1},
        {"label": "HIGH", "value": 2},
    ]
    assert [option["value"] for option in field_of("status", Literal["a", "b", 3])["options"]] == ["a", "b", 3]


@pytest.mark.parametrize(
    ("annotation", "nullable", "required", "widget"),
    [
        (int | None, True, False, "number"),
        (Color | None, True, False, "select"),
        (list[str] | None, True, False, "tags"),
        (int, False, False, "number"),
    ],
)
def test_optional_fields_are_nullable(annotation: Any, nullable: bool, required: bool, widget: str) -> None:
    descriptor = field_of("value", annotation, None)
    assert (descriptor["nullable"], descriptor["required"], descriptor["widget"]) == (nullable, required, widget)


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (Annotated[int, Field(ge=1, le=10)], {"min": 1, "exclusive_min": False, "max": 10, "exclusive_max": False}),
        (Annotated[float, Field(gt=0, lt=1)], {"min": 0, "exclusive_min": True, "max": 1, "exclusive_max": True}),
        (Annotated[int, Field(multiple_of=5)], {"step": 5}),
        (Annotated[int | None, Field(ge=0)], {"min": 0, "exclusive_min": False}),
        (Annotated[int, Field(gt=0)] | None, {"min": 0, "exclusive_min": True}),
    ],
)
def test_number_range_comes_from_constraints(annotation: Any, expected: dict[str, Any]) -> None:
    descriptor = field_of("value", annotation, None)
    assert descriptor["widget"] == "number"
    assert expected.items() <= descriptor.items()


def test_string_constraints_are_recorded() -> None:
    descriptor = field_of("code", Annotated[str, StringConstraints(min_length=2, max_length=4, pattern=r"^[A-Z]+$")])
    assert descriptor["constraints"] == {"min_length": 2, "max_length": 4, "pattern": r"^[A-Z]+$"}


class Address(BaseModel):
    """Where to ship."""

    street: str
    zip_code: str = Field(pattern=r"^\d{4}$", description="four digits")


class Customer(BaseModel):
    """A customer."""

    full_name: str = Field(title="Name shown on invoices")
    home: Address
    work: Address | None = None
    previous: list[Address] = []
    tags: list[str] = Field(default_factory=list)
    ratings: dict[str, Annotated[int, Field(ge=1, le=5)]] = {}
    customer_id: int = Field(alias="customerId", description="from the CRM")
    since: dt.date = dt.date(2024, 1, 31)
    color: Color = Color.BLUE


@pytest.fixture
def customer_ui() -> dict[str, Any]:
    return generate_ui_schema(Customer)


def test_model_level_entries(customer_ui: dict[str, Any]) -> None:
    assert customer_ui["title"] == "Customer"
    assert customer_ui["description"] == "A customer."
    assert customer_ui["model"].endswith(".Customer")
    assert customer_ui["field_order"] == list(Customer.model_fields)
    assert [customer_ui["fields"][name]["order"] for name in customer_ui["field_order"]] == list(
        range(len(Customer.model_fields))
    )


def test_field_entries(customer_ui: dict[str, Any]) -> None:
    fields = customer_ui["fields"]
    assert fields["full_name"]["label"] == "Name shown on invoices"
    assert fields["since"]["label"] == "Since"
    assert fields["since"]["default"] == "2024-01-31"
    assert fields["color"]["default"] == "blue"
    assert fields["tags"]["default"] is None and fields["tags"]["default_factory"] is True
    assert fields["full_name"]["required"] is True and fields["since"]["required"] is False


def test_alias_keeps_python_name(customer_ui: dict[str, Any]) -> None:
    descriptor = customer_ui["fields"]["customer_id"]
    assert "customerId" not in customer_ui["fields"]
    assert (descriptor["name"], descriptor["alias"], descriptor["description"]) == (
        "customer_id",
        "customerId",
        "from the CRM",
    )
    assert customer_ui["fields"]["full_name"]["alias"] is None


def test_nested_models_become_objects_with_their_fields(customer_ui: dict[str, Any]) -> None:
    home = customer_ui["fields"]["home"]
    assert home["widget"] == "object"
    assert home["model"] == "Address"
    assert home["field_order"] == ["street", "zip_code"]
    zip_code = home["fields"]["zip_code"]
    assert (zip_code["widget"], zip_code["description"], zip_code["constraints"]) == (
        "text",
        "four digits",
        {"pattern": r"^\d{4}$"},
    )
    work = customer_ui["fields"]["work"]
    assert (work["widget"], work["nullable"], list(work["fields"])) == ("object", True, ["street", "zip_code"])


def test_sequences_and_mappings_describe_their_items(customer_ui: dict[str, Any]) -> None:
    previous = customer_ui["fields"]["previous"]
    assert previous["widget"] == "list"
    assert previous["item"]["widget"] == "object"
    assert list(previous["item"]["fields"]) == ["street", "zip_code"]
    tags = customer_ui["fields"]["tags"]
    assert (tags["widget"], tags["item"]["widget"]) == ("tags", "text")
    ratings = customer_ui["fields"]["ratings"]
    assert (ratings["widget"], ratings["key"]) == ("dict", "str")
    assert ratings["value"]["widget"] == "number"
    assert (ratings["value"]["min"], ratings["value"]["max"]) == (1, 5)
    assert ratings["type"] == "dict[str, int]"


def test_fixed_tuples_describe_each_position() -> None:
    descriptor = field_of("pair", tuple[int, str])
    assert [item["widget"] for item in descriptor["items"]] == ["number", "text"]
    assert field_of("many", tuple[int, ...])["item"]["widget"] == "number"


def test_unions_list_their_variants() -> None:
    descriptor = field_of("choice", int | Address | None, None)
    assert descriptor["nullable"] is True
    assert [variant["widget"] for variant in descriptor["variants"]] == ["number", "object"]
    assert descriptor["type"] == "int | Address"


class TreeNode(BaseModel):
    label: str
    children: list[TreeNode] = []
    parent: TreeNode | None = None


def test_recursive_models_stop_at_the_second_visit() -> None:
    ui = generate_ui_schema(TreeNode)
    children = ui["fields"]["children"]
    assert children["item"] == {
        "widget": "object",
        "type": "TreeNode",
        "nullable": False,
        "model": "TreeNode",
        "recursive": True,
    }
    assert ui["fields"]["parent"]["recursive"] is True


def test_ui_schema_is_json_ready(customer_ui: dict[str, Any]) -> None:
    assert json.loads(json.dumps(customer_ui)) == customer_ui


def test_extra_rules_come_first() -> None:
    def is_color_name(shape: FieldShape) -> bool:
        return is_text(shape) and shape.name.endswith("_color")

    model = create_model("Theme", accent_color=(str, "#fff"), notes=(str, ""), count=(int, 0))
    ui = generate_ui_schema(model, extra_rules=[(is_color_name, "color"), (text_named("notes"), "markdown")])
    assert [ui["fields"][name]["widget"] for name in ("accent_color", "notes", "count")] == [
        "color",
        "markdown",
        "number",
    ]


def test_rules_can_replace_the_table() -> None:
    model = create_model("Small", active=(bool, True), email=(str, ""))
    ui = generate_ui_schema(model, rules=[])
    assert {name: descriptor["widget"] for name, descriptor in ui["fields"].items()} == {
        "active": "text",
        "email": "text",
    }


def test_a_custom_widget_keeps_type_details() -> None:
    ui = generate_ui_schema(
        create_model("Paint", shade=(Color, Color.RED)), extra_rules=[(lambda shape: True, "swatch")]
    )
    assert ui["fields"]["shade"]["widget"] == "swatch"
    assert len(ui["fields"]["shade"]["options"]) == 2


def test_default_rules_are_an_immutable_ordered_table() -> None:
    assert isinstance(DEFAULT_WIDGET_RULES, tuple)
    widgets = [widget for _, widget in DEFAULT_WIDGET_RULES]
    # structure before scalars, types before names
    assert widgets.index("select") < widgets.index("toggle") < widgets.index("textarea")


def test_each_call_builds_a_new_dict() -> None:
    first = generate_ui_schema(Address)
    first["fields"]["street"]["widget"] = "changed"
    assert generate_ui_schema(Address)["fields"]["street"]["widget"] == "text"


@pytest.mark.parametrize("not_a_model", [dict, Address(street="x", zip_code="1234"), int, "Address"])
def test_non_models_are_refused(not_a_model: Any) -> None:
    with pytest.raises(TypeError, match="needs a pydantic BaseModel subclass"):
        generate_ui_schema(not_a_model)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("created_at", "Created At"),
        ("isActive", "Is Active"),
        ("url", "Url"),
        ("x", "X"),
        ("order_ID", "Order ID"),
    ],
)
def test_labels_come_from_names(name: str, label: str) -> None:
    assert field_of(name, int, 0)["label"] == label


# -- the memo behind generate_ui_schema -----------------------------------------------


def uncached(model: type[BaseModel], rules: Sequence[Any] = DEFAULT_WIDGET_RULES, extra: Sequence[Any] = ()) -> Any:
    """The UI schema worked out afresh, without the shared memo."""
    return ui_schema._Builder((*extra, *rules), cache=None).model(model)


def shared_fields(index: int) -> type[BaseModel]:
    return create_model(
        f"Shared{index}",
        name=(str, Field(min_length=1, description="The display name")),
        email=(str, ...),
        quantity=(int, Field(ge=0)),
        price=(float, 0.0),
        status=(Literal["new", "paid"], "new"),
        color=(Color | None, None),
        tags=(list[str], []),
        scores=(dict[str, Annotated[float, Field(ge=0)]], {}),
        address=(Address | None, None),
    )


def test_models_sharing_annotations_get_the_same_schema_as_without_the_memo() -> None:
    first, second = shared_fields(1), shared_fields(2)
    first_ui = generate_ui_schema(first)
    second_ui = generate_ui_schema(second)
    assert first_ui == uncached(first)
    assert second_ui == uncached(second)
    assert first_ui["fields"] == second_ui["fields"]
    # A remembered description is handed out as a copy: changing one result leaves the next one alone.
    first_ui["fields"]["status"]["options"].clear()
    first_ui["fields"]["quantity"]["constraints"]["ge"] = 99
    first_ui["fields"]["address"]["fields"]["street"]["widget"] = "changed"
    assert generate_ui_schema(second) == uncached(second)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # equal annotations that are described differently: the memo must keep them apart
        (int | str, str | int),
        (Annotated[float, Field(ge=1)], Annotated[float, Field(ge=1.0)]),
        (Annotated[Decimal, Field(ge=Decimal("1.0"))], Annotated[Decimal, Field(ge=Decimal("1.00"))]),
        (list[Annotated[int, Field(gt=0)]], list[Annotated[int, Field(gt=0.0)]]),
        (Literal[1, 2], Literal[True, 2]),
    ],
)
def test_equal_but_differently_written_annotations_are_not_confused(one: Any, other: Any) -> None:
    for annotation in (one, other, one):
        model = create_model("Pair", value=(annotation, ...))
        assert generate_ui_schema(model) == uncached(model)
        assert json.dumps(generate_ui_schema(model)) == json.dumps(uncached(model))


def test_custom_rules_are_part_of_the_memo() -> None:
    def is_price(shape: FieldShape) -> bool:
        return shape.name == "price"

    model = shared_fields(3)
    plain = generate_ui_schema(model)
    custom = generate_ui_schema(model, extra_rules=[(is_price, "currency"), (text_named("email"), "mail")])
    replaced = generate_ui_schema(model, rules=[(is_text, "line")])
    assert plain == uncached(model)
    assert custom == uncached(model, extra=[(is_price, "currency"), (text_named("email"), "mail")])
    assert replaced == uncached(model, rules=[(is_text, "line")])
    assert (plain["fields"]["price"]["widget"], custom["fields"]["price"]["widget"]) == ("number", "currency")
    assert (custom["fields"]["email"]["widget"], replaced["fields"]["email"]["widget"]) == ("mail", "line")
    # The default table again, after the custom ones: its remembered descriptions come back unchanged.
    assert generate_ui_schema(model) == plain


def test_unhashable_rules_and_annotations_are_described_without_the_memo() -> None:
    class Matches:
        __hash__ = None  # type: ignore[assignment]  # an unhashable callable rule

        def __call__(self, shape: FieldShape) -> bool:
            return shape.name == "odd"

    model = create_model("Odd", odd=(Annotated[int, {"note": "unhashable metadata"}], 0), plain=(str, ""))
    rules = [(Matches(), "special")]
    assert generate_ui_schema(model, extra_rules=rules) == uncached(model, extra=rules)
    assert generate_ui_schema(model, extra_rules=rules)["fields"]["odd"]["widget"] == "special"
    assert generate_ui_schema(model) == uncached(model)


def test_the_memo_stays_within_its_bounds() -> None:
    cache = ui_schema._DescriptionCache(max_entries=3, max_rule_tables=2)
    for index in range(5):
        model = create_model("Bounded", **{f"field_{index}": (int, 0), "other": (list[str], [])})  # type: ignore[call-overload]
        for rules in ([], [(is_text, "a")], [(is_text, "b")]):
            assert ui_schema._Builder(rules, cache=cache).model(model) == uncached(model, rules=rules)
    assert len(cache._labels) <= 3
    assert len(cache._nodes) <= 2
    assert all(len(table) <= 3 for table in cache._nodes.values())
