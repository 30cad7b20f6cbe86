"""The ``scan``, ``profile``, ``list``, ``show`` and ``diff`` commands of the ``xcatalog`` CLI.

:mod:`xcatalog.cli` owns the top-level parser and the ``demo`` and ``db``
commands; it calls :func:`add_parsers` to register these. Each command is a
function ``(args: argparse.Namespace) -> int`` and is set on its sub-parser as
``handler`` (and ``func``), so the entry point runs ``args.handler(args)``.

Exit codes:

* ``0`` the command did its job;
* ``1`` a handled :class:`~xcatalog.errors.XCatalogError` (unreachable server,
  missing catalog, unknown path, ...): one line on stderr, and the trace too
  with ``--verbose``;
* ``2`` a usage error (argparse's own, or a combination of arguments the
  command cannot use, such as a MongoDB URI without a database).

Settings are read the usual way (``settings.toml`` and ``XCATALOG_*`` in the
current folder, :func:`xcatalog.config.load_settings`), so the catalog lands in
the store ``[store]`` names, by default ``.xcatalog/catalog.db`` here.

This is the one place that wraps coroutines in :func:`asyncio.run`: a CLI
process has no event loop of its own. Library code never does.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import html
import json
import math
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import urlsplit

from xcatalog.config import Settings, load_settings
from xcatalog.enrichment import DiscoveryReport, EnrichedRegistry, get_enriched
from xcatalog.errors import (
    ConfigError,
    RegistryError,
    StoreError,
    XCatalogError,
    format_choices,
    redact,
)
from xcatalog.profiling import Profile, profile
from xcatalog.registry import XRegistry
from xcatalog.registry.functions import RegisteredFunction
from xcatalog.registry.json_schemas import catalog_json_schema
from xcatalog.registry.models import RegisteredModel
from xcatalog.registry.persistence import ENRICHMENT, LoadReport, load_catalog, registry_snapshot
from xcatalog.registry.schema_diff import Impact, SchemaChange, bump_version, classify, diff_schemas
from xcatalog.registry.types import RegisteredType
from xcatalog.resources import FileResource, MongoResource, model_name_for
from xcatalog.resources.profile import profile_collection
from xcatalog.store import CatalogStore, Snapshot, store_from_settings

__all__ = [
    "COMMANDS",
    "OutputFailed",
    "add_parsers",
    "diff_command",
    "list_command",
    "profile_command",
    "render_profile_table",
    "scan_command",
    "show_command",
]

Command: TypeAlias = Callable[[argparse.Namespace], int]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

_MONGO_SCHEMES = ("mongodb://", "mongodb+srv://")
_PROFILE_FORMATS = ("table", "json", "html")
_GLOB_CHARACTERS = frozenset("*?[")
# The alias accepted for "the version registered now" in ``diff``.
_CURRENT = "current"


class OutputFailed(XCatalogError):
    """A command's output file could not be written.

    Defined here rather than in :mod:`xcatalog.errors` because only the CLI
    writes files on the user's behalf; it sits at the root of the tree as no
    branch (store, resource) describes a report file.
    """


class _UsageError(Exception):
    """Arguments the command cannot use together; reported with exit code 2."""


# -- running a command -------------------------------------------------------------------------------------------------


def _guarded(command: Command) -> Command:
    """Turn handled errors into exit codes: one clear line on stderr, the trace with ``--verbose``."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        name = getattr(args, "command", None) or command.__name__.removesuffix("_command")
        try:
            return command(args)
        except _UsageError as exc:
            _error(f"xcatalog {name}: usage error: {exc}")
            return EXIT_USAGE
        except XCatalogError as exc:
            verbose = getattr(args, "verbose", False)
            if verbose:
                traceback.print_exception(exc, file=sys.stderr)
            hint = "" if verbose else " (run with --verbose for the trace)"
            _error(f"xcatalog {name}: error: {redact(exc)}{hint}")
            return EXIT_ERROR

    return run


def _out(text: str = "") -> None:
    print(text, file=sys.stdout)


def _error(text: str) -> None:
    print(text, file=sys.stderr)


