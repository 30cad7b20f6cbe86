"""The ``xcatalog`` command line.

``xcatalog demo`` is the main job out of the box: it starts the embedded
database, loads the sample shop once, discovers, profiles, registers and
enriches every collection, prints a summary and saves the catalog. ``xcatalog
db start|stop`` keeps the embedded database running for notebooks.

The CLI is the one place that calls :func:`asyncio.run`. Errors are one clear
line on stderr (``--verbose`` for the trace); exit codes: 0 success, 1 a
handled xcatalog error, 2 bad usage, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xcatalog import _cli_commands
from xcatalog._cli_serve import add_serve_parser
from xcatalog.config import Settings, load_settings
from xcatalog.errors import ResourceError, XCatalogError, redact

if TYPE_CHECKING:
    from xcatalog.enrichment import CategoryStats, DiscoveryReport, EnrichedRegistry, FieldEnrichment
    from xcatalog.registry import XRegistry

__all__ = ["build_parser", "main"]

STATE_DIR = Path(".xcatalog")
DEMO_DATA = STATE_DIR / "demo-db"
DB_STATE = STATE_DIR / "db.json"
DEMO_DATABASE = "shop"
DEMO_NAMESPACE = "shop"


def _say(message: str = "") -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


# -- demo --------------------------------------------------------------------------------------------------------------
def run_demo(args: argparse.Namespace) -> int:
    """Start the embedded database, load the sample shop, build and save the catalog."""
    from xcatalog.resources.embedded import EmbeddedMongo

    settings = load_settings(overrides={"registry": {"enrichment": {"sample_size": args.sample_size}}})
    data_path = Path(args.data)
    running = _running_db()
    server: EmbeddedMongo | None = None
    if running is not None:
        uri = running["uri"]
        _say(f"Using the embedded database already running at {uri} (xcatalog db stop to end it).")
    else:
        server = EmbeddedMongo(port=args.port, data_path=data_path)
        _say(f"Starting the embedded database (data in {data_path}) ...")
        server.start()
        uri = server.uri
        _say(f"  listening on {uri}")
    try:
        registry, report, enriched = asyncio.run(_demo(uri, settings, args.scale))
        _print_summary(registry, report, enriched)
        location = _save_catalog(registry, settings)
        _say()
        if location is None:
            _say("Catalog not saved: [store] backend is 'none' in the settings.")
        else:
            _say(f"Catalog saved to {location} ([store] in settings.toml). Open it in a notebook with:")
            _say("    from xcatalog import XRegistry, load_settings, store_from_settings")
            _say("    registry = XRegistry.load(store_from_settings(load_settings()))")
            _say("or browse it here with:  xcatalog list")
        _say("Keep the database running for your own notebooks with:  xcatalog db start")
        _say("The tutorials are in notebooks/ (start with 01_quickstart.ipynb): open them in Jupyter.")
    finally:
        if server is not None:
            server.stop()
    return 0


async def _demo(uri: str, settings: Settings, scale: float) -> tuple[XRegistry, DiscoveryReport, EnrichedRegistry]:
    from xcatalog.enrichment import get_enriched
    from xcatalog.examples import load_shop
    from xcatalog.registry import XRegistry
    from xcatalog.resources import MongoResource

    _say(f"Loading the sample shop (scale {scale}) ...")
    inserted = await load_shop(uri, DEMO_DATABASE, scale=scale, progress=_LoadProgress())
    if any(inserted.values()):
        _say("  inserted " + ", ".join(f"{count:,} {name}" for name, count in inserted.items()))
    else:
        _say("  already loaded: reusing the data")
    registry = XRegistry(settings)
    enriched = get_enriched(registry)
    async with MongoResource(uri, DEMO_DATABASE, settings=settings.mongodb) as resource:
        _say("Discovering, profiling, registering and enriching every collection ...")
        report = await enriched.discover_and_register(resource, namespace=DEMO_NAMESPACE, auto_refresh=False)
    return registry, report, enriched


class _LoadProgress:
    """Prints one line per collection when its load completes."""

    def __call__(self, collection: str, done: int, total: int) -> None:
        if done >= total:
            _say(f"  {collection}: {total:,} documents")


def _print_summary(registry: XRegistry, report: DiscoveryReport, enriched: EnrichedRegistry) -> None:
    _say()
    _say(f"{'collection':<12} {'documents':>10} {'fields':>7} {'quality':>8}  model")
    for outcome in report.outcomes:
        if not outcome.ok or outcome.model is None:
            _say(f"{outcome.collection:<12} {'-':>10} {'-':>7} {'-':>8}  FAILED at {outcome.stage}: {outcome.reason}")
            continue
        enrichment = enriched.get_enrichment(outcome.model)
        overall = enrichment.data_quality.get("overall")
        quality = f"{overall:.0%}" if isinstance(overall, float) else "-"
        total = enrichment.total_count if enrichment.total_count is not None else enrichment.sample_size
        _say(f"{outcome.collection:<12} {total:>10,} {len(enrichment.fields):>7} {quality:>8}  {outcome.model}")
    _say()
    _say("Problems found in the samples:")
    found = False
    for outcome in report.outcomes:
        if not outcome.ok or outcome.model is None:
            continue
        for line in _problems(enriched, outcome.model):
            found = True
            _say(f"  {outcome.collection}.{line}")
    if not found:
        _say("  none")
    _say()
    _say(f"Registered {len(registry.models.models)} models; audit trail holds {len(registry.audit)} events.")


def _problems(enriched: EnrichedRegistry, model: str) -> list[str]:
    enrichment = enriched.get_enrichment(model)
    lines = []
    for path, field in sorted(enrichment.fields.items()):
        notes = []
        completeness = enrichment.data_quality.get("completeness", {}).get(path)
        consistency = enrichment.data_quality.get("consistency", {}).get(path)
        if isinstance(completeness, float) and completeness < 0.999:
            notes.append(f"{1 - completeness:.0%} missing or null")
        if isinstance(consistency, float) and consistency < 0.999:
            notes.append(f"mixed types ({consistency:.0%} dominant)")
        if field.sensitive:
            notes.append(f"sensitive ({field.semantic_type})")
        duplicates = _near_key_duplicates(field, enrichment.sample_size)
        if duplicates:
            notes.append(f"{duplicates} duplicated value(s) in an otherwise unique field")
        typos = _likely_typos(enrichment.categorical_fields.get(path))
        if typos:
            notes.append("likely typos: " + ", ".join(f"{rare!r} (-> {common!r})" for rare, common in typos))
        if notes:
            lines.append(f"{path}: " + ", ".join(notes))
    return lines


def _near_key_duplicates(field: FieldEnrichment, sample_size: int) -> int:
    """Duplicates in an identifier-like field whose values are at least 95% distinct (a key with repeats)."""
    is_identifier = field.semantic_type in {"email", "uuid", "objectid"} or field.path.lower().endswith("id")
    if not is_identifier or field.unique_count is None or field.uniqueness is None or not 0.95 <= field.uniqueness < 1:
        return 0
    values = round((field.presence or 0.0) * sample_size) - field.null_count
    return max(values - field.unique_count, 0)


def _likely_typos(stats: CategoryStats | None) -> list[tuple[Any, Any]]:
    """Rare categorical values spelt like a value at least ten times as common."""
    from xcatalog.enrichment import nearest_values

    if stats is None:
        return []
    counts = {item.value: item.count for item in stats.frequencies}
    found = []
    for value, count in counts.items():
        if not isinstance(value, str):
            continue
        common = [other for other, other_count in counts.items() if other != value and other_count >= 10 * count]
        nearest = nearest_values(value, common, limit=1, cutoff=0.8)
        if nearest:
            found.append((value, nearest[0]))
    return found


def _save_catalog(registry: XRegistry, settings: Settings) -> str | None:
    """Save to the store ``[store]`` names (the one the other commands read); its location, or ``None``."""
    from xcatalog.store import store_from_settings

    store = store_from_settings(settings)
    if store is None:
        return None
    with store:
        # The demo rebuilds the whole catalog from the sample data, so it replaces what was saved.
        registry.save(store, force=True)
        return str(store.location)


# -- db start | stop | status ------------------------------------------------------------------------------------------
def _running_db() -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads(DB_STATE.read_text())
    except (OSError, ValueError):
        return None
    try:
        os.kill(int(state["pid"]), 0)
    except (OSError, KeyError, ValueError):
        return None
    return state


def run_db(args: argparse.Namespace) -> int:
    """Start, stop or report the embedded database kept running for notebooks."""
    from xcatalog.resources.embedded import EmbeddedMongo

    running = _running_db()
    if args.action == "status":
        _say(f"running at {running['uri']} (pid {running['pid']})" if running else "not running")
        return 0
    if args.action == "stop":
        if running is None:
            _say("The embedded database is not running.")
            DB_STATE.unlink(missing_ok=True)
            return 0
        os.kill(int(running["pid"]), signal.SIGTERM)
        DB_STATE.unlink(missing_ok=True)
        _say(f"Stopped the embedded database at {running['uri']}.")
        return 0
    if running is not None:
        _say(f"Already running at {running['uri']} (pid {running['pid']}).")
        return 0
    # Not stopped here: the server outlives this command on purpose (xcatalog db stop ends it).
    server = EmbeddedMongo(port=args.port, data_path=Path(args.data)).start()
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    DB_STATE.write_text(json.dumps({"pid": server.detach(), "uri": server.uri, "data": str(args.data)}))
    _say(f"The embedded database is running at {server.uri} (data in {args.data}).")
    _say("Stop it with:  xcatalog db stop")
    return 0


# -- entry point -------------------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every ``xcatalog`` command."""
    parser = argparse.ArgumentParser(prog="xcatalog", description="Turn a notebook into a data catalog.")
    parser.add_argument("--verbose", action="store_true", help="show the full trace of an error")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="run discovery, profiling, registration and enrichment on the embedded sample shop",
        description="Start the embedded database, load the sample shop once, build the catalog and save it.",
    )
    demo.add_argument("--data", default=str(DEMO_DATA), help="folder of the embedded database (default %(default)s)")
    demo.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    demo.add_argument("--scale", type=float, default=1.0, help="size of the sample shop (1.0 = about 50,000 documents)")
    demo.add_argument(
        "--sample-size",
        type=int,
        default=2000,
        help="documents sampled per collection for the statistics (default %(default)s)",
    )
    demo.set_defaults(handler=run_demo)

    db = commands.add_parser("db", help="keep the embedded database running for notebooks")
    db.add_argument("action", choices=["start", "stop", "status"])
    db.add_argument("--data", default=str(DEMO_DATA), help="folder of the embedded database (default %(default)s)")
    db.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    db.set_defaults(handler=run_db)

    _cli_commands.add_parsers(commands)
    add_serve_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``xcatalog`` command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        return code
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted; the embedded database was stopped cleanly.\n")
        return 130
    except XCatalogError as exc:
        if args.verbose:
            traceback.print_exc()
        hint = "" if args.verbose else " (run with --verbose for the trace)"
        sys.stderr.write(f"xcatalog: {redact(exc)}{hint}\n")
        if isinstance(exc, ResourceError) and "not installed" in str(exc):
            sys.stderr.write('Install the demo extra with: pip install -e ".[demo]"\n')
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
