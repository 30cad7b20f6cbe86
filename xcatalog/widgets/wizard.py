"""DiscoveryWizard: from a database or a folder of files to registered, enriched models, step by step.

The steps, each a method that code and tests can drive (buttons call the same
methods as tasks on the kernel's loop, with progress and a cancel button):

1. **Connect** — a MongoDB connection string with the password in its own
   masked field (it never appears in the URI box or in a message), or the
   paths of data files; :meth:`DiscoveryWizard.connect` opens the resource and
   counts the documents of every collection.
2. **Choose collections** — :attr:`DiscoveryWizard.collections_select` lists them with their counts.
3. **Profile** — :meth:`DiscoveryWizard.profile` inspects (infers a model) and
   profiles each chosen collection with its own progress bar. A collection that
   fails is reported and the others go on.
4. **Review** — one pane per collection: its fields with types, presence and
   categorical flags; rename the model, choose its namespace, mark fields
   categorical (they become ``Literal`` types of the observed values) or not,
   or leave the collection out.
5. **Register and enrich** — :meth:`DiscoveryWizard.register` registers each
   reviewed model as a dynamic model and enriches it from its collection; one
   collection's failure does not stop the others.
6. **Summary** — one row per collection, and a button per model that opens it
   in a :class:`~xcatalog.widgets.browser.CatalogBrowser`.

Example:
    >>> wizard = DiscoveryWizard(registry)                          # doctest: +SKIP
    >>> wizard                                                      # shows the first step in Jupyter
    >>> # or, from code:
    >>> wizard.uri_text.value = "mongodb://ana@db.example:27017/shop"  # doctest: +SKIP
    >>> wizard.password_text.value = "s3cret"                       # doctest: +SKIP
    >>> await wizard.connect()                                      # doctest: +SKIP
    >>> wizard.collections_select.value = ("orders",)               # doctest: +SKIP
    >>> await wizard.profile()                                      # doctest: +SKIP
    >>> await wizard.register()                                     # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import ipywidgets as widgets

from xcatalog.enrichment import CollectionOutcome, get_enriched
from xcatalog.errors import ResourceError, XCatalogError, redact
from xcatalog.inference import SchemaStats, model_from_stats
from xcatalog.profiling import Profile
from xcatalog.registry.models import ModelSource, RegisteredModel
from xcatalog.resources import FileResource, InspectionResult, MongoResource, Resource, XInspector
from xcatalog.resources.profile import profile_collection
from xcatalog.widgets._tasks import ProgressCallback, TaskPanel, describe_error, error_html
from xcatalog.widgets.browser import CatalogBrowser

if TYPE_CHECKING:
    from pydantic import BaseModel

    from xcatalog.enrichment import EnrichedRegistry
    from xcatalog.registry.xregistry import XRegistry

__all__ = ["CollectionReview", "DiscoveryWizard", "mongo_uri_with_password"]

MONGODB = "MongoDB"
FILES = "Files"
_URI = re.compile(r"^(?P<scheme>mongodb(?:\+srv)?://)(?:(?P<user>[^:@/]+)(?::(?P<password>[^@/]*))?@)?(?P<rest>.*)$")
_PATH_SEPARATORS = re.compile(r"[,\n]")
_CONTAINER_TYPES = frozenset({"object", "array"})
#: Wide enough for "Model name" and "Namespace" (the default 80px cuts them to "Model na…").
_LABEL_WIDTH = "100px"
#: Checkboxes of the review table are named by their description; this CSS hides its text but keeps it for
#: assistive technology (and tests), like the usual "visually hidden" pattern.
_HIDDEN_LABEL_CLASS = "xcatalog-hidden-label"
_HIDDEN_LABEL_STYLE = (
    f"<style>.{_HIDDEN_LABEL_CLASS} .widget-label-basic span {{position: absolute; width: 1px; height: 1px; "
    "overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;}</style>"
)
_WIZARD_TAG = "discovery-wizard"


def mongo_uri_with_password(uri: str, password: str) -> str:
    """Put ``password`` into a MongoDB connection string (percent-encoded).

    Args:
        uri: ``mongodb://user@host:port/db`` (a password already in it is replaced).
        password: The password; empty leaves the URI as it is.

    Returns:
        The URI with ``user:password@``.

    Raises:
        ResourceError: The URI is not a MongoDB connection string, or a password
            is given but the URI names no user.
    """
    match = _URI.match(uri.strip())
    if match is None:
        raise ResourceError(
            f"{redact(uri)!r} is not a MongoDB connection string. It starts with mongodb:// or mongodb+srv://, "
            "e.g. mongodb://ana@db.example:27017/shop."
        )
    if not password:
        return uri.strip()
    if not match["user"]:
        raise ResourceError(
            "A password was given but the connection string names no user. Write the user into it "
            "(mongodb://USER@host:27017/) and keep the password in the password field."
        )
    return f"{match['scheme']}{match['user']}:{quote(password, safe='')}@{match['rest']}"


def _database_in(uri: str) -> str:
    match = _URI.match(uri.strip())
    rest = match["rest"] if match else ""
    _, _, path = rest.partition("/")
    return path.split("?", 1)[0].strip()


def _categorical_values(profile: Profile | None, path: str) -> list[Any]:
    if profile is None or path not in profile.columns:
        return []
    return [value for value in profile.columns[path].categories if value is not None]


class CollectionReview:
    """What the wizard found in one collection, and the choices made on it in the review step.

    Args:
        collection: The collection name.
        namespace: The namespace proposed for its model.

    Attributes:
        collection: The collection name.
        inspection: The inspector's result (model, field statistics), or ``None`` when it failed.
        profile: The profile (categorical values, quality), or ``None`` when it failed.
        error: Why profiling failed, or ``None``.
        progress: This collection's progress bar.
        status: One line on what happened to it.
        include_checkbox: Whether the collection is registered.
        name_text: The model's name.
        namespace_text: The model's namespace.
        categorical_checkboxes: Field path -> whether it becomes a categorical (``Literal``) field.
        pane: The review pane (fields table and the choices).
    """

    def __init__(self, collection: str, namespace: str) -> None:
        self.collection = collection
        self.inspection: InspectionResult | None = None
        self.profile: Profile | None = None
        self.error: str | None = None
        self.progress = widgets.IntProgress(value=0, min=0, max=4, description=collection[:20])
        self.status = widgets.HTML("waiting")
        self.include_checkbox = widgets.Checkbox(value=True, description="Register this collection", indent=False)
        self.name_text = widgets.Text(
            description="Model name", style={"description_width": _LABEL_WIDTH}, layout=widgets.Layout(width="460px")
        )
        self.namespace_text = widgets.Text(
            value=namespace,
            description="Namespace",
            style={"description_width": _LABEL_WIDTH},
            layout=widgets.Layout(width="460px"),
        )
        self.categorical_checkboxes: dict[str, widgets.Checkbox] = {}
        self.pane = widgets.VBox()

    @property
    def is_ready(self) -> bool:
        """Whether it was inspected and profiled without error."""
        return self.error is None and self.inspection is not None

    @property
    def categorical_paths(self) -> list[str]:
        """The fields marked categorical, in field order."""
        return [path for path, checkbox in self.categorical_checkboxes.items() if checkbox.value]

    def fail(self, error: BaseException) -> None:
        """Record a failure of this collection (the others go on)."""
        self.error = describe_error(error)
        self.include_checkbox.value = False
        self.include_checkbox.disabled = True
        self.progress.bar_style = "danger"
        self.status.value = error_html(self.error)
        self.pane.children = [self.status]

    def build_pane(self) -> None:
        """Fill the review pane from the inspection and the profile."""
        inspection = self.inspection
        if inspection is None:
            return
        self.name_text.value = inspection.model_name
        # One grid for the header and the rows: the columns line up whatever each cell holds.
        cells: list[widgets.Widget] = [
            widgets.HTML(f"<b>{title}</b>") for title in ("Field", "Types", "Presence", "Categorical")
        ]
        self.categorical_checkboxes = {}
        for path, stats in inspection.fields.items():
            values = _categorical_values(self.profile, path)
            column = self.profile.columns.get(path) if self.profile is not None else None
            is_scalar = not _CONTAINER_TYPES.intersection(stats.types)
            checkbox = widgets.Checkbox(
                value=bool(column is not None and column.is_categorical and values),
                # The description is the checkbox's accessible name ("city is categorical"); CSS hides its text,
                # since the row already names the field.
                description=f"{path} is categorical",
                indent=False,
                disabled=not is_scalar,
                layout=widgets.Layout(width="auto"),
                tooltip=(
                    f"observed values: {', '.join(map(str, values[:10]))}"
                    if values
                    else "values are taken from a fresh sample when registering"
                ),
            ).add_class(_HIDDEN_LABEL_CLASS)
            if is_scalar:
                self.categorical_checkboxes[path] = checkbox
            types = ", ".join(f"{name} ({count})" for name, count in stats.types.items())
            cells += [
                widgets.HTML(html.escape(path)),
                widgets.HTML(html.escape(types)),
                widgets.HTML(f"{stats.presence:.0%}"),
                checkbox,
            ]
        table = widgets.GridBox(
            cells,
            layout=widgets.Layout(
                grid_template_columns="minmax(160px, max-content) minmax(160px, max-content) 90px 110px",
                grid_gap="0px 16px",
                align_items="center",
            ),
        )
        quality = f", quality {self.profile.quality:.0%}" if self.profile is not None else ""
        summary = widgets.HTML(
            html.escape(
                f"{inspection.total_count:,} documents, {inspection.sample_size:,} sampled, "
                f"{len(inspection.fields)} field paths{quality}."
            )
        )
        self.pane.children = [
            widgets.HTML(_HIDDEN_LABEL_STYLE),
            summary,
            self.include_checkbox,
            self.name_text,
            self.namespace_text,
            table,
        ]


class DiscoveryWizard(widgets.VBox):  # type: ignore[misc]
    """A step-by-step discovery of collections into registered, enriched models (see the module docstring).

    Args:
        registry: Where the models are registered.
        resource: An already made resource; the connect step then only opens it.
        enriched: The enriched registry to enrich with; default ``get_enriched(registry)``.
        role: The role of the catalog browser opened from the summary.
        sample_size: Documents sampled per collection for inference and
            profiling; default ``[registry.enrichment] sample_size``.
        auto_refresh: Whether enriched models keep refreshing in the background
            (the initial value of :attr:`auto_refresh_checkbox`); default
            ``[registry.enrichment] auto_refresh``.

    Attributes:
        source_select: ``"MongoDB"`` or ``"Files"``.
        uri_text: The connection string, without the password.
        password_text: The password (masked).
        database_text: The database; default the one in the connection string.
        files_text: Paths of a folder or of files, separated by commas or new lines.
        resource_note: Names the resource given to the wizard (the forms are hidden then).
        connect_button: Runs :meth:`connect`.
        collections_select: The collections (labelled with their counts); the chosen ones are profiled.
        profile_button: Runs :meth:`profile`.
        reviews: Collection -> its :class:`CollectionReview`, in the order profiled.
        review_accordion: One review pane per collection.
        override_checkbox: Replace models already registered at the same path.
        auto_refresh_checkbox: Keep enriched models refreshing.
        register_button: Runs :meth:`register`.
        outcomes: One :class:`~xcatalog.enrichment.CollectionOutcome` per reviewed collection after :meth:`register`.
        summary_html: The summary table.
        open_buttons: Model path -> the button that opens it in the browser.
        browser: The catalog browser, once one was opened.
        tasks: The task panel: progress, cancel button, status and error of the running step.
        step: The index of the step shown (see :attr:`STEPS`).
    """

    STEPS = ("Connect", "Choose collections", "Profile", "Review", "Summary")

    def __init__(
        self,
        registry: XRegistry,
        resource: Resource | None = None,
        enriched: EnrichedRegistry | None = None,
        *,
        role: str = "anonymous",
        sample_size: int | None = None,
        auto_refresh: bool | None = None,
    ) -> None:
        self.registry = registry
        self.resource = resource
        self._given_resource = resource is not None
        self._enriched = enriched
        self.role = role
        section = registry.settings.registry.enrichment
        self.sample_size = sample_size if sample_size is not None else section.sample_size
        self.counts: dict[str, int | None] = {}
        self.reviews: dict[str, CollectionReview] = {}
        self.outcomes: list[CollectionOutcome] = []
        self.open_buttons: dict[str, widgets.Button] = {}
        self.browser: CatalogBrowser | None = None
        self.tasks = TaskPanel()

        # Step 1: connect.
        self.source_select = widgets.ToggleButtons(options=[MONGODB, FILES], value=MONGODB, description="Source")
        self.uri_text = widgets.Text(
            placeholder="mongodb://user@host:27017/database", description="URI", layout=widgets.Layout(width="60%")
        )
        self.password_text = widgets.Password(description="Password", placeholder="kept out of the URI")
        self.database_text = widgets.Text(description="Database", placeholder="default: the one in the URI")
        self.files_text = widgets.Textarea(
            description="Paths",
            placeholder="a folder, or files (.csv, .json, .jsonl, .parquet) separated by commas or new lines",
            layout=widgets.Layout(width="60%"),
        )
        self.connect_button = widgets.Button(description="Connect", icon="plug", button_style="primary")
        self._mongo_form = widgets.VBox([self.uri_text, self.password_text, self.database_text])
        self._files_form = widgets.VBox([self.files_text])
        self.resource_note = widgets.HTML()
        # Step 2: choose collections.
        self.collections_select = widgets.SelectMultiple(
            options=[], description="Collections", rows=10, layout=widgets.Layout(width="60%")
        )
        self.select_all_button = widgets.Button(description="Select all", icon="check-square")
        self.profile_button = widgets.Button(description="Profile", icon="bar-chart", button_style="primary")
        # Step 3: profile.
        self.profile_box = widgets.VBox()
        # Step 4: review.
        self.review_accordion = widgets.Accordion()
        # Width "auto": the default widths cut these labels off ("Replace models already re…").
        self.override_checkbox = widgets.Checkbox(
            value=False,
            description="Replace models already registered",
            indent=False,
            layout=widgets.Layout(width="auto", margin="0 24px 0 0"),
        )
        self.auto_refresh_checkbox = widgets.Checkbox(
            value=section.auto_refresh if auto_refresh is None else auto_refresh,
            description="Keep statistics refreshing",
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.register_button = widgets.Button(
            description="Register and enrich",
            icon="save",
            button_style="primary",
            # Its label's width, not the column's ("auto" would stretch it across the pane).
            layout=widgets.Layout(width="fit-content"),
        )
        # Step 5: summary.
        self.summary_html = widgets.HTML()
        self.open_box = widgets.VBox()
        self.browser_box = widgets.VBox()

        self.back_button = widgets.Button(description="Back", icon="arrow-left")
        self.step_html = widgets.HTML()
        self.stack = widgets.Stack(
            [
                widgets.VBox(
                    [self.source_select, self.resource_note, self._mongo_form, self._files_form, self.connect_button]
                ),
                widgets.VBox([self.collections_select, widgets.HBox([self.select_all_button, self.profile_button])]),
                self.profile_box,
                widgets.VBox(
                    [
                        self.review_accordion,
                        widgets.HBox([self.override_checkbox, self.auto_refresh_checkbox]),
                        self.register_button,
                    ]
                ),
                widgets.VBox([self.summary_html, self.open_box, self.browser_box]),
            ],
            selected_index=0,
        )
        self.source_select.observe(lambda _change: self._show_source_form(), names="value")
        self.connect_button.on_click(lambda _button: self._start(self._connect_work, "Connecting"))
        self.select_all_button.on_click(lambda _button: self._select_all())
        self.profile_button.on_click(lambda _button: self._start(self._profile_work, "Profiling"))
        self.register_button.on_click(lambda _button: self._start(self._register_work, "Registering"))
        self.back_button.on_click(lambda _button: self.go_to(self.step - 1))
        self._show_source_form()
        super().__init__([widgets.HBox([self.back_button, self.step_html]), self.stack, self.tasks])
        self.go_to(0)

    # -- navigation ------------------------------------------------------------------------------------------------

    @property
    def step(self) -> int:
        """The index of the step shown."""
        index: int = self.stack.selected_index
        return index

    @property
    def step_name(self) -> str:
        """The name of the step shown."""
        return self.STEPS[self.step]

    @property
    def last_task(self) -> asyncio.Task[Any] | None:
        """The task of the last step started from a button (await it to see the step finish)."""
        return self.tasks.task

    @property
    def enriched(self) -> EnrichedRegistry:
        """The enriched registry models are enriched into."""
        if self._enriched is None:
            self._enriched = get_enriched(self.registry)
        return self._enriched

    def go_to(self, step: int) -> None:
        """Show step ``step`` (clamped to the steps that exist)."""
        self.stack.selected_index = min(max(step, 0), len(self.STEPS) - 1)
        crumbs = [
            f"<b>{index + 1}. {name}</b>" if index == self.step else f"{index + 1}. {name}"
            for index, name in enumerate(self.STEPS)
        ]
        self.step_html.value = " → ".join(crumbs)
        self.back_button.disabled = self.step == 0

    def _show_source_form(self) -> None:
        if self._given_resource and self.resource is not None:
            self.resource_note.value = html.escape(
                f"Resource: {self.resource.name} ({self.resource.get_type()}). Connect to list its collections."
            )
            self.source_select.layout.display = "none"
            self._mongo_form.layout.display = "none"
            self._files_form.layout.display = "none"
            return
        is_mongo = self.source_select.value == MONGODB
        self._mongo_form.layout.display = "flex" if is_mongo else "none"
        self._files_form.layout.display = "none" if is_mongo else "flex"

    def _start(self, work: Callable[[ProgressCallback], Awaitable[Any]], label: str) -> asyncio.Task[Any] | None:
        return self.tasks.start(work, label=label)

    def _select_all(self) -> None:
        self.collections_select.value = tuple(value for _label, value in self.collections_select.options)

    # -- step 1: connect -------------------------------------------------------------------------------------------

    def build_resource(self) -> Resource:
        """The resource the connect form describes (or the one given to the wizard).

        Raises:
            ResourceError: The form is incomplete or the connection string is malformed.
        """
        if self._given_resource and self.resource is not None:
            return self.resource
        if self.source_select.value == FILES:
            paths = [Path(text.strip()).expanduser() for text in _PATH_SEPARATORS.split(self.files_text.value)]
            paths = [path for path in paths if str(path) not in ("", ".")]
            if not paths:
                raise ResourceError("Give a folder or the paths of data files in the Paths box.")
            return FileResource(paths[0] if len(paths) == 1 else paths)
        uri = self.uri_text.value.strip()
        if not uri:
            raise ResourceError("Give a MongoDB connection string, e.g. mongodb://user@host:27017/database.")
        database = self.database_text.value.strip() or _database_in(uri)
        if not database:
            raise ResourceError(
                f"Which database? {redact(uri)} names none: fill in the Database box or end the URI with /DATABASE."
            )
        full_uri = mongo_uri_with_password(uri, self.password_text.value)
        return MongoResource(full_uri, database, settings=self.registry.settings.mongodb)

    async def connect(self, progress: ProgressCallback | None = None) -> dict[str, int | None]:
        """Open the resource and count the documents of each collection (step 1 -> 2).

        A collection whose count fails is still listed, with an unknown count.

        Args:
            progress: ``progress(done, total, message)``, as the task panel gives it.

        Returns:
            Collection -> document count (``None`` when it could not be counted).

        Raises:
            ResourceError: The resource cannot be made or opened (the message has no password).
        """
        resource = self.build_resource()
        if self.resource is not None and self.resource is not resource:
            await self.resource.close()  # the wizard made it from an earlier form: reconnecting replaces it
        self.resource = resource
        await resource.connect()
        names = await resource.list_collections()
        counts: dict[str, int | None] = {}
        for done, name in enumerate(names, start=1):
            try:
                counts[name] = await resource.count(name)
            except (XCatalogError, OSError):
                counts[name] = None  # listed anyway: profiling will report why it fails
            if progress is not None:
                progress(done, len(names), f"Counted {name}")
        self.counts = counts
        self.collections_select.options = [
            (f"{name} ({'count unknown' if count is None else f'{count:,} documents'})", name)
            for name, count in counts.items()
        ]
        self.collections_select.value = ()
        self.go_to(1)
        return counts

    async def _connect_work(self, progress: ProgressCallback) -> dict[str, int | None]:
        return await self.connect(progress)

    # -- step 3: profile -------------------------------------------------------------------------------------------

    def default_namespace(self) -> str:
        """``discovered.<resource name>``: where models go unless renamed in the review."""
        name = self.resource.name if self.resource is not None else "resource"
        segment = re.sub(r"\W+", "_", name).strip("_") or "resource"
        return f"discovered.{'_' + segment if segment[0].isdigit() else segment}"

    async def profile(
        self, collections: list[str] | None = None, progress: ProgressCallback | None = None
    ) -> dict[str, CollectionReview]:
        """Inspect and profile each chosen collection, then show the review (step 3 -> 4).

        A collection that fails is marked with its reason; the others go on.

        Args:
            collections: Default the value of :attr:`collections_select`.
            progress: ``progress(done, total, message)`` over collections.

        Returns:
            :attr:`reviews`.

        Raises:
            XCatalogError: Not connected, or no collection chosen.
        """
        resource = self.resource
        if resource is None:
            raise XCatalogError("Connect first: there is no resource to profile.")
        chosen = list(collections if collections is not None else self.collections_select.value)
        if not chosen:
            raise XCatalogError(
                f"Choose at least one collection to profile. Collections: {', '.join(self.counts) or '(none)'}."
            )
        namespace = self.default_namespace()
        self.reviews = {name: CollectionReview(name, namespace) for name in chosen}
        self.profile_box.children = [widgets.HBox([review.progress, review.status]) for review in self.reviews.values()]
        self.go_to(2)
        inspector = XInspector(resource, sample_size=self.sample_size, settings=self.registry.settings)
        for done, review in enumerate(self.reviews.values(), start=1):
            await self._profile_one(resource, inspector, review)
            if progress is not None:
                progress(done, len(chosen), f"Profiled {review.collection}")
        self.review_accordion.children = [review.pane for review in self.reviews.values()]
        self.review_accordion.titles = tuple(
            f"{review.collection} — {'failed' if review.error else review.name_text.value}"
            for review in self.reviews.values()
        )
        # A single collection has nothing to choose between: its review is shown open.
        self.review_accordion.selected_index = 0 if len(self.reviews) == 1 else None
        self.go_to(3)
        return self.reviews

    async def _profile_one(self, resource: Resource, inspector: XInspector, review: CollectionReview) -> None:
        review.status.value = "inferring the model…"
        try:
            review.inspection = await inspector.inspect(review.collection)
            review.progress.value = 1
            review.status.value = "profiling…"

            def advance(done: int, total: int) -> object:
                review.progress.max = total + 1
                review.progress.value = done + 1
                return None

            review.profile = await profile_collection(
                resource,
                review.collection,
                "sample",
                sample_size=self.sample_size,
                progress=advance,
                settings=self.registry.settings,
            )
        except asyncio.CancelledError:
            review.status.value = "cancelled"
            raise
        except Exception as exc:  # one collection's failure must not stop the others
            review.fail(exc)
            return
        review.progress.value = review.progress.max
        review.progress.bar_style = "success"
        categorical = sum(1 for column in review.profile.columns.values() if column.is_categorical)
        review.status.value = html.escape(
            f"{len(review.inspection.fields)} fields, {categorical} categorical, quality {review.profile.quality:.0%}"
        )
        review.build_pane()

    async def _profile_work(self, progress: ProgressCallback) -> dict[str, CollectionReview]:
        return await self.profile(progress=progress)

    # -- step 4 -> 5: register and enrich --------------------------------------------------------------------------

    async def build_model(self, review: CollectionReview) -> type[BaseModel]:
        """The model of a reviewed collection with its chosen name and categorical fields.

        Fields whose values the profile observed take those values; when a field
        without observed values is marked categorical, the collection is inspected
        again and every marked field takes the values of that fresh sample.

        Raises:
            XCatalogError: The collection was not inspected.
        """
        inspection = review.inspection
        if inspection is None or self.resource is None:
            raise XCatalogError(f"{review.collection!r} was not inspected: profile it first.")
        name = review.name_text.value.strip() or inspection.model_name
        marked = review.categorical_paths
        known = {path: _categorical_values(review.profile, path) for path in marked}
        if all(known.values()):
            stats = SchemaStats(
                fields=inspection.fields, sample_size=inspection.sample_size, total_count=inspection.total_count
            )
            return model_from_stats(stats, name, categorical=known or None)
        inspector = XInspector(self.resource, sample_size=self.sample_size, settings=self.registry.settings)
        result = await inspector.inspect(review.collection, categorical=marked, name=name)
        return result.model

    async def register(self, progress: ProgressCallback | None = None) -> list[CollectionOutcome]:
        """Register each included collection's model and enrich it, then show the summary (step 4 -> 5).

        A collection that fails (a taken path, a bad name, an unreachable
        source) gets an outcome with its stage and reason; the others go on.

        Args:
            progress: ``progress(done, total, message)`` over collections.

        Returns:
            :attr:`outcomes`, one per reviewed collection (skipped ones included, as failures at ``review``).
        """
        resource = self.resource
        if resource is None or not self.reviews:
            raise XCatalogError("Nothing to register: connect, choose collections and profile them first.")
        outcomes: list[CollectionOutcome] = []
        for done, review in enumerate(self.reviews.values(), start=1):
            outcomes.append(await self._register_one(resource, review))
            if progress is not None:
                progress(done, len(self.reviews), f"Registered {review.collection}")
        self.outcomes = outcomes
        self._show_summary()
        self.go_to(4)
        return outcomes

    async def _register_one(self, resource: Resource, review: CollectionReview) -> CollectionOutcome:
        collection = review.collection
        if review.error is not None:
            return CollectionOutcome(collection=collection, ok=False, stage="profile", reason=review.error)
        if not review.include_checkbox.value:
            return CollectionOutcome(collection=collection, ok=False, stage="review", reason="left out in the review")
        try:
            model = await self.build_model(review)
            registered: RegisteredModel = self.registry.models.register(
                model,
                name=review.name_text.value.strip() or model.__name__,
                source=ModelSource.DYNAMIC,
                namespace=review.namespace_text.value.strip() or self.default_namespace(),
                tags={"dynamic", _WIZARD_TAG, resource.get_type()},
                allow_override=self.override_checkbox.value,
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one collection's failure must not stop the others
            return CollectionOutcome(collection=collection, ok=False, stage="register", reason=describe_error(exc))
        path = registered.metadata.ns_path
        try:
            await self.enriched.enrich_from_resource(
                resource, path, collection=collection, auto_refresh=self.auto_refresh_checkbox.value
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return CollectionOutcome(
                collection=collection, ok=False, model=path, stage="enrich", reason=describe_error(exc)
            )
        return CollectionOutcome(collection=collection, ok=True, model=path)

    async def _register_work(self, progress: ProgressCallback) -> list[CollectionOutcome]:
        return await self.register(progress)

    # -- step 5: summary -------------------------------------------------------------------------------------------

    def _show_summary(self) -> None:
        rows = []
        for outcome in self.outcomes:
            if outcome.ok:
                state = "registered and enriched"
            elif outcome.stage == "enrich":
                state = "registered, enrichment failed"
            elif outcome.stage == "review":
                state = "skipped"
            else:
                state = f"failed at {outcome.stage}"
            rows.append(
                "<tr>"
                + "".join(
                    f"<td style='padding:2px 8px'>{html.escape(cell)}</td>"
                    for cell in (outcome.collection, outcome.model or "", state, outcome.reason or "")
                )
                + "</tr>"
            )
        registered = sum(1 for outcome in self.outcomes if outcome.model)
        self.summary_html.value = (
            f"<p>{registered} of {len(self.outcomes)} collections registered.</p>"
            "<table><thead><tr><th>Collection</th><th>Model</th><th>Result</th><th>Reason</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        self.open_buttons = {}
        for outcome in self.outcomes:
            if outcome.model is None:
                continue
            button = widgets.Button(
                description=f"Open {outcome.model}", icon="external-link", layout=widgets.Layout(width="auto")
            )
            button.on_click(lambda _button, path=outcome.model: self.open_in_browser(path))
            self.open_buttons[outcome.model] = button
        self.open_box.children = list(self.open_buttons.values())

    def open_in_browser(self, path: str) -> CatalogBrowser:
        """Show the catalog browser under the summary with ``path`` selected.

        Returns:
            The browser (made on first use, refreshed afterwards).
        """
        if self.browser is None:
            self.browser = CatalogBrowser(self.registry, role=self.role, enriched=self.enriched)
            self.browser_box.children = [self.browser]
        self.browser.refresh()
        self.browser.search(path)
        self.browser.select(path)
        return self.browser

    # -- lifecycle -------------------------------------------------------------------------------------------------

    async def close(self) -> None:
        """Close the resource if the wizard opened it, and the browser.

        Enrichment refresh tasks of that resource stop finding it open; stop
        them first (``await enriched.stop_refresh(path)``) if they run.
        """
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self.resource is not None and not self._given_resource:
            await self.resource.close()
