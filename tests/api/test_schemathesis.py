"""Property-based run over the generated OpenAPI document: no request may make the server fail (no 5xx).

The registry holds only functions that do not raise on valid input: a
registered function that raises answers 500 ``function_failed`` on purpose
(tested in test_routes_registry.py), which is not what this run looks for.
Examples per operation are few, so the whole run takes a few seconds.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import pandas as pd
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from xcatalog.api import create_app
from xcatalog.config import Settings
from xcatalog.registry import XRegistry
from xcatalog.resources import FrameResource

ADMIN_KEY = "schemathesis-admin-key-0123456789"
ANALYST_KEY = "schemathesis-analyst-key-0123456789"


class Item(BaseModel):
    sku: str
    price: float = Field(ge=0)


def total(values: list[float], start: float = 0.0) -> float:
    """Sum numbers."""
    return start + sum(values)


async def echo(text: str, *, times: Annotated[int, Field(ge=0, le=3)] = 1) -> str:
    """Repeat text."""
    return text * times


def _registry() -> XRegistry:
    registry = XRegistry(
        Settings.model_validate(
            {
                "registry": {
                    "enrichment": {"auto_refresh": False},
                    "models": {"default_permissions": ["create", "read", "update", "list"]},
                }
            }
        )
    )
    registry.functions.register(total, namespace="math")
    registry.functions.register(echo, namespace="text")
    registry.models.register(Item, namespace="shop")
    registry.types.register_type(Annotated[int, Field(gt=0)], name="PositiveInt")
    frames = FrameResource({"orders": pd.DataFrame({"order_id": [1, 2, 3], "status": ["open", "paid", "open"]})})
    # Enriched up front (frames need no server and no loop of their own), so enrichment endpoints have data.
    asyncio.run(registry.get_enriched().discover_and_register(frames, namespace="sales", progress=False))
    return registry


app = create_app(_registry(), api_keys={ADMIN_KEY: "admin", ANALYST_KEY: "analyst"})
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


def _known_name(path: str, parameter: str) -> str | None:
    """A name that exists, for the parameter of an operation (random text mostly hits 404)."""
    if parameter == "field":
        return "status"
    if parameter == "pattern":
        return "sales"
    if parameter != "name":
        return None  # job ids and resource names stay random: those answers are 404
    if path.startswith("/api/enrichment"):
        return "ns.models.sales.Order"
    for segment, known in (("/functions/", "total"), ("/models/", "Item"), ("/types/", "PositiveInt")):
        if segment in path:
            return known
    return None


@schema.parametrize()
@schema.given(use_known_names=st.booleans())
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case: Any, use_known_names: bool) -> None:
    if use_known_names and case.path_parameters:
        for parameter in list(case.path_parameters):
            known = _known_name(case.path, parameter)
            if known is not None:
                case.path_parameters[parameter] = known
    case.headers = {**(case.headers or {}), "X-API-Key": ADMIN_KEY}
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text}"
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"code", "message", "detail"}, body
