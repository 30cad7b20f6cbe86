from __future__ import annotations

import asyncio
import contextvars
import inspect
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from xcatalog.config import FunctionSettings
from xcatalog.errors import (
    AlreadyRegistered,
    AmbiguousName,
    FunctionFailed,
    FunctionTimeout,
    InvalidName,
    NotRegistered,
    PermissionDenied,
)
from xcatalog.registry.audit import AuditLog
from xcatalog.registry.functions import (
    EventLoopRunning,
    FunctionPermission,
    FunctionRegistry,
    FunctionStats,
    RegisteredFunction,
    default_namespace,
)

THIS_NAMESPACE = __name__.rsplit(".", 1)[-1]
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="none")


@pytest.fixture
def functions() -> FunctionRegistry:
    return FunctionRegistry()


# -- registration forms ------------------------------------------------------
def test_bare_decorator_registers_under_the_module_namespace(functions: FunctionRegistry) -> None:
    @functions.register
    def double(x: int) -> int:
        return x * 2

    assert double(4) == 8
    assert functions["double"].metadata.ns_path == f"ns.functions.{THIS_NAMESPACE}.double"
    assert functions["double"].metadata.namespace == THIS_NAMESPACE


def test_decorator_with_arguments(functions: FunctionRegistry) -> None:
    @functions.register(name="twice", namespace="math.basic", tags={"math"})
    def double(x: int) -> int:
        return x * 2

    entry = functions["ns.functions.math.basic.twice"]
    assert entry.metadata.name == "twice"
    assert entry.metadata.tags == {"math"}
    assert "double" not in functions


def test_plain_call_returns_the_usable_function_and_add_returns_the_entry(functions: FunctionRegistry) -> None:
    def triple(x: int) -> int:
        return x * 3

    usable = functions.register(triple, namespace="math")
    assert usable(2) == 6
    entry = functions.add(triple, name="triple_again", namespace="math")
    assert isinstance(entry, RegisteredFunction)
    assert entry.func is triple
    assert entry(3) == 9  # calling the entry calls the (counted) function


def test_wrapper_keeps_name_docstring_and_signature(functions: FunctionRegistry) -> None:
    def scale(value: float, factor: float = 2.0, *, clamp: bool = False) -> float:
        """Multiply ``value`` by ``factor``."""
        return value * factor

    wrapped = functions.register(scale, namespace="math")
    assert wrapped is not scale
    assert wrapped.__name__ == "scale"
    assert wrapped.__doc__ == scale.__doc__
    assert inspect.signature(wrapped) == inspect.signature(scale)


def test_metadata_is_read_from_the_signature(functions: FunctionRegistry) -> None:
    def scale(value: float, factor: float = 2.0, *rest: int, clamp: bool = False, **options: Any) -> float:
        """Multiply ``value`` by ``factor``.

        More text.
        """
        return value * factor

    meta = functions.add(scale, namespace="math").metadata
    assert meta.docstring is not None and meta.docstring.startswith("Multiply ``value`` by ``factor``.")
    assert meta.return_type == "float"
    assert meta.module == __name__
    assert meta.qualname.endswith("scale")
    assert meta.import_path == f"{__name__}:{meta.qualname}"
    assert meta.is_async is False
    assert list(meta.parameters) == ["value", "factor", "rest", "clamp", "options"]
    factor = meta.parameters["factor"]
    assert (factor.annotation, factor.default, factor.has_default) == ("float", 2.0, True)
    assert meta.parameters["value"].has_default is False
    assert meta.parameters["rest"].kind == "var_positional"
    assert meta.parameters["clamp"].kind == "keyword_only"
    assert meta.signature.startswith("(value: float, factor: float = 2.0")


def test_unannotated_parameters_have_no_annotation(functions: FunctionRegistry) -> None:
    def add(a, b=None):  # type: ignore[no-untyped-def]
        return a

    meta = functions.add(add, namespace="math").metadata
    assert meta.parameters["a"].annotation is None
    assert meta.parameters["b"].has_default is True
    assert meta.parameters["b"].default is None
    assert meta.return_type is None


def test_metadata_dumps_to_json_even_with_odd_defaults(functions: FunctionRegistry) -> None:
    marker = object()

    def configure(option: object = marker, retries: int = 3, tags: tuple[str, ...] = ("a",)) -> None:
        return None

    dumped = functions.add(configure, namespace="x").metadata.model_dump(mode="json")
    assert dumped["parameters"]["option"]["default"] == repr(marker)
    assert dumped["parameters"]["retries"]["default"] == 3
    assert dumped["parameters"]["tags"]["default"] == ["a"]
    assert dumped["permissions"] == {"*": ["execute"]}


