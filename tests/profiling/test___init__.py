from __future__ import annotations

import xcatalog.profiling as profiling


def test_all_is_sorted_and_complete() -> None:
    assert profiling.__all__ == sorted(profiling.__all__)
    public = {name for name in vars(profiling) if not name.startswith("_")}
    modules = {"api", "categorical", "engine", "flatten", "model", "options", "pushdown", "quality", "semantic"}
    assert set(profiling.__all__) == public - modules - {"annotations"}
