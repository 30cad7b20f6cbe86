"""The seed's "Model Registry Tests", rewritten only for pydantic v2 and xcatalog's import paths.

Deviation: the seed's ``test_dynamic_model_registration`` patched an inspector
with ``unittest.mock``. Here the registry talks to resources through its own
``InspectableResource`` protocol, so the test uses a tiny real resource that
implements that protocol (a double of xcatalog's protocol, not of pymongo).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import BaseModel, Field

from xcatalog.registry.models import ModelPermission, ModelRegistry, ModelSource


@pytest.fixture
def model_registry() -> ModelRegistry:
    return ModelRegistry()


class TestModel(BaseModel):
    """Test model"""

    __test__ = False  # a pydantic model, not a pytest test class

    name: str = Field(min_length=1)
    value: int = Field(gt=0)


def test_static_model_registration(model_registry: ModelRegistry) -> None:
    """Test registering static models"""
    registered = model_registry.register_static_model(TestModel, namespace="test", tags={"test", "example"})

    assert registered.metadata.source == ModelSource.STATIC
    assert registered.metadata.name == "TestModel"
    assert "test" in registered.metadata.tags
    assert registered.model_class == TestModel


def test_model_versioning(model_registry: ModelRegistry) -> None:
    """Test model version tracking"""
    # Register initial version
    model_registry.register_static_model(TestModel, name="VersionedModel")

    # Update model
    class UpdatedModel(BaseModel):
        name: str
        value: int
        description: str = ""  # New field

    updated = model_registry.update_model("VersionedModel", UpdatedModel, version="2.0.0")

    assert updated.metadata.version == "2.0.0"
    assert len(model_registry.version_history["VersionedModel"]) == 2


def test_model_permissions(model_registry: ModelRegistry) -> None:
    """Test model access control"""
    registered = model_registry.register_static_model(
        TestModel,
        permissions={
            "admin": {ModelPermission.CREATE, ModelPermission.READ, ModelPermission.UPDATE, ModelPermission.DELETE},
            "user": {ModelPermission.READ},
        },
    )

    # Check permissions
    admin_perms = registered.metadata.permissions["admin"]
    assert ModelPermission.CREATE in admin_perms
    assert ModelPermission.DELETE in admin_perms

    user_perms = registered.metadata.permissions["user"]
    assert ModelPermission.READ in user_perms
    assert ModelPermission.CREATE not in user_perms


@dataclass
class _Inspection:
    model: type[BaseModel]


class _StaticResource:
    """Implements InspectableResource: every collection 'inspects' to the same model."""

    def __init__(self, name: str, model: type[BaseModel]) -> None:
        self.name = name
        self._model = model
        self.inspected: list[str] = []

    def get_type(self) -> str:
        return "mongodb"

    async def inspect(self, collection: str) -> _Inspection:
        self.inspected.append(collection)
        return _Inspection(model=self._model)


async def test_dynamic_model_registration(model_registry: ModelRegistry) -> None:
    """Test registering models from Inspector"""
    resource = _StaticResource("test_db", TestModel)

    # Register from inspector
    registered = await model_registry.register_from_inspector(resource=resource, collection_name="test_collection")

    assert registered.metadata.source == ModelSource.DYNAMIC
    assert registered.metadata.name == "test_collection"
    assert "dynamic" in registered.metadata.tags
    assert resource.inspected == ["test_collection"]
