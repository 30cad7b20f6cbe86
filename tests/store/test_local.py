from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from xcatalog.errors import StoreConflict, StoreError
from xcatalog.store import Change, LocalStore, Snapshot

RunPython = Callable[..., subprocess.CompletedProcess[str]]
StartPython = Callable[..., subprocess.Popen[str]]
SampleSnapshot = Callable[..., Snapshot]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "catalog.db"


@pytest.fixture
def store(path: Path) -> Iterator[LocalStore]:
    with LocalStore(path) as opened:
        yield opened


class FailingRecords(Mapping[str, dict[str, Any]]):
    """Records that raise while being written, after ``fail_at`` of them were produced."""

    def __init__(self, count: int, fail_at: int) -> None:
        self.count = count
        self.fail_at = fail_at

    def __getitem__(self, key: str) -> dict[str, Any]:
        return {"key": key}

    def __iter__(self) -> Iterator[str]:
        return (f"k{index}" for index in range(self.count))

    def __len__(self) -> int:
        return self.count

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:  # type: ignore[override]
        for index in range(self.count):
            if index == self.fail_at:
                raise RuntimeError("disk on fire")
            yield f"k{index}", {"index": index}


def test_empty_store_reads_as_revision_zero(store: LocalStore, path: Path) -> None:
    assert path.exists()
    assert store.known_revision is None
    snapshot = store.read_all()
    assert (snapshot.revision, len(snapshot), snapshot.audit) == (0, 0, [])
    assert store.known_revision == 0
    assert store.revision == 0


