"""A resource over data files: one collection per file, named by the file stem.

Formats (by suffix):

- ``.csv``: read with pandas (typed columns); an empty cell is ``None`` and
  its key is kept, as for frames.
- ``.jsonl`` / ``.ndjson``: one JSON object per line; **absent keys stay
  absent** and ``null`` is ``None``, so sparse documents look as they would in
  MongoDB. Blank lines are skipped.
- ``.json``: a JSON array of objects (or one object).
- ``.parquet``: read with pyarrow; nested structs and lists become dicts and
  lists, a null cell is ``None``.

A file is read whole on first use and cached until :meth:`FileResource.close`:
this resource is for files that fit in memory; load bigger data into MongoDB.
:meth:`FileResource.insert_many` appends to JSON-lines files only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xcatalog.errors import CollectionNotFound, ResourceError, format_choices
from xcatalog.resources._memory import InMemoryResource
from xcatalog.resources.frames import frame_to_records, to_python_value

__all__ = ["SUPPORTED_SUFFIXES", "FileResource"]

SUPPORTED_SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson", ".parquet")
_JSON_LINES = (".jsonl", ".ndjson")

PathLike = str | os.PathLike[str]


def _read_json_lines(path: Path) -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                document = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ResourceError(
                    f"Line {number} of {path} is not valid JSON ({exc.msg} at column {exc.colno}). "
                    "Fix or remove that line; each line must hold one JSON object."
                ) from exc
            if not isinstance(document, dict):
                raise ResourceError(
                    f"Line {number} of {path} holds a {type(document).__name__}, not a JSON object. "
                    'Each line of a JSON-lines file must be one object like {"a": 1}.'
                )
            documents.append(document)
    return documents


def _read_json(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ResourceError(f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}).") from exc
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ResourceError(f"{path} must hold a JSON array of objects (or one object); use .jsonl for one per line.")
    return items


def _read_csv(path: Path) -> list[dict[str, Any]]:
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return []
    return frame_to_records(frame)


def _read_parquet(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return [to_python_value(row) for row in pq.read_table(path).to_pylist()]


_READERS = {
    ".csv": _read_csv,
    ".json": _read_json,
    ".jsonl": _read_json_lines,
    ".ndjson": _read_json_lines,
    ".parquet": _read_parquet,
}


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    # ObjectId and friends: their string form is what a JSON reader would want.
    if type(value).__name__ == "ObjectId":
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class FileResource(InMemoryResource):
    """Collections backed by CSV, JSON, JSON-lines and Parquet files.

    Args:
        path_or_paths: A folder (its supported files, not recursive) or one or
            more files.
        name: The resource name; default the folder's name (or the first file's folder).
        seed: Seed for :meth:`sample`, for repeatable samples.

    Raises:
        ResourceError: A file has an unsupported suffix (at construction).
    """

    resource_type = "files"

    def __init__(
        self, path_or_paths: PathLike | Sequence[PathLike], name: str | None = None, *, seed: int | None = None
    ) -> None:
        if isinstance(path_or_paths, str | os.PathLike):
            paths = [Path(path_or_paths)]
        else:
            paths = [Path(path) for path in path_or_paths]
        if not paths:
            raise ResourceError("FileResource needs a folder or at least one file path.")
        # One path is a folder if it is one, or if it does not exist yet and has no suffix (connect() reports it).
        is_folder = len(paths) == 1 and (paths[0].is_dir() or (not paths[0].exists() and not paths[0].suffix))
        self._folder = paths[0] if is_folder else None
        self._paths = paths
        for path in paths:
            if path is not self._folder and path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise ResourceError(
                    f"Cannot read {path}: unsupported file type '{path.suffix or '(no suffix)'}'. "
                    f"Supported: {', '.join(SUPPORTED_SUFFIXES)}."
                )
        default_name = self._folder.name if self._folder is not None else (paths[0].parent.name or "files")
        super().__init__(name or default_name, seed=seed)
        self._files: dict[str, Path] = {}

    def __repr__(self) -> str:
        where = str(self._folder) if self._folder is not None else [str(path) for path in self._paths]
        return f"FileResource(name={self.name!r}, paths={where!r})"

    def _scan(self) -> dict[str, Path]:
        """Map collection names to files, refusing missing paths and clashing stems."""
        if self._folder is not None:
            if not self._folder.is_dir():
                raise CollectionNotFound(
                    f"The folder {self._folder} does not exist (or is not a folder). "
                    f"Check the path; it should hold {', '.join(SUPPORTED_SUFFIXES)} files.",
                    name=str(self._folder),
                )
            candidates = sorted(path for path in self._folder.iterdir() if path.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            missing = [str(path) for path in self._paths if not path.is_file()]
            if missing:
                raise CollectionNotFound(
                    f"These files do not exist: {', '.join(missing)}. Check the paths.", name=missing[0], available=[]
                )
            candidates = self._paths
        files: dict[str, Path] = {}
        for path in candidates:
            if path.stem in files:
                raise ResourceError(
                    f"Two files would both be the collection '{path.stem}': {files[path.stem]} and {path}. "
                    "Rename one, or pass the files you want as a list."
                )
            files[path.stem] = path
        return files

    async def connect(self) -> None:
        """Check that the folder or files exist and list the collections.

        Raises:
            CollectionNotFound: The folder or a file does not exist.
            ResourceError: Two files have the same stem.
        """
        self._files = self._scan()
        await super().connect()

    async def validate_connection(self) -> bool:
        """Whether the resource is open and every file it serves still exists."""
        return self._connected and all(path.is_file() for path in self._files.values())

    def _collection_names(self) -> list[str]:
        # Rescan a folder so that files added since connect() show up.
        if self._folder is not None:
            self._files = self._scan()
        return list(self._files)

    def _describe_missing(self, collection: str) -> str:
        where = self._folder if self._folder is not None else "the given files"
        return f"No file for the collection '{collection}' in {where}"

    def path_of(self, collection: str) -> Path:
        """The file behind a collection.

        Raises:
            CollectionNotFound: No file has that stem.
        """
        if collection not in self._files:
            available = sorted(self._collection_names())
            if collection not in available:
                raise CollectionNotFound(
                    f"{self._describe_missing(collection)}. Available: {format_choices(available)}.",
                    name=collection,
                    available=available,
                )
        return self._files[collection]

    def _load(self, collection: str) -> list[dict[str, Any]]:
        path = self.path_of(collection)
        reader = _READERS[path.suffix.lower()]
        try:
            return reader(path)
        except ResourceError:
            raise
        except FileNotFoundError as exc:
            raise CollectionNotFound(
                f"The file {path} of the collection '{collection}' disappeared. Check the folder.", name=collection
            ) from exc
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            # pandas and pyarrow raise ValueError subclasses (ParserError, ArrowInvalid) for corrupt files.
            raise ResourceError(
                f"Cannot read {path} as {path.suffix.lstrip('.').upper()}: {exc}. Check that the file is not corrupt "
                "and that its suffix matches its content."
            ) from exc

    async def insert_many(
        self, collection: str, documents: Sequence[Mapping[str, Any]], *, object_id_fields: Collection[str] = ()
    ) -> list[Any]:
        """Append documents to a JSON-lines file (created in the folder for a new collection).

        Returns:
            The line positions (0-based, among the documents) of the new documents.

        Raises:
            ResourceError: The collection is not a JSON-lines file, a value
                cannot be written as JSON, or a new collection has no folder.
        """
        if not self._connected:
            await self.connect()
        if collection in self._collection_names():
            path = self._files[collection]
        elif self._folder is not None:
            path = self._folder / f"{collection}.jsonl"
        else:
            raise ResourceError(
                f"Cannot create the collection '{collection}': this resource serves a list of files, not a folder. "
                "Create the .jsonl file first or use a folder resource."
            )
        if path.suffix.lower() not in _JSON_LINES:
            raise ResourceError(
                f"Cannot insert into {path}: only JSON-lines files (.jsonl, .ndjson) can be appended to. "
                "Convert the file or insert into a new collection."
            )
        if not documents:
            return []
        try:
            lines = [json.dumps(dict(document), default=_json_default, ensure_ascii=False) for document in documents]
        except TypeError as exc:
            raise ResourceError(f"Cannot write a document to {path} as JSON: {exc}.") from exc
        existing = len(await self._documents(collection)) if path.exists() else 0
        if path.exists() and path.stat().st_size and not _ends_with_newline(path):
            lines[0] = "\n" + lines[0]  # the last line had no newline; do not glue the new one onto it
        with path.open("a", encoding="utf-8") as handle:
            handle.writelines(line + "\n" for line in lines)
        self._files[collection] = path
        self._cache.pop(collection, None)
        return list(range(existing, existing + len(lines)))
