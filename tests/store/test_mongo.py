from __future__ import annotations

import logging
import subprocess
import traceback
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from xcatalog.errors import StoreConflict, StoreError
from xcatalog.store import Change, MongoStore, Snapshot

RunPython = Callable[..., subprocess.CompletedProcess[str]]
StartPython = Callable[..., subprocess.Popen[str]]
SampleSnapshot = Callable[..., Snapshot]

PASSWORD = "s3cretPW42"


@pytest.fixture
def prefix() -> str:
    return f"cat_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def open_store(mongo_uri: str, mongo_db_name: str, prefix: str) -> Iterator[Callable[..., MongoStore]]:
    opened: list[MongoStore] = []

    def open_one(**options: Any) -> MongoStore:
        store = MongoStore(mongo_uri, mongo_db_name, prefix=prefix, **options)
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        store.close()


pytestmark = pytest.mark.mongodb


def test_empty_store_reads_as_revision_zero(open_store: Callable[..., MongoStore]) -> None:
    store = open_store()
    snapshot = store.read_all()
    assert (snapshot.revision, len(snapshot), snapshot.audit) == (0, 0, [])
    assert store.revision == 0


def test_write_then_read_round_trips_dollar_keys_and_audit(
    open_store: Callable[..., MongoStore], sample_snapshot: SampleSnapshot
) -> None:
    snapshot = sample_snapshot()
    assert open_store().write(snapshot) == 1
    read = open_store().read_all()
    assert read.revision == 1
    assert read.records == snapshot.records
    assert read.audit == snapshot.audit


def test_collections_use_the_prefix(
    open_store: Callable[..., MongoStore], mongo_db: Any, prefix: str, sample_snapshot: SampleSnapshot
) -> None:
    open_store().write(sample_snapshot())
    assert {f"{prefix}_meta", f"{prefix}_records", f"{prefix}_audit"} <= set(mongo_db.list_collection_names())
    head = mongo_db[f"{prefix}_meta"].find_one({"_id": "head"})
    assert head["revision"] == 1


def test_puts_deletes_and_compaction_keep_the_latest_state(
    open_store: Callable[..., MongoStore], mongo_db: Any, prefix: str
) -> None:
    store = open_store(compact_after=4)
    store.read_all()
    expected: dict[str, dict[str, int]] = {}
    for index in range(15):
        store.put("models", f"m{index % 5}", {"v": index})
        expected[f"m{index % 5}"] = {"v": index}
        if index % 4 == 3:
            store.delete("models", f"m{index % 5}")
            expected.pop(f"m{index % 5}")
        read = open_store().read_all()
        assert dict(read.kind("models")) == expected, index
    head = mongo_db[f"{prefix}_meta"].find_one({"_id": "head"})
    assert len(head["overlays"]) <= 4
    assert store.apply([Change("types", "t", {"a": 1}), Change("models", "m0", None)]) == store.revision
    assert open_store().read_all().get("types", "t") == {"a": 1}


def test_old_revisions_are_cleaned_up(
    open_store: Callable[..., MongoStore], mongo_db: Any, prefix: str, sample_snapshot: SampleSnapshot
) -> None:
    store = open_store()
    store.read_all()
    for _ in range(6):
        store.write(sample_snapshot(models=20))
    # The current base and the previous one (kept for readers mid-read), nothing older.
    txns = mongo_db[f"{prefix}_records"].distinct("txn")
    assert len(txns) == 2
    assert mongo_db[f"{prefix}_records"].count_documents({}) == 2 * 21


@pytest.mark.parametrize(
    "stale_write",
    [
        pytest.param(lambda store: store.write(Snapshot(records={"models": {"y": {}}})), id="write"),
        pytest.param(lambda store: store.put("models", "x", {}), id="put"),
        pytest.param(lambda store: store.delete("models", "ns.models.shop.M0"), id="delete"),
    ],
)
def test_stale_writer_gets_a_conflict(
    open_store: Callable[..., MongoStore], stale_write: Callable[[MongoStore], int], sample_snapshot: SampleSnapshot
) -> None:
    first, second = open_store(), open_store()
    first.write(sample_snapshot())
    assert first.read_all().revision == second.read_all().revision == 1
    first.put("models", "fresh", {"by": "first"})
    with pytest.raises(StoreConflict, match=r"at revision 2, but this write is based on revision 1"):
        stale_write(second)
    read = second.read_all()
    assert read.revision == 2
    assert read.get("models", "fresh") == {"by": "first"}
    assert "x" not in read.kind("models")
    assert stale_write(second) == 3


def test_first_write_races_are_conflicts_too(open_store: Callable[..., MongoStore]) -> None:
    first, second = open_store(), open_store()
    first.put("models", "a", {})
    with pytest.raises(StoreConflict, match="based on revision 0"):
        second.put("models", "b", {})
    assert second.write(Snapshot(), force=True) == 2


