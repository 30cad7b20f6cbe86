"""Benchmark: the registry against the seed's own performance budgets.

Run from the repository root::

    python bench/registry.py                 # the full sizes below
    python bench/registry.py --quick         # a tenth of each size

What is measured (best of ``--repeat`` runs, garbage collector on):

* registering 1,000 (the seed's test) and 10,000 functions (100 namespaces) in
  a fresh ``FunctionRegistry``; seed budget: 1,000 functions < 1 s;
* registering 1,000 models in a ``ModelRegistry``, each with its JSON schema and
  UI schema: the seed's one-field test models (``value: int``), then models of
  7 fields (str with constraints, str, int, float, bool, datetime, Literal);
  classes are built before the clock starts, as in the seed's test; seed
  budget: 100 models < 0.5 s;
* lookups in the 10,000-function registry by full path, by short name and by
  partial path, and model lookups by short name; seed budget: 100 lookups < 10 ms;
* glob searches over 100,000 paths held in a ``NamespaceIndex`` (the structure
  behind ``registry.functions.functions``, ``.models`` and ``.types``; entries
  are small integers so that 100,000 full registrations do not need gigabytes),
  and over the real 10,000-function registry; seed budget: one namespace
  discovery < 0.1 s. The peer is the seed's own algorithm, a linear
  ``fnmatch`` over every path, measured on the same paths in the same run.

Benchmarks print; they never assert. "x budget" is budget / measured: the
target is at least 10x.
"""

from __future__ import annotations

import argparse
import fnmatch
import gc
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from xcatalog.registry import FunctionRegistry, ModelRegistry
from xcatalog.registry._namespace import NamespaceIndex


def best_time(action: Callable[[], Any], repeat: int) -> float:
    """Fastest wall time of ``repeat`` runs of ``action`` (each run gets a fresh setup inside ``action``)."""
    timings = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


# -- functions -------------------------------------------------------------------------
def make_function(index: int) -> Callable[..., float]:
    # A new function object each time, as the seed's test defines one per iteration.
    def compute(amount: float, rate: float = 0.2, *, rounding: int = 2) -> float:
        """Compute something from an amount and a rate."""
        return round(amount * rate + index, rounding)

    return compute


def register_functions(count: int) -> FunctionRegistry:
    registry = FunctionRegistry()
    functions = [make_function(index) for index in range(count)]
    started = time.perf_counter()
    for index, func in enumerate(functions):
        registry.register(func, name=f"f_{index:06d}", namespace=f"bench.ns{index % 100:02d}", tags={"bench"})
    register_functions.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    return registry


# -- models ----------------------------------------------------------------------------------
def make_models(count: int) -> list[type[BaseModel]]:
    return [
        create_model(
            f"BenchModel{index:05d}",
            __module__="bench.models",
            __doc__=f"Benchmark model {index}.",
            name=(str, Field(min_length=1, description="The display name")),
            email=(str, ...),
            quantity=(int, Field(ge=0)),
            price=(float, 0.0),
            active=(bool, True),
            created_at=(datetime, ...),
            status=(Literal["new", "paid", "shipped"], "new"),
        )
        for index in range(count)
    ]


def make_seed_models(count: int) -> list[type[BaseModel]]:
    """The seed's test models: one ``value: int`` field each."""
    return [
        type(f"TestModel{index}", (BaseModel,), {"__annotations__": {"value": int}, "__module__": "test"})
        for index in range(count)
    ]


def register_models(models: list[type[BaseModel]]) -> ModelRegistry:
    registry = ModelRegistry()
    started = time.perf_counter()
    for index, model in enumerate(models):
        registry.register_static_model(model, namespace=f"bench.ns{index % 10}")
    register_models.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    return registry


# -- glob ---------------------------------------------------------------------------------------
def build_index(count: int) -> NamespaceIndex[int]:
    index: NamespaceIndex[int] = NamespaceIndex("functions")
    for number in range(count):
        index.add(f"ns.functions.area{number % 100:02d}.team{number % 7}.f_{number:06d}", number)
    return index


def linear_fnmatch(paths: list[str], pattern: str) -> list[str]:
    """The seed's find_by_namespace: every path through fnmatch."""
    return [path for path in paths if fnmatch.fnmatch(path, pattern)]