def test_builtin_without_signature_can_be_registered(functions: FunctionRegistry) -> None:
    entry = functions.add(dict.fromkeys, name="fromkeys", namespace="builtins_demo")
    assert entry.metadata.signature
    assert entry(["a"]) == {"a": None}


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("shop.pricing", "pricing"),
        ("pricing", "pricing"),
        ("__main__", "default"),
        ("__mp_main__", "default"),
        ("ipykernel_launcher", "default"),
        ("IPython.core.interactiveshell", "default"),
        ("", "default"),
        (None, "default"),
        ("weird.my-module", "default"),
    ],
)
def test_default_namespace_rule(module: str | None, expected: str) -> None:
    assert default_namespace(module) == expected


def test_notebook_functions_land_in_default(functions: FunctionRegistry) -> None:
    def cell_function() -> int:
        return 1

    cell_function.__module__ = "__main__"
    assert functions.add(cell_function).metadata.ns_path == "ns.functions.default.cell_function"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "has space"}, "Invalid name 'has space'"),
        ({"namespace": "bad-ns"}, "Invalid namespace segment"),
        ({"namespace": ""}, "Invalid namespace ''"),
    ],
)
def test_bad_names_are_refused(functions: FunctionRegistry, kwargs: dict[str, str], match: str) -> None:
    with pytest.raises(InvalidName, match=match):
        functions.register(lambda: None, **kwargs)  # type: ignore[arg-type]


def test_lambda_needs_a_name(functions: FunctionRegistry) -> None:
    with pytest.raises(InvalidName, match="Invalid name '<lambda>'"):
        functions.register(lambda: None, namespace="x")
    assert functions.register(lambda: 5, name="five", namespace="x")() == 5


def test_non_callables_are_refused(functions: FunctionRegistry) -> None:
    with pytest.raises(TypeError, match="Only callables can be registered"):
        functions.add(42, name="answer")  # type: ignore[arg-type]


def test_custom_prefix(functions: FunctionRegistry) -> None:
    custom = FunctionRegistry(prefix="cat")
    assert custom.add(len, namespace="text").metadata.ns_path == "cat.functions.text.len"
    with pytest.raises(InvalidName, match="namespace prefix"):
        FunctionRegistry(prefix="bad prefix")


# -- override and ambiguity --------------------------------------------------
def test_same_path_twice_needs_allow_override(functions: FunctionRegistry) -> None:
    functions.register(lambda: 1, name="version", namespace="app")
    with pytest.raises(AlreadyRegistered, match=r"ns\.functions\.app\.version is already registered"):
        functions.register(lambda: 2, name="version", namespace="app")
    assert functions["version"]() == 1
    functions.register(lambda: 2, name="version", namespace="app", allow_override=True)
    assert functions["version"]() == 2
    assert len(functions) == 1


def test_settings_can_allow_override() -> None:
    functions = FunctionRegistry(FunctionSettings(allow_override=True))
    functions.register(lambda: 1, name="version", namespace="app")
    functions.register(lambda: 2, name="version", namespace="app")
    assert functions["version"]() == 2


def test_same_name_in_two_namespaces(functions: FunctionRegistry) -> None:
    functions.register(lambda: "math", name="normalize", namespace="math")
    functions.register(lambda: "text", name="normalize", namespace="text")
    with pytest.raises(AmbiguousName, match=r"ns\.functions\.math\.normalize, ns\.functions\.text\.normalize"):
        functions["normalize"]
    assert functions["text.normalize"]() == "text"
    assert functions.get("ns.functions.math.normalize")() == "math"


# -- tracking ----------------------------------------------------------------
def test_calls_are_counted_with_durations_and_errors(functions: FunctionRegistry) -> None:
    @functions.register(namespace="math")
    def inverse(x: float) -> float:
        return 1 / x

    assert inverse(2) == 0.5
    with pytest.raises(ZeroDivisionError):
        inverse(0)
    stats = functions["inverse"].stats
    assert stats.call_count == 2
    assert stats.error_count == 1
    assert stats.last_called is not None
    assert stats.last_duration is not None and stats.last_duration >= 0
    assert stats.total_duration >= stats.last_duration
    assert stats.average_duration == pytest.approx(stats.total_duration / 2)
    recent = stats.recent_calls()
    assert [call.ok for call in recent] == [True, False]
    assert recent[1].error == "ZeroDivisionError: division by zero"
    assert functions["inverse"].call_count == 2
    assert functions["inverse"].last_called == stats.last_called