def test_exception_midway_leaves_previous_state_and_no_orphans(
    open_store: Callable[..., MongoStore], mongo_db: Any, prefix: str, sample_snapshot: SampleSnapshot
) -> None:
    store = open_store()
    store.write(sample_snapshot())
    before = store.read_all()
    documents: dict[str, dict[str, Any]] = {f"k{index}": {"index": index} for index in range(1200)}
    documents["k1100"] = {"bad": object()}  # after two batches of 500 were inserted
    with pytest.raises(StoreError, match="models/k1100"):
        store.write(Snapshot(records={"models": documents}))
    after = open_store().read_all()
    assert after.revision == before.revision
    assert after.records == before.records
    assert mongo_db[f"{prefix}_records"].count_documents({}) == len(before)


def test_crash_midway_keeps_the_previous_state(
    mongo_uri: str,
    mongo_db_name: str,
    prefix: str,
    open_store: Callable[..., MongoStore],
    run_python: RunPython,
    sample_snapshot: SampleSnapshot,
) -> None:
    store = open_store()
    store.write(sample_snapshot())
    before = store.read_all()
    crash = """
        import os
        from collections.abc import Mapping
        from xcatalog.store import Snapshot

        class Crashing(Mapping):
            def __getitem__(self, key): return {}
            def __iter__(self): return iter(())
            def __len__(self): return 1500
            def items(self):
                for index in range(1500):
                    if index == 1200:
                        os._exit(3)  # dies after two batches were inserted, before the head flips
                    yield f"k{index}", {"index": index}

        store = open_store()
        store.read_all()
        store.write(Snapshot(records={"models": Crashing()}))
    """
    result = run_python(crash, "mongo", mongo_uri, mongo_db_name, prefix, check=False)
    assert result.returncode == 3, result.stderr
    after = open_store().read_all()
    assert (after.revision, after.records) == (before.revision, before.records)
    assert store.put("models", "next", {}) == before.revision + 1


def test_orphans_of_crashed_writers_are_swept_after_the_grace_period(
    open_store: Callable[..., MongoStore], mongo_db: Any, prefix: str
) -> None:
    from datetime import UTC, datetime, timedelta

    store = open_store()
    store.put("models", "a", {})
    orphan = {"txn": "dead", "seq": 0, "kind": "models", "key": "zombie", "document": "{}"}
    mongo_db[f"{prefix}_records"].insert_one({**orphan, "created": datetime.now(UTC) - timedelta(hours=1)})
    mongo_db[f"{prefix}_records"].insert_one({**orphan, "txn": "in-flight", "created": datetime.now(UTC)})
    store.put("models", "b", {})
    assert sorted(mongo_db[f"{prefix}_records"].distinct("txn", {"key": "zombie"})) == ["in-flight"]
    assert "zombie" not in open_store().read_all().kind("models")


def test_concurrent_writers_in_two_processes_do_not_corrupt(
    mongo_uri: str, mongo_db_name: str, prefix: str, open_store: Callable[..., MongoStore], start_python: StartPython
) -> None:
    writer = """
        import sys
        from xcatalog.errors import StoreConflict
        store = open_store()
        for index in range(12):
            while True:
                store.read_all()
                try:
                    store.put("counters", f"{sys.argv[-1]}-{index}", {"index": index})
                    break
                except StoreConflict:
                    pass
    """
    processes = [start_python(writer, "mongo", mongo_uri, mongo_db_name, prefix, name) for name in ("a", "b")]
    outputs = [process.communicate(timeout=240) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    read = open_store().read_all()
    assert sorted(read.kind("counters")) == sorted(f"{name}-{index}" for name in "ab" for index in range(12))
    assert read.revision == 24


def test_audit_append_is_idempotent_and_ordered(open_store: Callable[..., MongoStore]) -> None:
    store = open_store()
    events = [{"action": "update", "path": f"p{index}", "time": "2024-01-01T00:00:00Z"} for index in range(5)]
    assert store.append_audit(events[:3]) == 3
    assert store.append_audit(events) == 2
    assert store.revision == 0
    assert open_store().read_all().audit == events


def test_password_never_shows(mongo_uri: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    uri = f"mongodb://reader:{PASSWORD}@127.0.0.1:1/?authSource=admin"
    store = MongoStore(uri, "catalog", server_selection_timeout_ms=200)
    with pytest.raises(
        StoreError, match=r"Cannot read the catalog store mongodb://reader:\*\*\*@127\.0\.0\.1:1/"
    ) as caught:
        store.read_all()
    shown = [repr(store), str(store), store.location, str(vars(store)), str(caught.value), repr(caught.value)]
    shown.append("".join(traceback.format_exception(caught.value)))
    shown.extend(record.getMessage() for record in caplog.records)
    assert all(PASSWORD not in text for text in shown)
    store.close()


def test_invalid_uri_error_is_redacted() -> None:
    with pytest.raises(StoreError, match="Check the URI") as caught:
        MongoStore(f"mongodb://reader:{PASSWORD}@", "catalog")
    assert PASSWORD not in str(caught.value)
    assert PASSWORD not in "".join(traceback.format_exception(caught.value))


@pytest.mark.parametrize("prefix", ["", "has space", "1abc", "a.b"])
def test_bad_prefix_is_refused(mongo_uri: str, prefix: str) -> None:
    with pytest.raises(StoreError, match="Invalid store prefix"):
        MongoStore(mongo_uri, "catalog", prefix=prefix)
