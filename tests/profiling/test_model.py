from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xcatalog.profiling import Profile, profile


def _rich_profile() -> Profile:
    frame = pd.DataFrame(
        {
            "level": [1, 2, 2, 3] * 5,
            "flag": [True, False, True, True] * 5,
            "code": ["a", "b", None, "a"] * 5,
            "when": pd.to_datetime(["2024-01-01", "2024-02-01", None, "2024-03-01"] * 5, utc=True),
            "score": np.linspace(0, 1, 20),
            "mixed": pd.Series([1, "x", None, 2.5] * 5, dtype=object),
        }
    )
    return profile(frame)


def test_json_round_trip_is_exact() -> None:
    original = _rich_profile()
    restored = Profile.from_json(original.to_json())
    assert restored == original
    assert restored.columns["level"].categories == {2: 10, 1: 5, 3: 5}
    assert restored.columns["flag"].categories == {True: 15, False: 5}
    assert isinstance(restored.columns["when"].min, dt.datetime)
    assert restored.columns["when"].datetime_range == dt.timedelta(days=60)


def test_to_frame_has_one_row_per_field() -> None:
    result = _rich_profile()
    frame = result.to_frame()
    assert list(frame.index) == list(result.columns)
    assert frame.loc["score", "p50"] == result.columns["score"].quantiles["p50"]  # type: ignore[index]
    assert frame.loc["code", "null_count"] == 5
    assert frame.sort_values("quality").index[0] in result.columns


def test_html_names_every_field_and_escapes() -> None:
    result = profile(pd.DataFrame({"<b>tag</b>": ["x@example.com", "y@example.com"]}))
    html = result._repr_html_()
    assert "<b>&lt;b&gt;tag&lt;/b&gt;</b>" in html  # the name is escaped, not rendered as markup
    assert "email" in html and "sensitive" in html
    assert "2 rows profiled" in html


def test_empty_profile_renders() -> None:
    result = profile(pd.DataFrame())
    assert result.to_frame().empty
    assert "0 fields" in result._repr_html_()


def test_fields_table_cells_can_be_replaced_by_title_only() -> None:
    import pandas as pd
    import pytest

    from xcatalog.errors import ProfilingError
    from xcatalog.profiling import profile
    from xcatalog.profiling.model import fields_table_html

    columns = list(profile(pd.DataFrame({"city": ["Paris", "Lyon"]})).columns.values())
    replaced = fields_table_html(columns, extra_cells=lambda column: {"quality": "<b>bar</b>"})
    assert "<b>bar</b>" in replaced
    with pytest.raises(ProfilingError, match=r"Cannot replace table cells \['colour'\] of field 'city'"):
        fields_table_html(columns, extra_cells=lambda column: {"colour": "x"})
