"""ModelForm: a form for a registered model, with live suggestions and graded validation.

The form is rendered from the model's UI schema (``metadata.ui_schema``, made
by :mod:`xcatalog.registry.ui_schema`) through the ordered table of
:mod:`xcatalog.widgets._fields`; pass ``rules=[(predicate, factory), ...]`` to
try your own editors first.

With an enrichment of the model (``enriched``, or the registry's own
``registry.enriched``):

* a categorical field (text, or a ``Literal``/``Enum`` of strings such as the
  wizard makes) gets a combobox of observed values, ranked by co-occurrence
  with what the other categorical fields hold (``given``, whatever their
  widget) and by frequency, re-ranked whenever a field changes; any typed
  text reaches the kernel, and a value outside a closed set is an error under
  the field ("Invalid value for city: 'Munch'. Did you mean 'Munich'?");
* every change is validated by the model *and* graded against the observed
  categories; each problem appears under its own field (only fields the user
  touched, until submit);
* sensitive values of ``data`` are masked in a read-only form when the role
  lacks ``read_sensitive``.

What the form holds (:attr:`ModelForm.value`) leaves out every field left
empty (an empty text box, no date picked, "none" on a field whose default is
``None``): the model's defaults apply, nothing is written as ``""`` or an
explicit null, and a required field left empty fails with pydantic's "Field
required" under it. Date-and-time fields are shown in UTC and come back aware
(in UTC) when the field is an ``AwareDatetime`` or the value put in was aware
(such as ``"2025-07-01T10:00:00Z"``), naive otherwise; see
:mod:`xcatalog.widgets._fields`.

MongoDB's ``_id`` is left to the database in a form that creates records
(:func:`is_server_assigned`: keyed ``_id`` and typed as an ObjectId or a
plain ``str``): it is shown without the "required" mark and starts empty; an
id typed in must be 24 hexadecimal characters when the model types it as an
ObjectId. Left empty, submit gives it a fresh ObjectId-format id
(:meth:`ModelForm.record`), since the model requires the field.

Submit runs :meth:`EnrichedRegistry.create_with_validation` as a task on the
kernel's loop (``form.last_task``) and shows the created record or the graded
errors and warnings. A role without ``create`` sees a read-only form.

Example:
    >>> form = ModelForm(registry, "Product", role="clerk")   # doctest: +SKIP
    >>> form                                                 # doctest: +SKIP
    >>> form.value, form.instance                            # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
from pydantic import BaseModel, PydanticUserError, ValidationError

from xcatalog.enrichment import EnrichedRegistry, ModelEnrichment, ValidationResult, get_enriched, grade_categories
from xcatalog.enrichment.masking import mask_record
from xcatalog.errors import EnrichmentError, ValidationFailed, XCatalogError
from xcatalog.registry import ModelPermission, RegisteredModel, XRegistry
from xcatalog.registry.ui_schema import generate_ui_schema
from xcatalog.widgets._editors import OMIT, FieldContext, FieldEditor, FieldRule, FieldsPanel, format_problems
from xcatalog.widgets._fields import DEFAULT_FIELD_RULES, suggestion_options
from xcatalog.widgets._tasks import ProgressCallback, TaskPanel, describe_error, error_html

__all__ = [
    "ModelForm",
    "is_objectid_field",
    "is_server_assigned",
    "new_object_id",
    "validation_problems",
    "without_repeated_choice_errors",
]

_CHOICE_ERRORS = frozenset({"literal_error", "enum"})
_OBJECTID_TYPES = frozenset({"ObjectIdStr", "ObjectId"})
_OBJECTID_PATTERN = re.compile(r"[0-9a-fA-F]{24}")


def validation_problems(model_class: type[BaseModel], value: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Validate ``value`` with the model; its errors in pydantic's shape (empty when valid)."""
    try:
        model_class.model_validate(dict(value))
    except ValidationError as exc:
        return [
            {"loc": tuple(error["loc"]), "msg": error["msg"], "type": error["type"], "input": error.get("input")}
            for error in exc.errors(include_url=False)
        ]
    return []


