"""The default registry: the only module-level state in xcatalog.

``xcatalog.registry.registry`` is an :class:`~xcatalog.registry.XRegistry`
built from the default :class:`~xcatalog.config.Settings` (no file is read at
import time), and ``register_function`` is its function registry's
``register``, so the seed's one-liner works in a notebook::

    from xcatalog.registry import register_function

    @register_function(namespace="finance", tags={"tax"})
    def calculate_tax(amount: float, rate: float) -> float:
        return amount * rate

Library code never reaches for this object: it takes the registry it works on
as an argument. Build your own with ``XRegistry(load_settings())`` when the
project's ``settings.toml`` should apply, and use a fresh ``XRegistry()`` in tests.
"""

from __future__ import annotations

from xcatalog.registry.xregistry import XRegistry

__all__ = ["register_function", "registry"]

registry = XRegistry()
"""The process-wide default registry (default settings)."""

register_function = registry.functions.register
"""Register a function in the default registry: ``@register_function``, ``@register_function(...)``
or ``register_function(func, ...)``; see :meth:`~xcatalog.registry.FunctionRegistry.register`."""
