"""Benchmark: xcatalog.profile vs naive pandas, polars describe() and ydata-profiling (minimal).

Run from the repository root::

    python bench/profiling.py                      # 10k, 100k and 1M rows
    python bench/profiling.py --sizes 10000 100000 # shorter
    python bench/profiling.py --no-ydata           # skip the ydata-profiling virtualenv

The synthetic table is seeded (the same in every run and in every interpreter)
and has 24 columns: ints, floats, names, emails, phones, free text, categoricals
of 5-50 levels, booleans, datetimes, sparse columns (30% "missing" + 10% null =
40% null in a frame), a nullable int, and a mixed int/str object column.

Every peer computes: count, nulls, exact distinct counts, min/max/mean/std,
string lengths and value counts of low-cardinality columns. Time includes any
conversion from pandas to the peer's engine. Memory is the peak growth of the
process' resident set size (RSS, read from /proc/self/statm every 2 ms by a
thread) over its size before the run: it sees polars' and Arrow's native
allocations, which tracemalloc cannot. ydata-profiling pins pandas < 3, so it
runs in its own virtualenv (bench/.venv-ydata, created on first use) in a
child process that builds the same table itself; its memory is the child's
ru_maxrss growth over the RSS after building the table.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
YDATA_VENV = HERE / ".venv-ydata"
PAGE = os.sysconf("SC_PAGE_SIZE")


def make_table(rows: int, seed: int = 0) -> pd.DataFrame:
    """Return the seeded 24-column synthetic table (works with pandas 2 and 3)."""
    rng = np.random.default_rng(seed)
    first = np.array(["Ana", "Ben", "Chloé", "Dmitri", "Eve", "Farid", "Gao", "Hana", "Ivan", "Jon", "Kemal", "Lena"])
    last = np.array(["Smith", "Garcia", "Müller", "Rossi", "Kim", "Nguyen", "Okafor", "Silva", "Novak", "Ito"])
    vocabulary = "the quick brown fox jumps over a lazy dog while data catalog profile mongo field value quality"
    words = np.array(vocabulary.split(" "))
    ids = rng.integers(0, 10**9, rows)
    columns: dict[str, Any] = {}
    for index in range(4):
        columns[f"int_{index}"] = rng.integers(-1000, 100_000, rows)
    for index in range(4):
        columns[f"float_{index}"] = rng.normal(50, 10, rows)
    columns["name"] = [
        f"{a} {b}" for a, b in zip(first[rng.integers(0, 12, rows)], last[rng.integers(0, 10, rows)], strict=True)
    ]
    columns["email"] = [f"user{number}@example.com" for number in ids]
    columns["phone"] = [f"+49 30 {number:07d}" for number in rng.integers(0, 10**7, rows)]
    columns["text"] = [" ".join(words[rng.integers(0, len(words), size)]) for size in rng.integers(3, 14, rows)]
    for levels in (5, 12, 50):
        labels = np.array([f"level_{level}" for level in range(levels)])
        columns[f"cat_{levels}"] = labels[rng.integers(0, levels, rows)].tolist()
    columns["flag"] = rng.random(rows) < 0.3
    columns["active"] = rng.random(rows) < 0.8
    columns["ip"] = [f"10.{a}.{b}.{c}" for a, b, c in rng.integers(0, 256, (rows, 3)).tolist()]
    columns["zip"] = rng.integers(10_000, 99_999, rows)
    columns["created"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 10**8, rows), unit="s")
    absent = rng.random(rows)
    sparse = absent < 0.4  # 30% "missing" + 10% null: one and the same in a frame
    columns["sparse_float"] = np.where(sparse, np.nan, rng.gamma(2.0, 3.0, rows))
    sparse_labels = np.array(["red", "green", "blue", "amber", "violet"])[rng.integers(0, 5, rows)]
    columns["sparse_str"] = [None if hidden else label for hidden, label in zip(sparse, sparse_labels, strict=True)]
    nullable = pd.array(rng.integers(0, 500, rows), dtype="Int64")
    nullable[rng.random(rows) < 0.1] = pd.NA
    columns["int_nullable"] = nullable
    mixed_numbers = rng.integers(0, 1000, rows)
    columns["mixed"] = pd.Series(
        [f"code-{number}" if number % 5 == 0 else int(number) for number in mixed_numbers], dtype=object
    )
    frame = pd.DataFrame(columns)
    for name in ("name", "email", "phone", "ip", "text", "cat_5", "cat_12", "cat_50", "sparse_str"):
        frame[name] = frame[name].astype("str" if pd.__version__ >= "3" else object)
    return frame


class PeakRss:
    """Peak growth of the resident set size while the block runs (sampled by a thread)."""

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.peak = 0
        self.base = 0
        self._stop = threading.Event()

    @staticmethod
    def current() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.current())
            time.sleep(self.interval)

    def __enter__(self) -> PeakRss:
        gc.collect()
        self.base = self.peak = self.current()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.current())

    @property
    def grown(self) -> int:
        return self.peak - self.base


def measure(run: Callable[[pd.DataFrame], Any], frame: pd.DataFrame) -> tuple[float, int]:
    with PeakRss() as rss:
        started = time.perf_counter()
        run(frame)
        seconds = time.perf_counter() - started
    return seconds, rss.grown


def naive_pandas(frame: pd.DataFrame, threshold: int = 100) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in frame.columns:
        column = frame[name]
        stats: dict[str, Any] = {"count": int(column.count()), "nulls": int(column.isna().sum())}
        stats["unique"] = int(column.nunique())
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            stats.update(min=column.min(), max=column.max(), mean=column.mean(), std=column.std())
        elif pd.api.types.is_datetime64_any_dtype(column):
            stats.update(min=column.min(), max=column.max())
        elif pd.api.types.is_string_dtype(column) or column.dtype == object:
            texts = column[column.map(lambda value: isinstance(value, str))]
            lengths = texts.str.len()
            stats.update(min_length=lengths.min(), max_length=lengths.max(), mean_length=lengths.mean())
        if stats["unique"] <= threshold:
            stats["categories"] = column.value_counts().to_dict()
        result[name] = stats
    return result


def polars_describe(frame: pd.DataFrame) -> Any:
    import polars as pl

    # polars cannot take an object column holding ints and strings: it must be turned into text first.
    mixed = [name for name in frame.columns if frame[name].dtype == object]
    converted = pl.from_pandas(frame.astype(dict.fromkeys(mixed, "str")) if mixed else frame)
    return converted.describe(), converted.select(pl.all().n_unique()), converted.null_count()


YDATA_WORKER = r"""
import json, resource, sys, time
sys.path.insert(0, {here!r})
from profiling import make_table
rows = int(sys.argv[1])
frame = make_table(rows)
import ydata_profiling
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
statm = open("/proc/self/statm").read().split()
import os
current = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
started = time.perf_counter()
report = ydata_profiling.ProfileReport(frame, minimal=True, progress_bar=False)
report.get_description()
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"seconds": seconds, "memory": max(peak - current, 0), "version": ydata_profiling.__version__}}))
"""


def ensure_ydata() -> tuple[Path | None, str]:
    python = YDATA_VENV / "bin" / "python"
    if python.exists():
        check = subprocess.run([str(python), "-c", "import ydata_profiling"], capture_output=True, text=True)
        if check.returncode == 0:
            return python, ""
    try:
        subprocess.run([sys.executable, "-m", "venv", str(YDATA_VENV)], check=True, capture_output=True, text=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "ydata-profiling"], check=True, capture_output=True, text=True
        )
    except subprocess.CalledProcessError as exc:
        return None, f"ydata-profiling could not be installed in {YDATA_VENV}: {(exc.stderr or '')[-400:]}"
    return python, ""


def run_ydata(python: Path, rows: int) -> tuple[float, int] | str:
    done = subprocess.run(
        [str(python), "-c", YDATA_WORKER.format(here=str(HERE)), str(rows)],
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    if done.returncode != 0:
        return f"ydata-profiling failed: {done.stderr.strip()[-400:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return float(result["seconds"]), int(result["memory"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--no-ydata", action="store_true", help="skip ydata-profiling")
    parser.add_argument("--repeat", type=int, default=1, help="runs per peer; the best time is kept")
    arguments = parser.parse_args()

    sys.path.insert(0, str(HERE.parent))
    import polars as pl

    from xcatalog.profiling import profile

    ydata_python, ydata_problem = (None, "skipped (--no-ydata)") if arguments.no_ydata else ensure_ydata()
    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}, polars {pl.__version__}, cores {os.cpu_count()}")
    print("memory = peak RSS growth during the run (sampled every 2 ms); times include conversion from pandas\n")
    header = f"{'rows':>9} {'peer':<44} {'seconds':>9} {'peak MB':>9} {'vs xcatalog':>12}"
    for rows in arguments.sizes:
        frame = make_table(rows)
        frame_mb = frame.memory_usage(deep=True).sum() / 1e6
        print(f"{rows:,} rows x {frame.shape[1]} columns, frame {frame_mb:,.0f} MB")
        print(header)
        peers: dict[str, Callable[[pd.DataFrame], Any]] = {
            "xcatalog.profile (core: no quantiles/histograms)": lambda data: profile(
                data, quantiles=False, histograms=False
            ),
            "xcatalog.profile (+ quantiles + histograms)": profile,
            "naive pandas, per column": naive_pandas,
            "polars from_pandas+describe+n_unique+nulls": polars_describe,
        }
        warm = make_table(1000)
        for run in peers.values():
            run(warm)  # first calls pay for lazy imports and thread pools; keep that out of the figures
        results: dict[str, tuple[float, int] | str] = {}
        for name, run in peers.items():
            runs = [measure(run, frame) for _ in range(arguments.repeat)]
            results[name] = min(runs)
        if ydata_python is not None:
            results["ydata-profiling minimal (own venv, pandas 2)"] = run_ydata(ydata_python, rows)
        else:
            results["ydata-profiling minimal"] = ydata_problem
        core = results["xcatalog.profile (core: no quantiles/histograms)"]
        assert not isinstance(core, str)
        for name, outcome in results.items():
            if isinstance(outcome, str):
                print(f"{rows:>9,} {name:<44} {outcome}")
                continue
            seconds, memory = outcome
            ratio = seconds / core[0]
            print(f"{rows:>9,} {name:<44} {seconds:>9.3f} {memory / 1e6:>9.0f} {ratio:>11.1f}x")
        print()


if __name__ == "__main__":
    main()
