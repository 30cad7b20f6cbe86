"""``ResourceFactory``: build a resource from a kind name, as in the seed.

Example:
    >>> shop = ResourceFactory.create("mongodb", connection_string="mongodb://localhost:27017/", database="shop")
    >>> shop
    MongoResource(name='shop', uri='mongodb://localhost:27017/', database='shop')
"""

from __future__ import annotations

from typing import Any, ClassVar

from xcatalog.errors import ResourceError, format_choices
from xcatalog.resources.base import Resource
from xcatalog.resources.files import FileResource
from xcatalog.resources.frames import FrameResource
from xcatalog.resources.mongo import MongoResource

__all__ = ["ResourceFactory"]


class ResourceFactory:
    """A table from kind names to :class:`Resource` classes.

    The built-in kinds are ``"mongodb"``, ``"files"`` and ``"frames"``.
    Subclass it to keep a separate table; :meth:`register` on the class itself
    extends the table every caller sees.
    """

    _kinds: ClassVar[dict[str, type[Resource]]] = {
        "files": FileResource,
        "frames": FrameResource,
        "mongodb": MongoResource,
    }

    @classmethod
    def kinds(cls) -> list[str]:
        """Return the kind names that :meth:`create` accepts, sorted."""
        return sorted(cls._kinds)

    @classmethod
    def register(cls, kind: str, resource_class: type[Resource], *, override: bool = False) -> None:
        """Make ``create(kind, ...)`` build ``resource_class(...)``.

        Args:
            kind: The kind name (case-insensitive).
            resource_class: A :class:`Resource` subclass.
            override: Replace an existing kind instead of refusing.

        Raises:
            ResourceError: Not a Resource subclass, or the kind is taken and ``override`` is off.
        """
        if not (isinstance(resource_class, type) and issubclass(resource_class, Resource)):
            raise ResourceError(
                f"Cannot register {resource_class!r} as the kind '{kind}': it is not a Resource subclass."
            )
        key = kind.strip().lower()
        if not key:
            raise ResourceError("A resource kind needs a non-empty name.")
        if key in cls._kinds and not override:
            raise ResourceError(
                f"The resource kind '{key}' is already registered ({cls._kinds[key].__name__}). "
                "Pass override=True to replace it or pick another name."
            )
        # Copy before writing so a subclass never edits its parent's table.
        cls._kinds = {**cls._kinds, key: resource_class}

    @classmethod
    def create(cls, kind: str, **kwargs: Any) -> Resource:
        """Build a resource of the given kind.

        Args:
            kind: ``"mongodb"``, ``"files"``, ``"frames"`` or a registered kind.
            **kwargs: The class's constructor arguments. For ``"mongodb"``,
                ``connection_string=`` is accepted for ``uri=`` (the seed's
                spelling); ``files`` takes ``path_or_paths=`` (or ``path=``/``paths=``).

        Returns:
            The resource, not yet connected.

        Raises:
            ResourceError: Unknown kind (the message lists the kinds) or bad arguments.
        """
        key = kind.strip().lower() if isinstance(kind, str) else kind
        resource_class = cls._kinds.get(key)
        if resource_class is None:
            raise ResourceError(
                f"Unknown resource kind {kind!r}. Kinds: {format_choices(cls._kinds)}. "
                "Register a new kind with ResourceFactory.register(kind, cls)."
            )
        arguments = dict(kwargs)
        if resource_class is MongoResource and "connection_string" in arguments:
            if "uri" in arguments:
                raise ResourceError("Pass either uri= or connection_string= (the same thing), not both.")
            arguments["uri"] = arguments.pop("connection_string")
        if resource_class is FileResource:
            for alias in ("path", "paths"):
                if alias in arguments and "path_or_paths" not in arguments:
                    arguments["path_or_paths"] = arguments.pop(alias)
        try:
            return resource_class(**arguments)
        except TypeError as exc:
            raise ResourceError(
                f"Cannot create a '{key}' resource ({resource_class.__name__}) with the arguments "
                f"{sorted(arguments)}: {exc}. See help({resource_class.__name__})."
            ) from exc