def _settings(**overrides: Any) -> Settings:
    return load_settings(overrides=overrides or None)


# -- the catalog store -------------------------------------------------------------------------------------------------


def _open_store(settings: Settings) -> CatalogStore:
    """The store ``[store]`` names; ``ConfigError`` when it is switched off."""
    store = store_from_settings(settings)
    if store is None:
        raise ConfigError(
            "[store] backend = 'none': the catalog is not saved anywhere, so this command has nothing to use. "
            "Set [store] backend = 'local' (or 'mongodb') in settings.toml or XCATALOG_STORE__BACKEND."
        )
    return store


def _open_existing_store(settings: Settings) -> CatalogStore:
    """The store, refusing one that was never written (and never creating an empty local file)."""
    hint = "Run 'xcatalog scan URI --database DB' or 'xcatalog demo' in this folder first."
    if settings.store.backend == "local":
        path = Path(settings.store.path)
        if not path.is_absolute():
            path = Path.cwd() / path
        if not path.is_file():
            raise StoreError(f"No catalog at {path}: nothing was saved here yet. {hint}")
    store = _open_store(settings)
    if store.revision == 0:
        location = store.location
        store.close()
        raise StoreError(f"The catalog store {location} is empty. {hint}")
    return store


def _load(settings: Settings) -> LoadReport:
    """Read the saved catalog; entries that cannot come back are named on stderr (the rest still loads)."""
    with _open_existing_store(settings) as store:
        report = load_catalog(store, settings)
    _note_failures(report)
    return report


def _note_failures(report: LoadReport) -> None:
    if report.failures:
        listing = "; ".join(f"{path}: {reason}" for path, reason in sorted(report.failures.items()))
        _error(f"note: {len(report.failures)} catalog entries could not be restored and are left out: {listing}")


