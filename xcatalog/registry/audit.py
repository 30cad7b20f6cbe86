"""The audit trail: every registration, update, execution, access check and denial.

The log is bounded (``[registry] audit_max_events``): the oldest events fall
off when it is full. Listeners (the store's write-through, a widget) can
subscribe to new events.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AuditEvent", "AuditLog"]


class AuditEvent(BaseModel):
    """One thing that happened in the registry.

    Attributes:
        time: When (UTC).
        action: What, e.g. ``register``, ``update``, ``execute``, ``check_access``, ``remove``.
        kind: ``functions``, ``models``, ``types`` or ``registry``.
        path: The registry path concerned.
        role: The role that acted, when one did.
        allowed: ``False`` for a denial or a failure.
        detail: Anything else worth keeping (operation, version, error, duration).
    """

    model_config = ConfigDict(frozen=True)

    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    action: str
    kind: str = "registry"
    path: str = ""
    role: str | None = None
    allowed: bool = True
    detail: dict[str, Any] = Field(default_factory=dict)


class AuditLog:
    """A bounded, filterable list of :class:`AuditEvent`.

    Args:
        max_events: How many events to keep; ``0`` keeps none (listeners still hear them).
    """

    def __init__(self, max_events: int = 10_000) -> None:
        self.max_events = max_events
        self._events: deque[AuditEvent] = deque(maxlen=max_events)
        self._listeners: list[Callable[[AuditEvent], None]] = []

    def record(
        self,
        action: str,
        path: str = "",
        *,
        kind: str = "registry",
        role: str | None = None,
        allowed: bool = True,
        **detail: Any,
    ) -> AuditEvent:
        """Append an event and tell the listeners.

        Returns:
            The event.
        """
        event = AuditEvent(action=action, kind=kind, path=path, role=role, allowed=allowed, detail=detail)
        if self.max_events:
            self._events.append(event)
        for listener in list(self._listeners):
            listener(event)
        return event

    def extend(self, events: Iterable[AuditEvent]) -> None:
        """Append already-made events (when loading a stored log); listeners are not called."""
        if self.max_events:
            self._events.extend(events)

    def subscribe(self, listener: Callable[[AuditEvent], None]) -> Callable[[], None]:
        """Call ``listener`` with every new event.

        Returns:
            A function that unsubscribes it.
        """
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def events(
        self,
        *,
        action: str | None = None,
        kind: str | None = None,
        path: str | None = None,
        role: str | None = None,
        allowed: bool | None = None,
        since: datetime | None = None,
    ) -> list[AuditEvent]:
        """Events matching every filter given, oldest first.

        Args:
            action: Exact action.
            kind: Exact kind.
            path: Exact path, or a prefix ending in ``*`` (``ns.models.shop.*``).
            role: Exact role.
            allowed: Only allowed (``True``) or only denied (``False``) events.
            since: Only events at or after this time.
        """
        prefix = path[:-1] if path and path.endswith("*") else None
        selected = []
        for event in self._events:
            if action is not None and event.action != action:
                continue
            if kind is not None and event.kind != kind:
                continue
            if path is not None and (event.path != path if prefix is None else not event.path.startswith(prefix)):
                continue
            if role is not None and event.role != role:
                continue
            if allowed is not None and event.allowed != allowed:
                continue
            if since is not None and event.time < since:
                continue
            selected.append(event)
        return selected

    def to_frame(self, **filters: Any) -> pd.DataFrame:
        """The events (filtered as in :meth:`events`) as a DataFrame, one row each."""
        import pandas as pd

        columns = ["time", "action", "kind", "path", "role", "allowed", "detail"]
        rows = [event.model_dump() for event in self.events(**filters)]
        return pd.DataFrame(rows, columns=columns)

    def clear(self) -> None:
        """Forget every event."""
        self._events.clear()

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Any:
        return iter(list(self._events))
