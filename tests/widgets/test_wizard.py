from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest
from pydantic import BaseModel

from xcatalog.errors import ResourceError, XCatalogError
from xcatalog.registry import XRegistry
from xcatalog.resources import FileResource, MongoResource
from xcatalog.widgets.wizard import DiscoveryWizard, mongo_uri_with_password

CATEGORIES = ("books", "games", "music")


def product_rows(count: int) -> list[dict[str, Any]]:
    return [
        {"sku": f"SKU-{n:04d}", "category": CATEGORIES[n % 3], "price": round(1 + n * 0.75, 2), "stock": n % 7}
        for n in range(count)
    ]


@pytest.fixture
def data_folder(tmp_path: Path) -> Path:
    """Two readable collections (products, stores) and one corrupt file (broken)."""
    folder = tmp_path / "shop_files"
    folder.mkdir()
    (folder / "products.jsonl").write_text("\n".join(json.dumps(row) for row in product_rows(60)) + "\n")
    (folder / "stores.csv").write_text("city,size\n" + "".join(f"City{n % 4},{n}\n" for n in range(30)))
    (folder / "broken.json").write_text('[{"sku": "A1", ')
    return folder


@pytest.fixture
async def wizard(data_folder: Path) -> AsyncIterator[DiscoveryWizard]:
    widget = DiscoveryWizard(XRegistry(), auto_refresh=False)
    widget.source_select.value = "Files"
    widget.files_text.value = str(data_folder)
    yield widget
    await widget.close()


@pytest.mark.parametrize(
    ("uri", "password", "expected"),
    [
        ("mongodb://ana@db:27017/shop", "s3cret", "mongodb://ana:s3cret@db:27017/shop"),
        ("mongodb://ana:old@db:27017/", "new", "mongodb://ana:new@db:27017/"),
        ("mongodb+srv://ana@cluster.example/shop", "p@ss:/w", "mongodb+srv://ana:p%40ss%3A%2Fw@cluster.example/shop"),
        ("  mongodb://db:27017/shop  ", "", "mongodb://db:27017/shop"),
    ],
)
def test_the_password_goes_into_the_uri_encoded(uri: str, password: str, expected: str) -> None:
    assert mongo_uri_with_password(uri, password) == expected


@pytest.mark.parametrize(
    ("uri", "password", "message"),
    [
        ("mongodb://db:27017/shop", "s3cret", "names no user"),
        ("postgres://ana:s3cret@db/shop", "", "is not a MongoDB connection string"),
    ],
)
def test_a_bad_uri_is_refused_without_showing_the_password(uri: str, password: str, message: str) -> None:
    with pytest.raises(ResourceError, match=message) as caught:
        mongo_uri_with_password(uri, password)
    assert "s3cret" not in str(caught.value)


def test_the_mongo_form_builds_a_resource_that_never_shows_the_password() -> None:
    wizard = DiscoveryWizard(XRegistry())
    wizard.uri_text.value = "mongodb://ana@127.0.0.1:1/shop?authSource=admin"
    wizard.password_text.value = "s3cret"
    resource = wizard.build_resource()
    assert isinstance(resource, MongoResource)
    assert resource.database_name == "shop"
    assert "s3cret" not in repr(resource)
    assert "s3cret" not in wizard.uri_text.value
    wizard.database_text.value = "other"
    assert wizard.build_resource().database_name == "other"


@pytest.mark.parametrize(
    ("source", "field", "value", "message"),
    [
        ("MongoDB", "uri_text", "", "Give a MongoDB connection string"),
        ("MongoDB", "uri_text", "mongodb://127.0.0.1:1", "Which database?"),
        ("Files", "files_text", " , ", "Give a folder or the paths"),
        ("Files", "files_text", "/no/such/folder", "does not exist"),
    ],
)
async def test_a_failed_connect_shows_why_in_the_panel(source: str, field: str, value: str, message: str) -> None:
    wizard = DiscoveryWizard(XRegistry())
    wizard.source_select.value = source
    getattr(wizard, field).value = value
    wizard.connect_button.click()
    assert wizard.last_task is not None
    assert await wizard.last_task is None
    assert message in wizard.tasks.error.value
    assert wizard.step_name == "Connect"
    await wizard.close()


