from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from xcatalog.registry.audit import AuditEvent, AuditLog


def filled_log() -> AuditLog:
    log = AuditLog()
    log.record("register", "ns.functions.math.add", kind="functions")
    log.record("execute", "ns.functions.math.add", kind="functions", role="user", duration=0.1)
    log.record("execute", "ns.functions.math.add", kind="functions", role="guest", allowed=False, denied="execute")
    log.record("check_access", "ns.models.shop.Product", kind="models", role="user", operation="read")
    return log


def test_record_returns_the_event_with_its_detail() -> None:
    log = AuditLog()
    before = datetime.now(UTC)
    event = log.record("update", "ns.models.shop.Product", kind="models", role="admin", version="1.1.0")
    assert isinstance(event, AuditEvent)
    assert event.detail == {"version": "1.1.0"}
    assert event.allowed is True
    assert before <= event.time <= datetime.now(UTC)
    assert list(log) == [event]


def test_events_are_frozen() -> None:
    event = AuditLog().record("register", "p")
    with pytest.raises(ValueError, match="frozen"):
        event.action = "other"  # type: ignore[misc]


def test_log_is_bounded_and_drops_the_oldest() -> None:
    log = AuditLog(max_events=3)
    for number in range(5):
        log.record("register", f"ns.functions.x.f{number}")
    assert len(log) == 3
    assert [event.path for event in log] == ["ns.functions.x.f2", "ns.functions.x.f3", "ns.functions.x.f4"]


def test_zero_capacity_keeps_nothing_but_listeners_still_hear() -> None:
    log = AuditLog(max_events=0)
    heard: list[AuditEvent] = []
    log.subscribe(heard.append)
    log.record("register", "p")
    assert len(log) == 0
    assert [event.action for event in heard] == ["register"]


def test_unsubscribe_stops_notifications_and_is_idempotent() -> None:
    log = AuditLog()
    heard: list[str] = []
    unsubscribe = log.subscribe(lambda event: heard.append(event.path))
    log.record("register", "first")
    unsubscribe()
    unsubscribe()
    log.record("register", "second")
    assert heard == ["first"]


def test_extend_loads_events_without_calling_listeners() -> None:
    source = filled_log()
    target = AuditLog()
    heard: list[AuditEvent] = []
    target.subscribe(heard.append)
    target.extend(source)
    assert len(target) == len(source)
    assert heard == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"action": "execute"}, 2),
        ({"kind": "models"}, 1),
        ({"path": "ns.functions.math.add"}, 3),
        ({"path": "ns.functions.*"}, 3),
        ({"path": "ns.*"}, 4),
        ({"path": "ns.functions"}, 0),
        ({"role": "user"}, 2),
        ({"allowed": False}, 1),
        ({"action": "execute", "allowed": True}, 1),
        ({"action": "nothing"}, 0),
    ],
)
def test_event_filters(filters: dict[str, object], expected: int) -> None:
    assert len(filled_log().events(**filters)) == expected  # type: ignore[arg-type]


def test_since_filter() -> None:
    log = filled_log()
    assert len(log.events(since=datetime.now(UTC) - timedelta(minutes=1))) == 4
    assert log.events(since=datetime.now(UTC) + timedelta(minutes=1)) == []


def test_to_frame_has_one_row_per_event_and_fixed_columns() -> None:
    frame = filled_log().to_frame()
    assert list(frame.columns) == ["time", "action", "kind", "path", "role", "allowed", "detail"]
    assert len(frame) == 4
    assert frame["allowed"].tolist() == [True, True, False, True]
    denied = filled_log().to_frame(allowed=False)
    assert denied["role"].tolist() == ["guest"]
    assert denied["detail"].iloc[0] == {"denied": "execute"}


def test_empty_frame_keeps_columns() -> None:
    frame = AuditLog().to_frame()
    assert frame.empty
    assert list(frame.columns) == ["time", "action", "kind", "path", "role", "allowed", "detail"]


def test_clear_forgets_events() -> None:
    log = filled_log()
    log.clear()
    assert len(log) == 0
    assert log.events() == []
