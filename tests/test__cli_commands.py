"""The scan, profile, list, show and diff commands, run in-process on temporary folders."""

from __future__ import annotations

import argparse
import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field

from xcatalog._cli_commands import COMMANDS, add_parsers
from xcatalog.registry import XRegistry
from xcatalog.store import LocalStore

CATALOG = Path(".xcatalog") / "catalog.db"

Run = Callable[..., int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xcatalog")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_parsers(subparsers)
    return parser


def run_cli(*argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    result: int = args.func(args)
    return result


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh current folder (the store lands in it) with no XCATALOG_* variables."""
    for name in list(os.environ):
        # Settings variables would change the store or timeouts; the test-server address is left alone.
        if name.startswith("XCATALOG_") and not name.startswith("XCATALOG_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_jsonl(path: Path, documents: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(document) + "\n" for document in documents), encoding="utf-8")
    return path


ORDERS: list[dict[str, Any]] = [
    {"id": 1, "status": "new", "price": 10, "email": "a@x.org"},
    {"id": 2, "status": "paid", "price": "12", "email": "b@x.org"},
    {"id": 3, "status": "paid", "price": 11.5},
    {"id": 4, "status": None, "price": 9, "email": "c@x.org"},
]


# -- parsers -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("scan", "Discover every collection"),
        ("profile", "CSV, JSON, JSON-lines or Parquet"),
        ("list", "PATTERN is a glob"),
        ("show", "kept versions"),
        ("diff", "'current'"),
    ],
)
def test_every_command_has_help(command: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([command, "--help"])
    assert exit_info.value.code == 0
    assert expected in " ".join(capsys.readouterr().out.split())


def test_parsers_dispatch_to_their_commands() -> None:
    parser = build_parser()
    for name, argv in {
        "scan": ["scan", "mongodb://h/", "--database", "shop"],
        "profile": ["profile", "data.csv"],
        "list": ["list"],
        "show": ["show", "Order"],
        "diff": ["diff", "Order", "1.0.0", "1.1.0"],
    }.items():
        args = parser.parse_args(argv)
        assert args.handler is COMMANDS[name]
        assert args.func is COMMANDS[name]
        assert args.command == name


@pytest.mark.parametrize(
    "argv",
    [
        ["scan", "mongodb://h/"],  # --database is required
        ["scan", "mongodb://h/", "--database", "shop", "--sample-size", "0"],
        ["scan", "mongodb://h/", "--database", "shop", "--sample-size", "ten"],
        ["profile", "data.csv", "--format", "xml"],
        ["diff", "Order", "1.0.0"],
        ["show"],
    ],
)
def test_bad_arguments_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(argv)
    assert exit_info.value.code == 2
    assert "usage: xcatalog" in capsys.readouterr().err


def test_subcommand_does_not_reset_a_main_verbose_flag() -> None:
    parser = argparse.ArgumentParser(prog="xcatalog")
    parser.add_argument("--verbose", action="store_true")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    assert parser.parse_args(["--verbose", "list"]).verbose is True
    assert parser.parse_args(["list", "--verbose"]).verbose is True
    assert parser.parse_args(["list"]).verbose is False


# -- profile on files ----------------------------------------------------------------------------------------------


def test_profile_prints_a_table_with_the_problems(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_jsonl(workdir / "orders.jsonl", ORDERS)

    assert run_cli("profile", "orders.jsonl") == 0

    out = capsys.readouterr().out
    assert "Profile of orders.jsonl: 4 rows profiled of 4, 4 fields" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.split()}
    assert rows["price"][1] == "mixed"
    assert rows["status"][4] == "1"  # one null status
    assert "email (sensitive)" in rows["email"][6] + " " + rows["email"][7]
    assert "status: null in 1 of 4 rows" in out
    assert "email: absent in 1 of 4 rows" in out
    assert "price: mixed types" in out


@pytest.mark.parametrize(
    ("output", "option", "check"),
    [
        ("profile.json", [], lambda text: json.loads(text)["row_count"] == 4),
        ("profile.html", [], lambda text: text.startswith("<!doctype html>") and "<table>" in text),
        ("report.txt", [], lambda text: text.startswith("Profile of")),
        ("report.txt", ["--format", "json"], lambda text: json.loads(text)["columns"]["price"]["kind"] == "mixed"),
    ],
)
def test_profile_writes_the_format_asked_for(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    output: str,
    option: list[str],
    check: Callable[[str], bool],
) -> None:
    write_jsonl(workdir / "orders.jsonl", ORDERS)

    assert run_cli("profile", "orders.jsonl", "--output", output, *option) == 0

    assert check((workdir / output).read_text(encoding="utf-8"))
    assert f"to {output}" in capsys.readouterr().out


def test_profile_of_a_csv_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "sizes.csv").write_text("size,amount\n" + "S,1\nM,2\nM,3\nL,4\n" * 5, encoding="utf-8")

    assert run_cli("profile", "sizes.csv", "--format", "json") == 0

    result = json.loads(capsys.readouterr().out)
    assert result["row_count"] == 20
    assert result["columns"]["size"]["is_categorical"] is True


def test_profile_of_a_folder_needs_a_collection_when_it_holds_several_files(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = workdir / "data"
    data.mkdir()
    write_jsonl(data / "orders.jsonl", ORDERS)
    write_jsonl(data / "users.jsonl", [{"name": "ana"}, {"name": "bo"}])

    assert run_cli("profile", "data") == 2
    assert "Files: orders, users" in capsys.readouterr().err

    assert run_cli("profile", "data", "--collection", "users") == 0
    assert "2 rows profiled of 2, 1 fields" in capsys.readouterr().out


def test_profile_sample_size_limits_the_rows(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_jsonl(workdir / "many.jsonl", [{"n": index} for index in range(50)])

    assert run_cli("profile", "many.jsonl", "--sample-size", "10", "--format", "json") == 0

    assert json.loads(capsys.readouterr().out)["row_count"] == 10


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["profile", "missing.csv"], 1, "These files do not exist: missing.csv"),
        (["profile", "notes.txt"], 1, "unsupported file type '.txt'"),
        (["profile", "orders.jsonl", "--database", "shop"], 2, "--database is for a mongodb:// URI"),
        (["profile", "mongodb://127.0.0.1:1/"], 2, "a MongoDB URI needs a database"),
        (["profile", "orders.jsonl", "--output", "no/such/folder/p.json"], 1, "Cannot write the profile to"),
    ],
)
def test_profile_errors_are_one_line_with_an_exit_code(
    workdir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    write_jsonl(workdir / "orders.jsonl", ORDERS)

    assert run_cli(*argv) == code

    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("xcatalog profile: ")
    assert message in lines[0]
    assert captured.out == ""


def test_verbose_adds_the_trace(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("profile", "missing.csv", "--verbose") == 1

    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "CollectionNotFound" in err
    assert err.strip().splitlines()[-1].startswith("xcatalog profile: error: These files do not exist")


# -- list, show and diff on a saved catalog -------------------------------------------------------------------------


class OrderV1(BaseModel):
    """An order."""

    number: int
    status: str


class OrderV2(BaseModel):
    """An order."""

    number: int
    status: str
    coupon: str | None = None


class OrderV3(BaseModel):
    """An order."""

    number: int
    status: str
    coupon: str | None = None
    total: float = Field(ge=0)


class Customer(BaseModel):
    name: str
    email: str


def save_catalog(folder: Path) -> None:
    """A catalog of dynamic models (rebuilt from their schema on load): Order in three versions and Customer."""
    registry = XRegistry()
    registry.register_model(OrderV1, name="Order", source="dynamic", namespace="shop", tags={"sales"})
    registry.models.update_model("Order", OrderV2)
    registry.models.update_model("Order", OrderV3)
    registry.register_model(Customer, source="dynamic", namespace="crm")
    with LocalStore(folder / CATALOG) as store:
        registry.save(store)


@pytest.mark.parametrize("command", [["list"], ["show", "Order"], ["diff", "Order", "1.0.0", "1.1.0"]])
def test_reading_commands_without_a_catalog_say_how_to_make_one(
    workdir: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert run_cli(*command) == 1

    err = capsys.readouterr().err
    assert f"error: No catalog at {workdir / CATALOG}" in err
    assert "xcatalog scan URI --database DB" in err
    assert not (workdir / CATALOG).exists()  # reading never creates an empty store


def test_reading_commands_refuse_a_switched_off_store(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XCATALOG_STORE__BACKEND", "none")

    assert run_cli("list") == 1

    assert "[store] backend = 'none'" in capsys.readouterr().err


def test_list_shows_every_entry_with_kind_version_and_tags(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_catalog(workdir)

    assert run_cli("list") == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["path", "kind", "version", "tags"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:-1]}
    assert rows["ns.models.shop.Order"][:2] == ["model", "2.0.0"]
    assert "sales," in rows["ns.models.shop.Order"] or "sales" in rows["ns.models.shop.Order"]
    assert rows["ns.models.crm.Customer"][:2] == ["model", "1.0.0"]
    assert lines[-1] == "2 entries."


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("shop.*", ["ns.models.shop.Order"]),
        ("ns.models.*", ["ns.models.crm.Customer", "ns.models.shop.Order"]),
        ("Cust", ["ns.models.crm.Customer"]),  # a plain word matches paths containing it
        ("nothing*", []),
    ],
)
def test_list_filters_by_pattern(
    workdir: Path, capsys: pytest.CaptureFixture[str], pattern: str, expected: list[str]
) -> None:
    save_catalog(workdir)

    assert run_cli("list", pattern, "--json") == 0

    rows = json.loads(capsys.readouterr().out)
    assert [row["path"] for row in rows] == expected


def test_list_says_when_nothing_matches(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_catalog(workdir)

    assert run_cli("list", "nothing*") == 0

    assert "No entry matches 'nothing*' (the catalog holds 2)" in capsys.readouterr().out


def test_list_names_entries_that_cannot_be_restored(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_catalog(workdir)
    with LocalStore(workdir / CATALOG) as store:
        store.read_all()
        store.put("models", "ns.models.future.Thing", {"format": 99, "path": "ns.models.future.Thing"})

    assert run_cli("list") == 0

    captured = capsys.readouterr()
    assert "note: 1 catalog entries could not be restored" in captured.err
    assert "ns.models.future.Thing: record format 99 is newer" in captured.err
    assert "ns.models.shop.Order" in captured.out


def test_show_model_prints_schema_versions_and_no_statistics(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_catalog(workdir)

    assert run_cli("show", "Order") == 0

    out = capsys.readouterr().out
    assert out.startswith("ns.models.shop.Order  (model, dynamic, version 2.0.0)")
    schema = {
        line.split()[0]: line.split()[1:]
        for line in out.split("Schema:")[1].split("Versions:")[0].splitlines()[3:]
        if line
    }
    assert schema["number"] == ["integer", "yes"]
    assert schema["coupon"] == ["string", "|", "null", "no"]
    assert schema["total"] == ["number", "yes"]
    assert "Versions: 1.0.0, 1.1.0, 2.0.0" in out
    assert "1.1.0 -> 2.0.0: major" in out
    assert "Statistics: none saved" in out


def test_show_json_has_the_details(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_catalog(workdir)

    assert run_cli("show", "ns.models.crm.Customer", "--json") == 0

    details = json.loads(capsys.readouterr().out)
    assert details["kind"] == "model"
    assert sorted(details["json_schema"]["properties"]) == ["email", "name"]
    assert [item["version"] for item in details["versions"]] == ["1.0.0"]
    assert details["statistics"] is None


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("Nobody", "Nothing named 'Nobody' is registered"),
        ("ns.models.shop.Nobody", "ns.models.shop.Nobody"),
    ],
)
def test_show_unknown_path_lists_what_exists(
    workdir: Path, capsys: pytest.CaptureFixture[str], path: str, message: str
) -> None:
    save_catalog(workdir)

    assert run_cli("show", path) == 1

    err = capsys.readouterr().err.strip()
    assert err.startswith("xcatalog show: error: ")
    assert message in err
    assert "Customer" in err and "Order" in err


def test_diff_lists_the_changes_and_their_impact(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_catalog(workdir)

    assert run_cli("diff", "Order", "1.0.0", "current") == 0

    out = capsys.readouterr().out
    assert out.splitlines()[0] == "ns.models.shop.Order: 1.0.0 -> 2.0.0"
    rows = {line.split()[0]: line.split()[1:3] for line in out.splitlines()[3:-1]}
    assert rows["coupon"] == ["minor", "field_added"]
    assert rows["total"] == ["major", "field_added"]
    assert rows["(model)"] == ["patch", "metadata_changed"]  # the classes' titles differ (OrderV1, OrderV3)
    assert "3 changes, impact major (breaking); from 1.0.0 the rules suggest 2.0.0." in out


def test_diff_json_and_a_minor_step(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_catalog(workdir)

    assert run_cli("diff", "shop.Order", "1.0.0", "1.1.0", "--json") == 0

    result = json.loads(capsys.readouterr().out)
    assert result["impact"] == "minor"
    assert [(change["path"], change["kind"]) for change in result["changes"]] == [
        ("", "metadata_changed"),
        ("coupon", "field_added"),
    ]


def test_diff_of_a_version_with_itself_has_no_changes(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_catalog(workdir)

    assert run_cli("diff", "Order", "1.1.0", "1.1.0") == 0

    assert "No schema changes." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["diff", "Order", "1.0.0", "9.9.9"],
            "Version '9.9.9' of ns.models.shop.Order is not kept. Kept versions: 1.0.0",
        ),
        (["diff", "Nobody", "1.0.0", "1.1.0"], "Nobody"),
    ],
)
def test_diff_errors_list_what_exists(
    workdir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    save_catalog(workdir)

    assert run_cli(*argv) == 1

    assert message in capsys.readouterr().err


# -- scan ----------------------------------------------------------------------------------------------------------


def test_scan_refuses_a_bad_namespace_before_connecting(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("scan", "mongodb://127.0.0.1:1/", "--database", "shop", "--namespace", "my-shop") == 1

    assert "my-shop" in capsys.readouterr().err
    assert not (workdir / CATALOG).exists()


def test_scan_of_an_unreachable_server_is_one_error_line(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XCATALOG_MONGODB__SERVER_SELECTION_TIMEOUT_MS", "300")

    assert run_cli("scan", "mongodb://ana:s3cret@127.0.0.1:1/", "--database", "shop") == 1

    err = capsys.readouterr().err
    assert "xcatalog scan: error: " in err
    assert "127.0.0.1:1" in err
    assert "s3cret" not in err


def seed_shop(mongo_db: Any) -> None:
    mongo_db.orders.insert_many(
        [{"number": index, "status": ["new", "paid"][index % 2], "total": index * 1.5} for index in range(40)]
    )
    mongo_db.users.insert_many([{"name": f"user{index}", "email": f"user{index}@x.org"} for index in range(20)])


@pytest.mark.mongodb
def test_scan_registers_every_collection_and_saves_the_catalog(
    workdir: Path, capsys: pytest.CaptureFixture[str], mongo_uri: str, mongo_db_name: str, mongo_db: Any
) -> None:
    seed_shop(mongo_db)

    assert run_cli("scan", mongo_uri, "--database", mongo_db_name, "--namespace", "shop") == 0

    captured = capsys.readouterr()
    assert f"Scanned '{mongo_db_name}'" in captured.out
    assert "2 collections, 2 catalogued in namespace shop" in captured.out
    rows = {line.split()[0]: line.split() for line in captured.out.splitlines() if line.startswith(("orders", "users"))}
    assert rows["orders"][1:4] == ["ns.models.shop.Order", "1.0.0", "40"]
    assert rows["users"][1:5] == ["ns.models.shop.User", "1.0.0", "20", "3"]
    assert "[2/2] users" in captured.err
    assert f"Saved the catalog to {workdir / CATALOG}" in captured.out

    assert run_cli("list", "--json") == 0
    assert [row["path"] for row in json.loads(capsys.readouterr().out)] == [
        "ns.models.shop.Order",
        "ns.models.shop.User",
    ]
    assert run_cli("show", "User", "--json") == 0
    statistics = json.loads(capsys.readouterr().out)["statistics"]
    assert statistics["collection"] == "users"
    assert statistics["total_count"] == 20
    assert statistics["fields"]["email"]["semantic_type"] == "email"


@pytest.mark.mongodb
def test_rescan_versions_only_a_collection_that_drifted(
    workdir: Path, capsys: pytest.CaptureFixture[str], mongo_uri: str, mongo_db_name: str, mongo_db: Any
) -> None:
    seed_shop(mongo_db)
    assert run_cli("scan", mongo_uri, "--database", mongo_db_name) == 0
    assert run_cli("scan", mongo_uri, "--database", mongo_db_name) == 0  # nothing changed
    capsys.readouterr()

    mongo_db.orders.update_many({}, {"$set": {"coupon": "WELCOME"}})
    assert run_cli("scan", mongo_uri, "--database", mongo_db_name) == 0

    out = capsys.readouterr().out
    order_row = next(line for line in out.splitlines() if line.startswith("orders"))
    assert "1.0.0 -> 2.0.0" in order_row
    user_row = next(line for line in out.splitlines() if line.startswith("users"))
    assert user_row.split()[2] == "1.0.0"

    order = f"discovered.{mongo_db_name}.Order"
    assert run_cli("diff", order, "1.0.0", "2.0.0", "--json") == 0
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert [(change["path"], change["kind"], change["impact"]) for change in changes] == [
        ("coupon", "field_added", "major")
    ]


@pytest.mark.mongodb
def test_scan_keeps_entries_it_cannot_restore_and_earlier_statistics(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    mongo_uri: str,
    mongo_db_name: str,
    mongo_db: Any,
    mongo_client: Any,
) -> None:
    seed_shop(mongo_db)
    other = f"{mongo_db_name}_b"
    mongo_client[other].events.insert_many([{"kind": "click"}, {"kind": "view"}])
    try:
        assert run_cli("scan", mongo_uri, "--database", other) == 0
    finally:
        mongo_client.drop_database(other)
    with LocalStore(workdir / CATALOG) as store:
        store.read_all()
        store.put("models", "ns.models.future.Thing", {"format": 99, "path": "ns.models.future.Thing"})
    capsys.readouterr()

    assert run_cli("scan", mongo_uri, "--database", mongo_db_name, "--sample-size", "5") == 0

    captured = capsys.readouterr()
    assert "ns.models.future.Thing: record format 99 is newer" in captured.err
    with LocalStore(workdir / CATALOG) as store:
        snapshot = store.read_all()
    assert snapshot.get("models", "ns.models.future.Thing") == {"format": 99, "path": "ns.models.future.Thing"}
    event_model = f"ns.models.discovered.{other}.Event"
    assert snapshot.get("models", event_model) is not None
    assert snapshot.get("enrichment", event_model)["collection"] == "events"  # type: ignore[index]
    order_statistics = snapshot.get("enrichment", f"ns.models.discovered.{mongo_db_name}.Order")
    assert order_statistics is not None
    assert order_statistics["sample_size"] == 5


@pytest.mark.mongodb
def test_scan_of_a_missing_database_lists_the_databases(
    workdir: Path, capsys: pytest.CaptureFixture[str], mongo_uri: str, mongo_db_name: str, mongo_db: Any
) -> None:
    seed_shop(mongo_db)

    assert run_cli("scan", mongo_uri, "--database", "no_such_db") == 1

    err = capsys.readouterr().err
    assert "The database 'no_such_db' does not exist" in err
    assert mongo_db_name in err


@pytest.mark.mongodb
def test_profile_of_a_collection(
    workdir: Path, capsys: pytest.CaptureFixture[str], mongo_uri: str, mongo_db_name: str, mongo_db: Any
) -> None:
    seed_shop(mongo_db)
    uri = mongo_uri.rstrip("/") + f"/{mongo_db_name}"

    assert run_cli("profile", uri, "--collection", "orders", "--format", "json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["source"] == f"{mongo_db_name}.orders"
    assert result["row_count"] == 40
    assert result["columns"]["status"]["is_categorical"] is True

    assert run_cli("profile", mongo_uri, "--database", mongo_db_name, "-c", "users", "--mode", "full") == 0
    assert "20 rows profiled of 20, 3 fields" in capsys.readouterr().out

    assert run_cli("profile", uri) == 2
    assert "Collections in" in capsys.readouterr().err


def save_catalog_with_function_and_type(folder: Path) -> None:
    registry = XRegistry()
    registry.register_function(textwrap.dedent, namespace="text", tags={"strings"})
    registry.register_type(Annotated[int, Field(gt=0)], "PositiveInt", "constraint", namespace="shop")
    with LocalStore(folder / CATALOG) as store:
        registry.save(store)


def test_list_and_show_functions_and_types(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_catalog_with_function_and_type(workdir)

    assert run_cli("list", "--json") == 0
    rows = {row["path"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["ns.functions.text.dedent"] == {
        "path": "ns.functions.text.dedent",
        "kind": "function",
        "version": None,
        "tags": ["strings"],
    }
    assert rows["ns.types.shop.PositiveInt"]["kind"] == "type"

    assert run_cli("show", "dedent") == 0
    out = capsys.readouterr().out
    assert out.startswith("ns.functions.text.dedent  (function)")
    assert "signature: (text)" in out
    assert "calls: 0, errors: 0" in out

    assert run_cli("show", "PositiveInt", "--json") == 0
    details = json.loads(capsys.readouterr().out)
    assert details["kind"] == "type"
    assert details["metadata"]["base_type"] == "int"
    assert details["metadata"]["constraints"] == {"gt": 0}


def test_the_xcatalog_entry_point_runs_these_commands(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xcatalog.cli import main

    write_jsonl(workdir / "orders.jsonl", ORDERS)

    assert main(["profile", "orders.jsonl", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["row_count"] == 4
    assert main(["--verbose", "list"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert "No catalog at" in err
