"""CatalogBrowser: search, filter and inspect every function, model and type of a registry.

The browser keeps a flat index of the registry (one small row per entry, with
a lower-cased text to search) and rebuilds it only when the registry changed:
it listens to the audit log for registrations, updates, restores and removals.
A search types into a debounced box (the query runs once typing pauses, as a
task on the kernel's loop), filters narrow by kind, tag, source and namespace,
and only one page of rows is ever rendered, so 10,000 entries stay responsive.

Selecting an entry fills the detail pane: metadata, JSON schema, UI schema,
permissions (and what the browser's role holds), kept versions with a
side-by-side diff between any two, enrichment statistics and quality (masked
for the role, when the model is enriched) and the entry's audit events.

Which entries a role sees: functions and models on which the role holds at
least one permission (its own rule, else the ``"*"`` rule); types carry no
permissions, so every role sees them. Functions and types are defined in code,
so their *source* is ``static``; a model's source is its ``ModelSource``.

Example:
    >>> browser = CatalogBrowser(registry, role="analyst")   # doctest: +SKIP
    >>> browser.search_text.value = "shop.*"                  # runs after a short pause
    >>> browser.select("ns.models.shop.Order")                # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import difflib
import html
import json
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from xcatalog.errors import EnrichmentError, PermissionDenied, XCatalogError
from xcatalog.registry.audit import AuditEvent
from xcatalog.registry.functions import RegisteredFunction
from xcatalog.registry.models import RegisteredModel
from xcatalog.registry.schema_diff import diff_schemas
from xcatalog.registry.types import RegisteredType
from xcatalog.widgets._tasks import describe_error, error_html

if TYPE_CHECKING:
    from xcatalog.enrichment import EnrichedRegistry
    from xcatalog.registry.xregistry import XRegistry

__all__ = ["ALL", "CatalogBrowser", "CatalogRow"]

#: The value of a filter that lets everything through.
ALL = ""
_GLOB_CHARACTERS = frozenset("*?[")
# Audit actions that change what the index holds; everything else (executions, access checks) does not.
_INDEX_ACTIONS = frozenset({"register", "update", "remove", "restore"})
_KINDS = ("functions", "models", "types")
_STATIC = "static"


@dataclass(frozen=True, slots=True)
class CatalogRow:
    """One entry of the browser's index.

    Attributes:
        path: The full registry path.
        kind: ``functions``, ``models`` or ``types``.
        namespace: The dotted namespace.
        name: The short name.
        source: ``static``, ``dynamic`` or ``external`` (see the module docstring).
        tags: The entry's tags.
        summary: The first line of its description or docstring.
        text: Path, tags and description in lower case: what a text search looks in.
    """

    path: str
    kind: str
    namespace: str
    name: str
    source: str
    tags: frozenset[str]
    summary: str
    text: str


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def _holds_any(rules: Mapping[str, set[Any]], role: str) -> bool:
    # The registry's rule: the role's own rule applies, else the "*" rule; without either it holds nothing.
    return bool(rules[role]) if role in rules else bool(rules.get("*"))


def _granted(rules: Mapping[str, set[Any]], role: str) -> list[str]:
    held = rules[role] if role in rules else rules.get("*", set())
    return sorted(str(getattr(permission, "value", permission)) for permission in held)


def _row(entry: RegisteredFunction | RegisteredModel | RegisteredType, kind: str) -> CatalogRow:
    metadata = entry.metadata
    if isinstance(entry, RegisteredFunction):
        description, source = entry.metadata.docstring, _STATIC
    elif isinstance(entry, RegisteredModel):
        description, source = entry.metadata.description, entry.metadata.source.value
    else:
        description, source = entry.metadata.description, _STATIC
    summary = _first_line(description)
    tags = frozenset(metadata.tags)
    text = " ".join([metadata.ns_path, *sorted(tags), description or ""]).lower()
    return CatalogRow(metadata.ns_path, kind, metadata.namespace, metadata.name, source, tags, summary, text)


def _namespace_and_parents(namespace: str) -> Iterable[str]:
    parts = namespace.split(".")
    return (".".join(parts[:end]) for end in range(1, len(parts) + 1))


def _pre(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, sort_keys=True, default=str)
    return f'<pre style="white-space:pre-wrap;margin:0">{html.escape(text)}</pre>'


def _note(text: str) -> str:
    return f"<i>{html.escape(text)}</i>"


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(header)}</th>" for header in headers)
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:2px 8px'>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


class CatalogBrowser(widgets.VBox):  # type: ignore[misc]
    """Search, filter and page through a registry; inspect one entry in a detail pane.

    Args:
        registry: The registry to browse.
        role: The role browsing: it decides which functions and models are listed
            and whose permissions the detail pane highlights; sensitive enrichment
            values are masked unless it holds ``read_sensitive``.
        enriched: Where enrichment statistics come from; default the registry's
            enriched view when one was made (``registry.enriched``).
        page_size: Rows rendered per page.
        debounce_seconds: Pause after the last keystroke before a search runs.
        audit_limit: Most recent audit events shown for an entry.

    Attributes:
        search_text: The search box: a glob on paths (``shop.*``, ``ns.models.*``)
            when it holds ``*``, ``?`` or ``[``, else words that must all appear in
            the path, tags or description (case-insensitive).
        kind_filter: ``functions``, ``models``, ``types`` or :data:`ALL`.
        tag_filter: A tag or :data:`ALL`.
        source_filter: ``static``, ``dynamic``, ``external`` or :data:`ALL`.
        namespace_filter: A namespace (its sub-namespaces included) or :data:`ALL`.
        results_box: The rendered rows of the current page (one ``HBox`` each).
        matches: Paths of every entry the search and filters let through, sorted.
        page: The current page, from 0.
        selected_path: The entry in the detail pane, or ``None``.
        detail: The detail tabs (overview, JSON schema, UI schema, permissions,
            versions, enrichment, audit).
        last_task: The last debounced search task, or ``None``.
        error: The error panel.
    """

    TAB_TITLES = ("Overview", "JSON schema", "UI schema", "Permissions", "Versions", "Enrichment", "Audit")

    def __init__(
        self,
        registry: XRegistry,
        role: str = "anonymous",
        enriched: EnrichedRegistry | None = None,
        *,
        page_size: int = 50,
        debounce_seconds: float = 0.3,
        audit_limit: int = 100,
    ) -> None:
        if page_size < 1:
            raise XCatalogError(f"page_size must be at least 1, got {page_size}.")
        self.registry = registry
        self.role = role
        self._enriched = enriched
        self.page_size = page_size
        self.debounce_seconds = debounce_seconds
        self.audit_limit = audit_limit
        self.matches: list[str] = []
        self.page = 0
        self.selected_path: str | None = None
        self.last_task: asyncio.Task[None] | None = None
        self._rows: dict[str, CatalogRow] = {}
        self._hidden_count = 0
        self._stale = True
        self._page_paths: list[str] = []

        self.search_text = widgets.Text(
            placeholder="Search: words, or a glob such as shop.* or ns.models.*",
            description="Search",
            continuous_update=True,
            layout=widgets.Layout(width="50%"),
        )
        self.kind_filter = widgets.Dropdown(
            options=[("All kinds", ALL), ("Functions", "functions"), ("Models", "models"), ("Types", "types")],
            value=ALL,
            description="Kind",
        )
        self.tag_filter = widgets.Dropdown(options=[("All tags", ALL)], value=ALL, description="Tag")
        self.source_filter = widgets.Dropdown(options=[("All sources", ALL)], value=ALL, description="Source")
        self.namespace_filter = widgets.Dropdown(options=[("All namespaces", ALL)], value=ALL, description="Namespace")
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh", tooltip="Re-read the registry")
        self.count_label = widgets.HTML()
        self.results_box = widgets.VBox()
        self.previous_button = widgets.Button(description="Previous", icon="arrow-left")
        self.next_button = widgets.Button(description="Next", icon="arrow-right")
        self.page_label = widgets.HTML()
        self.error = widgets.HTML()
        self._row_pool: list[tuple[widgets.HBox, widgets.Button, widgets.HTML]] = []

        self.overview_html = widgets.HTML()
        self.json_schema_html = widgets.HTML()
        self.ui_schema_html = widgets.HTML()
        self.permissions_html = widgets.HTML()
        self.old_version_select = widgets.Dropdown(description="Old", options=[])
        self.new_version_select = widgets.Dropdown(description="New", options=[])
        self.compare_button = widgets.Button(description="Compare", icon="columns")
        self.diff_html = widgets.HTML()
        self.versions_html = widgets.HTML()
        self.enrichment_html = widgets.HTML()
        self.audit_html = widgets.HTML()
        versions_pane = widgets.VBox(
            [
                self.versions_html,
                widgets.HBox([self.old_version_select, self.new_version_select, self.compare_button]),
                self.diff_html,
            ]
        )
        self.detail = widgets.Tab(
            children=[
                self.overview_html,
                self.json_schema_html,
                self.ui_schema_html,
                self.permissions_html,
                versions_pane,
                self.enrichment_html,
                self.audit_html,
            ],
            titles=self.TAB_TITLES,
        )

        self.search_text.observe(self._on_query_change, names="value")
        for dropdown in (self.kind_filter, self.tag_filter, self.source_filter, self.namespace_filter):
            dropdown.observe(self._on_filter_change, names="value")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.previous_button.on_click(lambda _button: self.show_page(self.page - 1))
        self.next_button.on_click(lambda _button: self.show_page(self.page + 1))
        self.compare_button.on_click(lambda _button: self._compare_selected())

        # The audit log holds its listeners for ever: a weak reference lets a dropped browser be collected.
        browser_ref = weakref.ref(self)

        def mark_stale(event: AuditEvent) -> None:
            browser = browser_ref()
            if browser is not None and event.action in _INDEX_ACTIONS:
                browser._stale = True

        self._unsubscribe = registry.audit.subscribe(mark_stale)
        super().__init__(
            [
                widgets.HBox([self.search_text, self.refresh_button]),
                widgets.HBox([self.kind_filter, self.tag_filter, self.source_filter, self.namespace_filter]),
                self.count_label,
                self.results_box,
                widgets.HBox([self.previous_button, self.page_label, self.next_button]),
                self.error,
                self.detail,
            ]
        )
        self.refresh()

    # -- the index -------------------------------------------------------------------------------------------------

    @property
    def enriched(self) -> EnrichedRegistry | None:
        """The enriched registry used for statistics: the one given, else the registry's, else ``None``."""
        if self._enriched is not None:
            return self._enriched
        cached: EnrichedRegistry | None = getattr(self.registry, "enriched", None)
        return cached

    @property
    def rows(self) -> Mapping[str, CatalogRow]:
        """Every entry the role may see, by path (the index, rebuilt when the registry changed)."""
        self._ensure_index()
        return self._rows

    @property
    def hidden_count(self) -> int:
        """Functions and models left out because the role holds no permission on them."""
        self._ensure_index()
        return self._hidden_count

    def _ensure_index(self) -> None:
        if not self._stale:
            return
        self._stale = False
        rows: list[CatalogRow] = []
        hidden = 0
        for function in self.registry.functions.functions.values():
            if _holds_any(function.metadata.permissions, self.role):
                rows.append(_row(function, "functions"))
            else:
                hidden += 1
        for model in self.registry.models.models.values():
            if _holds_any(model.metadata.permissions, self.role):
                rows.append(_row(model, "models"))
            else:
                hidden += 1
        rows.extend(_row(registered, "types") for registered in self.registry.types.types.values())
        rows.sort(key=lambda row: row.path)
        self._rows = {row.path: row for row in rows}
        self._hidden_count = hidden
        self._update_filter_options()

    def _update_filter_options(self) -> None:
        tags: set[str] = set()
        sources: set[str] = set()
        namespaces: set[str] = set()
        for row in self._rows.values():
            tags.update(row.tags)
            sources.add(row.source)
            namespaces.update(_namespace_and_parents(row.namespace))
        self._set_options(self.tag_filter, "All tags", sorted(tags))
        self._set_options(self.source_filter, "All sources", sorted(sources))
        self._set_options(self.namespace_filter, "All namespaces", sorted(namespaces))

    def _set_options(self, dropdown: widgets.Dropdown, all_label: str, values: list[str]) -> None:
        current = dropdown.value
        # Setting options resets the value and fires observers; stop listening so that one refresh filters once.
        dropdown.unobserve(self._on_filter_change, names="value")
        try:
            dropdown.options = [(all_label, ALL), *((value, value) for value in values)]
            dropdown.value = current if current in values else ALL
        finally:
            dropdown.observe(self._on_filter_change, names="value")

    def refresh(self) -> None:
        """Re-read the registry, then search and filter again (keeping the page when it still exists)."""
        self._stale = True
        self.apply_filters(keep_page=True)

    # -- searching -------------------------------------------------------------------------------------------------

    def _on_query_change(self, _change: Mapping[str, Any]) -> None:
        self.schedule_search()

    def _on_filter_change(self, _change: Mapping[str, Any]) -> None:
        self.apply_filters()

    def schedule_search(self) -> asyncio.Task[None] | None:
        """Search once typing pauses for ``debounce_seconds``; each new call replaces the pending one.

        Without a running loop (plain Python, no kernel) the search runs at once.

        Returns:
            The pending search task (also :attr:`last_task`), or ``None`` when it already ran.
        """
        if self.last_task is not None and not self.last_task.done():
            self.last_task.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.apply_filters()
            return None
        self.last_task = loop.create_task(self._debounced_search())
        return self.last_task

    async def _debounced_search(self) -> None:
        await asyncio.sleep(self.debounce_seconds)
        self.apply_filters()

    def search(self, query: str) -> list[str]:
        """Put ``query`` in the search box and search at once (no debounce).

        Returns:
            :attr:`matches`.
        """
        if self.last_task is not None and not self.last_task.done():
            self.last_task.cancel()
        self.search_text.unobserve(self._on_query_change, names="value")
        try:
            self.search_text.value = query
        finally:
            self.search_text.observe(self._on_query_change, names="value")
        return self.apply_filters()

    def matching_paths(self, query: str) -> list[str]:
        """Paths the query alone lets through (no filters), sorted; see :attr:`search_text`."""
        query = query.strip()
        rows = self.rows
        if not query:
            return list(rows)
        if _GLOB_CHARACTERS.intersection(query):
            # The registry's own glob search starts at the pattern's literal prefix instead of scanning.
            return [path for path in self.registry.find_paths(query) if path in rows]
        words = query.lower().split()
        return [path for path, row in rows.items() if all(word in row.text for word in words)]

    def _passes_filters(self, row: CatalogRow) -> bool:
        kind, tag, source, namespace = (
            self.kind_filter.value,
            self.tag_filter.value,
            self.source_filter.value,
            self.namespace_filter.value,
        )
        return (
            (kind == ALL or row.kind == kind)
            and (tag == ALL or tag in row.tags)
            and (source == ALL or row.source == source)
            and (namespace == ALL or row.namespace == namespace or row.namespace.startswith(namespace + "."))
        )

    def apply_filters(self, *, keep_page: bool = False) -> list[str]:
        """Run the search box's query and the filters now, and show a page of the result.

        Args:
            keep_page: Stay on the current page if it still exists (else go to the first).

        Returns:
            :attr:`matches`.
        """
        try:
            rows = self.rows
            self.matches = [
                path for path in self.matching_paths(self.search_text.value) if self._passes_filters(rows[path])
            ]
        except Exception as exc:  # a bad pattern or a broken entry belongs in the panel, not in a traceback
            self.matches = []
            self.error.value = error_html(describe_error(exc))
        else:
            self.error.value = ""
        self.show_page(self.page if keep_page else 0)
        return self.matches

    # -- paging ----------------------------------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        """Pages in :attr:`matches` (at least 1, an empty page when nothing matches)."""
        return max(1, -(-len(self.matches) // self.page_size))

    @property
    def page_paths(self) -> list[str]:
        """Paths of the rendered rows, in order."""
        return list(self._page_paths)

    def _pooled_row(self, position: int) -> tuple[widgets.HBox, widgets.Button, widgets.HTML]:
        # Rows are made once and reused: paging only changes texts, it does not build widgets.
        while len(self._row_pool) <= position:
            index = len(self._row_pool)
            button = widgets.Button(layout=widgets.Layout(width="auto", min_width="14em"))
            button.on_click(lambda _button, index=index: self._open_row(index))
            label = widgets.HTML()
            self._row_pool.append((widgets.HBox([button, label]), button, label))
        return self._row_pool[position]

    def _open_row(self, position: int) -> None:
        if position < len(self._page_paths):
            self.select(self._page_paths[position])

    def show_page(self, page: int) -> None:
        """Render page ``page`` of :attr:`matches` (clamped to the pages that exist)."""
        self.page = min(max(page, 0), self.page_count - 1)
        start = self.page * self.page_size
        self._page_paths = self.matches[start : start + self.page_size]
        rendered = []
        for position, path in enumerate(self._page_paths):
            box, button, label = self._pooled_row(position)
            row = self._rows[path]
            button.description = row.name
            button.tooltip = path
            button.button_style = "info" if path == self.selected_path else ""
            tags = f" · tags: {', '.join(sorted(row.tags))}" if row.tags else ""
            summary = f" — {row.summary}" if row.summary else ""
            label.value = html.escape(f"{row.kind[:-1]} · {row.namespace} · {row.source}{tags}{summary}")
            rendered.append(box)
        self.results_box.children = rendered
        total = len(self.matches)
        hidden = f"; {self._hidden_count} hidden from role {self.role!r}" if self._hidden_count else ""
        self.count_label.value = html.escape(f"{total:,} of {len(self._rows):,} entries match{hidden}.")
        self.page_label.value = html.escape(f"Page {self.page + 1} of {self.page_count}")
        self.previous_button.disabled = self.page == 0
        self.next_button.disabled = self.page >= self.page_count - 1

    # -- the detail pane -------------------------------------------------------------------------------------------

    def select(self, path: str) -> None:
        """Show one entry in the detail pane (a full path, or a name the registry resolves).

        An unknown or ambiguous name, an entry hidden from the role, or anything
        that fails to render is shown in the error panel instead.
        """
        try:
            entry = self.registry.get(path)
            if entry.metadata.ns_path not in self.rows:
                raise PermissionDenied(
                    f"Role {self.role!r} holds no permission on {entry.metadata.ns_path}, so the browser does not "
                    "show it. Browse with a role that holds one, or grant one to this role.",
                    role=self.role,
                    path=entry.metadata.ns_path,
                )
            self.selected_path = entry.metadata.ns_path
            self._render_detail(entry)
        except Exception as exc:  # show why the entry cannot be shown instead of a traceback
            self.error.value = error_html(describe_error(exc))
            return
        self.error.value = ""
        for position, page_path in enumerate(self._page_paths):
            self._row_pool[position][1].button_style = "info" if page_path == self.selected_path else ""

    def _render_detail(self, entry: RegisteredFunction | RegisteredModel | RegisteredType) -> None:
        path = entry.metadata.ns_path
        self.overview_html.value = self._overview(entry)
        self.json_schema_html.value = self._json_schema(entry)
        self.ui_schema_html.value = self._ui_schema(entry)
        self.permissions_html.value = self._permissions(entry)
        self._fill_versions(entry)
        self.enrichment_html.value = self._enrichment(entry)
        self.audit_html.value = self._audit(path)

    def _overview(self, entry: RegisteredFunction | RegisteredModel | RegisteredType) -> str:
        metadata = entry.metadata
        facts: list[tuple[str, Any]] = [("Path", metadata.ns_path), ("Name", metadata.name)]
        facts.append(("Namespace", metadata.namespace))
        if isinstance(entry, RegisteredFunction):
            stats = entry.stats
            facts += [
                ("Kind", "function (async)" if entry.metadata.is_async else "function"),
                ("Signature", f"{metadata.name}{entry.metadata.signature}"),
                ("Import path", entry.metadata.import_path),
                ("Calls", stats.call_count),
                ("Errors", stats.error_count),
                ("Average duration (s)", "" if stats.average_duration is None else f"{stats.average_duration:.4f}"),
                ("Last called", stats.last_called or ""),
                ("Description", entry.metadata.docstring or ""),
            ]
        elif isinstance(entry, RegisteredModel):
            facts += [
                ("Kind", "model"),
                ("Source", entry.metadata.source.value),
                ("Version", entry.metadata.version),
                ("Module", entry.metadata.module or ""),
                ("Created", entry.metadata.created_at),
                ("Updated", entry.metadata.updated_at),
                ("Fields", ", ".join(entry.model_class.model_fields)),
                ("Description", entry.metadata.description or ""),
            ]
        else:
            facts += [
                ("Kind", f"type ({entry.metadata.category.value})"),
                ("Base type", entry.metadata.base_type),
                ("Constraints", json.dumps(entry.metadata.constraints, default=str)),
                ("Examples", json.dumps(entry.metadata.examples, default=str)),
                ("Used", entry.usage_count),
                ("Description", entry.metadata.description or ""),
            ]
        facts.append(("Tags", ", ".join(sorted(metadata.tags))))
        return _table(("", ""), facts)

    @staticmethod
    def _json_schema(entry: RegisteredFunction | RegisteredModel | RegisteredType) -> str:
        if isinstance(entry, RegisteredModel):
            return _pre(entry.metadata.json_schema)
        if isinstance(entry, RegisteredFunction):
            parameters = {
                name: parameter.model_dump(mode="json") for name, parameter in entry.metadata.parameters.items()
            }
            return _note("Functions have no JSON schema; their parameters:") + _pre(
                {"parameters": parameters, "return_type": entry.metadata.return_type}
            )
        try:
            return _pre(entry.adapter().json_schema())
        except Exception as exc:  # some types (plain classes) cannot be described in JSON schema
            return _note(f"This type has no JSON schema: {describe_error(exc)}")

    @staticmethod
    def _ui_schema(entry: RegisteredFunction | RegisteredModel | RegisteredType) -> str:
        if not isinstance(entry, RegisteredModel):
            return _note("Only models have a UI schema.")
        if entry.metadata.ui_schema is None:
            return _note("No UI schema: [registry.models] auto_generate_ui was off when this version was made.")
        return _pre(entry.metadata.ui_schema)

    def _permissions(self, entry: RegisteredFunction | RegisteredModel | RegisteredType) -> str:
        if isinstance(entry, RegisteredType):
            return _note("Types carry no permissions: every role may use them.")
        rules: Mapping[str, set[Any]] = entry.metadata.permissions
        rows = [
            (
                "every other role (*)" if role == "*" else role,
                ", ".join(sorted(str(getattr(held, "value", held)) for held in granted)) or "(nothing)",
            )
            for role, granted in sorted(rules.items())
        ]
        held = _granted(rules, self.role)
        own = f"Role {self.role!r} holds: {', '.join(held) if held else 'nothing'}."
        return f"<p><b>{html.escape(own)}</b></p>" + _table(("Role", "Permissions"), rows)

    # -- versions ----------------------------------------------------------------------------------------------------

    def _fill_versions(self, entry: RegisteredFunction | RegisteredModel | RegisteredType) -> None:
        self.diff_html.value = ""
        if not isinstance(entry, RegisteredModel):
            self.versions_html.value = _note("Only models keep versions.")
            for dropdown in (self.old_version_select, self.new_version_select):
                dropdown.options = []
            self.compare_button.disabled = True
            return
        kept = self.registry.models.versions(entry.metadata.ns_path)
        numbers = [version.metadata.version for version in kept]
        self.versions_html.value = _table(
            ("Version", "Updated", "Fields"),
            (
                (
                    version.metadata.version,
                    version.metadata.updated_at,
                    len(version.metadata.json_schema.get("properties", {})),
                )
                for version in reversed(kept)
            ),
        )
        self.old_version_select.options = numbers
        self.new_version_select.options = numbers
        self.old_version_select.value = numbers[-2] if len(numbers) > 1 else numbers[-1]
        self.new_version_select.value = numbers[-1]
        self.compare_button.disabled = len(numbers) < 2

    def _compare_selected(self) -> None:
        if self.selected_path is None or not self.old_version_select.value or not self.new_version_select.value:
            return
        try:
            self.compare_versions(self.old_version_select.value, self.new_version_select.value)
        except Exception as exc:  # e.g. a version that fell out of the history meanwhile
            self.diff_html.value = error_html(describe_error(exc))

    def compare_versions(self, old: str, new: str) -> str:
        """Diff two kept versions of the selected model and show them side by side.

        Args:
            old: The version on the left.
            new: The version on the right.

        Returns:
            The HTML put in the versions tab: the classified schema changes,
            then the two JSON schemas side by side with changed lines marked.

        Raises:
            XCatalogError: No model is selected.
            NotRegistered: A version is not kept.
        """
        if self.selected_path is None or not self.selected_path.startswith(f"{self.registry.prefix}.models."):
            raise XCatalogError("Select a model first: only models keep versions to compare.")
        models = self.registry.models
        old_schema = models.get_version(self.selected_path, old).metadata.json_schema
        new_schema = models.get_version(self.selected_path, new).metadata.json_schema
        changes = diff_schemas(old_schema, new_schema)
        if changes:
            summary = _table(
                ("Impact", "Change", "Field", "What"),
                (
                    (change.impact.value, change.kind.value, change.path or "(model)", change.message)
                    for change in changes
                ),
            )
        else:
            summary = _note(f"No schema differences between {old} and {new}.")
        old_lines = json.dumps(old_schema, indent=2, sort_keys=True).splitlines()
        new_lines = json.dumps(new_schema, indent=2, sort_keys=True).splitlines()
        side_by_side = difflib.HtmlDiff(wrapcolumn=60).make_table(old_lines, new_lines, old, new, context=True)
        self.diff_html.value = f"<h4>{html.escape(f'{old} → {new}')}</h4>{summary}{side_by_side}"
        return str(self.diff_html.value)

    # -- enrichment and audit ----------------------------------------------------------------------------------------

    def _enrichment(self, entry: RegisteredFunction | RegisteredModel | RegisteredType) -> str:
        if not isinstance(entry, RegisteredModel):
            return _note("Only models are enriched with statistics from their data.")
        enriched = self.enriched
        if enriched is None:
            return _note("No enrichment: this registry has no enriched view. Enrich the model from its resource.")
        path = entry.metadata.ns_path
        try:
            view = enriched.view(path, self.role)
        except EnrichmentError as exc:
            return _note(str(exc))
        overall = view.data_quality.get("overall")
        facts = [
            ("Resource", f"{view.resource_name} ({view.resource_type})"),
            ("Collection", view.collection),
            ("Documents", "" if view.total_count is None else f"{view.total_count:,}"),
            ("Sample", f"{view.sample_size:,}"),
            ("Updated", view.last_updated),
            ("Live", "yes" if view.is_live else "no"),
            ("Overall quality", _percent(overall) if isinstance(overall, int | float) else ""),
        ]
        if view.last_error:
            facts.append(("Last refresh error", view.last_error))
        field_rows = []
        for field_path, field in view.fields.items():
            categories = ""
            if field.categories is not None:
                top = field.categories.frequencies[:5]
                categories = ", ".join(f"{item.value} ({item.count})" for item in top)
                if len(field.categories.frequencies) > len(top):
                    categories += ", …"
            quality = field.quality.get("score")
            examples = ", ".join(str(example) for example in field.examples[:3])
            field_rows.append(
                (
                    field_path,
                    ", ".join(field.types),
                    _percent(field.presence),
                    _percent(field.completeness),
                    _percent(field.uniqueness),
                    field.semantic_type or "",
                    "yes" if field.sensitive else "",
                    categories,
                    examples,
                    _percent(quality) if isinstance(quality, int | float) else "",
                )
            )
        headers = (
            "Field",
            "Types",
            "Presence",
            "Completeness",
            "Uniqueness",
            "Semantic",
            "Sensitive",
            "Categories",
            "Examples",
            "Quality",
        )
        return _table(("", ""), facts) + "<h4>Fields</h4>" + _table(headers, field_rows)

    def _audit(self, path: str) -> str:
        events = self.registry.audit.events(path=path)[-self.audit_limit :] if self.audit_limit else []
        if not events:
            return _note(f"No audit events for {path}.")
        return _table(
            ("Time", "Action", "Role", "Allowed", "Detail"),
            (
                (
                    event.time.isoformat(timespec="seconds"),
                    event.action,
                    event.role or "",
                    "yes" if event.allowed else "no",
                    json.dumps(event.detail, default=str, sort_keys=True),
                )
                for event in reversed(events)
            ),
        )

    # -- lifecycle -----------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop listening to the registry, cancel a pending search and close the widgets."""
        # ipywidgets also calls close() from __del__, possibly on a browser whose __init__ raised half way.
        unsubscribe = getattr(self, "_unsubscribe", None)
        if unsubscribe is not None:
            unsubscribe()
        task = getattr(self, "last_task", None)
        if task is not None and not task.done():
            task.cancel()
        super().close()
