from __future__ import annotations

import xcatalog.widgets as package


def test_all_is_sorted_and_every_name_is_public_and_importable() -> None:
    assert list(package.__all__) == sorted(package.__all__)
    assert all(not name.startswith("_") for name in package.__all__)
    assert all(hasattr(package, name) for name in package.__all__)


def test_the_widgets_are_exported() -> None:
    assert {"ModelForm", "ProfileView", "FunctionRunner", "TaskPanel"} <= set(package.__all__)
