"""The main widget flows in a real browser: Voila renders ``main_flows.ipynb``, chromium clicks through it.

The wizard shows the review of the single ``products`` collection open, with
its table's columns lined up and labels uncut, and registers it: ``category``,
``country`` and ``city`` as categorical (``Literal``) fields, ``brand`` left as
text (an open set). The form still offers ranked suggestions for the
``Literal`` fields (picking a country re-ranks the cities), leaves ``_id``
empty and optional for the database, warns with "Did you mean" about an
unseen brand, shows the closed-set error under City for a misspelt city (the
typed text reaches the kernel), refuses the invalid record, then creates and
inserts the valid one. The profile of the collection is shown below.

A combobox's suggestions are a native ``<datalist>`` popup that playwright
cannot click: the test reads the suggestions the page offers (the ``<datalist>``
bound to the input) and picks one the way the popup does, by putting its value
in the box and confirming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from .conftest import CATEGORIES, VoilaServer, shop_products

pytestmark = [pytest.mark.browser, pytest.mark.mongodb]

#: ipywidgets marks a combobox whose text is not one of its options (with ``ensure_option``, which the form no
#: longer sets: typed text must reach the kernel) with this class.
INVALID_COMBO = re.compile(r"\bjpwidgets-invalidComboValue\b")


@contextmanager
def diagnosed(page: Page, voila: VoilaServer, screenshots: Path) -> Iterator[None]:
    """On failure, keep a screenshot of the page and add Voila's last lines to the error."""
    try:
        yield
    except (AssertionError, PlaywrightError) as error:
        page.screenshot(path=screenshots / "failure.png", full_page=True)
        error.add_note(f"Screenshot: {screenshots / 'failure.png'}\nVoila's last lines:\n{voila.log_tail()}")
        raise


def review_checkbox(wizard: Locator, field: str) -> Locator:
    """The "Categorical" checkbox of a field in the wizard's review table, by its accessible name."""
    return wizard.get_by_role("checkbox", name=f"{field} is categorical", exact=True)


def is_cut_off(element: Locator) -> bool:
    """Whether the element's text overflows its box, or its parent's (ipywidgets clips labels with an ellipsis)."""
    overflowing: bool = element.evaluate(
        "node => [node, node.parentElement]"
        ".some(box => box && box.clientWidth > 0 && box.scrollWidth > box.clientWidth + 1)"
    )
    return overflowing


def left_edge(element: Locator) -> float:
    box = element.bounding_box()
    assert box is not None, "the element is not visible"
    return float(box["x"])


def field_box(form: Locator, label: str) -> Locator:
    """A form field: its label, its control and the problems shown under it (the innermost box holding the label)."""
    return form.locator(".widget-vbox").filter(has=form.page.get_by_text(label, exact=True)).last


def field_input(form: Locator, label: str) -> Locator:
    """The text input (or combobox) of a form field."""
    return field_box(form, label).locator("input").first


def suggestions(combobox: Locator) -> Locator:
    """The ``<option>`` elements of the ``<datalist>`` a combobox offers, in the order offered."""
    list_id = combobox.get_attribute("list")
    assert list_id, "the combobox has no <datalist>: its suggestions are not on the page"
    return combobox.page.locator(f"datalist[id='{list_id}'] option")


def offered_values(combobox: Locator) -> list[str]:
    values: list[str] = suggestions(combobox).evaluate_all("options => options.map(option => option.value)")
    return values


def type_prefix_and_pick(combobox: Locator, prefix: str) -> str:
    """Type ``prefix``, check what the page suggests for it, and pick the only match."""
    combobox.fill("")
    combobox.press_sequentially(prefix)
    matches = [value for value in offered_values(combobox) if value.lower().startswith(prefix.lower())]
    assert len(matches) == 1, f"{prefix!r} should single out one suggestion; the page offers {matches}"
    pick(combobox, matches[0])
    return matches[0]


def pick(combobox: Locator, value: str) -> None:
    """Choose ``value`` as from the datalist popup (it becomes the box's text), then move on to the next field.

    The combobox sends its value to the kernel when it loses the focus (Enter alone does not send it).
    """
    combobox.fill(value)
    combobox.press("Tab")
    expect(combobox).not_to_have_class(INVALID_COMBO)


def button(scope: Page | Locator, name: str) -> Locator:
    """The button labelled ``name`` (its Font Awesome icon adds a glyph to the accessible name)."""
    return scope.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}$"))


def set_text(form: Locator, label: str, value: str) -> None:
    box = field_input(form, label)
    box.fill(value)
    box.press("Tab")  # a text box without continuous updates sends its value when it loses the focus