async def test_async_calls_are_counted(functions: FunctionRegistry) -> None:
    @functions.register(namespace="io")
    async def fetch(x: int) -> int:
        await asyncio.sleep(0)
        return x + 1

    assert inspect.iscoroutinefunction(fetch)
    assert await fetch(1) == 2
    entry = functions["fetch"]
    assert entry.metadata.is_async is True
    assert entry.stats.call_count == 1


def test_tracking_off_returns_the_function_unchanged() -> None:
    functions = FunctionRegistry(FunctionSettings(track_execution=False))

    def plain() -> int:
        return 1

    assert functions.register(plain, namespace="x") is plain
    plain()
    assert functions["plain"].stats.call_count == 0
    tracked = functions.register(lambda: 2, name="tracked", namespace="x", track_execution=True)
    tracked()
    assert functions["tracked"].stats.call_count == 1


def test_call_history_is_bounded_by_max_call_history() -> None:
    functions = FunctionRegistry(FunctionSettings(max_call_history=3))
    ping = functions.register(lambda: None, name="ping", namespace="x")
    for _ in range(5):
        ping()
    stats = functions["ping"].stats
    assert stats.call_count == 5
    assert len(stats.recent_calls()) == 3


def test_counting_is_thread_safe(functions: FunctionRegistry) -> None:
    bump = functions.register(lambda: None, name="bump", namespace="x")

    def hammer() -> None:
        for _ in range(500):
            bump()

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert functions["bump"].stats.call_count == 3000


def test_stats_model_without_calls() -> None:
    stats = FunctionStats()
    assert stats.average_duration is None
    assert stats.recent_calls() == []
    assert "max_history" not in stats.model_dump()


# -- permissions ---------------------------------------------------------------
def test_default_permissions_come_from_settings() -> None:
    functions = FunctionRegistry(FunctionSettings(default_permissions=["execute", "view"]))
    entry = functions.add(len, namespace="x")
    assert entry.metadata.permissions == {"*": {FunctionPermission.EXECUTE, FunctionPermission.VIEW}}


def test_permissions_accept_strings_and_members(functions: FunctionRegistry) -> None:
    entry = functions.add(
        len, namespace="x", permissions={"admin": {"execute", FunctionPermission.MODIFY}, "user": ["VIEW"]}
    )
    assert entry.metadata.permissions == {
        "admin": {FunctionPermission.EXECUTE, FunctionPermission.MODIFY},
        "user": {FunctionPermission.VIEW},
    }
    with pytest.raises(InvalidName, match=r"Unknown permission 'run'.*execute, view, modify"):
        functions.add(len, name="len2", namespace="x", permissions={"admin": {"run"}})


def test_check_access_is_audited(functions: FunctionRegistry) -> None:
    functions.add(len, namespace="x", permissions={"admin": {"execute"}})
    assert functions.check_access("len", "execute", "admin") is True
    assert functions.check_access("len", FunctionPermission.EXECUTE, "user") is False
    events = functions.audit.events(action="check_access")
    assert [(event.role, event.allowed, event.detail["operation"]) for event in events] == [
        ("admin", True, "execute"),
        ("user", False, "execute"),
    ]


def test_accessible_functions(functions: FunctionRegistry) -> None:
    functions.add(len, namespace="x", permissions={"admin": {"execute"}})
    functions.add(abs, namespace="x")
    # abs has only the default rule, which every role without a rule of its own gets.
    assert [entry.metadata.name for entry in functions.accessible_functions("admin")] == ["abs", "len"]
    assert [entry.metadata.name for entry in functions.accessible_functions("user")] == ["abs"]
    assert functions.accessible_functions("user", "modify") == []


# -- execute -----------------------------------------------------------------------
@pytest.fixture
def secured() -> Iterator[FunctionRegistry]:
    functions = FunctionRegistry()

    @functions.register(namespace="admin.ops", permissions={"admin": {"execute", "modify"}, "user": {"view"}})
    def reset_password(user_id: str, new_password: str = "x") -> bool:
        return bool(user_id)

    yield functions


async def test_execute_runs_a_permitted_function(secured: FunctionRegistry) -> None:
    assert await secured.execute("reset_password", ("u1",), {"new_password": "p"}, role="admin") is True
    entry = secured["reset_password"]
    assert entry.stats.call_count == 1
    event = secured.audit.events(action="execute")[-1]
    assert (event.path, event.role, event.allowed) == ("ns.functions.admin.ops.reset_password", "admin", True)
    assert event.detail["duration"] >= 0


