"""Compare two JSON schemas of a model and decide the next semantic version.

:func:`diff_schemas` walks two pydantic v2 JSON schemas (``model_json_schema()``)
side by side, following ``$ref`` into ``$defs`` so that a change inside a
nested sub-model is reported at its dotted path (``shipping.zip``). Array items
are reported as ``lines[].sku``, tuple positions as ``pair[0]`` and mapping
values as ``prices{}``; the model itself has the empty path ``""``.

Each :class:`SchemaChange` carries an :class:`Impact`. These rules are the
contract, from the point of view of data and callers written for the old
version:

**major** (breaking: old data or old callers may fail)
    * a field is removed;
    * a required field is added;
    * an optional field becomes required;
    * a type changes incompatibly (``int`` -> ``str``), is narrowed
      (``int | str`` -> ``int``, ``float`` -> ``int``) or stops accepting
      ``null``; a union loses an option;
    * an enum or ``Literal`` loses a value, or a field becomes restricted to
      a set of values;
    * a constraint is tightened: a lower bound (``minimum``, ``exclusiveMinimum``,
      ``minLength``, ``minItems``, ``minProperties``) is added or raised, an upper
      bound is added or lowered, a ``pattern`` or ``format`` is added or changed,
      ``multipleOf`` is added or changed to a value that is not a divisor of the
      old one, ``uniqueItems`` is switched on, ``additionalProperties`` is forbidden;
    * any other validation keyword (``not``, ``allOf``, ``if``, ``contains``,
      ``patternProperties``, ``discriminator``, ...) changes: it cannot be proven
      compatible, so it is treated as breaking (kind ``field_modified``).

**minor** (additive: everything valid before stays valid)
    * an optional field is added, or a required field becomes optional;
    * a type is widened (``int`` -> ``float``, ``int`` -> ``int | None``) or a
      union gains an option;
    * an enum or ``Literal`` gains a value, or a value restriction is lifted;
    * a constraint is loosened (the mirror images of the tightenings above);
    * a ``default`` is added, changed or removed (no stored data becomes invalid,
      but new records get other values);
    * a field or the model is marked ``deprecated``.

**patch** (documentation only)
    * ``description``, ``title``, ``examples``, ``$comment``, ``readOnly``,
      ``writeOnly`` or any non-validating extra key (``json_schema_extra``) changes.

:func:`classify` returns the highest impact of a list of changes (``patch`` for
an empty list: the class changed in a way the schema does not show, such as a
validator or a method). :func:`bump_version` applies it to a ``MAJOR.MINOR.PATCH``
version: major -> ``X+1.0.0``, minor -> ``X.Y+1.0``, patch -> ``X.Y.Z+1``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field

from xcatalog.errors import RegistryError

__all__ = [
    "ChangeKind",
    "Impact",
    "InvalidVersion",
    "SchemaChange",
    "bump_version",
    "classify",
    "diff_schemas",
    "parse_version",
]


class InvalidVersion(RegistryError, ValueError):
    """A version is not ``MAJOR.MINOR.PATCH``, or it does not move forward.

    Defined here rather than in :mod:`xcatalog.errors` because only versioning
    raises it; it sits on the ``RegistryError`` branch and is a ``ValueError``.
    """


class ChangeKind(StrEnum):
    """What changed between two schemas."""

    FIELD_ADDED = "field_added"
    FIELD_REMOVED = "field_removed"
    TYPE_CHANGED = "type_changed"
    REQUIRED_CHANGED = "required_changed"
    ENUM_VALUES_ADDED = "enum_values_added"
    ENUM_VALUES_REMOVED = "enum_values_removed"
    CONSTRAINT_CHANGED = "constraint_changed"
    DEFAULT_CHANGED = "default_changed"
    DESCRIPTION_CHANGED = "description_changed"
    METADATA_CHANGED = "metadata_changed"
    FIELD_MODIFIED = "field_modified"


class Impact(StrEnum):
    """How far a change moves the version: ``patch`` < ``minor`` < ``major``."""

    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        """0 for patch, 1 for minor, 2 for major."""
        return _RANKS[self]


_RANKS = {Impact.PATCH: 0, Impact.MINOR: 1, Impact.MAJOR: 2}


class SchemaChange(BaseModel):
    """One difference between an old and a new schema.

    Attributes:
        kind: What changed.
        path: Dotted field path (``shipping.zip``, ``lines[].sku``); ``""`` is the model.
        old: The old value (a schema node, a constraint, a value list), if any.
        new: The new value, if any.
        impact: How the change moves the version (see the module docstring).
        message: One readable sentence.
        breaking: ``impact == "major"``.
    """

    model_config = ConfigDict(frozen=True)

    kind: ChangeKind
    path: str
    old: Any = None
    new: Any = None
    impact: Impact
    message: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def breaking(self) -> bool:
        """Whether old data or callers may fail against the new schema."""
        return self.impact is Impact.MAJOR


# Keywords that only document: a change is a patch.
_DOC_KEYWORDS = frozenset({"title", "examples", "$comment", "readOnly", "writeOnly"})
# Keywords this module understands; a change in any other *validation* keyword is breaking.
_HANDLED = frozenset(
    {
        "$defs",
        "type",
        "anyOf",
        "oneOf",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "prefixItems",
        "default",
        "description",
        "deprecated",
        "minimum",
        "exclusiveMinimum",
        "maximum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "pattern",
        "format",
        "multipleOf",
        "uniqueItems",
        *_DOC_KEYWORDS,
    }
)
_VALIDATION_KEYWORDS = frozenset(
    {
        "not",
        "allOf",
        "if",
        "then",
        "else",
        "contains",
        "minContains",
        "maxContains",
        "patternProperties",
        "propertyNames",
        "dependentRequired",
        "dependentSchemas",
        "unevaluatedItems",
        "unevaluatedProperties",
        "discriminator",
        "contentEncoding",
        "contentMediaType",
        "contentSchema",
    }
)
_LOWER_COUNTS = ("minLength", "minItems", "minProperties")
_UPPER_COUNTS = ("maxLength", "maxItems", "maxProperties")
_JSON_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
    (type(None), "null"),
)


def diff_schemas(old_json_schema: Mapping[str, Any], new_json_schema: Mapping[str, Any]) -> list[SchemaChange]:
    """List every difference between two JSON schemas, each with its impact.

    Args:
        old_json_schema: The schema of the registered version.
        new_json_schema: The schema of the new version.

    Returns:
        The changes in field order (old fields first, then added ones); empty
        when the schemas are equivalent.

    Example:
        >>> from pydantic import create_model
        >>> old = create_model("Item", name=(str, ...)).model_json_schema()
        >>> new = create_model("Item", name=(str, ...), note=(str, "")).model_json_schema()
        >>> [(change.kind.value, change.path, change.impact.value) for change in diff_schemas(old, new)]
        [('field_added', 'note', 'minor')]
        >>> bump_version("1.2.0", diff_schemas(old, new))
        '1.3.0'
    """
    return _Differ(old_json_schema, new_json_schema).run()


def classify(changes: Iterable[SchemaChange]) -> Impact:
    """The highest impact among ``changes``; ``Impact.PATCH`` when there are none."""
    highest = Impact.PATCH
    for change in changes:
        if change.impact.rank > highest.rank:
            highest = change.impact
    return highest


_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def parse_version(version: str) -> tuple[int, int, int]:
    """Split ``"MAJOR.MINOR.PATCH"`` into three integers.

    Raises:
        InvalidVersion: The text is not three dot-separated non-negative integers.
    """
    match = _VERSION.match(version) if isinstance(version, str) else None
    if match is None:
        raise InvalidVersion(
            f"Invalid version {version!r}: use MAJOR.MINOR.PATCH with non-negative integers, such as '1.2.0'."
        )
    return int(match[1]), int(match[2]), int(match[3])


def bump_version(version: str, changes: Iterable[SchemaChange] | Impact) -> str:
    """The next version after ``version`` for these changes (or this impact).

    Args:
        version: The current ``MAJOR.MINOR.PATCH`` version.
        changes: The changes from :func:`diff_schemas`, or an :class:`Impact`.

    Returns:
        ``"2.0.0"`` after ``"1.4.2"`` for a breaking change, ``"1.5.0"`` for an
        additive one, ``"1.4.3"`` otherwise.

    Raises:
        InvalidVersion: ``version`` is not ``MAJOR.MINOR.PATCH``.
    """
    major, minor, patch = parse_version(version)
    impact = changes if isinstance(changes, Impact) else classify(changes)
    if impact is Impact.MAJOR:
        return f"{major + 1}.0.0"
    if impact is Impact.MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


# -- the walk ------------------------------------------------------------


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _where(path: str) -> str:
    return f"field '{path}'" if path else "the model"


def _json_type(value: Any) -> str:
    for python_type, name in _JSON_TYPES:
        if isinstance(value, python_type):
            return name
    return "any"


def _canonical(value: Any) -> str:
    # Enum values may be unhashable (lists, dicts); compare their canonical JSON.
    return json.dumps(value, sort_keys=True, default=repr)


def _without_annotations(node: Mapping[str, Any]) -> dict[str, Any]:
    skipped = _DOC_KEYWORDS | {"description", "default", "deprecated"}
    return {key: value for key, value in node.items() if key not in skipped}


def _effective_bound(node: Mapping[str, Any], *, lower: bool) -> tuple[str, Any, bool] | None:
    """``(keyword, value, exclusive)`` of the stricter lower or upper bound of a node, or ``None``."""
    inclusive, exclusive = ("minimum", "exclusiveMinimum") if lower else ("maximum", "exclusiveMaximum")
    if inclusive not in node and exclusive not in node:
        return None
    if exclusive not in node:
        return inclusive, node[inclusive], False
    if inclusive not in node:
        return exclusive, node[exclusive], True
    # Both given: the exclusive one wins unless the inclusive one is strictly stricter.
    inclusive_wins = node[inclusive] > node[exclusive] if lower else node[inclusive] < node[exclusive]
    return (inclusive, node[inclusive], False) if inclusive_wins else (exclusive, node[exclusive], True)


class _Differ:
    """One comparison: the two roots, their ``$defs`` and the changes found."""

    def __init__(self, old_root: Mapping[str, Any], new_root: Mapping[str, Any]) -> None:
        self.old_root = old_root
        self.new_root = new_root
        self.old_defs: Mapping[str, Any] = old_root.get("$defs", {})
        self.new_defs: Mapping[str, Any] = new_root.get("$defs", {})
        self.changes: list[SchemaChange] = []
        # Pairs of definitions being compared further up: a recursive model stops here.
        self._in_progress: set[tuple[str, str]] = set()

    def run(self) -> list[SchemaChange]:
        self.compare(self.old_root, self.new_root, "")
        return self.changes

    def add(self, kind: ChangeKind, path: str, impact: Impact, message: str, old: Any = None, new: Any = None) -> None:
        self.changes.append(SchemaChange(kind=kind, path=path, old=old, new=new, impact=impact, message=message))

    # -- references and null --------------------------------------------
    @staticmethod
    def _resolve(
        node: Mapping[str, Any], defs: Mapping[str, Any], root: Mapping[str, Any]
    ) -> tuple[dict[str, Any], str]:
        """Follow ``$ref`` (siblings such as ``description`` win over the target); return the node and its ref."""
        merged = dict(node)
        ref = ""
        for _ in range(32):  # a chain of refs, never a cycle in pydantic output, but stay safe
            target_ref = merged.get("$ref")
            if not isinstance(target_ref, str):
                break
            if target_ref == "#":
                target: Any = root
            elif target_ref.startswith("#/$defs/"):
                target = defs.get(target_ref[len("#/$defs/") :])
            else:
                target = None
            if not isinstance(target, Mapping):
                break  # an external or broken ref: compared as an opaque keyword
            ref = target_ref
            siblings = {key: value for key, value in merged.items() if key != "$ref"}
            merged = {**{key: value for key, value in target.items() if key != "$defs"}, **siblings}
        return merged, ref

    @staticmethod
    def _split_null(node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Separate "may be null" from the rest of a node."""
        node_type = node.get("type")
        if isinstance(node_type, list) and "null" in node_type:
            rest = [item for item in node_type if item != "null"]
            stripped = dict(node)
            stripped["type"] = rest[0] if len(rest) == 1 else rest
            return stripped, True
        for key in ("anyOf", "oneOf"):
            options = node.get(key)
            if not isinstance(options, list):
                continue
            others = [option for option in options if option != {"type": "null"}]
            if len(others) == len(options):
                continue
            outer = {name: value for name, value in node.items() if name != key}
            if len(others) == 1:
                # The outer keys (title, default, description) document the field itself.
                return {**others[0], **outer}, True
            return {**outer, key: others}, True
        return node, False

    # -- comparing nodes --------------------------------------------------
    def compare(self, old_node: Mapping[str, Any], new_node: Mapping[str, Any], path: str) -> None:
        old, old_ref = self._resolve(old_node, self.old_defs, self.old_root)
        new, new_ref = self._resolve(new_node, self.new_defs, self.new_root)
        old, old_nullable = self._split_null(old)
        new, new_nullable = self._split_null(new)
        # "X | None" hides the reference one level down; follow it too.
        old, old_inner_ref = self._resolve(old, self.old_defs, self.old_root)
        new, new_inner_ref = self._resolve(new, self.new_defs, self.new_root)
        pair = (old_ref or old_inner_ref, new_ref or new_inner_ref)
        if pair[0] and pair[1]:
            if pair in self._in_progress:
                return  # a recursive model: this pair is already being compared further up
            self._in_progress.add(pair)
        try:
            self._compare_annotations(old, new, path)
            if old_nullable != new_nullable:
                self._nullability(path, now_nullable=new_nullable)
            self._compare_body(old, new, path)
        finally:
            self._in_progress.discard(pair)

    def _nullability(self, path: str, *, now_nullable: bool) -> None:
        if now_nullable:
            self.add(ChangeKind.TYPE_CHANGED, path, Impact.MINOR, f"{_where(path)} now accepts null", False, True)
        else:
            self.add(ChangeKind.TYPE_CHANGED, path, Impact.MAJOR, f"{_where(path)} no longer accepts null", True, False)

    def _compare_body(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        old_union = self._union_options(old)
        new_union = self._union_options(new)
        if old_union is not None or new_union is not None:
            # The annotations were compared above; a lone type compared with union options has none.
            self._compare_unions(
                old_union or [_without_annotations(old)], new_union or [_without_annotations(new)], path
            )
            return
        if not self._compare_types(old, new, path):
            return  # after a type change, constraint differences are noise
        self._compare_values(old, new, path)
        self._compare_constraints(old, new, path)
        self._compare_structure(old, new, path)
        self._compare_other_keywords(old, new, path)

    @staticmethod
    def _union_options(node: Mapping[str, Any]) -> list[dict[str, Any]] | None:
        for key in ("anyOf", "oneOf"):
            options = node.get(key)
            if isinstance(options, list) and len(options) > 1:
                return [dict(option) for option in options]
        return None

    def _types(self, node: Mapping[str, Any], defs: Mapping[str, Any], root: Mapping[str, Any]) -> frozenset[str]:
        resolved, _ = self._resolve(node, defs, root)
        node_type = resolved.get("type")
        if isinstance(node_type, str):
            return frozenset({node_type})
        if isinstance(node_type, list):
            return frozenset(str(item) for item in node_type)
        if "const" in resolved:
            return frozenset({_json_type(resolved["const"])})
        if isinstance(resolved.get("enum"), list):
            return frozenset(_json_type(value) for value in resolved["enum"])
        if "properties" in resolved:
            return frozenset({"object"})
        for key in ("anyOf", "oneOf"):
            if isinstance(resolved.get(key), list):
                members: set[str] = set()
                for option in resolved[key]:
                    members |= self._types(option, defs, root)
                return frozenset(members)
        return frozenset({"any"})

    @staticmethod
    def _widens(old_types: frozenset[str], new_types: frozenset[str]) -> bool:
        if "any" in new_types:
            return True
        return all(item in new_types or (item == "integer" and "number" in new_types) for item in old_types)

    def _compare_types(self, old: dict[str, Any], new: dict[str, Any], path: str) -> bool:
        """Report a type change; return whether the nodes are comparable further."""
        old_types = self._types(old, self.old_defs, self.old_root)
        new_types = self._types(new, self.new_defs, self.new_root)
        if old_types == new_types:
            return True
        old_text, new_text = " | ".join(sorted(old_types)), " | ".join(sorted(new_types))
        widened = self._widens(old_types, new_types)
        how = "widened" if widened else "changed type"
        message = f"{_where(path)} {how} from {old_text} to {new_text}"
        self.add(ChangeKind.TYPE_CHANGED, path, Impact.MINOR if widened else Impact.MAJOR, message, old_text, new_text)
        return False

    def _option_key(self, option: Mapping[str, Any], defs: Mapping[str, Any], root: Mapping[str, Any]) -> str:
        resolved, ref = self._resolve(option, defs, root)
        if ref:
            return f"ref:{resolved.get('title') or ref}"
        if "properties" in resolved and resolved.get("title"):
            return f"ref:{resolved['title']}"
        return "type:" + "|".join(sorted(self._types(resolved, defs, root)))

    def _compare_unions(self, old_options: list[dict[str, Any]], new_options: list[dict[str, Any]], path: str) -> None:
        # Options are matched by their model title or their JSON type, so reordering is no change.
        old_by_key = {self._option_key(option, self.old_defs, self.old_root): option for option in old_options}
        new_by_key = {self._option_key(option, self.new_defs, self.new_root): option for option in new_options}
        for key, option in old_by_key.items():
            if key in new_by_key:
                self.compare(option, new_by_key[key], path)
            elif not self._covered(option, new_options):
                lost = key.split(":", 1)[1]
                self.add(ChangeKind.TYPE_CHANGED, path, Impact.MAJOR, f"{_where(path)} no longer accepts {lost}", lost)
        for key in new_by_key.keys() - old_by_key.keys():
            gained = key.split(":", 1)[1]
            message = f"{_where(path)} now also accepts {gained}"
            self.add(ChangeKind.TYPE_CHANGED, path, Impact.MINOR, message, None, gained)

    def _covered(self, old_option: Mapping[str, Any], new_options: Sequence[Mapping[str, Any]]) -> bool:
        old_types = self._types(old_option, self.old_defs, self.old_root)
        if "object" in old_types:
            return False  # a sub-model that vanished from a union is not covered by another one
        return any(self._widens(old_types, self._types(option, self.new_defs, self.new_root)) for option in new_options)

    def _compare_annotations(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        where = _where(path)
        before, after = old.get("description"), new.get("description")
        if before != after:
            self.add(
                ChangeKind.DESCRIPTION_CHANGED, path, Impact.PATCH, f"description of {where} changed", before, after
            )
        for key in sorted(_DOC_KEYWORDS):
            before, after = old.get(key), new.get(key)
            if before != after:
                self.add(
                    ChangeKind.METADATA_CHANGED,
                    path,
                    Impact.PATCH,
                    f"{key} of {where} changed",
                    {key: before},
                    {key: after},
                )
        before, after = old.get("deprecated"), new.get("deprecated")
        if bool(before) != bool(after):
            message = f"{where} is {'deprecated' if after else 'no longer deprecated'}"
            self.add(
                ChangeKind.METADATA_CHANGED, path, Impact.MINOR, message, {"deprecated": before}, {"deprecated": after}
            )
        before, after = old.get("default"), new.get("default")
        if ("default" in old, before) != ("default" in new, after):
            self.add(ChangeKind.DEFAULT_CHANGED, path, Impact.MINOR, f"default of {where} changed", before, after)

    def _compare_values(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        old_values = self._allowed_values(old)
        new_values = self._allowed_values(new)
        if old_values is None and new_values is None:
            return
        if old_values is None or new_values is None:
            restricted = old_values is None
            how = f"is now restricted to {new_values}" if restricted else f"is no longer restricted to {old_values}"
            impact = Impact.MAJOR if restricted else Impact.MINOR
            self.add(ChangeKind.CONSTRAINT_CHANGED, path, impact, f"{_where(path)} {how}", old_values, new_values)
            return
        new_keys = {_canonical(value) for value in new_values}
        old_keys = {_canonical(value) for value in old_values}
        removed = [value for value in old_values if _canonical(value) not in new_keys]
        added = [value for value in new_values if _canonical(value) not in old_keys]
        if removed:
            self.add(
                ChangeKind.ENUM_VALUES_REMOVED, path, Impact.MAJOR, f"{_where(path)} lost the values {removed}", removed
            )
        if added:
            self.add(
                ChangeKind.ENUM_VALUES_ADDED,
                path,
                Impact.MINOR,
                f"{_where(path)} gained the values {added}",
                None,
                added,
            )

    @staticmethod
    def _allowed_values(node: Mapping[str, Any]) -> list[Any] | None:
        if "const" in node:
            return [node["const"]]
        values = node.get("enum")
        return list(values) if isinstance(values, list) else None

    def _constraint(self, path: str, name: str, old: Any, new: Any, tightened: bool, how: str) -> None:
        impact = Impact.MAJOR if tightened else Impact.MINOR
        direction = "tightened" if tightened else "loosened"
        self.add(
            ChangeKind.CONSTRAINT_CHANGED,
            path,
            impact,
            f"{name} of {_where(path)} {how} ({direction})",
            {name: old} if old is not None else None,
            {name: new} if new is not None else None,
        )

    def _compare_constraints(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        self._compare_bound(old, new, path, lower=True)
        self._compare_bound(old, new, path, lower=False)
        for names, lower in ((_LOWER_COUNTS, True), (_UPPER_COUNTS, False)):
            for name in names:
                before, after = old.get(name), new.get(name)
                if before == after:
                    continue
                if before is None or after is None:
                    tightened = after is not None
                else:
                    tightened = after > before if lower else after < before
                self._constraint(path, name, before, after, tightened, f"changed from {before} to {after}")
        for name in ("pattern", "format"):
            before, after = old.get(name), new.get(name)
            if before != after:
                self._constraint(path, name, before, after, after is not None, f"changed from {before!r} to {after!r}")
        before, after = old.get("multipleOf"), new.get("multipleOf")
        if before != after:
            # A new step that the old one divides evenly accepts fewer values.
            loosened = after is None or (before is not None and after != 0 and (before / after) == int(before / after))
            self._constraint(path, "multipleOf", before, after, not loosened, f"changed from {before} to {after}")
        before, after = bool(old.get("uniqueItems")), bool(new.get("uniqueItems"))
        if before != after:
            self._constraint(path, "uniqueItems", before, after, after, f"changed from {before} to {after}")

    def _compare_bound(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str, *, lower: bool) -> None:
        before, after = _effective_bound(old, lower=lower), _effective_bound(new, lower=lower)
        if before == after:
            return
        if before is None or after is None:
            tightened = after is not None
        elif before[1] != after[1]:
            tightened = after[1] > before[1] if lower else after[1] < before[1]
        else:
            tightened = after[2]  # same value, now exclusive
        name = "lower bound" if lower else "upper bound"
        old_value = None if before is None else {before[0]: before[1]}
        new_value = None if after is None else {after[0]: after[1]}
        self.add(
            ChangeKind.CONSTRAINT_CHANGED,
            path,
            Impact.MAJOR if tightened else Impact.MINOR,
            f"{name} of {_where(path)} changed from {old_value} to {new_value} "
            f"({'tightened' if tightened else 'loosened'})",
            old_value,
            new_value,
        )

    def _compare_structure(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        old_props, new_props = old.get("properties"), new.get("properties")
        if isinstance(old_props, Mapping) and isinstance(new_props, Mapping):
            self._compare_properties(old, new, old_props, new_props, path)
        elif isinstance(old_props, Mapping) or isinstance(new_props, Mapping):
            opened = isinstance(old_props, Mapping) and new.get("additionalProperties", True) is not False
            self.add(
                ChangeKind.TYPE_CHANGED,
                path,
                Impact.MINOR if opened else Impact.MAJOR,
                f"{_where(path)} changed between a sub-model and a free-form mapping",
                "model" if old_props is not None else "mapping",
                "model" if new_props is not None else "mapping",
            )
        self._compare_additional(old, new, path)
        old_items, new_items = old.get("items"), new.get("items")
        if isinstance(old_items, Mapping) and isinstance(new_items, Mapping):
            self.compare(old_items, new_items, f"{path}[]")
        old_prefix, new_prefix = old.get("prefixItems"), new.get("prefixItems")
        if isinstance(old_prefix, list) and isinstance(new_prefix, list):
            for position, (before, after) in enumerate(zip(old_prefix, new_prefix, strict=False)):
                self.compare(before, after, f"{path}[{position}]")
            if len(old_prefix) != len(new_prefix):
                self.add(
                    ChangeKind.TYPE_CHANGED,
                    path,
                    Impact.MAJOR,
                    f"{_where(path)} changed from {len(old_prefix)} to {len(new_prefix)} positions",
                    len(old_prefix),
                    len(new_prefix),
                )

    def _compare_additional(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        before, after = old.get("additionalProperties"), new.get("additionalProperties")
        if isinstance(before, Mapping) and isinstance(after, Mapping):
            self.compare(before, after, f"{path}{{}}")
            return
        closed_before, closed_after = before is False, after is False
        if closed_before != closed_after:
            self._constraint(
                path,
                "additionalProperties",
                before,
                after,
                closed_after,
                "now forbids unknown keys" if closed_after else "now allows unknown keys",
            )
        elif before != after and (isinstance(before, Mapping) or isinstance(after, Mapping)):
            # A free mapping became typed (tightened) or a typed one free (loosened).
            self._constraint(
                path, "additionalProperties", before, after, isinstance(after, Mapping), "changed its value type"
            )

    def _compare_properties(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        old_props: Mapping[str, Any],
        new_props: Mapping[str, Any],
        path: str,
    ) -> None:
        old_required = set(old.get("required", ()))
        new_required = set(new.get("required", ()))
        for name, old_field in old_props.items():
            field_path = _join(path, name)
            if name not in new_props:
                self.add(
                    ChangeKind.FIELD_REMOVED, field_path, Impact.MAJOR, f"field '{field_path}' was removed", old_field
                )
                continue
            was_required, is_required = name in old_required, name in new_required
            if was_required != is_required:
                if is_required:
                    message, impact = f"field '{field_path}' became required", Impact.MAJOR
                else:
                    message, impact = f"field '{field_path}' became optional", Impact.MINOR
                self.add(ChangeKind.REQUIRED_CHANGED, field_path, impact, message, was_required, is_required)
            self.compare(old_field, new_props[name], field_path)
        for name, new_field in new_props.items():
            if name in old_props:
                continue
            field_path = _join(path, name)
            if name in new_required:
                message, impact = f"required field '{field_path}' was added: existing data lacks it", Impact.MAJOR
            else:
                message, impact = f"optional field '{field_path}' was added", Impact.MINOR
            self.add(ChangeKind.FIELD_ADDED, field_path, impact, message, None, new_field)

    def _compare_other_keywords(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        for key in sorted((old.keys() | new.keys()) - _HANDLED):
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            if key in _VALIDATION_KEYWORDS or key == "$ref":
                message = f"{key} of {_where(path)} changed; it cannot be proven compatible"
                self.add(ChangeKind.FIELD_MODIFIED, path, Impact.MAJOR, message, {key: before}, {key: after})
            else:
                message = f"{key} of {_where(path)} changed"
                self.add(ChangeKind.METADATA_CHANGED, path, Impact.PATCH, message, {key: before}, {key: after})
