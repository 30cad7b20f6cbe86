"""The main widget flows in a real browser: Voila renders ``main_flows.ipynb``, chromium clicks through it.

The wizard registers the ``products`` collection (its categorical fields left
as text, so that the form offers suggestions from the enrichment instead of a
fixed dropdown), the form offers ranked suggestions while typing, rejects a
misspelt value of a closed set in the page, warns with "Did you mean" about an
unseen value of an open set, refuses the invalid record, then creates and
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
from bson import ObjectId
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from .conftest import CATEGORIES, VoilaServer, shop_products

pytestmark = [pytest.mark.browser, pytest.mark.mongodb]

#: ipywidgets marks a combobox whose text is not one of its options (``ensure_option``) with this class.
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
    """The "Categorical" checkbox of a field in the wizard's review table."""
    row = wizard.locator(".widget-hbox").filter(has=wizard.page.get_by_text(field, exact=True))
    return row.locator("input[type=checkbox]")


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
        wizard.get_by_text("products — Product").click()  # opens the review pane
        expect(wizard).to_contain_text("60 documents, 60 sampled, 7 field paths")
        for field in ("category", "brand", "country", "city"):
            checkbox = review_checkbox(wizard, field)
            expect(checkbox).to_be_checked()  # the profile judged it categorical
            checkbox.uncheck()  # keep it text: the form then suggests its observed values
        expect(review_checkbox(wizard, "name")).not_to_be_checked()
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

        set_text(form, "Id *", str(ObjectId()))
        set_text(form, "Name *", "Desk lamp")
        set_text(form, "Price *", "24.5")
        # An unseen brand: the set is open, so the form warns with the nearest observed value.
        brand = field_input(form, "Brand *")
        brand.fill("Acmee")
        expect(field_box(form, "Brand *")).to_contain_text("Did you mean 'Acme'?")
        # A misspelt city: the set is closed, so the page refuses the text and the record has no valid city.
        city.fill("Munch")
        city.press("Tab")
        expect(city).to_have_class(INVALID_COMBO)
        submit = button(form, "Submit")
        submit.click()
        expect(form).to_contain_text("Not created: 1 error(s), 1 warning(s); see the fields.")
        # The refused text never reached the kernel: the city is missing from the record.
        expect(field_box(form, "City *")).to_contain_text(re.compile(r"Field required|Invalid value for city"))
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
    assert mongo_db["products"].count_documents({}) == len(shop_products()) + 1