def test_file_is_in_wal_mode(store: LocalStore, path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        connection.close()


def test_write_then_read_round_trips_records_and_audit(
    store: LocalStore, path: Path, sample_snapshot: SampleSnapshot
) -> None:
    snapshot = sample_snapshot()
    assert store.write(snapshot) == 1
    with LocalStore(path) as again:
        read = again.read_all()
    assert read.revision == 1
    assert read.records == snapshot.records
    assert read.audit == snapshot.audit
    assert read.get("models", "ns.models.shop.M1") == {
        "name": "M1",
        "schema": {"$defs": {}, "$ref": "#/$defs/X"},
        "n": 1,
    }
    assert read.get("models", "missing") is None


def test_write_replaces_every_record(store: LocalStore, sample_snapshot: SampleSnapshot) -> None:
    store.write(sample_snapshot(models=5))
    store.write(Snapshot(records={"functions": {"ns.functions.f": {"name": "f"}}}))
    read = store.read_all()
    assert dict(read.records) == {"functions": {"ns.functions.f": {"name": "f"}}}
    assert read.revision == 2


def test_put_delete_and_apply_each_make_one_revision(store: LocalStore) -> None:
    store.read_all()
    assert store.put("models", "a", {"v": 1}) == 1
    assert store.put("models", "a", {"v": 2}) == 2
    assert store.put("types", "b", {"v": 3}) == 3
    assert store.delete("types", "b") == 4
    assert store.delete("types", "never-there") == 5
    assert store.apply([Change("models", "c", {"v": 4}), Change("models", "a", None)], audit=[{"action": "x"}]) == 6
    read = store.read_all()
    assert dict(read.records) == {"models": {"c": {"v": 4}}}
    assert read.audit == [{"action": "x"}]


@pytest.mark.parametrize(
    "stale_write",
    [
        pytest.param(lambda store: store.write(Snapshot(records={"models": {"y": {}}})), id="write"),
        pytest.param(lambda store: store.put("models", "x", {}), id="put"),
        pytest.param(lambda store: store.delete("models", "ns.models.shop.M0"), id="delete"),
    ],
)
def test_stale_writer_gets_a_conflict(
    path: Path, stale_write: Callable[[LocalStore], int], sample_snapshot: SampleSnapshot
) -> None:
    with LocalStore(path) as first, LocalStore(path) as second:
        first.write(sample_snapshot())
        assert first.read_all().revision == second.read_all().revision == 1
        first.put("models", "fresh", {"by": "first"})
        with pytest.raises(StoreConflict, match=r"at revision 2, but this write is based on revision 1"):
            stale_write(second)
        # Nothing of the stale write landed.
        read = second.read_all()
        assert read.revision == 2
        assert read.get("models", "fresh") == {"by": "first"}
        assert "x" not in read.kind("models")
        # After reading again the same write goes through.
        assert stale_write(second) == 3


def test_fresh_object_must_read_before_overwriting(path: Path, sample_snapshot: SampleSnapshot) -> None:
    with LocalStore(path) as first:
        first.write(sample_snapshot())
    with LocalStore(path) as second:
        with pytest.raises(StoreConflict, match="based on revision 0"):
            second.write(Snapshot())
        assert second.write(Snapshot(), force=True) == 2
        assert len(second.read_all()) == 0


def test_explicit_expected_revision_is_checked(store: LocalStore, sample_snapshot: SampleSnapshot) -> None:
    store.write(sample_snapshot())
    with pytest.raises(StoreConflict):
        store.put("models", "x", {}, expected_revision=7)
    assert store.put("models", "x", {}, expected_revision=1) == 2


def test_exception_midway_through_a_write_keeps_the_previous_state(
    store: LocalStore, sample_snapshot: SampleSnapshot
) -> None:
    store.write(sample_snapshot())
    before = store.read_all()
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.write(Snapshot(records={"models": FailingRecords(1000, fail_at=600)}))
    after = store.read_all()
    assert after.revision == before.revision
    assert after.records == before.records


def test_unserialisable_document_fails_the_whole_write(store: LocalStore, sample_snapshot: SampleSnapshot) -> None:
    store.write(sample_snapshot())
    documents: dict[str, dict[str, Any]] = {f"k{index}": {"index": index} for index in range(50)}
    documents["k25"] = {"bad": object()}
    with pytest.raises(StoreError, match=r"Cannot store record models/k25: it is not JSON-serialisable"):
        store.write(Snapshot(records={"models": documents}))
    assert store.read_all().records == sample_snapshot().records


@pytest.mark.parametrize(
    ("kind", "key", "document", "message"),
    [
        ("models", "", {}, "non-empty strings"),
        ("", "k", {}, "non-empty strings"),
        ("models", "k", ["not", "a", "dict"], "must be a JSON object"),
    ],
)
def test_bad_records_are_refused(store: LocalStore, kind: str, key: str, document: Any, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        store.put(kind, key, document)
    assert store.revision == 0


def test_crash_midway_through_a_write_keeps_the_previous_state(
    path: Path, run_python: RunPython, sample_snapshot: SampleSnapshot
) -> None:
    with LocalStore(path) as store:
        store.write(sample_snapshot())
        before = store.read_all()
    crash = """
        import os
        from collections.abc import Mapping
        from xcatalog.store import Snapshot

        class Crashing(Mapping):
            def __getitem__(self, key): return {}
            def __iter__(self): return iter(())
            def __len__(self): return 2000
            def items(self):
                for index in range(2000):
                    if index == 1500:
                        os._exit(3)  # the process dies inside the open transaction
                    yield f"k{index}", {"index": index}

        store = open_store()
        store.read_all()
        store.write(Snapshot(records={"models": Crashing()}))
    """
    result = run_python(crash, "local", str(path), check=False)
    assert result.returncode == 3, result.stderr
    with LocalStore(path) as reopened:
        after = reopened.read_all()
        assert after.revision == before.revision
        assert after.records == before.records
        assert reopened.put("models", "next", {}) == before.revision + 1


def test_concurrent_writers_in_two_processes_do_not_corrupt(
    path: Path, start_python: StartPython, sample_snapshot: SampleSnapshot
) -> None:
    with LocalStore(path) as store:
        store.write(sample_snapshot())
    writer = """
        import sys
        from xcatalog.errors import StoreConflict
        store = open_store()
        conflicts = 0
        for index in range(25):
            while True:
                store.read_all()
                try:
                    store.put("counters", f"{sys.argv[-1]}-{index}", {"index": index})
                    break
                except StoreConflict:
                    conflicts += 1
        print(conflicts)
    """
    processes = [start_python(writer, "local", str(path), name) for name in ("a", "b")]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    with LocalStore(path) as store:
        read = store.read_all()
    # Every put landed exactly once, each in its own revision.
    assert sorted(read.kind("counters")) == sorted(f"{name}-{index}" for name in "ab" for index in range(25))
    assert read.revision == 1 + 50
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


def test_audit_append_is_idempotent_and_keeps_the_revision(store: LocalStore, sample_snapshot: SampleSnapshot) -> None:
    store.write(sample_snapshot())
    events = [{"action": "update", "path": "p", "time": f"2024-01-0{day}T00:00:00Z"} for day in range(1, 4)]
    assert store.append_audit(events) == 3
    assert store.append_audit(events) == 0
    assert store.append_audit([]) == 0
    read = store.read_all()
    assert read.revision == 1
    assert read.audit == [*sample_snapshot().audit, *events]
    # Writing the same snapshot again does not duplicate its events.
    store.write(Snapshot(records=read.records, audit=read.audit))
    assert len(store.read_all().audit) == 4


def test_closed_store_refuses_work(path: Path) -> None:
    store = LocalStore(path)
    with store:
        pass
    assert store.closed
    store.close()  # closing twice is harmless
    with pytest.raises(StoreError, match="is closed"):
        store.read_all()


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError, match=r"Cannot open the catalog store .*notes\.db"):
        LocalStore(bogus)


def test_a_newer_layout_is_refused(path: Path) -> None:
    LocalStore(path).close()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE meta SET value = '99' WHERE name = 'format'")
    connection.close()
    with pytest.raises(StoreError, match="layout version 99"):
        LocalStore(path)


def test_repr_names_the_file(store: LocalStore, path: Path) -> None:
    assert repr(store) == f"LocalStore({str(path)!r}, revision=None)"
    assert os.fspath(path) in store.location
