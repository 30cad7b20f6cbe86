"""Namespace paths and the index every registry keeps its entries in.

A path is ``<prefix>.<kind>.<namespace...>.<name>``, for example
``ns.functions.math.basic.add``. Every segment is a Python identifier.

The index answers three questions fast:

* exact path -> entry: one dict lookup;
* short name (``add``) or partial path (``basic.add``) -> entry: a dict of
  name -> paths, and :class:`~xcatalog.errors.AmbiguousName` when several match;
* glob (``ns.functions.math.*``): a sorted list of paths is searched from the
  pattern's literal prefix with :mod:`bisect`, so only candidates under that
  prefix are matched against the pattern. ``*`` crosses dots, as in
  :func:`fnmatch.fnmatchcase`. When the last segment has no wildcard
  (``*.add``), the paths with that short name are the only candidates; they are
  used instead when there are fewer of them than paths under the prefix.
"""

from __future__ import annotations

import bisect
import fnmatch
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar

from xcatalog.errors import AlreadyRegistered, AmbiguousName, InvalidName, NotRegistered, format_choices

__all__ = ["NamespaceIndex", "build_path", "split_path", "validate_namespace", "validate_segment"]

T = TypeVar("T")

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_WILDCARDS = re.compile(r"[*?\[]")


def validate_segment(segment: str, what: str = "name") -> str:
    """Check that one path segment is a Python identifier.

    Args:
        segment: The segment.
        what: What the segment is, for the message ("name", "namespace segment").

    Returns:
        The segment unchanged.

    Raises:
        InvalidName: It is empty or not an identifier.
    """
    if not isinstance(segment, str) or not _IDENTIFIER.match(segment):
        raise InvalidName(
            f"Invalid {what} {segment!r}: use letters, digits and underscores, not starting with a digit "
            f"(for example {_suggest_identifier(str(segment))!r})."
        )
    return segment


def validate_namespace(namespace: str) -> str:
    """Check a dotted namespace such as ``math.basic``.

    Raises:
        InvalidName: A segment is not an identifier.
    """
    if not isinstance(namespace, str) or not namespace:
        raise InvalidName(f"Invalid namespace {namespace!r}: give dotted identifiers such as 'shop' or 'math.basic'.")
    for segment in namespace.split("."):
        validate_segment(segment, f"namespace segment in {namespace!r}:")
    return namespace


def _suggest_identifier(text: str) -> str:
    cleaned = re.sub(r"\W+", "_", text).strip("_") or "name"
    return f"_{cleaned}" if cleaned[0].isdigit() else cleaned


def build_path(prefix: str, kind: str, namespace: str, name: str) -> str:
    """Build and validate ``prefix.kind.namespace.name``.

    Raises:
        InvalidName: The namespace or the name is not made of identifiers.
    """
    validate_namespace(namespace)
    validate_segment(name)
    return f"{prefix}.{kind}.{namespace}.{name}"


def split_path(path: str) -> tuple[str, str, str, str]:
    """Split a full path into ``(prefix, kind, namespace, name)``.

    Raises:
        InvalidName: The path has fewer than four segments.
    """
    parts = path.split(".")
    if len(parts) < 4:
        raise InvalidName(
            f"Invalid path {path!r}: expected '<prefix>.<kind>.<namespace>.<name>', e.g. 'ns.models.shop.Product'."
        )
    return parts[0], parts[1], ".".join(parts[2:-1]), parts[-1]


def _compile_glob(pattern: str) -> Callable[[str], object]:
    """The match function of an :mod:`fnmatch` pattern (case-sensitive, ``*`` crosses dots)."""
    return re.compile(fnmatch.translate(pattern)).match


def _prefix_range_end(ordered: list[str], literal: str, start: int) -> int:
    """The end of the run of ``ordered`` (sorted) that starts with ``literal``, given its ``start``."""
    if not literal or literal[-1] == chr(sys.maxunicode):
        return len(ordered)
    # Every string that starts with ``literal`` sorts below ``literal`` with its last character incremented.
    bound = literal[:-1] + chr(ord(literal[-1]) + 1)
    return bisect.bisect_left(ordered, bound, start)


