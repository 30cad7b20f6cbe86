from __future__ import annotations

import pytest

from xcatalog.config import load_settings
from xcatalog.errors import ProfilingError
from xcatalog.profiling.options import ProfileOptions


def test_defaults_come_from_settings() -> None:
    settings = load_settings(
        files=[],
        overrides={"registry": {"enrichment": {"categorical_threshold": 7}}, "profiling": {"histogram_bins": 5}},
    )
    options = ProfileOptions.resolve(settings)
    assert options.categorical_threshold == 7
    assert options.histogram_bins == 5


def test_overrides_win() -> None:
    assert ProfileOptions.resolve(None, quantiles=False).quantiles is False


def test_unknown_option_lists_the_valid_ones() -> None:
    with pytest.raises(ProfilingError, match=r"Unknown profiling option\(s\): colour.*categorical_threshold"):
        ProfileOptions.resolve(None, colour="red")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("categorical_threshold", 0),
        ("categorical_max_ratio", 0),
        ("sample_rows", -1),
        ("histogram_bins", 0),
        ("semantic_sample_size", 0),
        ("semantic_min_share", 1.5),
    ],
)
def test_out_of_range_options_are_refused(name: str, value: float) -> None:
    with pytest.raises(ProfilingError, match=f"{name}="):
        ProfileOptions.resolve(None, **{name: value})
