from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import pandas as pd
import pytest
from pydantic import BaseModel

from xcatalog.errors import XCatalogError
from xcatalog.registry import XRegistry
from xcatalog.resources import FrameResource
from xcatalog.widgets.browser import ALL, CatalogBrowser

PAGE_SIZE = 25


class Order(BaseModel):
    """An order placed in the shop."""

    id: int
    total: float


class OrderV2(BaseModel):
    """An order placed in the shop."""

    id: int
    total: float
    currency: str


class Customer(BaseModel):
    """A customer of the shop."""

    email: str
    tier: str


def add_one(value: int) -> int:
    """Add one to a value."""
    return value + 1


def order_total(prices: list[float]) -> float:
    """Sum the prices of an order."""
    return sum(prices)


@pytest.fixture(scope="module")
def big_registry() -> XRegistry:
    """10,000 functions in 10 namespaces (built once: the tests below only read it)."""
    registry = XRegistry()
    for number in range(10_000):
        registry.functions.add(add_one, name=f"step_{number:05d}", namespace=f"pipeline.stage{number % 10}")
    return registry


@pytest.fixture
def registry() -> XRegistry:
    """A small catalog: two functions, two models (one dynamic, one with a second version) and common types."""
    registry = XRegistry()
    registry.functions.add(order_total, namespace="shop.billing", tags=["money"])
    registry.functions.add(add_one, namespace="math", tags=["arithmetic"])
    registry.functions.add(add_one, name="secret_step", namespace="math", permissions={"admin": ["view"]})
    registry.models.register(Order, namespace="shop", tags=["money"])
    registry.models.update_model("Order", OrderV2)
    registry.models.register(
        Customer,
        namespace="crm",
        source="dynamic",
        permissions={"*": ["read", "list"], "admin": ["read", "list", "read_sensitive"]},
    )
    registry.types.register_common_types()
    return registry


@pytest.fixture
def browser(registry: XRegistry) -> Iterator[CatalogBrowser]:
    widget = CatalogBrowser(registry, page_size=PAGE_SIZE, debounce_seconds=0)
    yield widget
    widget.close()


def rendered_names(browser: CatalogBrowser) -> list[str]:
    return [row.children[0].description for row in browser.results_box.children]


async def test_a_search_over_10000_functions_renders_one_page(big_registry: XRegistry) -> None:
    browser = CatalogBrowser(big_registry, page_size=PAGE_SIZE, debounce_seconds=0)
    try:
        assert len(browser.results_box.children) == PAGE_SIZE
        browser.search_text.value = "stage3"
        assert browser.last_task is not None
        await browser.last_task
        assert len(browser.matches) == 1_000
        assert len(browser.results_box.children) == PAGE_SIZE
        assert rendered_names(browser)[:2] == ["step_00003", "step_00013"]
        assert "1,000 of 10,000 entries match" in browser.count_label.value
        assert browser.page_label.value == "Page 1 of 40"

        browser.next_button.click()
        assert browser.page == 1
        assert rendered_names(browser)[0] == f"step_{3 + 10 * PAGE_SIZE:05d}"
        browser.show_page(10_000)  # clamped to the last page
        assert browser.page == 39
        assert browser.next_button.disabled
        assert len(browser.results_box.children) == PAGE_SIZE  # 1,000 is a multiple of the page size
    finally:
        browser.close()


async def test_a_glob_over_10000_functions_renders_the_remainder_on_the_last_page(big_registry: XRegistry) -> None:
    browser = CatalogBrowser(big_registry, page_size=PAGE_SIZE, debounce_seconds=0)
    try:
        browser.search_text.value = "pipeline.stage7.step_01*"  # 01007, 01017, ... 01997: 100 entries
        await browser.last_task  # type: ignore[misc]
        assert len(browser.matches) == 100
        browser.show_page(3)
        assert len(browser.results_box.children) == 100 - 3 * PAGE_SIZE
    finally:
        browser.close()


