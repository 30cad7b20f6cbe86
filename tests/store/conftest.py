"""Helpers shared by the store tests: sample snapshots and a subprocess runner."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from xcatalog.store import Snapshot

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Opens the store named by argv[1:] in a child process; used by the crash and concurrency scripts.
OPEN_STORE = """
import sys
from xcatalog.store import LocalStore, MongoStore
def open_store():
    if sys.argv[1] == "local":
        return LocalStore(sys.argv[2])
    return MongoStore(sys.argv[2], sys.argv[3], prefix=sys.argv[4])
"""


def _sample_snapshot(models: int = 3) -> Snapshot:
    """A small catalog with JSON-schema-like documents (keys with $ on purpose)."""
    return Snapshot(
        records={
            "models": {
                f"ns.models.shop.M{index}": {
                    "name": f"M{index}",
                    "schema": {"$defs": {}, "$ref": "#/$defs/X"},
                    "n": index,
                }
                for index in range(models)
            },
            "types": {"ns.types.shop.Money": {"import_path": "shop_models.common:Money"}},
        },
        audit=[{"action": "register", "path": "ns.models.shop.M0", "time": "2024-01-01T00:00:00Z"}],
    )


@pytest.fixture
def sample_snapshot() -> Callable[..., Snapshot]:
    """Build a small sample catalog: ``sample_snapshot(models=3)``."""
    return _sample_snapshot


@pytest.fixture
def start_python() -> Callable[..., subprocess.Popen[str]]:
    """Start a Python snippet in a new interpreter (not waited for) with ``args`` as ``sys.argv[1:]``."""

    def start(code: str, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", OPEN_STORE + textwrap.dedent(code), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    return start


@pytest.fixture
def run_python() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run a Python snippet in a new interpreter with ``args`` as ``sys.argv[1:]``."""

    def run(code: str, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-c", OPEN_STORE + textwrap.dedent(code), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"child failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    return run