class NamespaceIndex(Mapping[str, T], Generic[T]):
    """Entries of one kind, by full path, with short-name and glob lookup.

    It is a read-only :class:`~collections.abc.Mapping` whose keys are full
    paths; ``index[key]``, ``key in index`` and ``index.get(key)`` also accept a
    short name or a partial path when it is unambiguous.

    Args:
        kind: ``"functions"``, ``"models"`` or ``"types"``; used in paths and messages.
        prefix: The root segment of every path (``[registry] namespace_prefix``).
    """

    def __init__(self, kind: str, prefix: str = "ns") -> None:
        self.kind = kind
        self.prefix = prefix
        self._root = f"{prefix}.{kind}."
        self._entries: dict[str, T] = {}
        self._by_name: dict[str, list[str]] = {}
        self._sorted: list[str] = []
        self._sorted_valid = True

    # -- writing ---------------------------------------------------------
    def path_for(self, namespace: str, name: str) -> str:
        """The full path for ``namespace`` and ``name`` (validated)."""
        return build_path(self.prefix, self.kind, namespace, name)

    def add(self, path: str, entry: T, *, allow_override: bool = False) -> T | None:
        """Store ``entry`` at ``path``.

        Args:
            path: A full path from :meth:`path_for`.
            entry: The entry.
            allow_override: Replace an entry already at ``path``.

        Returns:
            The replaced entry, or ``None``.

        Raises:
            AlreadyRegistered: ``path`` is taken and ``allow_override`` is false.
        """
        previous = self._entries.get(path)
        if previous is not None and not allow_override:
            raise AlreadyRegistered(
                f"{path} is already registered. Pass allow_override=True to replace it, "
                f"or register under another name or namespace."
            )
        self._entries[path] = entry
        if previous is None:
            self._by_name.setdefault(path.rsplit(".", 1)[-1], []).append(path)
            if self._sorted_valid and (not self._sorted or path > self._sorted[-1]):
                self._sorted.append(path)
            else:
                self._sorted_valid = False
        return previous

    def remove(self, key: str) -> T:
        """Remove and return the entry at a path or unambiguous name.

        Raises:
            NotRegistered: Nothing matches.
            AmbiguousName: A short name matches several paths.
        """
        path = self.resolve_path(key)
        entry = self._entries.pop(path)
        name = path.rsplit(".", 1)[-1]
        self._by_name[name].remove(path)
        if not self._by_name[name]:
            del self._by_name[name]
        self._sorted_valid = False
        return entry

    # -- reading ---------------------------------------------------------
    def resolve_path(self, key: str) -> str:
        """Turn a full path, partial path (``basic.add``) or short name into a full path.

        Raises:
            NotRegistered: Nothing matches; the message lists what exists.
            AmbiguousName: Several paths match; the message lists them.
        """
        if not isinstance(key, str):
            raise NotRegistered(f"Registry keys are strings, got {key!r}.", name=repr(key))
        path = self._find_path(key)
        if path is None:
            raise NotRegistered(
                f"No {self.kind[:-1]} {key!r} in the registry ({self._root}*). "
                f"Available: {format_choices(self._by_name)}.",
                name=str(key),
                available=sorted(self._by_name),
            )
        return path

    def _find_path(self, key: object) -> str | None:
        # Misses return None instead of raising: building the "Available: ..."
        # message sorts every name, which membership tests must not pay for.
        if not isinstance(key, str):
            return None
        if key in self._entries:
            return key
        name = key.rsplit(".", 1)[-1]
        candidates = self._by_name.get(name, [])
        if "." in key and not key.startswith(self._root):
            suffix = "." + key
            candidates = [path for path in candidates if path.endswith(suffix)]
        elif "." in key:
            candidates = []
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise AmbiguousName(
                f"{self.kind[:-1].capitalize()} name {key!r} is ambiguous: it matches "
                f"{', '.join(sorted(candidates))}. Use the full path.",
                name=key,
                candidates=sorted(candidates),
            )
        return None

    def __getitem__(self, key: str) -> T:
        return self._entries[self.resolve_path(key)]

    def get(self, key: str, default: T | None = None) -> T | None:  # type: ignore[override]
        """Like ``index[key]`` but ``default`` when nothing matches.

        An ambiguous short name still raises :class:`~xcatalog.errors.AmbiguousName`:
        answering ``None`` would hide that the entry exists.
        """
        path = self._find_path(key)
        return default if path is None else self._entries[path]

    def __contains__(self, key: object) -> bool:
        try:
            return self._find_path(key) is not None
        except AmbiguousName:
            return True

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> list[str]:
        """Every short name, sorted (a name in several namespaces appears once)."""
        return sorted(self._by_name)

    def paths_named(self, name: str) -> list[str]:
        """Every full path whose last segment is ``name``."""
        return sorted(self._by_name.get(name, []))

    def find(self, pattern: str) -> list[T]:
        """Entries whose path matches a glob, in path order.

        A pattern that does not start with ``<prefix>.`` is taken relative to
        ``<prefix>.<kind>.``, so ``math.*`` and ``ns.functions.math.*`` are the
        same search.

        Args:
            pattern: ``fnmatch`` pattern; ``*`` also matches dots.

        Returns:
            The matching entries, sorted by path.
        """
        return [self._entries[path] for path in self.find_paths(pattern)]

    def find_paths(self, pattern: str) -> list[str]:
        """Paths matching a glob; see :meth:`find`."""
        if not pattern.startswith(f"{self.prefix}."):
            pattern = self._root + pattern
        wildcard = _WILDCARDS.search(pattern)
        if wildcard is None:
            return [pattern] if pattern in self._entries else []
        literal = pattern[: wildcard.start()]
        matcher = _compile_glob(pattern)
        ordered = self._ordered_paths()
        start = bisect.bisect_left(ordered, literal)
        # A last segment without wildcards (``*.add``) is the short name of every match: segments hold no dots,
        # and the pattern ends with ``.add``. The short-name index then gives the few candidates directly,
        # which beats walking the prefix range when the literal prefix is short (``ns.functions.`` for ``*.add``).
        head, _, last_segment = pattern.rpartition(".")
        if head and last_segment and _WILDCARDS.search(last_segment) is None:
            named = self._by_name.get(last_segment, [])
            if len(named) < _prefix_range_end(ordered, literal, start) - start:
                return sorted(path for path in named if matcher(path))
        found: list[str] = []
        for path in ordered[start:]:
            if not path.startswith(literal):
                break
            if matcher(path):
                found.append(path)
        return found

    def _ordered_paths(self) -> list[str]:
        if not self._sorted_valid:
            self._sorted = sorted(self._entries)
            self._sorted_valid = True
        return self._sorted
