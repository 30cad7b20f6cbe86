"""Put the sample shop where the resources can read it: MongoDB, pandas DataFrames, or files.

- :func:`load_shop` inserts the dataset into MongoDB through
  :class:`~xcatalog.resources.mongo.MongoResource`, in batches with progress.
  It is idempotent: collections that already hold this exact dataset are left
  alone, an interrupted load resumes where it stopped, and anything else is
  refused unless ``drop=True``.
- :func:`frames` gives one DataFrame per collection with nested fields
  flattened to dotted columns (``address.city``); arrays (``items``, ``tags``)
  stay lists in their cells. A frame cannot tell an absent key from a null:
  both are a missing cell.
- :func:`write_files` writes JSON-lines, CSV and Parquet files, one folder per
  format so that :class:`~xcatalog.resources.files.FileResource` sees one file
  per collection in each.

What each form keeps of the deliberate problems (see :mod:`xcatalog.examples.shop`):
MongoDB and JSON-lines keep everything (absent keys, nulls, the mixed
int/float/str ``price``). CSV and Parquet flatten nested fields and lose the
difference between absent and null; CSV stores every value as text, and
Parquet, which needs one type per column, stores a mixed-type column as text
(``products.price``), so the values survive but not their types.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from bson import ObjectId

from xcatalog.config import MongoSettings
from xcatalog.errors import CollectionNotFound, ResourceError, redact
from xcatalog.examples.shop import DEFAULT_SEED, ProblemRates, ShopDataset, generate_shop
from xcatalog.resources.mongo import MongoResource

__all__ = ["DEFAULT_DATABASE", "FileFormat", "ProgressCallback", "frames", "load_shop", "write_files"]

#: The database :func:`load_shop` fills when given a connection string and no database.
DEFAULT_DATABASE = "shop"

#: ``progress(collection, done, total)``: called after every batch, and once with ``done == total`` for a
#: collection that already held the data.
ProgressCallback = Callable[[str, int, int], None]

FileFormat = Literal["jsonl", "csv", "parquet"]

# Fields holding ids of the shop's own documents; they become ObjectId values in MongoDB.
_ID_FIELDS = ("_id", "user_id", "product_id")


# -- MongoDB ----------------------------------------------------------------------------------------------------------


def _to_mongo(document: Mapping[str, Any], object_ids: bool) -> dict[str, Any]:
    converted = dict(document)
    if object_ids:
        for name in _ID_FIELDS:
            if isinstance(converted.get(name), str):
                converted[name] = ObjectId(converted[name])
    return converted


async def _existing_count(resource: MongoResource, collection: str) -> int:
    try:
        return await resource.count(collection, exact=True)
    except CollectionNotFound:
        return 0


async def _holds_prefix(resource: MongoResource, collection: str, expected: Sequence[dict[str, Any]]) -> bool:
    """Whether the collection's first and last documents are ``expected``'s first and last.

    The generator gives every document an id derived from the seed, and inserts
    are ordered, so equal boundary documents mean the same dataset (or an
    interrupted load of it) without reading the whole collection back.
    """
    boundary = [expected[0], expected[-1]]
    found = await resource.find(collection, {"_id": {"$in": [document["_id"] for document in boundary]}})
    by_id = {document["_id"]: document for document in found}
    return all(by_id.get(document["_id"]) == document for document in boundary)


async def _drop(resource: MongoResource, collection: str) -> None:
    await resource.connect()
    try:
        await resource.client[resource.database_name].drop_collection(collection)
    except Exception as exc:  # pymongo's error classes may only be imported by the resources layer
        raise ResourceError(
            f"Cannot drop {resource.database_name}.{collection} on {resource.hosts}: {redact(exc)}. "
            "Check that the user may drop collections, or load into another database."
        ) from exc


async def _load_collection(
    resource: MongoResource,
    collection: str,
    documents: Sequence[dict[str, Any]],
    *,
    describe: str,
    drop: bool,
    batch_size: int,
    progress: ProgressCallback | None,
) -> int:
    total = len(documents)
    if drop:
        await _drop(resource, collection)
        existing = 0
    else:
        existing = await _existing_count(resource, collection)
    if existing:
        is_ours = existing <= total and await _holds_prefix(resource, collection, documents[:existing])
        if not is_ours:
            raise ResourceError(
                f"{resource.database_name}.{collection} on {resource.hosts} already holds {existing} documents that "
                f"are not the sample shop for {describe} ({total} documents). Pass drop=True to replace them, "
                "or load into another database."
            )
    if existing == total:
        if progress is not None:
            progress(collection, total, total)
        return 0
    # Ordered inserts leave a prefix behind when a load is interrupted, so resuming at `existing` is exact.
    for start in range(existing, total, batch_size):
        batch = documents[start : start + batch_size]
        await resource.insert_many(collection, batch)
        if progress is not None:
            progress(collection, start + len(batch), total)
    return total - existing


async def load_shop(
    resource_or_uri: MongoResource | str,
    database: str | None = None,
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    rates: ProblemRates | None = None,
    dataset: ShopDataset | None = None,
    drop: bool = False,
    progress: ProgressCallback | None = None,
    batch_size: int = 1000,
    object_ids: bool = True,
    settings: MongoSettings | None = None,
) -> dict[str, int]:
    """Insert the sample shop into MongoDB, once.

    For each collection: if it already holds exactly this dataset, nothing is
    written; if it holds the beginning of it (an interrupted load), the rest is
    inserted; if it is empty or absent, everything is inserted in batches.

    Args:
        resource_or_uri: A :class:`MongoResource` (used as is and left open;
            build it with ``must_exist=False`` if the database may not exist
            yet) or a connection string (a resource is opened and closed here).
        database: With a connection string, the database to fill (default
            :data:`DEFAULT_DATABASE`, ``"shop"``). With a resource, leave it out
            or give the resource's own database.
        scale: Size of the dataset (see :func:`~xcatalog.examples.shop.generate_shop`).
        seed: Seed of the dataset.
        rates: Problem rates of the dataset.
        dataset: An already generated dataset; when given, ``scale``, ``seed``
            and ``rates`` are not used.
        drop: Drop the four collections first and load them afresh.
        progress: Called as ``progress(collection, done, total)`` after each batch.
        batch_size: Documents per ``insert_many``.
        object_ids: Store ``_id``, ``user_id`` and ``product_id`` as BSON
            ``ObjectId`` (as real MongoDB data would be) instead of 24-hex strings.
        settings: Driver timeouts when a connection string is given.

    Returns:
        The number of documents inserted per collection (all zeros when the data
        was already there).

    Raises:
        ResourceError: A collection holds other documents (and ``drop`` is
            off), ``database`` contradicts the resource, or the server failed
            (:class:`~xcatalog.errors.ResourceUnreachable` when it does not answer).

    Example:
        >>> inserted = await load_shop("mongodb://127.0.0.1:27017/", scale=0.05)  # doctest: +SKIP
        >>> inserted
        {'users': 250, 'products': 50, 'orders': 1500, 'reviews': 700}
    """
    if batch_size < 1:
        raise ResourceError(f"batch_size must be at least 1; got {batch_size}.")
    shop = dataset if dataset is not None else generate_shop(scale, seed, rates=rates)
    describe = f"seed={shop.truth.seed}, scale={shop.truth.scale}"
    if isinstance(resource_or_uri, str):
        resource = MongoResource(resource_or_uri, database or DEFAULT_DATABASE, settings=settings, must_exist=False)
        owns_resource = True
    else:
        resource = resource_or_uri
        owns_resource = False
        if database is not None and database != resource.database_name:
            raise ResourceError(
                f"load_shop got the resource for the database '{resource.database_name}' and database={database!r}. "
                f"Leave database out to use '{resource.database_name}', or pass a connection string instead."
            )
    inserted: dict[str, int] = {}
    try:
        await resource.connect()
        for collection, documents in shop:
            inserted[collection] = await _load_collection(
                resource,
                collection,
                [_to_mongo(document, object_ids) for document in documents],
                describe=describe,
                drop=drop,
                batch_size=batch_size,
                progress=progress,
            )
    finally:
        if owns_resource:
            await resource.close()
    return inserted


# -- DataFrames -------------------------------------------------------------------------------------------------------


def frames(dataset: ShopDataset) -> dict[str, pd.DataFrame]:
    """One DataFrame per collection, nested documents flattened to dotted columns.

    Args:
        dataset: The generated shop.

    Returns:
        ``{"users": frame, ...}``; ``address.city``-style columns for nested
        fields, lists kept in their cells, datetimes as timezone-aware
        ``datetime64`` columns, absent keys and nulls both as missing cells.
    """
    result: dict[str, pd.DataFrame] = {}
    for name, documents in dataset:
        frame = pd.json_normalize(list(documents), sep=".")
        _restore_integers(frame, documents)
        result[name] = frame
    return result


def _value_at(document: Mapping[str, Any], dotted: str) -> Any:
    value: Any = document
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _restore_integers(frame: pd.DataFrame, documents: Sequence[Mapping[str, Any]]) -> None:
    # pandas turns an int column with gaps into float64 (birth_year 1984 -> 1984.0); the nullable
    # Int64 dtype keeps what the documents hold, so profiles of the frame and of MongoDB agree.
    for column in frame.columns[(frame.dtypes == "float64") & frame.isna().any().to_numpy()]:
        values = [_value_at(document, str(column)) for document in documents]
        present = [value for value in values if value is not None]
        if present and all(isinstance(value, int) and not isinstance(value, bool) for value in present):
            frame[column] = pd.array(values, dtype="Int64")


# -- files ------------------------------------------------------------------------------------------------------------

_SUFFIXES: Mapping[str, str] = {"jsonl": ".jsonl", "csv": ".csv", "parquet": ".parquet"}


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a value the shop dataset holds")


def _write_json_lines(path: Path, documents: Iterable[Mapping[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for document in documents:
            handle.write(json.dumps(document, ensure_ascii=False, default=_json_value))
            handle.write("\n")


def _is_container(value: Any) -> bool:
    return isinstance(value, list | dict)


def _object_columns(frame: pd.DataFrame) -> list[str]:
    # Columns of Python objects (lists, mixed scalars); pandas 3's string columns are not among them.
    return [str(column) for column in frame.columns if pd.api.types.is_object_dtype(frame[column].dtype)]


def _for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    # A CSV cell holds text only: lists become their JSON text so they can be parsed back.
    converted = frame.copy()
    for column in _object_columns(converted):
        if converted[column].map(_is_container).any():
            converted[column] = converted[column].map(
                lambda value: json.dumps(value, ensure_ascii=False) if _is_container(value) else value
            )
    return converted


def _for_parquet(frame: pd.DataFrame) -> pd.DataFrame:
    # Parquet needs one type per column: a column mixing scalars of several types is written as text.
    converted = frame.copy()
    for column in _object_columns(converted):
        values = converted[column].dropna()
        kinds = {type(value) for value in values if not _is_container(value)}
        if len(kinds) > 1:
            converted[column] = converted[column].map(lambda value: None if value is None else str(value))
    return converted


def write_files(
    folder: str | os.PathLike[str],
    dataset: ShopDataset,
    *,
    formats: Sequence[FileFormat] = ("jsonl", "csv", "parquet"),
) -> dict[str, dict[str, Path]]:
    """Write the shop as files, one subfolder per format and one file per collection.

    The layout is ``folder/jsonl/users.jsonl``, ``folder/csv/users.csv``,
    ``folder/parquet/users.parquet`` (and so on), so that
    ``FileResource(folder / "jsonl")`` serves the four collections. Existing
    files of the same names are replaced.

    Args:
        folder: Where to write (created if needed).
        dataset: The generated shop.
        formats: Which of ``"jsonl"``, ``"csv"``, ``"parquet"`` to write.

    Returns:
        ``{format: {collection: path}}`` of the written files.

    Raises:
        ResourceError: An unknown format, or a file cannot be written.
    """
    unknown = [name for name in formats if name not in _SUFFIXES]
    if unknown:
        raise ResourceError(f"Unknown file formats {unknown}; choose from {', '.join(_SUFFIXES)}.")
    root = Path(folder)
    flat = frames(dataset) if any(name != "jsonl" for name in formats) else {}
    written: dict[str, dict[str, Path]] = {}
    try:
        for file_format in formats:
            target = root / file_format
            target.mkdir(parents=True, exist_ok=True)
            paths: dict[str, Path] = {}
            for collection, documents in dataset:
                path = target / f"{collection}{_SUFFIXES[file_format]}"
                if file_format == "jsonl":
                    _write_json_lines(path, documents)
                elif file_format == "csv":
                    _for_csv(flat[collection]).to_csv(path, index=False)
                else:
                    _for_parquet(flat[collection]).to_parquet(path, index=False)
                paths[collection] = path
            written[file_format] = paths
    except OSError as exc:
        raise ResourceError(
            f"Cannot write the shop files under {root}: {exc}. Check the folder and free space."
        ) from exc
    return written
