r"""Field paths, class names and safe field names.

Paths
    A field path joins keys with ``.`` and marks the elements of an array with
    ``[]``: ``items[].sku`` is the ``sku`` key of the sub-documents inside the
    ``items`` array, ``matrix[][]`` the elements of the arrays inside ``matrix``.
    Keys that contain ``.``, ``[``, ``]`` or ``\\`` are escaped with a backslash
    (``"a.b"`` becomes ``a\\.b``) so that every path names exactly one field.

Class names
    Sub-models are named from their path: ``Order`` + ``shipping`` ->
    ``OrderShipping``; arrays of sub-documents add ``Item``: ``OrderItemsItem``.

Field names
    Keys that cannot be Python field names (``first-name``, ``$ref``, ``class``,
    ``_id``, ``2fa``, ``model_dump``, non-NFKC unicode...) get a safe name and keep
    the original key as the pydantic alias.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

__all__ = [
    "ITEM_MARK",
    "class_name_part",
    "escape_key",
    "field_names",
    "identifier_part",
    "item_path",
    "join_path",
    "path_from_segments",
    "to_class_name",
]

#: What marks the elements of an array in a path.
ITEM_MARK = "[]"

_ESCAPE = re.compile(r"([\\.\[\]])")
_WORD = re.compile(r"[A-Za-z0-9]+")
_TRANSLITERATIONS = {
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "ø": "o",
    "Ø": "O",
    "œ": "oe",
    "Œ": "OE",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "þ": "th",
}

# Names pydantic refuses or warns about as field names: BaseModel's own attributes
# (``json``, ``copy``, ``model_config``...) and its protected ``model_validate`` /
# ``model_dump`` prefixes.
_BASEMODEL_NAMES = frozenset(name for name in dir(BaseModel) if not name.startswith("_"))
_PROTECTED_PREFIXES = ("model_validate", "model_dump")
# Builtins that generated annotations use: a field with one of these names would
# shadow it inside the class body of the generated source.
_ANNOTATION_BUILTINS = frozenset({"bool", "bytes", "dict", "float", "frozenset", "int", "list", "set", "str", "tuple"})


def escape_key(key: str) -> str:
    r"""Escape the characters that have a meaning in paths (``.``, ``[``, ``]``, ``\\``).

    Args:
        key: A document key.

    Returns:
        The key with those characters prefixed by a backslash.

    Example:
        >>> escape_key("a.b")
        'a\\.b'
    """
    return _ESCAPE.sub(r"\\\1", key) if _ESCAPE.search(key) else key


def join_path(parent: str | None, key: str) -> str:
    """The path of ``key`` inside the object at ``parent`` (``None`` for a top-level key).

    Example:
        >>> join_path("shipping", "city")
        'shipping.city'
    """
    escaped = escape_key(key)
    return escaped if parent is None else f"{parent}.{escaped}"


def item_path(parent: str) -> str:
    """The path of the elements of the array at ``parent``.

    Example:
        >>> item_path("items")
        'items[]'
    """
    return parent + ITEM_MARK


def path_from_segments(segments: Sequence[str | None]) -> str:
    """Build a path from its keys, ``None`` standing for "an element of the array".

    Args:
        segments: Keys from the top level down; must start with a key.

    Returns:
        The path, e.g. ``["items", None, "sku"]`` -> ``"items[].sku"``.

    Raises:
        ValueError: ``segments`` is empty or starts with an array element.
    """
    if not segments or segments[0] is None:
        raise ValueError(f"a path starts with a key, got segments {list(segments)!r}")
    path: str | None = None
    for segment in segments:
        path = join_path(path, segment) if segment is not None else item_path(path)  # type: ignore[arg-type]
    return path  # type: ignore[return-value]


def _ascii(text: str) -> str:
    # Class names stay ASCII: pydantic's JSON schema turns every other character
    # of a model name into "_" for its $defs keys, which would make "OrderÀ" and
    # "OrderÁ" collide there (and fall back to module-qualified keys).
    spelled = "".join(_TRANSLITERATIONS.get(char, char) for char in text)
    return unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode("ascii")


def class_name_part(key: str) -> str:
    """PascalCase ASCII spelling of a key, for use inside a class name (may start with a digit).

    Words are the runs of letters and digits; each gets an upper-case first letter
    and keeps the rest (``firstName`` -> ``FirstName``, ``first-name`` ->
    ``FirstName``, ``$ref`` -> ``Ref``). Accents are dropped (``größe`` ->
    ``Grosse``); a key left without ASCII letters or digits gives ``Field``.
    """
    words = _WORD.findall(_ascii(key))
    return "".join(word[:1].upper() + word[1:] for word in words) or "Field"


def identifier_part(key: str) -> str:
    """The ASCII letters and digits of a key, other runs of characters turned into ``_``.

    Used for the fallback class names (``Order_first_name``) that tell apart keys
    whose PascalCase collides (``first_name``, ``firstName``, ``first-name``).

    Example:
        >>> identifier_part("first-name")
        'first_name'
    """
    safe = re.sub(r"[^A-Za-z0-9]+", "_", _ascii(key))
    return safe.strip("_") or "field"


def to_class_name(name: str) -> str:
    """A valid, PascalCase class name for ``name``.

    Args:
        name: What the caller calls the model: ``"orders"``, ``"Order"``,
            ``"order-items"``.

    Returns:
        ``"Orders"``, ``"Order"``, ``"OrderItems"``; names starting with a digit
        get a ``Model`` prefix.
    """
    part = class_name_part(name)
    if not part[0].isidentifier():
        part = "Model" + part
    return part


def _is_valid_field_name(name: str, reserved: frozenset[str]) -> bool:
    return (
        name.isidentifier()
        and not name.startswith("_")
        and not keyword.iskeyword(name)
        and unicodedata.normalize("NFKC", name) == name
        and name not in reserved
        and name not in _BASEMODEL_NAMES
        and not name.startswith(_PROTECTED_PREFIXES)
    )


def _sanitize_field_name(key: str, reserved: frozenset[str]) -> str:
    normalized = unicodedata.normalize("NFKC", key)
    safe = "".join(char if ("a" + char).isidentifier() else "_" for char in normalized)
    # Leading underscores make a pydantic field private; runs of them read badly.
    safe = re.sub(r"_+", "_", safe).lstrip("_")
    if not safe:
        return "field"
    if not safe[0].isidentifier():
        safe = "field_" + safe
    if safe.startswith(_PROTECTED_PREFIXES):
        safe = "field_" + safe
    if keyword.iskeyword(safe) or safe in reserved or safe in _BASEMODEL_NAMES:
        safe += "_"
    return safe


def field_names(keys: Iterable[str], *, reserved: Iterable[str] = ()) -> dict[str, str]:
    """Map document keys to distinct, safe Python field names.

    Keys that are already good field names keep them and are served first, so a
    real ``first_name`` key keeps ``first_name`` even when ``first-name`` comes
    earlier; the others are sanitised (``first-name`` -> ``first_name_2`` then).
    Leading underscores are dropped (pydantic treats them as private: ``_id``
    -> ``id``), keywords and pydantic's own attribute names get a trailing
    underscore (``class_``, ``json_``), names starting with a digit get a
    ``field_`` prefix, and a name still taken gets ``_2``, ``_3``...

    Args:
        keys: Document keys, in field order.
        reserved: Names that must not be used (imports and class names of the
            generated source).

    Returns:
        ``{key: field_name}`` in the order of ``keys``; a key needs an alias
        exactly when its field name differs from it.

    Example:
        >>> field_names(["_id", "first-name", "class"])
        {'_id': 'id', 'first-name': 'first_name', 'class': 'class_'}
    """
    ordered = list(dict.fromkeys(keys))
    blocked = frozenset(reserved) | _ANNOTATION_BUILTINS
    taken: set[str] = set()
    names: dict[str, str] = {}
    for key in ordered:
        if _is_valid_field_name(key, blocked):
            names[key] = key
            taken.add(key)
    for key in ordered:
        if key in names:
            continue
        base = _sanitize_field_name(key, blocked)
        name, counter = base, 2
        while name in taken:
            name = f"{base}_{counter}"
            counter += 1
        names[key] = name
        taken.add(name)
    return {key: names[key] for key in ordered}