async def test_the_files_flow_registers_what_was_reviewed(wizard: DiscoveryWizard) -> None:
    wizard.connect_button.click()
    await wizard.last_task  # type: ignore[misc]
    assert wizard.step_name == "Choose collections"
    labels = {value: label for label, value in wizard.collections_select.options}
    assert labels["products"] == "products (60 documents)"
    assert labels["stores"] == "stores (30 documents)"
    assert labels["broken"] == "broken (count unknown)"

    wizard.select_all_button.click()
    wizard.profile_button.click()
    await wizard.last_task  # type: ignore[misc]
    assert wizard.tasks.error.value == ""
    assert wizard.step_name == "Review"
    assert list(wizard.reviews) == ["broken", "products", "stores"]
    broken, products, stores = wizard.reviews.values()
    assert not broken.is_ready and "broken.json is not valid JSON" in (broken.error or "")
    assert products.is_ready and stores.is_ready
    assert products.progress.value == products.progress.max
    assert products.categorical_paths == ["category", "stock"]  # the profile's judgement
    assert wizard.review_accordion.titles == ("broken — failed", "products — Product", "stores — Store")
    assert wizard.review_accordion.selected_index is None  # several collections: the user opens one
    # Each checkbox is named after its field, so that assistive technology (and the browser test) can find it.
    assert products.categorical_checkboxes["category"].description == "category is categorical"

    products.name_text.value = "Item"
    products.namespace_text.value = "shop.catalog"
    products.categorical_checkboxes["stock"].value = False
    products.categorical_checkboxes["price"].value = True  # not judged categorical: values from a fresh sample
    stores.categorical_checkboxes["city"].value = False
    wizard.register_button.click()
    await wizard.last_task  # type: ignore[misc]
    assert wizard.step_name == "Summary"

    outcomes = {outcome.collection: outcome for outcome in wizard.outcomes}
    assert outcomes["broken"].stage == "profile" and not outcomes["broken"].ok
    assert outcomes["products"].ok and outcomes["products"].model == "ns.models.shop.catalog.Item"
    assert outcomes["stores"].ok and outcomes["stores"].model == "ns.models.discovered.shop_files.Store"

    item = wizard.registry.models.get("ns.models.shop.catalog.Item")
    properties = item.metadata.json_schema["properties"]
    assert sorted(properties["category"]["enum"]) == sorted(CATEGORIES)
    assert sorted(properties["price"]["enum"]) == sorted(row["price"] for row in product_rows(60))
    assert "enum" not in properties["stock"] and "enum" not in properties["sku"]
    assert {"dynamic", "discovery-wizard", "files"} <= item.metadata.tags
    store_schema = wizard.registry.models.get("Store").metadata.json_schema
    assert "enum" not in store_schema["properties"]["city"]
    enrichment = wizard.enriched.get_enrichment("ns.models.shop.catalog.Item")
    assert enrichment.collection == "products" and enrichment.total_count == 60
    assert not enrichment.is_live

    summary = wizard.summary_html.value
    assert "2 of 3 collections registered." in summary
    assert "failed at profile" in summary
    wizard.open_buttons["ns.models.shop.catalog.Item"].click()
    assert wizard.browser is not None
    assert wizard.browser.selected_path == "ns.models.shop.catalog.Item"
    assert wizard.browser.matches == ["ns.models.shop.catalog.Item"]
    assert "products" in wizard.browser.enrichment_html.value
    assert wizard.browser_box.children == (wizard.browser,)


class Store(BaseModel):
    city: str


@pytest.mark.parametrize(
    ("override", "namespace", "ok", "reason"),
    [
        (False, "", False, "is already registered"),
        (True, "", True, None),
        (False, "bad namespace!", False, "namespace"),
    ],
)
async def test_one_failed_registration_does_not_stop_the_others(
    wizard: DiscoveryWizard, override: bool, namespace: str, ok: bool, reason: str | None
) -> None:
    wizard.registry.models.register(Store, namespace="discovered.shop_files")
    await wizard.connect()
    wizard.collections_select.value = ("products", "stores")
    await wizard.profile()
    wizard.override_checkbox.value = override
    if namespace:
        wizard.reviews["stores"].namespace_text.value = namespace
    outcomes = await wizard.register()
    assert [outcome.collection for outcome in outcomes] == ["products", "stores"]
    assert outcomes[0].ok
    assert outcomes[1].ok is ok
    if reason is not None:
        assert outcomes[1].stage == "register"
        assert reason in (outcomes[1].reason or "")
    assert "ns.models.discovered.shop_files.Product" in wizard.registry.models


async def test_a_collection_left_out_is_skipped(wizard: DiscoveryWizard) -> None:
    await wizard.connect()
    await wizard.profile(["products", "stores"])
    wizard.reviews["stores"].include_checkbox.value = False
    outcomes = await wizard.register()
    assert [(outcome.collection, outcome.ok, outcome.stage) for outcome in outcomes] == [
        ("products", True, None),
        ("stores", False, "review"),
    ]
    assert "Store" not in wizard.registry.models
    assert "skipped" in wizard.summary_html.value
    assert list(wizard.open_buttons) == ["ns.models.discovered.shop_files.Product"]


