from __future__ import annotations

import importlib
import inspect
import pkgutil

import xcatalog.inference as inference


def test_all_is_sorted_and_complete() -> None:
    assert inference.__all__ == sorted(inference.__all__)
    for name in inference.__all__:
        assert hasattr(inference, name), name
    public = {
        name for name, value in vars(inference).items() if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public - {"annotations"} == set(inference.__all__)


def test_issue_names_are_exported() -> None:
    for name in [
        "FieldStats",
        "SchemaStats",
        "SchemaAccumulator",
        "analyze_documents",
        "model_from_stats",
        "infer_model",
        "model_source",
        "mongo_validator",
        "schema_pipeline",
        "stats_from_pipeline",
    ]:
        assert name in inference.__all__


def isort_order(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions.
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_submodules_declare_all_and_stay_pure() -> None:
    for module_info in pkgutil.iter_modules(inference.__path__):
        module = importlib.import_module(f"xcatalog.inference.{module_info.name}")
        assert module.__all__ == sorted(module.__all__, key=isort_order), module_info.name
        source = inspect.getsource(module)
        assert "import pymongo" not in source and "from pymongo" not in source
        assert "import bson" not in source and "from bson" not in source