@pytest.mark.parametrize("role", ["user", "guest", "*"])
async def test_execute_denies_roles_without_execute(secured: FunctionRegistry, role: str) -> None:
    with pytest.raises(
        PermissionDenied, match=r"Role '.*' may not execute ns\.functions\.admin\.ops\.reset_password.*'admin'"
    ) as caught:
        await secured.execute("reset_password", ("u1",), role=role)
    assert (caught.value.role, caught.value.operation, caught.value.path) == (
        role,
        "execute",
        "ns.functions.admin.ops.reset_password",
    )
    denial = secured.audit.events(allowed=False)[-1]
    assert (denial.action, denial.role, denial.detail) == ("execute", role, {"denied": "execute"})
    assert secured["reset_password"].stats.call_count == 0


async def test_denial_message_names_the_default_rule(functions: FunctionRegistry) -> None:
    functions.add(len, namespace="x", permissions={"*": {"execute"}, "banned": set()})
    with pytest.raises(PermissionDenied, match=r"every role without a rule of its own \('\*'\)"):
        await functions.execute("len", ([1],), role="banned")
    assert await functions.execute("len", ([1],), role="someone") == 1


async def test_execute_unknown_function(functions: FunctionRegistry) -> None:
    with pytest.raises(NotRegistered, match="No function 'missing'"):
        await functions.execute("missing")


async def test_execute_wraps_failures_and_chains_the_original(functions: FunctionRegistry) -> None:
    @functions.register(namespace="math")
    def divide(a: float, b: float) -> float:
        return a / b

    with pytest.raises(FunctionFailed, match=r"ns\.functions\.math\.divide raised ZeroDivisionError") as caught:
        await functions.execute("divide", (1, 0))
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    assert caught.value.path == "ns.functions.math.divide"
    assert functions["divide"].stats.error_count == 1
    event = functions.audit.events(action="execute")[-1]
    assert event.allowed is False
    assert event.detail["error"] == "ZeroDivisionError: division by zero"


async def test_execute_async_function(functions: FunctionRegistry) -> None:
    @functions.register(namespace="io")
    async def fetch(x: int) -> int:
        await asyncio.sleep(0)
        return x * 10

    assert await functions.execute("fetch", (3,)) == 30
    assert functions["fetch"].stats.call_count == 1


async def test_async_timeout(functions: FunctionRegistry) -> None:
    @functions.register(namespace="io")
    async def slow() -> None:
        await asyncio.sleep(30)

    with pytest.raises(FunctionTimeout, match=r"ns\.functions\.io\.slow did not finish within 0\.05 s") as caught:
        await functions.execute("slow", timeout=0.05)
    assert isinstance(caught.value, TimeoutError)
    assert isinstance(caught.value, FunctionFailed)
    assert functions["slow"].stats.error_count == 1


async def test_sync_timeout_stops_waiting_while_the_thread_runs_on(functions: FunctionRegistry) -> None:
    release = threading.Event()
    finished = threading.Event()

    @functions.register(namespace="io")
    def blocking() -> str:
        release.wait(10)
        finished.set()
        return "done"

    with pytest.raises(FunctionTimeout, match="its thread may still be running"):
        await functions.execute("blocking", timeout=0.05)
    assert not finished.is_set()  # execute returned before the function did
    release.set()
    assert await asyncio.to_thread(finished.wait, 10)


def test_settings_timeout_applies() -> None:
    functions = FunctionRegistry(FunctionSettings(execution_timeout=0.05))
    release = threading.Event()
    functions.register(lambda: release.wait(10), name="waiter", namespace="io")
    try:
        with pytest.raises(FunctionTimeout, match=r"within 0\.05 s"):
            functions.execute_sync("waiter")
    finally:
        release.set()


async def test_sync_function_runs_in_a_worker_thread_with_the_callers_context(functions: FunctionRegistry) -> None:
    functions.register(lambda: (threading.current_thread().name, request_id.get()), name="where", namespace="x")
    request_id.set("r-42")
    thread_name, seen = await functions.execute("where")
    assert thread_name != threading.current_thread().name
    assert seen == "r-42"


async def test_plain_callable_returning_a_coroutine_is_awaited(functions: FunctionRegistry) -> None:
    async def later() -> int:
        return 7

    functions.register(lambda: later(), name="deferred", namespace="x")
    assert await functions.execute("deferred") == 7


def test_execute_sync_in_a_script(secured: FunctionRegistry) -> None:
    assert secured.execute_sync("reset_password", ("u1",), role="admin") is True
    with pytest.raises(PermissionDenied):
        secured.execute_sync("reset_password", ("u1",), role="user")


