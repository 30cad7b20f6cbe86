from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xcatalog.profiling import Profile, profile, profile_documents
from xcatalog.widgets.profile_view import ProfileView, field_figure, fields_table, figure_png, quality_figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def frame_profile() -> Profile:
    frame = pd.DataFrame(
        {
            "price": np.linspace(0.0, 100.0, 60),
            "status": ["new", "paid", "sent"] * 20,
            "email": [f"user{index}@example.org" for index in range(60)],
            "note": [None] * 60,
        }
    )
    return profile(frame)


def test_the_view_shows_the_header_and_the_table(frame_profile: Profile) -> None:
    view = ProfileView(frame_profile)
    assert "60 rows profiled" in view.header.value
    assert f"{frame_profile.quality:.0%}" in view.header.value
    for name in ("price", "status", "email", "note"):
        assert f"<b>{name}</b>" in view.table.value
    assert "⚠ sensitive" in view.table.value  # the email field
    assert "<i>categorical</i>" in view.table.value


def test_the_quality_picture_is_a_png(frame_profile: Profile) -> None:
    view = ProfileView(frame_profile)
    assert bytes(view.quality_image.value).startswith(PNG_SIGNATURE)
    assert [view.tabs.get_title(index) for index in range(3)] == ["Fields", "Quality", "Distributions"]


def test_fields_with_pictures_are_drawn_when_picked(frame_profile: Profile) -> None:
    view = ProfileView(frame_profile)
    assert view.pictured_fields() == ["price", "status"]
    assert view.field_picker.value == "price"
    assert view.drawn_fields == ["price"]  # only the shown one is drawn
    price_png = bytes(view.field_image.value)
    assert price_png.startswith(PNG_SIGNATURE)
    view.field_picker.value = "status"
    assert bytes(view.field_image.value).startswith(PNG_SIGNATURE)
    assert bytes(view.field_image.value) != price_png
    assert view.drawn_fields == ["price", "status"]


@pytest.mark.parametrize(("name", "kind"), [("price", "histogram"), ("status", "bars"), ("note", None)])
def test_field_figure_matches_the_kind_of_field(frame_profile: Profile, name: str, kind: str | None) -> None:
    figure = field_figure(frame_profile.columns[name])
    if kind is None:
        assert figure is None
        return
    assert figure is not None
    axes = figure.axes[0]
    if kind == "histogram":
        assert sum(patch.get_height() for patch in axes.patches) == 60
    else:
        assert sorted(label.get_text() for label in axes.get_yticklabels()) == ["new", "paid", "sent"]


def test_quality_figure_has_three_bars_per_field(frame_profile: Profile) -> None:
    figure = quality_figure(frame_profile)
    assert len(figure.axes[0].patches) == 3 * len(frame_profile.columns)
    assert figure_png(figure).startswith(PNG_SIGNATURE)


def test_a_profile_with_nothing_to_draw_says_so() -> None:
    view = ProfileView(profile_documents([{"note": None}, {"note": None}]))
    assert view.pictured_fields() == []
    assert bytes(view.field_image.value) == b""
    assert "No numeric or categorical field" in view.field_note.value


def test_table_escapes_field_names() -> None:
    table = fields_table(profile(pd.DataFrame({"<b>x</b>": [1, 2, 3]})))
    assert "&lt;b&gt;x&lt;/b&gt;" in table


def test_a_numeric_field_without_histogram_shows_its_range() -> None:
    result = profile(pd.DataFrame({"price": [1.0, 2.0, 3.0, 10.0]}), histograms=False)
    column = result.columns["price"]
    assert column.histogram is None
    figure = field_figure(column)
    assert figure is not None
    assert [text.get_text() for text in figure.axes[0].get_legend().get_texts()] == ["min - max", "mean ± std", "mean"]
    view = ProfileView(result)
    assert view.pictured_fields() == ["price"]
    assert bytes(view.field_image.value).startswith(PNG_SIGNATURE)