def without_repeated_choice_errors(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``errors`` without a ``Literal``/``Enum`` error where the graded check already refused the value.

    Both say the value is not one of the choices; the graded one also says
    which value was probably meant, so it is the one shown.
    """
    graded = {tuple(error.get("loc", ())) for error in errors if error.get("type") == "category_unseen"}
    return [
        dict(error)
        for error in errors
        if not (error.get("type") in _CHOICE_ERRORS and tuple(error.get("loc", ())) in graded)
    ]


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def is_server_assigned(descriptor: Mapping[str, Any], model_class: type[BaseModel] | None = None) -> bool:
    """Whether a create form leaves this field to the database: MongoDB's ``_id`` of a type an ObjectId fits.

    The field is keyed ``_id`` (its alias or name) and takes an ObjectId's hex
    string: its type is an ObjectId (``ObjectIdStr``, or ``format: objectid`` in
    the model's JSON schema) or plain ``str``. An ``_id`` of another type (an int,
    a UUID) stays as the model says: an id the database made up would not fit it.
    """
    if (descriptor.get("alias") or descriptor.get("name")) != "_id":
        return False
    return is_objectid_field(descriptor, model_class) or descriptor.get("type") == "str"


def is_objectid_field(descriptor: Mapping[str, Any], model_class: type[BaseModel] | None = None) -> bool:
    """Whether the model types this field as an ObjectId (``ObjectIdStr``/``ObjectId``, or ``format: objectid``)."""
    if descriptor.get("type") in _OBJECTID_TYPES or descriptor.get("format") == "objectid":
        return True
    if model_class is None:
        return False
    key = descriptor.get("alias") or descriptor.get("name")
    try:
        schema = model_class.model_json_schema(by_alias=True)
    except PydanticUserError:  # a type without a JSON schema: nothing says objectid
        return False
    return bool(schema.get("properties", {}).get(key, {}).get("format") == "objectid")


def new_object_id() -> str:
    """A fresh id in MongoDB's ObjectId layout (4-byte time, 8 random bytes) as 24 hex characters."""
    return f"{int(time.time()) & 0xFFFFFFFF:08x}{secrets.token_hex(8)}"


def _jsonable_text(value: Any) -> str:
    return json.dumps(value, indent=2, default=str, ensure_ascii=False)


class ModelForm(widgets.VBox):  # type: ignore[misc]
    """A form for a registered model; see the module docstring.

    Args:
        registry: The registry holding the model.
        model: The model's path or unambiguous name.
        role: Who fills the form: ``create`` is needed to submit, ``read_sensitive`` to see sensitive data.
        data: Initial values, keyed like the model's input (aliases).
        enriched: The enriched registry for suggestions and graded validation;
            default ``registry.enriched`` (none when the registry was never enriched).
        rules: Extra ``(predicate, factory)`` rules, tried before the defaults.
        insert: Whether "insert into the collection" starts ticked.
        suggestion_limit: Most suggestions offered per categorical field.

    Attributes:
        registered: The registered model (``None`` when it could not be found).
        fields: The top-level field editors by input key.
        submit_button: Validates and creates the record.
        insert_toggle: Insert the created record into the enrichment's collection.
        result: Shows the created record, or the problems of the last submit.
        notice: Read-only notice or the reason the form cannot render.
        tasks: The progress bar, cancel button and error panel of submit.
        last_task: The last submit task (await it in tests and notebooks).
        last_result: The :class:`ValidationResult` of the last successful submit.
        can_create: Whether ``role`` may create records.
    """

    def __init__(
        self,
        registry: XRegistry,
        model: str,
        role: str = "anonymous",
        data: Mapping[str, Any] | None = None,
        enriched: EnrichedRegistry | None = None,
        *,
        rules: Sequence[FieldRule] = (),
        insert: bool = False,
        suggestion_limit: int = 10,
    ) -> None:
        super().__init__()
        self.registry = registry
        self.role = role
        self.enriched = enriched if enriched is not None else registry.enriched
        self.suggestion_limit = suggestion_limit
        self.rules: tuple[FieldRule, ...] = (*rules, *DEFAULT_FIELD_RULES)
        self.notice = widgets.HTML(value="")
        self.result = widgets.HTML(value="")
        self.tasks = TaskPanel()
        self.submit_button = widgets.Button(description="Submit", button_style="primary", icon="check")
        self.insert_toggle = widgets.Checkbox(value=insert, description="insert into the collection", indent=False)
        self.last_task: asyncio.Task[ValidationResult | None] | None = None
        self.last_result: ValidationResult | None = None
        self.registered: RegisteredModel | None = None
        self.build_error: XCatalogError | None = None
        self.fields: dict[str, FieldEditor] = {}
        self.can_create = False
        self._touched: set[str] = set()
        self._server_assigned: set[str] = set()
        self._objectid_keys: set[str] = set()
        self._enrichment: ModelEnrichment | None = None
        self._panel: FieldsPanel | None = None
        try:
            self._build(model, data)
        except XCatalogError as exc:
            # A form that cannot render says why, in place of the form.
            self.build_error = exc
            self.notice.value = error_html(describe_error(exc))
            self.children = (self.notice,)

    # -- building ---------------------------------------------------------------------------------------------------

    def _build(self, model: str, data: Mapping[str, Any] | None) -> None:
        registered = self.registry.models.get(model)
        self.registered = registered
        path = registered.metadata.ns_path
        self.can_create = self.registry.models.check_access(registered, ModelPermission.CREATE, self.role)
        if self.enriched is not None and path in self.enriched.enrichments:
            # The role's view: sensitive fields are masked and never offered as categories.
            self._enrichment = self.enriched.view(path, self.role)
        categories = self._enrichment.categorical_fields if self._enrichment is not None else {}
        shown = dict(data or {})
        if shown and not self.can_create and self._enrichment is not None:
            sensitive = self._enrichment.sensitive_fields
            if sensitive and not self.enriched_or_default().can_read_sensitive(path, self.role):
                shown = mask_record(shown, sensitive)
        schema = registered.metadata.ui_schema or generate_ui_schema(registered.model_class)
        form_schema = self._prepare_ids(schema, registered.model_class)
        self._panel = FieldsPanel(form_schema, FieldContext(self.rules, categories), shown)
        self.fields = self._panel.editors
        self._panel.watch(self._on_change)
        self.submit_button.on_click(lambda _button: self.submit())
        title = html.escape(str(schema.get("title") or registered.metadata.name))
        header = widgets.HTML(
            value=f"<h3>{title}</h3><small>{html.escape(path)} v{registered.metadata.version}</small>"
        )
        if self.can_create:
            actions = [self.submit_button]
            if self._enrichment is not None:
                actions.append(self.insert_toggle)
            footer: list[widgets.Widget] = [widgets.HBox(actions), self.tasks, self.result]
        else:
            self._panel.set_disabled(True)
            self.submit_button.disabled = True
            self.notice.value = (
                f"<i>Role {html.escape(repr(self.role))} may not create {html.escape(path)} records: "
                "this form is read-only.</i>"
            )
            footer = [self.result]
        self.children = (header, self.notice, self._panel.box, *footer)
        self.refresh_suggestions()

    def _prepare_ids(self, schema: Mapping[str, Any], model_class: type[BaseModel]) -> Mapping[str, Any]:
        """Note the ObjectId fields; in a create form, make a server-assigned ``_id`` optional and empty.

        See :func:`is_server_assigned` for which ``_id`` qualifies. It stays visible
        (an existing id may be pasted) but loses its "required" mark; left empty, submit
        assigns a fresh ObjectId-format id (:func:`new_object_id`) because the model requires one.
        """
        fields: Mapping[str, Mapping[str, Any]] = schema.get("fields", {})
        self._objectid_keys = {
            str(descriptor.get("alias") or name)
            for name, descriptor in fields.items()
            if is_objectid_field(descriptor, model_class)
        }
        if not self.can_create:
            return schema
        assigned = {name for name, descriptor in fields.items() if is_server_assigned(descriptor, model_class)}
        if not assigned:
            return schema
        self._server_assigned = {str(fields[name].get("alias") or name) for name in assigned}
        hint = "left empty: assigned on insert"
        return {
            **schema,
            "fields": {
                name: {**descriptor, "required": False, "placeholder": hint} if name in assigned else descriptor
                for name, descriptor in fields.items()
            },
        }

    def enriched_or_default(self) -> EnrichedRegistry:
        """The enriched registry in use: the one given, else the registry's own (created on first use)."""
        if self.enriched is None:
            self.enriched = get_enriched(self.registry)
        return self.enriched

    # -- reading ----------------------------------------------------------------------------------------------------

    @property
    def value(self) -> dict[str, Any]:
        """The values in the form, keyed like the model's input; fields left empty are left out.

        Datetimes are aware (UTC) for ``AwareDatetime`` fields and wherever the
        value put in was aware, naive otherwise (see the module docstring).
        """
        return self._panel.get() if self._panel is not None else {}

    @value.setter
    def value(self, data: Mapping[str, Any]) -> None:
        if self._panel is not None:
            self._panel.set(data)

    @property
    def instance(self) -> BaseModel:
        """The model instance the form holds.

        Raises:
            ValidationFailed: The values do not validate; ``errors`` has pydantic's details.
        """
        registered = self._require_model()
        record = self.record()
        problems = self._panel_problems() + validation_problems(registered.model_class, record)
        if problems:
            where = "; ".join(f"{'.'.join(map(str, p['loc'])) or '(record)'}: {p['msg']}" for p in problems[:5])
            raise ValidationFailed(
                f"The form does not hold a valid {registered.metadata.name}: {where}. Fix those fields.",
                errors=problems,
            )
        return registered.model_class.model_validate(record)

    def record(self) -> dict[str, Any]:
        """What submit would create: :attr:`value`, with a fresh id (:func:`new_object_id`) in an empty ``_id``.

        Only a server-assigned ``_id`` (see :func:`is_server_assigned`) of a create form is filled in;
        each call makes a new id.
        """
        value = self.value
        return {**value, **{key: new_object_id() for key in self._server_assigned if key not in value}}

    def _require_model(self) -> RegisteredModel:
        if self.registered is None:
            # The reason the form could not be built (NotRegistered, AmbiguousName, ...) is the useful error.
            raise self.build_error or XCatalogError("The form was not built.")
        return self.registered

    def _panel_problems(self) -> list[dict[str, Any]]:
        if self._panel is None:
            return []
        found = self._panel.input_problems()
        value = self._panel.get()
        for key in sorted(self._objectid_keys):
            given = value.get(key, OMIT)
            # The model's ObjectIdStr takes any string: the form checks the format the database will need.
            if isinstance(given, str) and not _OBJECTID_PATTERN.fullmatch(given):
                hint = "leave it empty to have one assigned" if key in self._server_assigned else "paste a valid id"
                found.append(
                    {
                        "loc": (key,),
                        "msg": f"Invalid ObjectId for {key}: {given!r} is not 24 hexadecimal characters; {hint}.",
                        "type": "objectid_invalid",
                        "input": given,
                    }
                )
        return found

    def problems(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Check the values now: ``(errors, warnings)`` from the model and the observed categories."""
        registered = self._require_model()
        value = self.record()
        errors = self._panel_problems() + validation_problems(registered.model_class, value)
        warnings: list[dict[str, Any]] = []
        if self._enrichment is not None:
            graded_errors, warnings = grade_categories(value, self._enrichment.categorical_fields)
            errors = without_repeated_choice_errors([*errors, *graded_errors])
        return errors, warnings

    def field_problems(self, key: str) -> str:
        """The problems shown under a top-level field, as plain text."""
        return self.fields[key].problem_text()

    # -- reacting ---------------------------------------------------------------------------------------------------

    def _on_change(self, key: str) -> None:
        self._touched.add(key)
        self.refresh_suggestions()
        self.show_problems(only=self._touched)

    def show_problems(self, only: set[str] | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Validate and show each problem under its field.

        Args:
            only: Show problems of these top-level fields only; ``None`` shows all.

        Returns:
            ``(errors, warnings)`` of the whole record.
        """
        if self._panel is None:
            return [], []
        errors, warnings = self.problems()
        self._place(errors, warnings, only)
        return errors, warnings

    def _place(
        self, errors: Sequence[Mapping[str, Any]], warnings: Sequence[Mapping[str, Any]], only: set[str] | None
    ) -> None:
        if self._panel is None:
            return
        loose_errors, loose_warnings = self._panel.show_problems(errors, warnings, only=only)
        if only is None:
            self.result.value = format_problems(
                [str(p["msg"]) for p in loose_errors], [str(p["msg"]) for p in loose_warnings]
            )

    def refresh_suggestions(self) -> None:
        """Re-rank the options of every suggestion combobox from what the other categorical fields hold.

        Every field with observed categories counts as given, whatever its widget
        (combobox, dropdown of a ``Literal`` ...), so a change of any of them re-ranks the others.
        """
        if self._panel is None or self._enrichment is None or self.enriched is None:
            return
        categorical = {editor.spec.path: editor for editor in self._panel.walk() if editor.spec.categories is not None}
        current = {path: editor.get() for path, editor in categorical.items()}
        for path, editor in categorical.items():
            if not isinstance(editor.control, widgets.Combobox):
                continue
            given = {
                other: value
                for other, value in current.items()
                if other != path and value is not OMIT and value not in ("", None) and _is_scalar(value)
            }
            try:
                ranked = self.enriched.suggestions(
                    self._enrichment.model_name, path, "", given, self.suggestion_limit, self.role
                )
            except EnrichmentError:
                continue  # a field the enrichment lost since the form was built: keep its options
            editor.control.options = suggestion_options(editor.spec, [item.value for item in ranked])

    # -- submitting -------------------------------------------------------------------------------------------------

    def submit(self) -> asyncio.Task[ValidationResult | None] | None:
        """Validate every field and, when the record is valid, create it (a task on the running loop).

        Returns:
            The task (also :attr:`last_task`), or ``None`` when the form is read-only or broken.
        """
        if self.registered is None or not self.can_create:
            return None
        self._touched = set(self.fields)
        self.last_task = self.tasks.start(self._create, label=f"Creating {self.registered.metadata.name}")
        return self.last_task

    async def _create(self, progress: ProgressCallback) -> ValidationResult | None:
        registered = self._require_model()
        self.result.value = ""
        typed = self._panel_problems()
        if typed:
            self._place(typed, [], None)
            self.result.value = format_problems([f"{len(typed)} field(s) cannot be read; see the messages above."])
            return None
        progress(0, 1, "validating")
        try:
            created = await self.enriched_or_default().create_with_validation(
                registered.metadata.ns_path, self.record(), role=self.role, insert=self.insert_toggle.value
            )
        except ValidationFailed as exc:
            errors = without_repeated_choice_errors(exc.errors)
            self._place(errors, exc.warnings, None)
            summary = f"Not created: {len(errors)} error(s), {len(exc.warnings)} warning(s); see the fields."
            self.result.value = format_problems([summary]) + self.result.value
            return None
        self._place([], created.warnings, None)
        self.last_result = created
        inserted = "" if created.inserted_id is None else f" (inserted with id {html.escape(str(created.inserted_id))})"
        self.result.value = (
            f"<div style='color:#1b5e20'><b>Created</b>{inserted}</div>"
            f"<pre>{html.escape(_jsonable_text(created.record))}</pre>"
            + format_problems([], [str(w["msg"]) for w in created.warnings])
        )
        return created
