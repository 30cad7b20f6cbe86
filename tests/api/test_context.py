from __future__ import annotations

import pandas as pd
import pytest

from xcatalog.api.auth import ApiKeys
from xcatalog.api.context import ApiContext, Caller
from xcatalog.errors import NotRegistered, PermissionDenied
from xcatalog.registry import XRegistry
from xcatalog.resources import FrameResource


@pytest.fixture
def shared(registry: XRegistry, api_keys: dict[str, str]) -> ApiContext:
    frames = FrameResource({"t": pd.DataFrame({"a": [1]})}, name="mine")
    return ApiContext(
        registry=registry,
        settings=registry.settings,
        keys=ApiKeys(api_keys),
        admin_roles=frozenset({"admin"}),
        resources={"mine": frames},
    )


def test_require_admin(shared: ApiContext) -> None:
    shared.require_admin(Caller("admin"), "discover", "resource 'x'")
    with pytest.raises(PermissionDenied, match="needs one of the roles admin") as caught:
        shared.require_admin(Caller("analyst"), "discover", "resource 'x'")
    assert (caught.value.role, caught.value.operation) == ("analyst", "discover")


def test_resource_lookup_merges_app_and_connected_resources(shared: ApiContext) -> None:
    connected = FrameResource({}, name="notebook")
    shared.enriched.connected_resources["notebook"] = connected
    assert shared.resource("notebook") is connected
    assert shared.resource("mine").name == "mine"
    with pytest.raises(NotRegistered, match=r"No resource named 'nope'.*Resources: mine, notebook") as caught:
        shared.resource("nope")
    assert caught.value.available == ["mine", "notebook"]


@pytest.mark.parametrize(
    ("function", "role", "visible", "executable"),
    [
        ("add", "analyst", True, True),
        ("payroll_total", "analyst", False, False),
        ("payroll_total", "admin", True, True),
    ],
)
def test_function_visibility(shared: ApiContext, function: str, role: str, visible: bool, executable: bool) -> None:
    entry = shared.registry.functions[function]
    assert shared.can_see_function(entry, role) is visible
    assert shared.can_execute(entry, role) is executable


def test_view_only_function_is_visible_but_not_executable(shared: ApiContext) -> None:
    entry = shared.registry.functions.add(lambda: 1, name="peek", namespace="ops", permissions={"*": {"view"}})
    assert shared.can_see_function(entry, "analyst")
    assert not shared.can_execute(entry, "analyst")


def test_argument_model_is_cached_until_the_function_is_replaced(shared: ApiContext) -> None:
    entry = shared.registry.functions["add"]
    first = shared.argument_model(entry)
    assert shared.argument_model(entry) is first
    replaced = shared.registry.functions.add(lambda a: a, name="add", namespace="math", allow_override=True)
    assert shared.argument_model(replaced) is not first