# -- tables ------------------------------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.3g}"
    if isinstance(value, set | frozenset | list | tuple):
        return ", ".join(sorted(str(item) for item in value)) or "-"
    return str(value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned columns separated by two spaces; trailing blanks removed."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(header), *(len(row[index]) for row in cells)) for index, header in enumerate(headers)]
    lines = [list(headers), ["-" * width for width in widths], *cells]
    return "\n".join(
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def _json_dump(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


# -- scan --------------------------------------------------------------------------------------------------------------


@dataclass
class _ScanResult:
    report: DiscoveryReport
    enriched: EnrichedRegistry
    versions: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (before, after), re-scans only


async def _follow(enriched: EnrichedRegistry, resource: MongoResource, path: str, collection: str) -> tuple[str, str]:
    """Re-inspect a collection scanned before: a new model version when its schema drifted, fresh statistics.

    The inferred schema is compared with the *stored* JSON schema of the current version (not with the class
    rebuilt from it, which does not keep every ``format``), and documentation-only (patch) differences such as
    the "inferred from N documents" description are not a new version: only data-relevant drift is.

    Returns:
        The model's version before and after.
    """
    models = enriched.registry.models
    registered = models.models[path]
    before = registered.metadata.version
    inspection = await resource.inspect(
        collection,
        sample_size=enriched.settings.registry.enrichment.sample_size,
        settings=enriched.settings,
        name=registered.model_class.__name__,
    )
    changes = diff_schemas(registered.metadata.json_schema, catalog_json_schema(inspection.model))
    if any(change.impact is not Impact.PATCH for change in changes):
        models.update_model(path, inspection.model)
    await enriched.enrich_from_resource(resource, path, collection=collection, auto_refresh=False)
    return before, models.models[path].metadata.version


async def _scan(
    registry: XRegistry, resource: MongoResource, namespace: str | None, known_models: set[str]
) -> _ScanResult:
    enriched = get_enriched(registry)

    def progress(done: int, total: int, collection: str) -> None:
        _error(f"[{done}/{total}] {collection}")

    try:
        report = await enriched.discover_and_register(resource, namespace, progress=progress, auto_refresh=False)
        result = _ScanResult(report=report, enriched=enriched)
        for position, outcome in enumerate(report.outcomes):
            path = registry.models.models.path_for(report.namespace, model_name_for(outcome.collection))
            if outcome.ok or outcome.stage != "register" or path not in known_models:
                continue
            # Scanned before, so registering failed (the path is taken): follow the collection instead.
            result.versions[path] = await _follow(enriched, resource, path, outcome.collection)
            report.outcomes[position] = outcome.model_copy(
                update={"ok": True, "model": path, "stage": None, "reason": None}
            )
        return result
    finally:
        await enriched.close()
        await resource.close()


def _save(registry: XRegistry, store: CatalogStore, previous: Snapshot, report: LoadReport) -> int:
    """Save the registry; entries the load could not restore and older enrichments are carried over unchanged.

    ``registry.save`` writes exactly what the registry holds, which is right unless the saved catalog had
    entries this process could not restore (a module not importable here) or enrichment snapshots of models
    not re-enriched now: those are put back into the same atomic write rather than dropped.
    """
    enrichments = dict(registry.enriched.enrichments) if registry.enriched is not None else {}
    carried: dict[str, dict[str, dict[str, Any]]] = {}
    for kind, documents in previous.records.items():
        for key, document in documents.items():
            unrestored = key in report.failures and kind != ENRICHMENT
            old_enrichment = kind == ENRICHMENT and key not in enrichments and key in registry.models.models
            if unrestored or old_enrichment:
                carried.setdefault(kind, {})[key] = dict(document)
    if not carried:
        return registry.save(store)
    fresh = registry_snapshot(
        registry, enrichments={path: item.model_dump(mode="json") for path, item in enrichments.items()}
    )
    records = {kind: dict(documents) for kind, documents in fresh.records.items()}
    for kind, documents in carried.items():
        records.setdefault(kind, {}).update(documents)
    return store.write(Snapshot(records=records, audit=fresh.audit))


@_guarded
def scan_command(args: argparse.Namespace) -> int:
    """``xcatalog scan URI --database DB``: discover, profile and register a database, then save the catalog.

    Every collection becomes a dynamic model in ``--namespace`` (default
    ``discovered.<database>``) with its statistics. A collection scanned before
    is re-inspected and gets a new model version when its schema drifted. The
    catalog saved before is loaded first and kept.

    Returns:
        0 when at least one collection was catalogued, 1 when none could be (or on an error).
    """
    overrides = {"registry": {"enrichment": {"sample_size": args.sample_size}}} if args.sample_size else {}
    settings = _settings(**overrides)
    if args.namespace is not None:
        # Checked before connecting: a bad namespace would otherwise fail once per collection.
        XRegistry(settings).models.models.path_for(args.namespace, "Check")
    resource = MongoResource(args.uri, args.database, settings=settings.mongodb)
    with _open_store(settings) as store:
        previous = store.read_all()
        if previous.revision:
            loaded = load_catalog(store, settings)
            _note_failures(loaded)
        else:
            loaded = LoadReport(registry=XRegistry(settings), revision=0)
        registry = loaded.registry
        known_models = set(registry.models.models)
        result = asyncio.run(_scan(registry, resource, args.namespace, known_models))
        report = result.report
        if not report.outcomes:
            raise RegistryError(
                f"The database '{args.database}' on {resource.hosts} has no collections: nothing to catalogue. "
                "Check the database name, or load data into it first."
            )
        _print_scan(args, resource, result)
        if not report.registered:
            _error(f"xcatalog scan: error: no collection of '{args.database}' could be catalogued (reasons above).")
            return EXIT_ERROR
        revision = _save(registry, store, previous, loaded)
        _out(f"Saved the catalog to {store.location} (revision {revision}).")
    _out(f"Next: xcatalog list '{report.namespace}.*'   |   xcatalog show <path>")
    return EXIT_OK


def _print_scan(args: argparse.Namespace, resource: MongoResource, result: _ScanResult) -> None:
    report = result.report
    registry = result.enriched.registry
    _out(
        f"Scanned '{args.database}' on {resource.hosts}: {len(report.outcomes)} collections, "
        f"{len(report.registered)} catalogued in namespace {report.namespace}."
    )
    rows: list[list[object]] = []
    for outcome in report.outcomes:
        if not outcome.ok or outcome.model is None:
            continue
        enrichment = result.enriched.enrichments.get(outcome.model)
        version = registry.models.models[outcome.model].metadata.version
        before = result.versions.get(outcome.model)
        if before is not None and before[0] != before[1]:
            version = f"{before[0]} -> {before[1]}"
        rows.append(
            [
                outcome.collection,
                outcome.model,
                version,
                enrichment.total_count if enrichment else None,
                len(enrichment.fields) if enrichment else None,
                enrichment.data_quality.get("overall") if enrichment else None,
            ]
        )
    if rows:
        _out(_table(["collection", "model", "version", "documents", "fields", "quality"], rows))
    for collection, reason in sorted(report.failed.items()):
        _error(f"failed: {collection}: {redact(reason)}")


# -- profile -----------------------------------------------------------------------------------------------------------


def _is_mongo_uri(text: str) -> bool:
    return text.lower().startswith(_MONGO_SCHEMES)


def _database_of(uri: str) -> str | None:
    name = urlsplit(uri).path.lstrip("/")
    return name or None


async def _profile_mongo(args: argparse.Namespace, settings: Settings) -> Profile:
    database = args.database or _database_of(args.source)
    if not database:
        raise _UsageError(
            "a MongoDB URI needs a database: put it in the URI (mongodb://host:27017/shop) or pass --database."
        )
    resource = MongoResource(args.source, database, settings=settings.mongodb)
    try:
        if not args.collection:
            collections = await resource.list_collections()
            raise _UsageError(
                f"pass --collection to say what to profile. Collections in '{database}': {format_choices(collections)}."
            )
        return await profile_collection(
            resource,
            args.collection,
            args.mode,
            sample_size=args.sample_size,
            settings=settings,
            progress=sys.stderr.isatty(),
        )
    finally:
        await resource.close()


async def _profile_file(args: argparse.Namespace, settings: Settings) -> Profile:
    path = Path(args.source)
    resource = FileResource(path)
    try:
        await resource.connect()
        collections = await resource.list_collections()
        collection = args.collection
        if collection is None:
            if path.is_dir() and len(collections) != 1:
                raise _UsageError(
                    f"{path} is a folder: pass --collection with a file's stem. Files: {format_choices(collections)}."
                )
            collection = collections[0]
        documents = await resource.find(collection)
        source = str(resource.path_of(collection))
        if args.sample_size and len(documents) > args.sample_size:
            documents = await resource.sample(collection, args.sample_size)
        return profile(documents, settings=settings, source=source)
    finally:
        await resource.close()


def _format_of(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower() if args.output else ""
    return {".json": "json", ".html": "html", ".htm": "html"}.get(suffix, "table")


def render_profile_table(result: Profile) -> str:
    """A profile as plain text: a summary line, one row per field, and the problems found."""
    lines = [
        f"Profile of {result.source or result.mode}: {result.row_count} rows profiled of {result.total_count}, "
        f"{len(result.columns)} fields, quality {_cell(result.quality)}"
    ]
    rows = [
        [
            column.name,
            column.kind,
            column.count,
            column.missing_count,
            column.null_count,
            column.unique_count,
            column.semantic_type + (" (sensitive)" if column.sensitive else "") if column.semantic_type else None,
            ", ".join(map(str, list(column.categories)[:5])) if column.is_categorical else None,
            column.quality,
        ]
        for column in result.columns.values()
    ]
    if rows:
        headers = ["field", "kind", "count", "missing", "null", "unique", "semantic", "categories", "quality"]
        lines.append(_table(headers, rows))
    problems = _problems(result)
    if problems:
        lines.append("Problems:")
        lines.extend(f"  {problem}" for problem in problems)
    return "\n".join(lines)


def _problems(result: Profile) -> list[str]:
    found = []
    for column in result.columns.values():
        if column.missing_count:
            found.append(f"{column.name}: absent in {column.missing_count} of {result.row_count} rows")
        if column.null_count:
            found.append(f"{column.name}: null in {column.null_count} of {result.row_count} rows")
        if column.kind == "mixed":
            types = ", ".join(f"{name} {count}" for name, count in column.type_counts.items())
            found.append(f"{column.name}: mixed types ({types})")
        if column.validity is not None and column.validity < 1:
            found.append(f"{column.name}: validity {column.validity:.3g}")
    return found


def _render_profile(result: Profile, output_format: str) -> str:
    if output_format == "json":
        return result.to_json(indent=2)
    if output_format == "html":
        title = html.escape(f"Profile of {result.source or result.mode}")
        return (
            f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>\n'
            f"<body>\n{result._repr_html_()}\n</body></html>"
        )
    return render_profile_table(result)


@_guarded
def profile_command(args: argparse.Namespace) -> int:
    """``xcatalog profile FILE_OR_URI``: print or save the profile of a data file or a MongoDB collection.

    Returns:
        0 on success, 1 on a handled error, 2 on a usage error.
    """
    output_format = _format_of(args)
    settings = _settings()
    if _is_mongo_uri(args.source):
        result = asyncio.run(_profile_mongo(args, settings))
    else:
        if args.database:
            raise _UsageError("--database is for a mongodb:// URI; a file or folder has no database.")
        result = asyncio.run(_profile_file(args, settings))
    text = _render_profile(result, output_format)
    if args.output is None:
        _out(text)
        return EXIT_OK
    target = Path(args.output)
    try:
        target.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise OutputFailed(
            f"Cannot write the profile to {target}: {exc.strerror or exc}. Check that the folder exists and is "
            "writable, or leave out --output to print it."
        ) from exc
    _out(f"Wrote the {output_format} profile of {result.source} ({len(result.columns)} fields) to {target}.")
    return EXIT_OK


# -- list --------------------------------------------------------------------------------------------------------------

Entry: TypeAlias = RegisteredFunction | RegisteredModel | RegisteredType


def _kind_of(entry: Entry) -> str:
    if isinstance(entry, RegisteredModel):
        return "model"
    if isinstance(entry, RegisteredFunction):
        return "function"
    return "type"


def _version_of(entry: Entry) -> str | None:
    return entry.metadata.version if isinstance(entry, RegisteredModel) else None


def _pattern_of(text: str | None) -> str:
    if not text:
        return "*"
    # A plain word is a substring search; a glob is taken as written.
    return text if _GLOB_CHARACTERS & set(text) else f"*{text}*"


@_guarded
def list_command(args: argparse.Namespace) -> int:
    """``xcatalog list [PATTERN]``: the saved catalog's entries with their kind, version and tags.

    Returns:
        0 (also when nothing matches), 1 on a handled error.
    """
    registry = _load(_settings()).registry
    pattern = _pattern_of(args.pattern)
    entries = registry.find(pattern)
    rows = [
        {
            "path": entry.metadata.ns_path,
            "kind": _kind_of(entry),
            "version": _version_of(entry),
            "tags": sorted(entry.metadata.tags),
        }
        for entry in entries
    ]
    if args.json:
        _out(_json_dump(rows))
        return EXIT_OK
    if not rows:
        total = len(registry.find("*"))
        _out(f"No entry matches {pattern!r} (the catalog holds {total}). Run 'xcatalog list' to see them all.")
        return EXIT_OK
    _out(_table(["path", "kind", "version", "tags"], [list(row.values()) for row in rows]))
    _out(f"{len(rows)} entries.")
    return EXIT_OK


# -- show --------------------------------------------------------------------------------------------------------------


def _type_label(node: Mapping[str, Any]) -> str:
    """A short readable type for a JSON-schema node (``int``, ``string | null``, ``array[Item]``)."""
    if "$ref" in node:
        return str(node["$ref"]).rsplit("/", 1)[-1]
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in node:
            return " | ".join(_type_label(option) for option in node[combinator])
    kind = node.get("type")
    if isinstance(kind, list):
        return " | ".join(map(str, kind))
    if kind == "array":
        items = node.get("items")
        return f"array[{_type_label(items)}]" if isinstance(items, Mapping) else "array"
    if "enum" in node:
        return "enum(" + ", ".join(map(str, node["enum"])) + ")"
    if "const" in node:
        return f"const({node['const']})"
    label = str(kind) if kind else "any"
    return f"{label} ({node['format']})" if "format" in node else label


def _schema_rows(json_schema: Mapping[str, Any]) -> list[list[object]]:
    required = set(json_schema.get("required", ()))
    properties: Mapping[str, Any] = json_schema.get("properties", {})
    return [[name, _type_label(node), name in required] for name, node in properties.items()]


def _model_details(
    registry: XRegistry, registered: RegisteredModel, enrichment: Mapping[str, Any] | None
) -> dict[str, Any]:
    metadata = registered.metadata
    path = metadata.ns_path
    return {
        "path": path,
        "kind": "model",
        "source": metadata.source.value,
        "version": metadata.version,
        "description": metadata.description,
        "tags": sorted(metadata.tags),
        "created_at": metadata.created_at.isoformat(),
        "updated_at": metadata.updated_at.isoformat(),
        "json_schema": metadata.json_schema,
        "versions": [
            {"version": kept.metadata.version, "updated_at": kept.metadata.updated_at.isoformat()}
            for kept in registry.models.versions(path)
        ],
        "evolutions": [
            {
                "from_version": evolution.from_version,
                "to_version": evolution.to_version,
                "impact": evolution.impact.value,
                "changes": len(evolution.changes),
            }
            for evolution in registry.models.evolutions(path)
        ],
        "statistics": dict(enrichment) if enrichment is not None else None,
    }


def _print_model(details: Mapping[str, Any]) -> None:
    _out(f"{details['path']}  (model, {details['source']}, version {details['version']})")
    if details["description"]:
        _out(f"description: {details['description']}")
    _out(f"tags: {_cell(details['tags'])}")
    _out("")
    _out("Schema:")
    rows = _schema_rows(details["json_schema"])
    _out(_table(["field", "type", "required"], rows) if rows else "(no fields)")
    _out("")
    _out("Versions: " + ", ".join(item["version"] for item in details["versions"]))
    for evolution in details["evolutions"]:
        _out(
            f"  {evolution['from_version']} -> {evolution['to_version']}: {evolution['impact']}, "
            f"{evolution['changes']} schema changes"
        )
    statistics = details["statistics"]
    _out("")
    if statistics is None:
        _out("Statistics: none saved (run 'xcatalog scan' on its database to compute them).")
        return
    quality = statistics.get("data_quality", {}).get("overall")
    _out(
        f"Statistics: {statistics.get('resource_name')}.{statistics.get('collection')}, "
        f"{statistics.get('sample_size')} documents sampled of {statistics.get('total_count')}, "
        f"quality {_cell(quality)}, computed {statistics.get('last_updated')}"
    )
    fields: Mapping[str, Mapping[str, Any]] = statistics.get("fields", {})
    field_rows = [
        [
            name,
            ", ".join(sorted(stats.get("types", {}))) or None,
            stats.get("presence"),
            stats.get("null_count"),
            stats.get("unique_count"),
            stats.get("semantic_type"),
            stats.get("is_categorical"),
            stats.get("quality", {}).get("score"),
        ]
        for name, stats in fields.items()
    ]
    if field_rows:
        headers = ["field", "types", "presence", "nulls", "unique", "semantic", "categorical", "quality"]
        _out(_table(headers, field_rows))


def _other_details(entry: RegisteredFunction | RegisteredType) -> dict[str, Any]:
    metadata = entry.metadata.model_dump(mode="json", exclude={"parameters"})
    details: dict[str, Any] = {"path": entry.metadata.ns_path, "kind": _kind_of(entry), "metadata": metadata}
    if isinstance(entry, RegisteredFunction):
        details["stats"] = entry.stats.model_dump(mode="json")
    else:
        details["usage_count"] = entry.usage_count
    return details


def _print_other(details: Mapping[str, Any]) -> None:
    _out(f"{details['path']}  ({details['kind']})")
    metadata: Mapping[str, Any] = details["metadata"]
    shown = ("signature", "module", "qualname", "category", "base_type", "constraints", "description", "docstring")
    for key in shown:
        if metadata.get(key):
            _out(f"{key}: {metadata[key]}")
    _out(f"tags: {_cell(metadata.get('tags'))}")
    if "stats" in details:
        stats = details["stats"]
        _out(f"calls: {stats.get('call_count')}, errors: {stats.get('error_count')}")
    else:
        _out(f"validations: {details['usage_count']}")


@_guarded
def show_command(args: argparse.Namespace) -> int:
    """``xcatalog show PATH``: an entry's schema, versions and statistics from the saved catalog.

    Returns:
        0 on success, 1 on a handled error (an unknown or ambiguous path lists what exists).
    """
    report = _load(_settings())
    registry = report.registry
    entry = registry.get(args.path)
    is_model = isinstance(entry, RegisteredModel)
    if isinstance(entry, RegisteredModel):
        details = _model_details(registry, entry, report.enrichments.get(entry.metadata.ns_path))
    else:
        details = _other_details(entry)
    if args.json:
        _out(_json_dump(details))
    elif is_model:
        _print_model(details)
    else:
        _print_other(details)
    return EXIT_OK


# -- diff --------------------------------------------------------------------------------------------------------------


@_guarded
def diff_command(args: argparse.Namespace) -> int:
    """``xcatalog diff PATH V1 V2``: the schema changes of a model between two kept versions.

    ``current`` stands for the version registered now.

    Returns:
        0 whether or not the schemas differ, 1 on a handled error (an unknown version lists the kept ones).
    """
    registry = _load(_settings()).registry
    models = registry.models
    path = models.get(args.path).metadata.ns_path
    current = models.get(path).metadata.version
    old_version, new_version = (current if v == _CURRENT else v for v in (args.old_version, args.new_version))
    old = models.get_version(path, old_version)
    new = models.get_version(path, new_version)
    changes = diff_schemas(old.metadata.json_schema, new.metadata.json_schema)
    impact = classify(changes) if changes else None
    if args.json:
        _out(
            _json_dump(
                {
                    "path": path,
                    "from_version": old_version,
                    "to_version": new_version,
                    "impact": impact.value if impact else None,
                    "changes": [change.model_dump(mode="json") for change in changes],
                }
            )
        )
        return EXIT_OK
    _out(f"{path}: {old_version} -> {new_version}")
    if not changes:
        _out("No schema changes.")
        return EXIT_OK
    _out(_table(["field", "impact", "change", "what"], [_change_row(change) for change in changes]))
    assert impact is not None  # there are changes
    _out(
        f"{len(changes)} changes, impact {impact.value}"
        f"{' (breaking)' if impact.value == 'major' else ''}; from {old_version} the rules suggest "
        f"{_suggested(old_version, changes)}."
    )
    return EXIT_OK


def _change_row(change: SchemaChange) -> list[object]:
    return [change.path or "(model)", change.impact.value, change.kind.value, change.message]


def _suggested(version: str, changes: Sequence[SchemaChange]) -> str:
    try:
        return bump_version(version, changes)
    except RegistryError:  # a version that is not MAJOR.MINOR.PATCH has no suggestion
        return "(no suggestion: not a MAJOR.MINOR.PATCH version)"


# -- the parsers -------------------------------------------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive (give 1 or more)")
    return value


def _add_common(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: when the main parser has its own --verbose, a sub-command default must not reset it.
    parser.add_argument(
        "--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help="show the full trace of an error"
    )


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


#: Command name -> implementation, in the order they are registered.
COMMANDS: dict[str, Command] = {
    "scan": scan_command,
    "profile": profile_command,
    "list": list_command,
    "show": show_command,
    "diff": diff_command,
}


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``scan``, ``profile``, ``list``, ``show`` and ``diff`` on the CLI's sub-parsers.

    Each sub-parser gets ``handler`` and ``func`` (both the command) and
    ``command`` (its name) as defaults, so the entry point dispatches with ``args.handler(args)``.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.
    """
    scan = subparsers.add_parser(
        "scan",
        help="discover, profile and register a MongoDB database",
        description=(
            "Discover every collection of a MongoDB database, infer a pydantic model for each, profile it, "
            "register the models (as dynamic models with statistics) and save the catalog to the local store. "
            "A collection scanned before gets a new model version when its schema drifted."
        ),
    )
    scan.add_argument("uri", metavar="URI", help="MongoDB connection string, e.g. mongodb://user:pw@host:27017/")
    scan.add_argument("--database", "-d", required=True, metavar="DB", help="the database to scan")
    scan.add_argument(
        "--namespace", "-n", metavar="NS", help="registry namespace of the models (default: discovered.<database>)"
    )
    scan.add_argument(
        "--sample-size",
        type=_positive_int,
        metavar="N",
        help="documents sampled per collection for statistics (default: [registry.enrichment] sample_size)",
    )

    profile_parser = subparsers.add_parser(
        "profile",
        help="profile a data file or a MongoDB collection",
        description=(
            "Profile a CSV, JSON, JSON-lines or Parquet file (or one file of a folder), or a MongoDB collection, "
            "and print or save the result as a table, JSON or HTML."
        ),
    )
    profile_parser.add_argument(
        "source", metavar="FILE_OR_URI", help="a data file, a folder of data files, or a mongodb:// URI"
    )
    profile_parser.add_argument(
        "--collection", "-c", metavar="C", help="the collection (MongoDB), or the file's stem in a folder"
    )
    profile_parser.add_argument("--database", "-d", metavar="DB", help="the database when the URI does not name one")
    profile_parser.add_argument(
        "--format",
        "-f",
        choices=_PROFILE_FORMATS,
        help="output format (default: from the --output suffix .json/.html, else table)",
    )
    profile_parser.add_argument("--output", "-o", metavar="PATH", help="write to this file instead of printing")
    profile_parser.add_argument(
        "--mode",
        choices=("sample", "full"),
        default="sample",
        help="MongoDB only: profile a random sample (default) or the whole collection inside the server",
    )
    profile_parser.add_argument(
        "--sample-size", type=_positive_int, metavar="N", help="documents in the sample (default: 10000 for MongoDB)"
    )

    list_parser = subparsers.add_parser(
        "list",
        help="list the saved catalog's entries",
        description=(
            "List the models, functions and types of the saved catalog with their kind, version and tags. "
            "PATTERN is a glob on the path ('shop.*', 'ns.models.*'); a plain word matches paths containing it."
        ),
    )
    list_parser.add_argument("pattern", metavar="PATTERN", nargs="?", help="glob or word to filter paths")
    _add_json(list_parser)

    show = subparsers.add_parser(
        "show",
        help="show an entry's schema, versions and statistics",
        description="Show one entry of the saved catalog: a model's schema, kept versions and data statistics, "
        "or a function's or type's metadata.",
    )
    show.add_argument("path", metavar="PATH", help="full path (ns.models.shop.Order) or an unambiguous name")
    _add_json(show)

    diff = subparsers.add_parser(
        "diff",
        help="schema changes of a model between two versions",
        description="Compare the JSON schemas of two kept versions of a model and classify each change "
        "(patch, minor, major). Use 'current' for the version registered now.",
    )
    diff.add_argument("path", metavar="PATH", help="the model's path or unambiguous name")
    diff.add_argument("old_version", metavar="V1", help="the older version, e.g. 1.0.0")
    diff.add_argument("new_version", metavar="V2", help="the newer version, e.g. 1.1.0 or current")
    _add_json(diff)

    parsers = {"scan": scan, "profile": profile_parser, "list": list_parser, "show": show, "diff": diff}
    for name, parser in parsers.items():
        _add_common(parser)
        # ``handler`` is what xcatalog.cli dispatches on; ``func`` is argparse's usual name for the same.
        parser.set_defaults(func=COMMANDS[name], handler=COMMANDS[name], command=name)
