"""The function registry: named, namespaced, permissioned Python functions.

A function is registered under ``<prefix>.functions.<namespace>.<name>``. When
no namespace is given it is derived from the function's module: the module's
last dotted segment (``shop.pricing`` -> ``pricing``), or ``default`` for code
typed in a notebook or script (``__main__``, ``ipykernel`` modules) and for
module names that are not identifiers.

Registering returns the function itself, or (with ``track_execution`` on) a
:func:`functools.wraps` wrapper that keeps its name, docstring and signature
and counts its calls. Direct calls are counted but not audited and not
permission-checked: they are plain Python calls. :meth:`FunctionRegistry.execute`
is the guarded entry point: it checks the ``execute`` permission of a role,
honours ``execution_timeout``, counts the call and records it in the audit log.

Example:
    >>> registry = FunctionRegistry()
    >>> @registry.register(namespace="math.basic", tags={"math"})
    ... def add(a: int, b: int) -> int:
    ...     return a + b
    >>> registry["add"].metadata.ns_path
    'ns.functions.math.basic.add'
    >>> registry.execute_sync("add", (1, 2))
    3
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import inspect
import json
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar, overload

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_serializer

from xcatalog.config import FunctionSettings
from xcatalog.errors import FunctionFailed, FunctionTimeout, PermissionDenied, RegistryError
from xcatalog.registry._namespace import NamespaceIndex, validate_segment
from xcatalog.registry._permissions import ANY_ROLE, is_allowed, parse_permissions
from xcatalog.registry._signatures import describe_signature
from xcatalog.registry.audit import AuditLog

__all__ = [
    "CallRecord",
    "EventLoopRunning",
    "FunctionMetadata",
    "FunctionParameter",
    "FunctionPermission",
    "FunctionRegistry",
    "FunctionStats",
    "RegisteredFunction",
    "default_namespace",
]

F = TypeVar("F", bound=Callable[..., Any])

KIND = "functions"
DEFAULT_NAMESPACE = "default"
# Modules whose functions were typed interactively: their names say nothing about the function.
_INTERACTIVE_MODULES = frozenset({"__main__", "__mp_main__", "builtins"})
_INTERACTIVE_PREFIXES = ("ipykernel", "IPython", "__ipython")


class EventLoopRunning(RegistryError, RuntimeError):
    """A blocking call (``execute_sync``) was made where an event loop is already running.

    Blocking that loop until the coroutine finishes would deadlock a notebook,
    so the call is refused; ``await`` the async variant instead.
    """


class FunctionPermission(StrEnum):
    """What a role may do with a registered function."""

    EXECUTE = "execute"
    VIEW = "view"
    MODIFY = "modify"


class FunctionParameter(BaseModel):
    """One parameter of a registered function's signature.

    Attributes:
        name: The parameter name.
        kind: ``positional_only``, ``positional_or_keyword``, ``var_positional``,
            ``keyword_only`` or ``var_keyword``.
        annotation: The annotation as written, or ``None`` when there is none.
        default: The default value (``None`` when there is none; see ``has_default``).
        has_default: Whether the parameter has a default.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    kind: str
    annotation: str | None = None
    default: Any = None
    has_default: bool = False

    @field_serializer("default", when_used="json")
    def _default_as_json(self, default: Any) -> Any:
        # A store writes metadata as JSON; a default such as ``object()`` is kept as its repr.
        try:
            json.dumps(default)
        except (TypeError, ValueError):
            return repr(default)
        return default


class FunctionMetadata(BaseModel):
    """What the registry knows about a function, read from its signature at registration.

    Attributes:
        name: The short name (last path segment).
        namespace: The dotted namespace between ``<prefix>.functions.`` and the name.
        module: ``func.__module__``.
        qualname: ``func.__qualname__``; with ``module`` it is the import path.
        signature: ``str(inspect.signature(func))``.
        docstring: The cleaned docstring.
        parameters: Each parameter by name.
        return_type: The return annotation as written, or ``None``.
        is_async: Whether the function is ``async def``.
        track_execution: Whether calls are counted.
        tags: Free labels for :meth:`FunctionRegistry.find_by_tag`.
        permissions: ``{role: permissions}``; ``"*"`` is the rule for roles without their own.
        ns_path: The full registry path.
        registered_at: When it was registered (UTC).
        updated_at: When it was last changed (UTC).
    """

    name: str
    namespace: str
    module: str
    qualname: str
    signature: str
    docstring: str | None = None
    parameters: dict[str, FunctionParameter] = Field(default_factory=dict)
    return_type: str | None = None
    is_async: bool = False
    track_execution: bool = True
    tags: set[str] = Field(default_factory=set)
    permissions: dict[str, set[FunctionPermission]] = Field(default_factory=dict)
    ns_path: str
    registered_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def import_path(self) -> str:
        """``module:qualname``, the address a store re-imports the function from."""
        return f"{self.module}:{self.qualname}"


