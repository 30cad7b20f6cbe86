"""Make a project's ``models/__init__.py`` the gatekeeper of its models.

A models package registers its static models when it is imported, exports
only what ``__all__`` lists, and answers ``get_model``, ``list_models``,
``register_dynamic_model``, ``check_model_access`` and ``auto_discover_models``::

    # shop/models/__init__.py
    from xcatalog.import_control import ModelPackage
    from xcatalog.registry.xregistry import XRegistry

    from .user import User
    from .order import Order

    catalog = XRegistry()
    package = ModelPackage(__name__, catalog)
    package.register_static_models({"User": User, "Order": Order})
    get_model, list_models = package.get_model, package.list_models
    __all__ = package.seal(["User", "Order", "get_model", "list_models"])

**Strict mode** (``[registry.import_control] strict_mode``, on by default):
:meth:`ModelPackage.seal` guards the package's submodules, so that
``from shop.models.user import User`` in code outside the package warns (or
raises, with ``strict_action = "raise"``) and names the right import,
``from shop.models import User``.

How: each submodule's class is switched to :class:`_GuardedModule`, a
:class:`types.ModuleType` subclass whose ``__getattribute__`` looks at the
frame that asked for a guarded name. ``from m import X`` and ``m.X`` both end
in that lookup, made from the importing code's frame. Code of the package
itself (``from .common import Address`` inside ``order.py``, the package's
``__init__``) and xcatalog's own modules (the store re-importing a model) are
let through; everyone else is told. A ``sys.meta_path`` hook could not do
this: the submodule is already imported by the package, so a later
``from ... import`` never reaches the finders. Only the guarded names pay the
frame look-up; module attributes such as ``__dict__`` stay untouched, so
pydantic, typing and pickle's module-level machinery keep working.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import types
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel

from xcatalog.config import ImportControlSettings
from xcatalog.errors import NotRegistered, RegistryError, format_choices
from xcatalog.registry.models import ModelPermission, ModelSource, RegisteredModel
from xcatalog.registry.xregistry import XRegistry

__all__ = [
    "ImportControlError",
    "ImportControlWarning",
    "ModelPackage",
    "auto_discover_models",
    "register_package_models",
]

_TRUSTED_PREFIXES = ("xcatalog.", "importlib", "pydantic", "typing", "inspect", "copy", "pickle", "_pytest", "doctest")


class ImportControlWarning(UserWarning):
    """A model was imported from a submodule instead of its models package."""


class ImportControlError(RegistryError, ImportError):
    """Strict mode with ``strict_action = "raise"``: a model was imported from a submodule."""


class _GuardedModule(types.ModuleType):
    """A submodule of a models package whose exported models must be imported through the package."""

    def __getattribute__(self, name: str) -> Any:
        guard: _Guard | None = types.ModuleType.__getattribute__(self, "__dict__").get("__xcatalog_guard__")
        if guard is not None and name in guard.names:
            guard.check(sys._getframe(1), types.ModuleType.__getattribute__(self, "__name__"), name)
        return types.ModuleType.__getattribute__(self, name)


class _Guard:
    def __init__(self, package: str, names: set[str], action: Literal["warn", "raise"]) -> None:
        self.package = package
        self.names = names
        self.action = action

    def check(self, frame: types.FrameType, module: str, name: str) -> None:
        caller = str(frame.f_globals.get("__name__", ""))
        if caller == self.package or caller.startswith(self.package + ".") or caller.startswith(_TRUSTED_PREFIXES):
            return
        message = (
            f"{name} was imported from {module}, a submodule of the models package {self.package}: "
            f"use `from {self.package} import {name}` instead. The package is the gatekeeper of its models "
            "([registry.import_control] strict_mode)."
        )
        if self.action == "raise":
            raise ImportControlError(message)
        warnings.warn(message, ImportControlWarning, stacklevel=3)


class ModelPackage:
    """The import control of one models package.

    Args:
        package: The package's ``__name__`` (call it from the package's ``__init__``).
        registry: Where its models are registered.
        settings: ``[registry.import_control]``; default the registry's settings.

    Attributes:
        static_models: ``{export name: class}`` registered by :meth:`register_static_models`.
        exports: The names the package exports (its ``__all__``).
    """

    def __init__(self, package: str, registry: XRegistry, *, settings: ImportControlSettings | None = None) -> None:
        self.package = package
        self.registry = registry
        self.settings = settings if settings is not None else registry.settings.registry.import_control
        self.static_models: dict[str, type[BaseModel]] = {}
        self._paths: dict[str, str] = {}
        self.exports: list[str] = []

    @property
    def module(self) -> types.ModuleType:
        """The package module itself."""
        return sys.modules[self.package]

    # -- registering ------------------------------------------------------
    def register_static_models(
        self,
        models: Mapping[str, type[BaseModel]] | Iterable[type[BaseModel]],
        *,
        namespace: str | None = None,
        permissions: Mapping[str, Iterable[ModelPermission | str]] | None = None,
        tags: Iterable[str] | None = None,
    ) -> list[RegisteredModel]:
        """Register the package's static models (typically on import).

        Args:
            models: ``{name: class}`` or classes (named after themselves).
            namespace: Default: each class's submodule name (``user`` for ``shop.models.user``).
            permissions: ``{role: permissions}`` for all of them; default from the settings.
            tags: Labels for all of them.

        Returns:
            The registered entries.
        """
        named = dict(models) if isinstance(models, Mapping) else {model.__name__: model for model in models}
        registered = []
        for name, model in named.items():
            entry = self.registry.models.register_static_model(
                model, name=name, namespace=namespace, permissions=permissions, tags=tags, allow_override=True
            )
            self.static_models[name] = model
            self._paths[name] = entry.metadata.ns_path
            registered.append(entry)
        return registered

    def add_dynamic_model(
        self,
        model: type[BaseModel],
        *,
        name: str | None = None,
        namespace: str | None = None,
        auto_export: bool = False,
        tags: Iterable[str] | None = None,
    ) -> type[BaseModel]:
        """Register an already-built model as dynamic (synchronous form of :meth:`register_dynamic_model`)."""
        entry = self.registry.models.register(
            model, name=name, source=ModelSource.DYNAMIC, namespace=namespace, tags=tags, allow_override=True
        )
        self._paths[entry.metadata.name] = entry.metadata.ns_path
        if auto_export:
            self._export(entry.metadata.name, entry.model_class)
        return entry.model_class

    async def register_dynamic_model(
        self,
        resource_or_model: Any,
        collection: str | None = None,
        *,
        auto_export: bool = False,
        name: str | None = None,
        namespace: str | None = None,
    ) -> type[BaseModel]:
        """Register a dynamic model: a built model class, or one inferred from a resource's collection.

        Args:
            resource_or_model: A pydantic model class, or a resource implementing
                :class:`~xcatalog.registry.models.InspectableResource`.
            collection: The collection to inspect (required with a resource).
            auto_export: Also export it from the package (module attribute and ``__all__``).
            name: Default the class name, or the inspection's model name.
            namespace: Default ``dynamic`` (``dynamic.<resource>`` for a resource).

        Returns:
            The model class.

        Raises:
            RegistryError: A resource without ``collection``.
        """
        if isinstance(resource_or_model, type) and issubclass(resource_or_model, BaseModel):
            return self.add_dynamic_model(resource_or_model, name=name, namespace=namespace, auto_export=auto_export)
        if collection is None:
            raise RegistryError(
                f"register_dynamic_model({resource_or_model!r}) needs the collection to inspect: "
                "pass collection='orders', or pass a model class instead of a resource."
            )
        entry = await self.registry.models.register_from_inspector(
            resource_or_model, collection, namespace, name=name, allow_override=True
        )
        self._paths[entry.metadata.name] = entry.metadata.ns_path
        if auto_export:
            self._export(entry.metadata.name, entry.model_class)
        return entry.model_class

    def auto_discover_models(self) -> list[RegisteredModel]:
        """Register every model defined in the package's public submodules; see :func:`auto_discover_models`."""
        found = auto_discover_models(self.package, self.registry)
        for entry in found:
            self.static_models.setdefault(entry.metadata.name, entry.model_class)
            self._paths.setdefault(entry.metadata.name, entry.metadata.ns_path)
        return found

    # -- reading ----------------------------------------------------------
    def get_model(self, name: str) -> type[BaseModel]:
        """The model class exported or registered under ``name``.

        Raises:
            NotRegistered: (a ``KeyError``) no such model; the message lists the available names.
        """
        if name in self.static_models:
            return self.static_models[name]
        path = self._paths.get(name)
        if path is not None and path in self.registry.models.models:
            return self.registry.models.models[path].model_class
        available = self.list_models()
        raise NotRegistered(
            f"No model {name!r} in the models package {self.package}. Available: {format_choices(available)}. "
            "Register it with register_dynamic_model() or add it to the package.",
            name=name,
            available=available,
        )

    def list_models(self, category: ModelSource | str | None = None) -> list[str]:
        """Names of the available models, sorted.

        Args:
            category: ``"static"`` (the package's own), ``"dynamic"`` (every dynamic
                model in the registry), or ``None`` for both.
        """
        wanted = None if category is None else ModelSource(category)
        names: set[str] = set()
        if wanted in (None, ModelSource.STATIC):
            names.update(self.static_models)
        if wanted in (None, ModelSource.DYNAMIC):
            index = self.registry.models.models
            names.update(
                index[path].metadata.name for path in index if index[path].metadata.source is ModelSource.DYNAMIC
            )
        return sorted(names)

    def check_model_access(self, name: str, operation: ModelPermission | str, role: str = "anonymous") -> bool:
        """Whether ``role`` may perform ``operation`` on model ``name`` (audited by the registry).

        Raises:
            NotRegistered: No such model.
        """
        path = self._paths.get(name)
        if path is None:
            self.get_model(name)  # raises with the list of names
            path = name
        return self.registry.models.check_access(path, operation, role)

    # -- exporting --------------------------------------------------------
    def _export(self, name: str, value: Any) -> None:
        setattr(self.module, name, value)
        if name not in self.exports:
            self.exports.append(name)
            exported = getattr(self.module, "__all__", None)
            if isinstance(exported, list) and name not in exported:
                exported.append(name)

    def seal(self, exports: Iterable[str], *, strict_mode: bool | None = None) -> list[str]:
        """Fix the package's exports and, in strict mode, guard its submodules.

        Args:
            exports: The names the package exports; each must exist in the package.
            strict_mode: Default ``[registry.import_control] strict_mode``.

        Returns:
            The list to assign to ``__all__`` (later ``auto_export`` calls append to it).

        Raises:
            RegistryError: A name in ``exports`` is not defined in the package.
        """
        self.exports = list(exports)
        missing = [name for name in self.exports if not hasattr(self.module, name)]
        if missing:
            raise RegistryError(
                f"{self.package} lists {', '.join(missing)} in its exports but does not define them. "
                "Import them in the package's __init__ or drop them from the list."
            )
        if strict_mode if strict_mode is not None else self.settings.strict_mode:
            self._guard_submodules()
        return self.exports

    def _guard_submodules(self) -> None:
        guarded_classes = {id(model) for model in self.static_models.values()}
        for module_name, module in list(sys.modules.items()):
            if not module_name.startswith(self.package + ".") or module is None:
                continue
            names = {
                name
                for name, value in vars(module).items()
                if id(value) in guarded_classes and getattr(value, "__module__", None) == module_name
            }
            if not names:
                continue
            vars(module)["__xcatalog_guard__"] = _Guard(self.package, names, self.settings.strict_action)
            if type(module) is types.ModuleType:
                module.__class__ = _GuardedModule