async def test_typing_fast_runs_only_the_last_query(browser: CatalogBrowser) -> None:
    browser.debounce_seconds = 0.05
    browser.search_text.value = "o"
    first = browser.last_task
    browser.search_text.value = "or"
    browser.search_text.value = "order_total"
    assert first is not None
    await asyncio.gather(first, return_exceptions=True)
    assert first.cancelled()
    assert browser.last_task is not None
    await browser.last_task
    assert browser.matches == ["ns.functions.shop.billing.order_total"]


def test_without_a_running_loop_a_search_runs_at_once(registry: XRegistry) -> None:
    browser = CatalogBrowser(registry, debounce_seconds=10)
    try:
        browser.search_text.value = "customer"
        assert browser.last_task is None
        assert browser.matches == ["ns.models.crm.Customer"]
    finally:
        browser.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("shop.*", ["ns.functions.shop.billing.order_total", "ns.models.shop.Order"]),
        ("ns.models.*", ["ns.models.crm.Customer", "ns.models.shop.Order"]),
        ("*total", ["ns.functions.shop.billing.order_total"]),
        ("ORDER", ["ns.functions.shop.billing.order_total", "ns.models.shop.Order"]),
        ("sum prices", ["ns.functions.shop.billing.order_total"]),  # words of the docstring, in any order
        ("arithmetic", ["ns.functions.math.add_one"]),  # a tag
        ("no such thing", []),
    ],
)
def test_search_by_glob_or_words(browser: CatalogBrowser, query: str, expected: list[str]) -> None:
    assert browser.search(query) == expected
    assert len(browser.results_box.children) == len(expected)


@pytest.mark.parametrize(
    ("dropdown", "value", "expected"),
    [
        ("kind_filter", "models", ["ns.models.crm.Customer", "ns.models.shop.Order"]),
        ("tag_filter", "arithmetic", ["ns.functions.math.add_one"]),
        ("source_filter", "dynamic", ["ns.models.crm.Customer"]),
        ("namespace_filter", "shop", ["ns.functions.shop.billing.order_total", "ns.models.shop.Order"]),
        ("namespace_filter", "shop.billing", ["ns.functions.shop.billing.order_total"]),
    ],
)
def test_filters_narrow_the_list(browser: CatalogBrowser, dropdown: str, value: str, expected: list[str]) -> None:
    getattr(browser, dropdown).value = value
    assert browser.matches == expected
    getattr(browser, dropdown).value = ALL
    assert len(browser.matches) > len(expected)


def test_filters_and_search_combine(browser: CatalogBrowser) -> None:
    browser.kind_filter.value = "types"
    types = list(browser.matches)
    assert types and all(path.startswith("ns.types.") for path in types)
    email_types = browser.search("email")
    assert email_types and set(email_types) < set(types)


def test_a_role_sees_only_entries_it_holds_a_permission_on(registry: XRegistry) -> None:
    anonymous = CatalogBrowser(registry)
    admin = CatalogBrowser(registry, role="admin")
    try:
        assert "ns.functions.math.secret_step" not in anonymous.rows
        assert anonymous.hidden_count == 1
        assert "1 hidden from role &#x27;anonymous&#x27;" in anonymous.count_label.value
        assert "ns.functions.math.secret_step" in admin.rows
        # without a rule of its own, admin falls back to the "*" rule
        assert {"ns.models.shop.Order", "ns.functions.math.add_one"} <= set(admin.rows)
        assert admin.hidden_count == 0
    finally:
        anonymous.close()
        admin.close()


def test_new_registrations_show_up_at_the_next_search(registry: XRegistry, browser: CatalogBrowser) -> None:
    assert browser.search("brand_new") == []
    registry.functions.add(add_one, name="brand_new", namespace="math")
    assert browser.search("brand_new") == ["ns.functions.math.brand_new"]
    assert "brand_new" in rendered_names(browser)
    registry.functions.remove("brand_new")
    assert browser.search("brand_new") == []


def test_clicking_a_row_shows_the_model_in_the_detail_pane(browser: CatalogBrowser) -> None:
    browser.search("ns.models.shop.*")
    browser.results_box.children[0].children[0].click()
    assert browser.selected_path == "ns.models.shop.Order"
    assert "2.0.0" in browser.overview_html.value  # a required field added: a major version
    assert "currency" in browser.json_schema_html.value
    assert "currency" in browser.ui_schema_html.value
    assert "Role &#x27;anonymous&#x27; holds: list, read." in browser.permissions_html.value
    assert browser.old_version_select.value == "1.0.0"
    assert browser.new_version_select.value == "2.0.0"
    assert browser.results_box.children[0].children[0].button_style == "info"