async def test_the_review_of_a_single_collection_is_open_with_its_table_aligned(wizard: DiscoveryWizard) -> None:
    wizard.connect_button.click()
    await wizard.last_task  # type: ignore[misc]
    wizard.collections_select.value = ("products",)
    wizard.profile_button.click()
    await wizard.last_task  # type: ignore[misc]
    assert wizard.step_name == "Review"
    assert wizard.review_accordion.selected_index == 0
    review = wizard.reviews["products"]
    # Header and rows are the cells of one grid of four columns: they cannot drift apart.
    (table,) = [child for child in review.pane.children if isinstance(child, widgets.GridBox)]
    assert len(table.children) == 4 * (1 + len(review.inspection.fields))  # type: ignore[union-attr]
    assert [cell.value for cell in table.children[:4]] == [
        "<b>Field</b>",
        "<b>Types</b>",
        "<b>Presence</b>",
        "<b>Categorical</b>",
    ]
    # Labels wide enough not to be cut off.
    assert review.name_text.style.description_width == "100px"
    assert wizard.register_button.layout.width == "fit-content"
    assert wizard.override_checkbox.layout.width == wizard.auto_refresh_checkbox.layout.width == "auto"


async def test_profiling_needs_a_chosen_collection(wizard: DiscoveryWizard) -> None:
    await wizard.connect()
    wizard.profile_button.click()
    await wizard.last_task  # type: ignore[misc]
    assert "Choose at least one collection to profile" in wizard.tasks.error.value
    with pytest.raises(XCatalogError, match="Nothing to register"):
        await wizard.register()


async def test_a_given_resource_is_used_and_left_open(data_folder: Path) -> None:
    resource = FileResource(data_folder / "products.jsonl")
    wizard = DiscoveryWizard(XRegistry(), resource=resource, auto_refresh=False)
    assert "Resource: shop_files (files)" in wizard.resource_note.value
    assert wizard.source_select.layout.display == "none"
    counts = await wizard.connect()
    assert counts == {"products": 60}
    await wizard.close()
    assert await resource.validate_connection()


async def test_back_goes_to_the_previous_step(wizard: DiscoveryWizard) -> None:
    await wizard.connect()
    assert wizard.step == 1
    wizard.back_button.click()
    assert wizard.step_name == "Connect"
    assert wizard.back_button.disabled
    assert "<b>1. Connect</b>" in wizard.step_html.value


@pytest.mark.mongodb
async def test_the_mongodb_flow_registers_and_enriches_each_collection(
    mongo_uri: str, mongo_db: Any, mongo_db_name: str
) -> None:
    mongo_db["products"].insert_many(product_rows(80))
    mongo_db["orders"].insert_many(
        [{"order_no": n, "status": ("open", "paid")[n % 2], "amount": n * 2.5} for n in range(40)]
    )
    mongo_db["stores"].insert_many([{"city": f"City{n % 3}"} for n in range(12)])
    registry = XRegistry()
    namespace = f"discovered.{mongo_db_name}"
    registry.models.register(Store, namespace=namespace)  # the stores model's path is taken: only it fails
    wizard = DiscoveryWizard(registry, auto_refresh=False)
    try:
        wizard.uri_text.value = mongo_uri
        wizard.database_text.value = mongo_db_name
        wizard.connect_button.click()
        await wizard.last_task  # type: ignore[misc]
        assert wizard.tasks.error.value == ""
        assert wizard.counts == {"orders": 40, "products": 80, "stores": 12}
        assert ("orders (40 documents)", "orders") in wizard.collections_select.options

        wizard.select_all_button.click()
        wizard.profile_button.click()
        await wizard.last_task  # type: ignore[misc]
        assert all(review.is_ready for review in wizard.reviews.values())
        assert wizard.reviews["orders"].categorical_paths == ["status"]

        wizard.reviews["orders"].name_text.value = "SalesOrder"
        wizard.register_button.click()
        await wizard.last_task  # type: ignore[misc]
        assert [(outcome.collection, outcome.ok) for outcome in wizard.outcomes] == [
            ("orders", True),
            ("products", True),
            ("stores", False),
        ]
        assert "already registered" in (wizard.outcomes[2].reason or "")
        status = registry.models.get(f"ns.models.{namespace}.SalesOrder").metadata.json_schema["properties"]["status"]
        assert sorted(status["enum"]) == ["open", "paid"]
        enrichment = wizard.enriched.get_enrichment(f"ns.models.{namespace}.Product")
        assert enrichment.resource_type == "mongodb" and enrichment.total_count == 80
        assert "2 of 3 collections registered." in wizard.summary_html.value
        browser = wizard.open_in_browser(f"ns.models.{namespace}.SalesOrder")
        assert "orders" in browser.enrichment_html.value
    finally:
        await wizard.close()
