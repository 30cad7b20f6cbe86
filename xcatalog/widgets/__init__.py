"""Widgets: what the analyst sees in the notebook (the only package that imports ipywidgets).

* :class:`ModelForm`: a form for a registered model, rendered from its UI schema
  through an ordered, extensible table of ``(predicate, factory)`` rules, with
  live suggestions and graded validation from the model's enrichment.
* :class:`ProfileView`: a profile's per-field table with quality and distribution pictures.
* :class:`FunctionRunner`: a form from a registered function's signature that runs it through ``execute``.
* :class:`CatalogBrowser`: search, filter and page through every function, model and
  type; a detail pane with schemas, permissions, version diffs, enrichment and audit.
* :class:`DiscoveryWizard`: connect, choose collections, profile, review, register
  and enrich, then a summary that opens entries in the browser.
* :class:`TaskPanel`: progress, cancel and error panel for work scheduled on the kernel's running loop.

Every long action runs as an :class:`asyncio.Task` on the running loop (never
``asyncio.run``); widgets expose the task (``form.last_task``) so code can await it.
"""

from __future__ import annotations

from xcatalog.widgets._editors import FieldContext, FieldEditor, FieldRule, FieldSpec, ValueEditor
from xcatalog.widgets._fields import DEFAULT_FIELD_RULES, widget_is
from xcatalog.widgets._tasks import TaskPanel
from xcatalog.widgets.browser import CatalogBrowser
from xcatalog.widgets.form import ModelForm
from xcatalog.widgets.profile_view import ProfileView
from xcatalog.widgets.runner import FunctionRunner
from xcatalog.widgets.wizard import DiscoveryWizard

__all__ = [
    "CatalogBrowser",
    "DEFAULT_FIELD_RULES",
    "DiscoveryWizard",
    "FieldContext",
    "FieldEditor",
    "FieldRule",
    "FieldSpec",
    "FunctionRunner",
    "ModelForm",
    "ProfileView",
    "TaskPanel",
    "ValueEditor",
    "widget_is",
]