class CallRecord(BaseModel):
    """One call of a registered function."""

    model_config = ConfigDict(frozen=True)

    started_at: datetime
    duration: float
    ok: bool
    error: str | None = None


class FunctionStats(BaseModel):
    """Call statistics of one function (kept when ``track_execution`` is on).

    Attributes:
        call_count: Calls so far, failed ones included.
        last_called: When the last call started (UTC).
        total_duration: Seconds spent in all calls.
        last_duration: Seconds the last call took.
        error_count: Calls that raised or timed out.
        max_history: How many recent calls :meth:`recent_calls` keeps (``max_call_history``).
    """

    call_count: int = 0
    last_called: datetime | None = None
    total_duration: float = 0.0
    last_duration: float | None = None
    error_count: int = 0
    max_history: int = Field(1000, ge=0, exclude=True)
    _recent: deque[CallRecord] = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        """Create the bounded history of recent calls."""
        self._recent = deque(maxlen=self.max_history)

    @property
    def average_duration(self) -> float | None:
        """Mean seconds per call, or ``None`` before the first call."""
        return self.total_duration / self.call_count if self.call_count else None

    def record(self, started_at: datetime, duration: float, error: BaseException | None = None) -> None:
        """Count one call (not thread-safe on its own: the registry holds a lock around it)."""
        self.call_count += 1
        self.last_called = started_at
        self.total_duration += duration
        self.last_duration = duration
        if error is not None:
            self.error_count += 1
        if self.max_history:
            message = None if error is None else f"{type(error).__name__}: {error}"
            self._recent.append(CallRecord(started_at=started_at, duration=duration, ok=error is None, error=message))

    def recent_calls(self) -> list[CallRecord]:
        """The last ``max_history`` calls, oldest first."""
        return list(self._recent)


class RegisteredFunction(BaseModel):
    """A function in the registry.

    Attributes:
        metadata: Name, path, signature, tags, permissions.
        func: The original function.
        wrapper: What ``register`` returned: the call-counting wrapper, or ``func``
            itself when ``track_execution`` is off. Calling the entry calls it.
        stats: Call statistics.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    metadata: FunctionMetadata
    func: Callable[..., Any]
    wrapper: Callable[..., Any]
    stats: FunctionStats = Field(default_factory=FunctionStats)

    @property
    def path(self) -> str:
        """The full registry path."""
        return self.metadata.ns_path

    @property
    def call_count(self) -> int:
        """Calls counted so far."""
        return self.stats.call_count

    @property
    def last_called(self) -> datetime | None:
        """When the last counted call started."""
        return self.stats.last_called

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the function directly (counted, not permission-checked: use ``execute`` for that)."""
        return self.wrapper(*args, **kwargs)


def default_namespace(module: str | None) -> str:
    """The namespace a function gets when none is given.

    Args:
        module: The function's ``__module__``.

    Returns:
        The module's last dotted segment, or ``"default"`` for interactive code
        (``__main__``, notebook kernels) and names that are not identifiers.
    """
    if not module or module in _INTERACTIVE_MODULES or module.startswith(_INTERACTIVE_PREFIXES):
        return DEFAULT_NAMESPACE
    last = module.rsplit(".", 1)[-1]
    return last if last.isidentifier() else DEFAULT_NAMESPACE