async def test_execute_sync_refuses_a_running_loop(secured: FunctionRegistry) -> None:
    with pytest.raises(EventLoopRunning, match=r"inside a running event loop.*await registry\.execute"):
        secured.execute_sync("reset_password", ("u1",), role="admin")


def test_execute_counts_nothing_when_tracking_is_off() -> None:
    functions = FunctionRegistry(FunctionSettings(track_execution=False))
    functions.register(len, namespace="x")
    assert functions.execute_sync("len", ([1, 2],)) == 2
    assert functions["len"].stats.call_count == 0
    assert functions.audit.events(action="execute")[-1].allowed is True


# -- discovery -------------------------------------------------------------------
@pytest.fixture
def math_registry() -> FunctionRegistry:
    functions = FunctionRegistry()
    functions.register(lambda a, b: a + b, name="add", namespace="math.basic", tags={"math", "basic"})
    functions.register(lambda a, b: a - b, name="subtract", namespace="math.basic", tags={"math"})
    functions.register(lambda a, b: a**b, name="power", namespace="math.advanced", tags={"math"})
    functions.register(str.upper, name="upper", namespace="text", tags={"text"})
    return functions


def test_find_by_namespace(math_registry: FunctionRegistry) -> None:
    assert [f.metadata.name for f in math_registry.find_by_namespace("ns.functions.math.*")] == [
        "power",
        "add",
        "subtract",
    ]
    assert len(math_registry.find_by_namespace("math.basic.*")) == 2
    assert math_registry.find("ns.functions.nothing.*") == []


def test_find_by_tag(math_registry: FunctionRegistry) -> None:
    assert [f.metadata.name for f in math_registry.find_by_tag("basic")] == ["add"]
    assert len(math_registry.find_by_tag("math")) == 3
    assert math_registry.find_by_tag("missing") == []


def test_get_and_get_by_namespace(math_registry: FunctionRegistry) -> None:
    exact = math_registry.get_by_namespace("ns.functions.math.basic.add")
    assert exact is not None and exact(2, 3) == 5
    assert math_registry.get_by_namespace("math.basic.add") is None  # exact full paths only
    assert math_registry.get_by_namespace("ns.functions.math.basic.missing") is None
    assert math_registry.get("add") is exact
    assert math_registry.functions.get("missing") is None
    with pytest.raises(NotRegistered, match=r"No function 'missing'.*Available: add, power, subtract, upper"):
        math_registry.get("missing")
    assert math_registry.namespaces() == ["math.advanced", "math.basic", "text"]
    assert "power" in math_registry
    assert len(math_registry) == 4


# -- changes and the audit trail -----------------------------------------------
def test_update_changes_tags_and_permissions(secured: FunctionRegistry) -> None:
    before = secured["reset_password"].metadata.updated_at
    entry = secured.update("reset_password", tags={"security"}, permissions={"*": {"execute"}}, role="admin")
    assert entry.metadata.tags == {"security"}
    assert secured.check_access("reset_password", "execute", "anyone")
    assert entry.metadata.updated_at >= before
    event = secured.audit.events(action="update")[-1]
    assert (event.path, event.role, event.detail["changed"]) == (
        "ns.functions.admin.ops.reset_password",
        "admin",
        ["tags", "permissions"],
    )


def test_update_and_remove_need_modify_for_a_role(secured: FunctionRegistry) -> None:
    with pytest.raises(PermissionDenied, match="Role 'user' may not modify"):
        secured.update("reset_password", tags=set(), role="user")
    with pytest.raises(PermissionDenied, match="Role 'user' may not modify"):
        secured.remove("reset_password", role="user")
    assert [event.action for event in secured.audit.events(allowed=False)] == ["update", "remove"]
    assert "reset_password" in secured


def test_remove(secured: FunctionRegistry) -> None:
    removed = secured.remove("reset_password")
    assert removed.metadata.name == "reset_password"
    assert "reset_password" not in secured
    assert secured.audit.events(action="remove")[-1].path == "ns.functions.admin.ops.reset_password"
    with pytest.raises(NotRegistered):
        secured.remove("reset_password")


def test_every_registration_is_audited_in_a_shared_log() -> None:
    log = AuditLog()
    functions = FunctionRegistry(audit=log)
    functions.register(len, namespace="x", tags={"b", "a"})
    functions.register(len, namespace="x", allow_override=True)
    events = log.events(action="register", kind="functions")
    assert [(event.path, event.detail["replaced"]) for event in events] == [
        ("ns.functions.x.len", False),
        ("ns.functions.x.len", True),
    ]
    assert events[0].detail["tags"] == ["a", "b"]
