from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from xcatalog.errors import CollectionNotFound, ResourceError
from xcatalog.resources.files import FileResource

EVENTS = [
    {"id": 1, "kind": "click", "meta": {"x": 1}},
    {"id": 2, "kind": "view"},  # sparse: no meta
    {"id": 3, "kind": None, "meta": {"x": 2, "tags": ["a"]}},
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "events.jsonl").write_text("\n".join(json.dumps(event) for event in EVENTS) + "\n\n")
    (tmp_path / "people.csv").write_text("name,age,city\nana,31,Oslo\nbo,,Bergen\ncy,40,\n")
    table = pa.table(
        {
            "sku": ["a1", "b2"],
            "price": pa.array([Decimal("1.50"), None], type=pa.decimal128(6, 2)),
            "added": [dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 1)],
            "dims": [{"w": 1.0, "h": 2.0}, {"w": 3.0, "h": None}],
            "colors": [["red"], []],
        }
    )
    pq.write_table(table, tmp_path / "products.parquet")
    (tmp_path / "lookup.json").write_text(json.dumps([{"code": "x"}, {"code": "y"}]))
    (tmp_path / "notes.txt").write_text("not a collection")
    return tmp_path


async def test_folder_lists_one_collection_per_supported_file(folder: Path) -> None:
    async with FileResource(folder) as resource:
        assert resource.name == folder.name
        assert resource.get_type() == "files"
        assert await resource.list_collections() == ["events", "lookup", "people", "products"]
        assert await resource.validate_connection() is True
    assert await resource.validate_connection() is False


async def test_json_lines_keep_absent_keys_absent(folder: Path) -> None:
    resource = FileResource(folder)
    assert await resource.find("events", sort="id") == EVENTS
    assert await resource.count("events", filter={"meta": {"$exists": False}}) == 1
    assert await resource.find("events", {"meta.tags": "a"}, projection={"id": 1}) == [{"id": 3}]


async def test_csv_cells_are_typed_and_empty_cells_are_none(folder: Path) -> None:
    rows = await FileResource(folder).find("people", sort=[("name", 1)])
    assert rows[0] == {"name": "ana", "age": 31.0, "city": "Oslo"}
    assert rows[1]["age"] is None
    assert rows[2]["city"] is None
    assert all(set(row) == {"name", "age", "city"} for row in rows)


async def test_parquet_keeps_nested_values(folder: Path) -> None:
    rows = await FileResource(folder).find("products", sort="sku")
    assert rows[0] == {
        "sku": "a1",
        "price": Decimal("1.50"),
        "added": dt.datetime(2024, 1, 1),
        "dims": {"w": 1.0, "h": 2.0},
        "colors": ["red"],
    }
    assert rows[1]["price"] is None
    assert rows[1]["dims"] == {"w": 3.0, "h": None}
    assert rows[1]["colors"] == []


async def test_a_list_of_files(folder: Path) -> None:
    resource = FileResource([folder / "people.csv", str(folder / "lookup.json")], name="picked")
    assert await resource.list_collections() == ["lookup", "people"]
    assert await resource.count("lookup") == 2
    assert "picked" in repr(resource)


async def test_sample_and_batches(folder: Path) -> None:
    resource = FileResource(folder, seed=3)
    assert sorted(event["id"] for event in await resource.sample("events", 10)) == [1, 2, 3]
    batches = [batch async for batch in resource.iter_batches("events", batch_size=2)]
    assert [len(batch) for batch in batches] == [2, 1]


async def test_missing_collection_lists_files(folder: Path) -> None:
    with pytest.raises(CollectionNotFound, match=r"No file for the collection 'event' in .*Available: events, lookup"):
        await FileResource(folder).count("event")


@pytest.mark.parametrize("missing", ["no-such-folder", "no-such.csv"])
async def test_missing_paths(tmp_path: Path, missing: str) -> None:
    with pytest.raises(CollectionNotFound, match="no-such"):
        await FileResource(tmp_path / missing).connect()


def test_unsupported_suffix(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("x")
    with pytest.raises(ResourceError, match=r"data.txt: unsupported file type '.txt'. Supported: .csv"):
        FileResource(tmp_path / "data.txt")


def test_needs_a_path() -> None:
    with pytest.raises(ResourceError, match="needs a folder or at least one file"):
        FileResource([])


async def test_clashing_stems(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "a.jsonl").write_text('{"x": 1}\n')
    with pytest.raises(ResourceError, match="would both be the collection 'a'"):
        await FileResource(tmp_path).connect()


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("bad.jsonl", '{"a": 1}\n{"a": \n', r"Line 2 of .*bad.jsonl is not valid JSON"),
        ("list.jsonl", '{"a": 1}\n[1, 2]\n', r"Line 2 of .*list.jsonl holds a list, not a JSON object"),
        ("bad.json", "{", r"bad.json is not valid JSON"),
        ("scalars.json", "[1, 2]", r"must hold a JSON array of objects"),
        ("broken.parquet", "not parquet", r"Cannot read .*broken.parquet as PARQUET"),
        ("latin.csv", None, r"Cannot read .*latin.csv as CSV"),
    ],
)
async def test_unreadable_files_name_the_path(tmp_path: Path, filename: str, content: str | None, message: str) -> None:
    path = tmp_path / filename
    if content is None:
        path.write_bytes(b"name\n\xff\xfe\xfa\n")
    else:
        path.write_text(content)
    resource = FileResource(path)
    with pytest.raises(ResourceError, match=message):
        await resource.find(path.stem)


async def test_empty_csv_is_an_empty_collection(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    assert await FileResource(tmp_path).count("empty") == 0


async def test_insert_many_appends_json_lines(folder: Path) -> None:
    resource = FileResource(folder)
    (folder / "events.jsonl").write_text(json.dumps(EVENTS[0]))  # no final newline
    ids = await resource.insert_many("events", [{"id": 9, "at": dt.datetime(2024, 1, 1), "amount": Decimal("2.5")}])
    assert ids == [1]
    assert await resource.find("events", {"id": 9}) == [{"id": 9, "at": "2024-01-01T00:00:00", "amount": "2.5"}]
    assert await resource.count("events") == 2


async def test_insert_many_creates_a_json_lines_file_in_the_folder(folder: Path) -> None:
    resource = FileResource(folder)
    assert await resource.insert_many("audit", [{"a": 1}, {"b": 2}]) == [0, 1]
    assert (folder / "audit.jsonl").read_text().splitlines() == ['{"a": 1}', '{"b": 2}']
    assert "audit" in await resource.list_collections()


@pytest.mark.parametrize(
    ("collection", "documents", "message"),
    [
        ("people", [{"a": 1}], "only JSON-lines files"),
        ("events", [{"a": {1, 2}}], "Cannot write a document .* as JSON: set is not JSON serialisable"),
    ],
)
async def test_insert_many_refuses(
    folder: Path, collection: str, documents: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(ResourceError, match=message):
        await FileResource(folder).insert_many(collection, documents)


async def test_insert_many_into_a_new_collection_needs_a_folder(folder: Path) -> None:
    resource = FileResource([folder / "events.jsonl"])
    with pytest.raises(ResourceError, match="serves a list of files, not a folder"):
        await resource.insert_many("new", [{"a": 1}])


async def test_csv_matches_the_frame_conversion(folder: Path) -> None:
    from xcatalog.resources.frames import frame_to_records

    assert await FileResource(folder).find("people") == frame_to_records(pd.read_csv(folder / "people.csv"))