class FunctionRegistry:
    """Registry of Python functions, by namespace path.

    Args:
        settings: ``[registry.functions]``; defaults when ``None``.
        audit: The audit log to record into (an :class:`~xcatalog.registry.XRegistry`
            shares one between its registries); a private one when ``None``.
        prefix: The root segment of every path (``[registry] namespace_prefix``).

    Attributes:
        functions: The entries: a read-only mapping by full path that also
            accepts an unambiguous short name or partial path.
    """

    def __init__(
        self,
        settings: FunctionSettings | None = None,
        *,
        audit: AuditLog | None = None,
        prefix: str = "ns",
    ) -> None:
        self.settings = settings if settings is not None else FunctionSettings()
        self.audit = audit if audit is not None else AuditLog()
        self.prefix = validate_segment(prefix, "namespace prefix")
        self.functions: NamespaceIndex[RegisteredFunction] = NamespaceIndex(KIND, self.prefix)
        # Wrapped sync functions may run in several threads (execute() uses worker threads).
        self._stats_lock = threading.Lock()
        # Parsed once: most registrations take the default rule.
        self._default_rules = parse_permissions(None, FunctionPermission, self.settings.default_permissions)

    # -- registration ----------------------------------------------------
    @overload
    def register(
        self,
        func: F,
        /,
        *,
        name: str | None = None,
        namespace: str | None = None,
        tags: Iterable[str] | None = None,
        permissions: Mapping[str, Iterable[FunctionPermission | str]] | None = None,
        allow_override: bool | None = None,
        track_execution: bool | None = None,
    ) -> F: ...

    @overload
    def register(
        self,
        func: None = None,
        /,
        *,
        name: str | None = None,
        namespace: str | None = None,
        tags: Iterable[str] | None = None,
        permissions: Mapping[str, Iterable[FunctionPermission | str]] | None = None,
        allow_override: bool | None = None,
        track_execution: bool | None = None,
    ) -> Callable[[F], F]: ...

    def register(
        self,
        func: F | None = None,
        /,
        *,
        name: str | None = None,
        namespace: str | None = None,
        tags: Iterable[str] | None = None,
        permissions: Mapping[str, Iterable[FunctionPermission | str]] | None = None,
        allow_override: bool | None = None,
        track_execution: bool | None = None,
    ) -> F | Callable[[F], F]:
        """Register a function; usable as ``@register``, ``@register(...)`` or ``register(func, ...)``.

        Args:
            func: The function (omit it to get a decorator).
            name: The short name; default ``func.__name__``.
            namespace: Dotted namespace; default derived from the module (see the module docstring).
            tags: Labels for :meth:`find_by_tag`.
            permissions: ``{role: {"execute", "view", "modify"}}`` (enum members or strings);
                default ``{"*": default_permissions}`` from the settings.
            allow_override: Replace an entry at the same path; default from the settings.
            track_execution: Count calls; default from the settings.

        Returns:
            The function to use in its place (a call-counting wrapper when tracking
            is on), or a decorator producing it. The entry itself is ``registry[name]``;
            :meth:`add` returns it directly.

        Raises:
            InvalidName: The name or namespace is not made of identifiers.
            AlreadyRegistered: The path is taken and override is off.
        """

        def decorate(target: F) -> F:
            registered = self.add(
                target,
                name=name,
                namespace=namespace,
                tags=tags,
                permissions=permissions,
                allow_override=allow_override,
                track_execution=track_execution,
            )
            wrapper: F = registered.wrapper  # type: ignore[assignment]
            return wrapper

        return decorate if func is None else decorate(func)

    def add(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        namespace: str | None = None,
        tags: Iterable[str] | None = None,
        permissions: Mapping[str, Iterable[FunctionPermission | str]] | None = None,
        allow_override: bool | None = None,
        track_execution: bool | None = None,
    ) -> RegisteredFunction:
        """Register ``func`` and return its entry (the plain-call form of :meth:`register`).

        Args and Raises are those of :meth:`register`; ``func`` must be callable.

        Returns:
            The new entry.
        """
        if not callable(func):
            raise TypeError(f"Only callables can be registered as functions, got {type(func).__name__} {func!r}.")
        func_name = name if name is not None else getattr(func, "__name__", "")
        if not func_name:
            raise TypeError(f"{func!r} has no __name__: pass name='...' to register it.")
        module = getattr(func, "__module__", None) or ""
        chosen_namespace = namespace if namespace is not None else default_namespace(module)
        path = self.functions.path_for(chosen_namespace, func_name)
        override = self.settings.allow_override if allow_override is None else allow_override
        tracked = self.settings.track_execution if track_execution is None else track_execution
        now = datetime.now(UTC)
        signature, parameter_texts, return_type = describe_signature(func)
        parameters = {
            text.name: FunctionParameter(
                name=text.name,
                kind=text.kind,
                annotation=text.annotation,
                default=text.default,
                has_default=text.has_default,
            )
            for text in parameter_texts
        }
        metadata = FunctionMetadata(
            name=func_name,
            namespace=chosen_namespace,
            module=module,
            qualname=getattr(func, "__qualname__", func_name),
            signature=signature,
            docstring=inspect.getdoc(func),
            parameters=parameters,
            return_type=return_type,
            is_async=inspect.iscoroutinefunction(func),
            track_execution=tracked,
            tags=set(tags or ()),
            permissions=(
                {role: set(held) for role, held in self._default_rules.items()}
                if permissions is None
                else parse_permissions(permissions, FunctionPermission)
            ),
            ns_path=path,
            registered_at=now,
            updated_at=now,
        )
        registered = RegisteredFunction(
            metadata=metadata,
            func=func,
            wrapper=func,
            stats=FunctionStats(max_history=self.settings.max_call_history),
        )
        if tracked:
            registered.wrapper = self._tracking_wrapper(registered)
        replaced = self.functions.add(path, registered, allow_override=override)
        self.audit.record("register", path, kind=KIND, replaced=replaced is not None, tags=sorted(metadata.tags))
        return registered

    def _tracking_wrapper(self, registered: RegisteredFunction) -> Callable[..., Any]:
        func = registered.func
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def tracked_async(*args: Any, **kwargs: Any) -> Any:
                started_at, started = datetime.now(UTC), time.perf_counter()
                try:
                    result = await func(*args, **kwargs)
                except Exception as exc:
                    self._count_call(registered, started_at, started, exc)
                    raise
                self._count_call(registered, started_at, started, None)
                return result

            return tracked_async

        @functools.wraps(func)
        def tracked(*args: Any, **kwargs: Any) -> Any:
            started_at, started = datetime.now(UTC), time.perf_counter()
            try:
                result = func(*args, **kwargs)
            except Exception as exc:
                self._count_call(registered, started_at, started, exc)
                raise
            self._count_call(registered, started_at, started, None)
            return result

        return tracked

    def _count_call(
        self, registered: RegisteredFunction, started_at: datetime, started: float, error: BaseException | None
    ) -> None:
        duration = time.perf_counter() - started
        with self._stats_lock:
            registered.stats.record(started_at, duration, error)

    # -- reading ---------------------------------------------------------
    def __getitem__(self, key: str) -> RegisteredFunction:
        """The entry at a full path, partial path or unambiguous short name.

        Raises:
            NotRegistered: Nothing matches.
            AmbiguousName: A short name matches several namespaces.
        """
        return self.functions[key]

    def __contains__(self, key: object) -> bool:
        return key in self.functions

    def __len__(self) -> int:
        return len(self.functions)

    def get(self, key: str) -> RegisteredFunction:
        """The entry at a full path, partial path or unambiguous short name (as ``registry[key]``).

        ``registry.functions.get(key)`` answers ``None`` instead when nothing matches.

        Raises:
            NotRegistered: Nothing matches; the message lists what exists.
            AmbiguousName: A short name matches several namespaces.
        """
        return self.functions[key]

    def get_by_namespace(self, ns_path: str) -> RegisteredFunction | None:
        """The entry at exactly ``ns_path`` (a full path), or ``None``."""
        return self.functions.get(ns_path) if ns_path.startswith(f"{self.prefix}.{KIND}.") else None

    def find_by_namespace(self, pattern: str) -> list[RegisteredFunction]:
        """Entries whose path matches a glob (``ns.functions.math.*``, or relative: ``math.*``), by path."""
        return self.functions.find(pattern)

    find = find_by_namespace

    def find_by_tag(self, tag: str) -> list[RegisteredFunction]:
        """Entries carrying ``tag``, by path."""
        return [self.functions[path] for path in sorted(self.functions) if tag in self.functions[path].metadata.tags]

    def namespaces(self) -> list[str]:
        """Every namespace holding at least one function, sorted."""
        return sorted({entry.metadata.namespace for entry in self.functions.values()})

    # -- permissions -----------------------------------------------------
    def check_access(self, key: str, permission: FunctionPermission | str, role: str) -> bool:
        """Whether ``role`` holds ``permission`` on a function; the check is audited.

        Raises:
            NotRegistered: No such function.
            InvalidName: ``permission`` is not a :class:`FunctionPermission` value.
        """
        registered = self.functions[key]
        wanted = _as_permission(permission)
        allowed = is_allowed(registered.metadata.permissions, role, wanted)
        self.audit.record(
            "check_access", registered.path, kind=KIND, role=role, allowed=allowed, operation=wanted.value
        )
        return allowed

    def accessible_functions(
        self, role: str, permission: FunctionPermission | str = FunctionPermission.EXECUTE
    ) -> list[RegisteredFunction]:
        """Every function on which ``role`` holds ``permission``, by path (audited as one event)."""
        wanted = _as_permission(permission)
        found = [
            self.functions[path]
            for path in sorted(self.functions)
            if is_allowed(self.functions[path].metadata.permissions, role, wanted)
        ]
        self.audit.record(
            "list_accessible", f"{self.prefix}.{KIND}.*", kind=KIND, role=role, operation=wanted.value, count=len(found)
        )
        return found

    def _require(self, registered: RegisteredFunction, permission: FunctionPermission, role: str, action: str) -> None:
        if is_allowed(registered.metadata.permissions, role, permission):
            return
        self.audit.record(action, registered.path, kind=KIND, role=role, allowed=False, denied=permission.value)
        holders = sorted(r for r, held in registered.metadata.permissions.items() if permission in held)
        if ANY_ROLE in holders:
            who = "every role without a rule of its own ('*')" + (
                f" and {', '.join(repr(r) for r in holders if r != ANY_ROLE)}" if len(holders) > 1 else ""
            )
        else:
            who = ", ".join(repr(r) for r in holders) or "no role"
        raise PermissionDenied(
            f"Role {role!r} may not {permission.value} {registered.path}: {permission.value!r} is held by {who}. "
            f"Use one of those roles, or grant it with update({registered.metadata.name!r}, permissions=...).",
            role=role,
            operation=permission.value,
            path=registered.path,
        )

    # -- changing --------------------------------------------------------
    def update(
        self,
        key: str,
        *,
        tags: Iterable[str] | None = None,
        permissions: Mapping[str, Iterable[FunctionPermission | str]] | None = None,
        role: str | None = None,
    ) -> RegisteredFunction:
        """Replace the tags and/or permissions of a function.

        Args:
            key: Path or unambiguous name.
            tags: The new tag set (``None`` keeps the current one).
            permissions: The new rules (``None`` keeps the current ones).
            role: The acting role, checked for ``modify``; ``None`` means trusted
                code that holds the registry object, and is not checked.

        Returns:
            The updated entry.

        Raises:
            NotRegistered: No such function.
            PermissionDenied: ``role`` lacks ``modify``.
        """
        registered = self.functions[key]
        if role is not None:
            self._require(registered, FunctionPermission.MODIFY, role, "update")
        changed: list[str] = []
        if tags is not None:
            registered.metadata.tags = set(tags)
            changed.append("tags")
        if permissions is not None:
            registered.metadata.permissions = parse_permissions(permissions, FunctionPermission)
            changed.append("permissions")
        registered.metadata.updated_at = datetime.now(UTC)
        self.audit.record("update", registered.path, kind=KIND, role=role, changed=changed)
        return registered

    def remove(self, key: str, *, role: str | None = None) -> RegisteredFunction:
        """Unregister a function and return its entry.

        Args:
            key: Path or unambiguous name.
            role: The acting role, checked for ``modify``; ``None`` is not checked.

        Raises:
            NotRegistered: No such function.
            PermissionDenied: ``role`` lacks ``modify``.
        """
        registered = self.functions[key]
        if role is not None:
            self._require(registered, FunctionPermission.MODIFY, role, "remove")
        self.functions.remove(registered.path)
        self.audit.record("remove", registered.path, kind=KIND, role=role)
        return registered

    # -- execution -------------------------------------------------------
    async def execute(
        self,
        key: str,
        args: Sequence[Any] = (),
        kwargs: Mapping[str, Any] | None = None,
        *,
        role: str = ANY_ROLE,
        timeout: float | None = None,
    ) -> Any:
        """Run a registered function for a role, with a time limit.

        ``execute`` is a coroutine because a time limit needs something to wait
        on: ``async def`` functions run on the current loop under
        :func:`asyncio.wait_for`; plain functions run in a new daemon thread while
        the loop waits. A plain function that overruns is *abandoned*, not
        stopped (Python cannot kill a thread): it keeps running in the
        background and its result is discarded. In a script use :meth:`execute_sync`.

        Args:
            key: Path or unambiguous name of the function.
            args: Positional arguments.
            kwargs: Keyword arguments.
            role: The role asking; it needs ``execute`` (``"*"`` uses the default rule).
            timeout: Seconds to wait; default ``execution_timeout`` from the settings.

        Returns:
            What the function returned.

        Raises:
            NotRegistered: No such function.
            AmbiguousName: A short name matches several namespaces.
            PermissionDenied: ``role`` lacks ``execute`` (the message names who holds it).
            FunctionTimeout: The function ran longer than the timeout.
            FunctionFailed: The function raised; the original is the ``__cause__``.
        """
        registered = self.functions[key]
        self._require(registered, FunctionPermission.EXECUTE, role, "execute")
        limit = self.settings.execution_timeout if timeout is None else timeout
        call_kwargs = dict(kwargs or {})
        started_at, started = datetime.now(UTC), time.perf_counter()
        try:
            if registered.metadata.is_async:
                result = await asyncio.wait_for(registered.func(*args, **call_kwargs), limit)
            else:
                result = await asyncio.wait_for(_run_in_thread(registered.func, args, call_kwargs), limit)
                if inspect.isawaitable(result):  # a plain callable that hands back a coroutine
                    result = await asyncio.wait_for(result, max(limit - (time.perf_counter() - started), 0.0))
        except TimeoutError as exc:
            self._after_call(registered, role, started_at, started, exc)
            raise FunctionTimeout(
                f"{registered.path} did not finish within {limit:g} s and was abandoned"
                f"{'' if registered.metadata.is_async else ' (its thread may still be running)'}. "
                "Pass a larger timeout= or raise [registry.functions] execution_timeout.",
                path=registered.path,
            ) from exc
        except Exception as exc:
            self._after_call(registered, role, started_at, started, exc)
            raise FunctionFailed(
                f"{registered.path} raised {type(exc).__name__}: {exc}. "
                "The original exception is chained as __cause__; check the arguments you passed.",
                path=registered.path,
            ) from exc
        self._after_call(registered, role, started_at, started, None)
        return result

    def execute_sync(
        self,
        key: str,
        args: Sequence[Any] = (),
        kwargs: Mapping[str, Any] | None = None,
        *,
        role: str = ANY_ROLE,
        timeout: float | None = None,
    ) -> Any:
        """Blocking :meth:`execute` for scripts and the CLI (arguments and errors are the same).

        Raises:
            EventLoopRunning: Called where an event loop runs (a notebook cell, a
                coroutine); use ``await registry.execute(...)`` there.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.execute(key, args, kwargs, role=role, timeout=timeout))
        raise EventLoopRunning(
            f"execute_sync({key!r}) was called inside a running event loop (a notebook cell or a coroutine), "
            f"where blocking would deadlock. Use 'await registry.execute({key!r}, ...)' instead."
        )

    def _after_call(
        self,
        registered: RegisteredFunction,
        role: str,
        started_at: datetime,
        started: float,
        error: BaseException | None,
    ) -> None:
        duration = time.perf_counter() - started
        if registered.metadata.track_execution:
            with self._stats_lock:
                registered.stats.record(started_at, duration, error)
        detail: dict[str, Any] = {"duration": round(duration, 6)}
        if error is not None:
            detail["error"] = f"{type(error).__name__}: {error}"
        self.audit.record("execute", registered.path, kind=KIND, role=role, allowed=error is None, **detail)


def _as_permission(permission: FunctionPermission | str) -> FunctionPermission:
    return parse_permissions({ANY_ROLE: [permission]}, FunctionPermission)[ANY_ROLE].pop()


def _run_in_thread(func: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]) -> Awaitable[Any]:
    """Run ``func`` in a new daemon thread; the returned future resolves with its outcome.

    A daemon thread rather than the loop's default executor: an abandoned call
    must not hold up interpreter exit or ``asyncio.run``'s executor shutdown.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()
    context = contextvars.copy_context()

    def settle(outcome: Any, failed: bool) -> None:
        if future.done():  # cancelled by the timeout
            return
        if failed:
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

    def run() -> None:
        try:
            outcome, failed = context.run(func, *args, **kwargs), False
        except BaseException as exc:  # forwarded to the waiting coroutine, which decides
            outcome, failed = exc, True
        # RuntimeError: the loop closed while an abandoned call was still running; nobody is waiting.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, outcome, failed)

    threading.Thread(target=run, name=f"xcatalog-execute-{getattr(func, '__name__', 'function')}", daemon=True).start()
    return future