def register_package_models(
    package: str,
    models: Mapping[str, type[BaseModel]] | Iterable[type[BaseModel]],
    registry: XRegistry,
    *,
    settings: ImportControlSettings | None = None,
    permissions: Mapping[str, Iterable[ModelPermission | str]] | None = None,
) -> ModelPackage:
    """Build the :class:`ModelPackage` of ``package`` and register its static models in one call.

    Returns:
        The package's import control; finish with ``__all__ = package.seal([...])``.
    """
    control = ModelPackage(package, registry, settings=settings)
    control.register_static_models(models, permissions=permissions)
    return control


def auto_discover_models(package: str | types.ModuleType, registry: XRegistry) -> list[RegisteredModel]:
    """Import every public submodule of ``package`` and register the models defined in it.

    A model counts when it is a ``BaseModel`` subclass whose ``__module__`` is
    that submodule (imported helpers are skipped) and it is not registered yet.
    Each goes to the namespace named after its submodule; modules starting
    with ``_`` are skipped.

    Args:
        package: The package or its dotted name.
        registry: Where to register.

    Returns:
        The newly registered entries.
    """
    module = importlib.import_module(package) if isinstance(package, str) else package
    found: list[RegisteredModel] = []
    for info in pkgutil.iter_modules(getattr(module, "__path__", []), prefix=f"{module.__name__}."):
        short = info.name.rsplit(".", 1)[-1]
        if short.startswith("_"):
            continue
        submodule = importlib.import_module(info.name)
        for value in list(vars(submodule).values()):
            if not (isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel):
                continue
            if value.__module__ != info.name:
                continue
            path = registry.models.models.path_for(short, value.__name__)
            if path in registry.models.models:
                continue
            found.append(registry.models.register_static_model(value, namespace=short))
    return found
