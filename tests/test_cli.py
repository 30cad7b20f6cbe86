from __future__ import annotations

from pathlib import Path

import pytest

from xcatalog.cli import build_parser, main
from xcatalog.registry import XRegistry
from xcatalog.store import LocalStore


@pytest.mark.mongodb
@pytest.mark.slow
def test_demo_builds_saves_and_reuses_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--scale", "0.02"]) == 0
    first = capsys.readouterr().out
    assert "inserted" in first
    for path in ("ns.models.shop.Order", "ns.models.shop.Product", "ns.models.shop.Review", "ns.models.shop.User"):
        assert path in first
    assert "products.price: mixed types" in first
    assert "users.email: sensitive (email)" in first

    with LocalStore(tmp_path / ".xcatalog" / "catalog.db") as store:
        loaded = XRegistry.load(store)
    assert sorted(loaded.models.models) == [
        "ns.models.shop.Order",
        "ns.models.shop.Product",
        "ns.models.shop.Review",
        "ns.models.shop.User",
    ]

    assert main(["list"]) == 0  # the other commands read the catalog the demo saved
    listed = capsys.readouterr().out
    assert "ns.models.shop.Product" in listed

    assert main(["demo", "--scale", "0.02"]) == 0
    assert "already loaded: reusing the data" in capsys.readouterr().out


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"demo", "db"} <= set(commands)
    for name in commands:
        with pytest.raises(SystemExit) as exit_info:
            main([name, "--help"])
        assert exit_info.value.code == 0
        assert "usage: xcatalog" in capsys.readouterr().out


def test_a_missing_database_server_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("xcatalog.resources.embedded.sys.executable", str(tmp_path / "python"))
    assert main(["demo"]) == 1
    error = capsys.readouterr().err
    assert "is not installed" in error
    assert 'pip install -e ".[demo]"' in error
    assert "Traceback" not in error


@pytest.mark.mongodb
def test_db_start_status_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["db", "start"]) == 0
    started = capsys.readouterr().out
    assert "running at mongodb://127.0.0.1:" in started
    try:
        assert main(["db", "status"]) == 0
        assert "running at mongodb://" in capsys.readouterr().out
    finally:
        assert main(["db", "stop"]) == 0
    assert "Stopped the embedded database" in capsys.readouterr().out
    assert main(["db", "status"]) == 0
    assert capsys.readouterr().out.strip() == "not running"


def test_rare_spellings_of_common_categories_are_reported_as_typos() -> None:
    from xcatalog.cli import _likely_typos
    from xcatalog.enrichment import CategoryStats, ValueCount

    stats = CategoryStats(
        frequencies=[
            ValueCount(value="Electronics", count=40),
            ValueCount(value="Books", count=30),
            ValueCount(value="Electroncs", count=2),
            ValueCount(value="Bookz", count=5),  # not ten times rarer than Books: not flagged
        ],
        observations=77,
    )
    assert _likely_typos(stats) == [("Electroncs", "Electronics")]
    assert _likely_typos(None) == []


def test_the_command_line_works_without_the_api_extra() -> None:
    import subprocess
    import sys

    # Importing a module set to None in sys.modules fails as if it were not installed.
    code = (
        "import sys; sys.modules['fastapi'] = None; sys.modules['uvicorn'] = None\n"
        "from xcatalog.cli import main\n"
        "raise SystemExit(main(['serve', '--no-store']))\n"
    )
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert finished.returncode == 1
    assert "pip install 'xcatalog[api]'" in finished.stderr
    assert "Traceback" not in finished.stderr