def test_the_wizard_registers_a_collection_and_its_form_suggests_validates_and_inserts(
    page: Page, voila_server: VoilaServer, shop_database: str, mongo_db: Any, screenshots: Path
) -> None:
    with diagnosed(page, voila_server, screenshots):
        wizard = page.locator(".main-flows-wizard")
        # The notebook filled in the URI and the database from Voila's environment: connecting lists the collection.
        button(page, "Connect").click()
        page.get_by_role("option", name="products (60 documents)").click()
        button(page, "Profile").click()
        # A single collection: its review pane is open without a click.
        expect(wizard).to_contain_text("60 documents, 60 sampled, 7 field paths")
        for field in ("category", "brand", "country", "city"):
            expect(review_checkbox(wizard, field)).to_be_checked()  # the profile judged it categorical
        # brand stays text: the set is open, so an unseen brand is a warning, which a Literal would refuse.
        review_checkbox(wizard, "brand").uncheck()
        expect(review_checkbox(wizard, "name")).not_to_be_checked()
        # The header's columns line up with the rows' cells.
        for header, cell in (("Types", "ObjectId (60)"), ("Presence", "100%"), ("Categorical", None)):
            header_cell = wizard.get_by_text(header, exact=True)
            row_cell = review_checkbox(wizard, "city") if cell is None else wizard.get_by_text(cell, exact=True).first
            assert abs(left_edge(header_cell) - left_edge(row_cell)) < 4, f"column {header!r} is not aligned"
        # No label is cut off.
        for label in ("Model name", "Namespace", "Replace models already registered", "Keep statistics refreshing"):
            assert not is_cut_off(wizard.get_by_text(label, exact=True)), f"{label!r} is cut off"
        assert not is_cut_off(button(page, "Register and enrich")), "the register button's label is cut off"
        wizard.screenshot(path=screenshots / "wizard.png")
        button(page, "Register and enrich").click()
        expect(wizard).to_contain_text("1 of 1 collections registered.")
        expect(wizard).to_contain_text("registered and enriched")
        model_path = f"ns.models.discovered.{shop_database}.Product"
        expect(button(wizard, f"Open {model_path}")).to_be_visible()

        button(page, "Open form").click()
        form = page.locator(".main-flows-form")
        expect(form).to_contain_text(f"{model_path} v1.0.0")

        # A prefix narrows the observed categories to one, which is picked.
        category = field_input(form, "Category *")
        assert sorted(offered_values(category)) == sorted(CATEGORIES)
        assert type_prefix_and_pick(category, "Bo") == "Books"
        # Picking a country re-ranks the cities: those seen with it come first.
        country = field_input(form, "Country *")
        assert type_prefix_and_pick(country, "D") == "DE"
        city = field_input(form, "City *")
        offered_cities = suggestions(city)
        for rank in (0, 1):
            expect(offered_cities.nth(rank)).to_have_attribute("value", re.compile(r"^(Berlin|Munich)$"))

        # The id is left to the database: shown, optional, empty.
        id_box = field_input(form, "Id")
        expect(id_box).to_have_value("")
        expect(id_box).to_have_attribute("placeholder", re.compile("assigned on insert"))
        set_text(form, "Name *", "Desk lamp")
        set_text(form, "Price *", "24.5")
        # An unseen brand: the set is open, so the form warns with the nearest observed value.
        brand = field_input(form, "Brand *")
        brand.fill("Acmee")
        expect(field_box(form, "Brand *")).to_contain_text("Did you mean 'Acme'?")
        # A misspelt city: the set is closed; the typed text reaches the kernel, which says what was meant.
        city.fill("Munch")
        city.press("Tab")
        expect(city).not_to_have_class(INVALID_COMBO)
        city_box = field_box(form, "City *")
        expect(city_box).to_contain_text("Invalid value for city: 'Munch'. Did you mean 'Munich'?")
        expect(city_box).not_to_contain_text("Field required")
        submit = button(form, "Submit")
        submit.click()
        expect(form).to_contain_text("Not created: 1 error(s), 1 warning(s); see the fields.")
        expect(city_box).to_contain_text("Invalid value for city: 'Munch'. Did you mean 'Munich'?")
        assert mongo_db["products"].count_documents({"name": "Desk lamp"}) == 0
        form.screenshot(path=screenshots / "form_invalid.png")

        # The valid record, inserted into the collection.
        assert type_prefix_and_pick(city, "Mu") == "Munich"
        pick(brand, "Acme")
        expect(field_box(form, "Brand *")).not_to_contain_text("Did you mean")
        form.get_by_role("checkbox", name="insert into the collection").check()
        submit.click()
        expect(form).to_contain_text("Created (inserted with id")
        expect(form).to_contain_text('"category": "Books"')
        expect(form).to_contain_text('"city": "Munich"')
        expect(field_box(form, "City *")).not_to_contain_text(re.compile(r"Field required|Invalid value"))
        form.screenshot(path=screenshots / "form.png")

        profile = page.locator(".main-flows-profile")
        expect(profile).to_contain_text(f"Profile of {shop_database}.products")
        expect(profile).to_contain_text("60 rows profiled of 60")
        profile.get_by_role("tab", name="Distributions").click()
        profile.locator("select").select_option("category")
        expect(profile.locator("img").last).to_be_visible()
        profile.screenshot(path=screenshots / "profile.png")

    stored = mongo_db["products"].find_one({"name": "Desk lamp"})
    assert stored is not None
    assert (stored["category"], stored["brand"], stored["country"], stored["city"], stored["price"]) == (
        "Books",
        "Acme",
        "DE",
        "Munich",
        24.5,
    )
    assert re.fullmatch(r"[0-9a-f]{24}", str(stored["_id"])), stored["_id"]  # assigned: the field was left empty
    assert mongo_db["products"].count_documents({}) == len(shop_products()) + 1