def test_compare_shows_the_changes_and_both_schemas_side_by_side(browser: CatalogBrowser) -> None:
    browser.select("Order")
    browser.compare_button.click()
    diff = browser.diff_html.value
    assert "1.0.0 → 2.0.0" in diff
    assert "major" in diff and "currency" in diff
    assert 'class="diff"' in diff  # difflib's side-by-side table
    assert "No schema differences" in browser.compare_versions("2.0.0", "2.0.0")


@pytest.mark.parametrize(
    ("path", "fragments"),
    [
        ("ns.functions.shop.billing.order_total", ["Sum the prices of an order.", "prices", "list[float]"]),
        ("ns.types.contact.Email", ["type (", "Email"]),
    ],
)
def test_functions_and_types_show_their_own_details(browser: CatalogBrowser, path: str, fragments: list[str]) -> None:
    browser.select(path)
    shown = browser.overview_html.value + browser.json_schema_html.value
    for fragment in fragments:
        assert fragment in shown
    assert "Only models keep versions." in browser.versions_html.value
    assert browser.compare_button.disabled
    assert "Only models have a UI schema." in browser.ui_schema_html.value


def test_the_audit_tab_lists_the_events_of_the_entry(registry: XRegistry, browser: CatalogBrowser) -> None:
    registry.models.check_access("Order", "delete", role="intern")
    browser.select("Order")
    audit = browser.audit_html.value
    assert audit.index("check_access") < audit.index("update") < audit.index("register")  # newest first
    assert "intern" in audit
    assert "<td style='padding:2px 8px'>no</td>" in audit  # the denial


async def test_the_enrichment_tab_shows_statistics_masked_for_the_role(registry: XRegistry) -> None:
    frame = pd.DataFrame({"email": [f"user{n}@example.com" for n in range(40)], "tier": ["gold", "silver"] * 20})
    enriched = registry.get_enriched()
    await enriched.enrich_from_resource(
        FrameResource({"customers": frame}), "Customer", collection="customers", auto_refresh=False
    )
    shown = {}
    for role in ("anonymous", "admin"):
        browser = CatalogBrowser(registry, role=role)
        browser.select("Customer")
        shown[role] = browser.enrichment_html.value
        browser.close()
    assert "customers" in shown["anonymous"] and "40" in shown["anonymous"]
    assert "gold (20)" in shown["anonymous"]
    assert "u***@example.com" in shown["anonymous"]
    assert not re.search(r"user\d+@example\.com", shown["anonymous"])
    assert re.search(r"user\d+@example\.com", shown["admin"])


def test_a_model_without_enrichment_says_so(browser: CatalogBrowser) -> None:
    browser.select("Order")
    assert "No enrichment" in browser.enrichment_html.value


def test_an_unknown_entry_goes_to_the_error_panel(browser: CatalogBrowser) -> None:
    browser.select("NoSuchEntry")
    assert "Nothing named &#x27;NoSuchEntry&#x27; is registered" in browser.error.value
    assert browser.selected_path is None


def test_an_entry_hidden_from_the_role_is_not_shown(browser: CatalogBrowser) -> None:
    browser.select("secret_step")
    assert "Role &#x27;anonymous&#x27; holds no permission on ns.functions.math.secret_step" in browser.error.value
    assert browser.overview_html.value == ""


def test_comparing_needs_a_selected_model(browser: CatalogBrowser) -> None:
    browser.select("order_total")
    with pytest.raises(XCatalogError, match="Select a model first"):
        browser.compare_versions("1.0.0", "2.0.0")


@pytest.mark.parametrize("page_size", [0, -3])
def test_the_page_size_must_be_positive(registry: XRegistry, page_size: int) -> None:
    with pytest.raises(XCatalogError, match="page_size must be at least 1"):
        CatalogBrowser(registry, page_size=page_size)