def time_per_call(action: Callable[[], Any], calls: int, repeat: int) -> float:
    def run() -> None:
        for _ in range(calls):
            action()

    return best_time(run, repeat) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--functions", type=int, default=10_000)
    parser.add_argument("--models", type=int, default=1_000)
    parser.add_argument("--glob-entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a tenth of every size")
    options = parser.parse_args()
    scale = 10 if options.quick else 1
    n_functions = options.functions // scale
    n_models = options.models // scale
    n_glob = options.glob_entries // scale
    rows: list[tuple[str, str, float, str, float]] = []  # (operation, size, seconds per unit, unit, budget)

    # Registering functions: the seed's test size into a fresh registry, then the full size.
    for count in sorted({min(1_000, n_functions), n_functions}):
        timings = []
        for _ in range(options.repeat):
            gc.collect()
            registry = register_functions(count)
            timings.append(register_functions.elapsed)  # type: ignore[attr-defined]
        per_thousand = min(timings) / count * 1000
        rows.append((f"register {count:,} functions", f"{min(timings):.3f} s", per_thousand, "1,000 functions", 1.0))

    # Lookups in that registry.
    paths = sorted(registry.functions)
    names = [path.rsplit(".", 1)[-1] for path in paths]
    partials = [".".join(path.split(".")[-2:]) for path in paths]
    lookups = 100_000 // scale

    def lookup_loop(keys: list[str]) -> Callable[[], None]:
        def run() -> None:
            for position in range(lookups):
                registry[keys[position % len(keys)]]

        return run

    for label, keys in (("full path", paths), ("short name", names), ("partial path", partials)):
        seconds = best_time(lookup_loop(keys), options.repeat)
        rows.append(
            (
                f"lookup by {label} ({n_functions:,} functions)",
                f"{lookups:,} lookups",
                seconds / lookups * 100,
                "100 lookups",
                0.01,
            )
        )

    # Registering models with JSON and UI schema: the seed's one-field models, then richer ones.
    for label, models in (
        ("seed-shaped models (value: int)", make_seed_models(n_models)),
        ("models of 7 fields", make_models(n_models)),
    ):
        timings = []
        for _ in range(options.repeat):
            gc.collect()
            model_registry = register_models(models)
            timings.append(register_models.elapsed)  # type: ignore[attr-defined]
        sample = model_registry.models[models[0].__name__].metadata
        assert sample.json_schema and sample.ui_schema, "models must carry JSON and UI schema"
        per_hundred = min(timings) / n_models * 100
        rows.append(
            (f"register {n_models:,} {label}, JSON+UI schema", f"{min(timings):.3f} s", per_hundred, "100 models", 0.5)
        )
    model_names = [model.__name__ for model in models]

    def model_lookups() -> None:
        for position in range(lookups):
            model_registry.models.get(model_names[position % n_models])

    seconds = best_time(model_lookups, options.repeat)
    rows.append(
        (
            f"model lookup by name ({n_models:,} models)",
            f"{lookups:,} lookups",
            seconds / lookups * 100,
            "100 lookups",
            0.01,
        )
    )

    # Glob searches.
    index = build_index(n_glob)
    all_paths = sorted(index)
    peer_rows: list[tuple[str, float, float, int]] = []
    patterns = [
        ("ns.functions.area42.*", "one area: 1% of entries"),
        ("ns.functions.area42.team3.*", "area and team"),
        ("area42.team3.f_0*", "relative pattern"),
        ("ns.functions.area4?.*", "? wildcard: 10 areas"),
    ]
    for pattern, label in patterns:
        absolute = pattern if pattern.startswith("ns.") else f"ns.functions.{pattern}"
        found = index.find_paths(pattern)
        per_search = time_per_call(
            lambda pattern=pattern: index.find_paths(pattern), max(1, 200 // scale), options.repeat
        )
        peer = best_time(lambda absolute=absolute: linear_fnmatch(all_paths, absolute), 1)
        rows.append(
            (f"glob {pattern} ({n_glob:,} entries, {label})", f"{len(found):,} hits", per_search, "1 search", 0.1)
        )
        peer_rows.append((pattern, per_search, peer, len(found)))
    worst = "*.f_000123"
    per_search = time_per_call(lambda: index.find_paths(worst), max(1, 20 // scale), options.repeat)
    rows.append(
        (
            f"glob {worst} ({n_glob:,} entries, no literal prefix; last segment via the short-name index)",
            f"{len(index.find_paths(worst))} hits",
            per_search,
            "1 search",
            0.1,
        )
    )
    real_pattern = "ns.functions.bench.ns05.*"
    per_search = time_per_call(lambda: registry.find_by_namespace(real_pattern), max(1, 200 // scale), options.repeat)
    rows.append(
        (
            f"find_by_namespace {real_pattern} ({n_functions:,} functions)",
            f"{len(registry.find_by_namespace(real_pattern))} hits",
            per_search,
            "1 search",
            0.1,
        )
    )

    python = platform.python_version()
    print(f"xcatalog registry benchmark - Python {python} on {platform.machine()}, best of {options.repeat}")
    print()
    header = f"{'operation':<74} {'size':>16} {'measured':>12} {'per':<16} {'seed budget':>11} {'x budget':>9}"
    print(header)
    print("-" * len(header))
    for operation, size, seconds, unit, budget in rows:
        measured, allowed = format_seconds(seconds), format_seconds(budget)
        print(f"{operation:<74} {size:>16} {measured:>12} {unit:<16} {allowed:>11} {budget / seconds:>8.0f}x")
    print()
    print("glob: literal-prefix search vs the seed's linear fnmatch over every path (same paths, same run)")
    print(f"{'pattern':<34} {'hits':>7} {'index':>12} {'linear fnmatch':>15} {'speed-up':>9}")
    for pattern, mine, peer, hits in peer_rows:
        print(f"{pattern:<34} {hits:>7,} {format_seconds(mine):>12} {format_seconds(peer):>15} {peer / mine:>8.0f}x")
    ratios = [budget / seconds for _, _, seconds, _, budget in rows]
    print()
    print(f"smallest budget ratio: {min(ratios):.0f}x (target >= 10x); median {statistics.median(ratios):.0f}x")


def format_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


if __name__ == "__main__":
    sys.exit(main())
