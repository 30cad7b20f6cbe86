from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from xcatalog.errors import ResourceError
from xcatalog.resources.factory import ResourceFactory
from xcatalog.resources.files import FileResource
from xcatalog.resources.frames import FrameResource
from xcatalog.resources.mongo import MongoResource


class _Isolated(ResourceFactory):
    """A subclass gets its own copy of the table on first register, so tests never leak kinds."""


@pytest.fixture
def factory() -> Iterator[type[ResourceFactory]]:
    yield _Isolated
    _Isolated._kinds = dict(ResourceFactory._kinds)


def test_kinds() -> None:
    assert ResourceFactory.kinds() == ["files", "frames", "mongodb"]


def test_create_mongodb_accepts_the_seed_spelling() -> None:
    resource = ResourceFactory.create("mongodb", connection_string="mongodb://ana:pw@db:27017/", database="shop")
    assert isinstance(resource, MongoResource)
    assert resource.database_name == "shop"
    assert resource.uri == "mongodb://ana:***@db:27017/"
    assert ResourceFactory.create("MongoDB", uri="mongodb://db/", database="x", name="main").name == "main"


def test_create_files_and_frames(tmp_path: Path) -> None:
    assert isinstance(ResourceFactory.create("files", path=tmp_path), FileResource)
    assert isinstance(ResourceFactory.create("files", path_or_paths=[tmp_path / "a.csv"]), FileResource)
    frames = ResourceFactory.create("frames", frames={"a": pd.DataFrame({"x": [1]})}, name="mine")
    assert isinstance(frames, FrameResource)
    assert frames.name == "mine"


@pytest.mark.parametrize(
    ("kind", "kwargs", "message"),
    [
        ("postgres", {}, r"Unknown resource kind 'postgres'. Kinds: files, frames, mongodb"),
        ("mongodb", {"uri": "mongodb://a/", "connection_string": "mongodb://b/", "database": "x"}, "either uri="),
        ("mongodb", {"uri": "mongodb://a/"}, r"Cannot create a 'mongodb' resource .*database"),
        ("frames", {"frames": {}, "colour": "red"}, r"Cannot create a 'frames' resource.*colour"),
    ],
)
def test_create_refuses(kind: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ResourceError, match=message):
        ResourceFactory.create(kind, **kwargs)


def test_register_extends_the_table(factory: type[ResourceFactory]) -> None:
    class Custom(FrameResource):
        resource_type = "custom"

    factory.register("Custom", Custom)
    assert factory.kinds() == ["custom", "files", "frames", "mongodb"]
    assert isinstance(factory.create("custom", frames={}), Custom)
    assert "custom" not in ResourceFactory.kinds()  # the parent's table is untouched
    with pytest.raises(ResourceError, match=r"'custom' is already registered .*override=True"):
        factory.register("custom", FrameResource)
    factory.register("custom", FrameResource, override=True)
    assert type(factory.create("custom", frames={})) is FrameResource


@pytest.mark.parametrize(("kind", "cls"), [("x", dict), ("", FrameResource)])
def test_register_refuses(factory: type[ResourceFactory], kind: str, cls: Any) -> None:
    with pytest.raises(ResourceError, match=r"not a Resource subclass|non-empty name"):
        factory.register(kind, cls)
