"""ProfileView: a profile at a glance — the per-field table and pictures.

The view has three tabs:

* **Fields**: one row per field (kind, counts, distinct values, range, semantic
  type, a quality bar), sensitive fields flagged;
* **Quality**: the overall score and, per field, completeness, validity and
  consistency as horizontal bars;
* **Distributions**: pick a field to see its histogram (numeric fields) or
  its most frequent values (categorical fields).

Pictures are drawn with matplotlib's object API on the Agg canvas (no pyplot,
so no global figure state and no GUI backend) and shown as PNG bytes in
``ipywidgets.Image``. A field's picture is drawn when it is first shown and
then kept. Profiles from a DataFrame, a file or a collection all render.

Example:
    >>> from xcatalog.profiling import profile            # doctest: +SKIP
    >>> ProfileView(profile(frame))                       # doctest: +SKIP
"""

from __future__ import annotations

import html
import io
import itertools
import math
from collections.abc import Sequence

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from xcatalog.profiling import ColumnProfile, Profile
from xcatalog.profiling.model import fields_table_html

__all__ = ["ProfileView", "field_figure", "fields_table", "figure_png", "has_picture", "quality_figure"]

_TOP_CATEGORIES = 15
_BAR_COLOURS = {"completeness": "#4c72b0", "validity": "#55a868", "consistency": "#c44e52"}


def figure_png(figure: Figure) -> bytes:
    """Render a figure to PNG bytes on the Agg canvas."""
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def quality_figure(profile: Profile) -> Figure:
    """Per-field completeness, validity and consistency as grouped horizontal bars, with the overall score."""
    columns = list(profile.columns.values())
    height = max(2.0, 0.45 * len(columns) + 1.2)
    figure = Figure(figsize=(7.0, height))
    axes = figure.add_subplot()
    names = [column.name for column in columns]
    positions = range(len(columns))
    bar = 0.27
    for offset, measure in enumerate(_BAR_COLOURS):
        values = [_score(getattr(column, measure)) for column in columns]
        axes.barh(
            [position + (offset - 1) * bar for position in positions],
            values,
            height=bar,
            label=measure,
            color=_BAR_COLOURS[measure],
        )
    axes.set_yticks(list(positions), labels=names)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel("share")
    axes.set_title(f"Quality {profile.quality:.0%} over {len(columns)} fields")
    axes.legend(loc="lower right", fontsize="small")
    return figure


def field_figure(column: ColumnProfile) -> Figure | None:
    """A histogram for a numeric field (its range when there is no histogram), frequency bars for a categorical one.

    Returns:
        The figure, or ``None`` for a field with nothing to draw (text, empty, nested).
    """
    if column.histogram is not None and column.histogram.counts:
        figure = Figure(figsize=(6.0, 3.0))
        axes = figure.add_subplot()
        edges, counts = column.histogram.edges, column.histogram.counts
        widths = [right - left for left, right in itertools.pairwise(edges)]
        axes.bar(edges[:-1], counts, width=widths, align="edge", color="#4c72b0", edgecolor="white")
        axes.set_title(f"{column.name}: distribution of {sum(counts):,} values")
        axes.set_ylabel("count")
        return figure
    if column.categories:
        top = list(column.categories.items())[:_TOP_CATEGORIES]
        figure = Figure(figsize=(6.0, max(2.0, 0.35 * len(top) + 1.0)))
        axes = figure.add_subplot()
        axes.barh([str(value) for value, _ in top], [count for _, count in top], color="#55a868")
        axes.invert_yaxis()
        shown = "" if len(column.categories) <= _TOP_CATEGORIES else f" (top {_TOP_CATEGORIES})"
        axes.set_title(f"{column.name}: {len(column.categories)} values{shown}")
        axes.set_xlabel("count")
        return figure
    if _has_range(column):
        return _range_figure(column)
    return None


def _has_range(column: ColumnProfile) -> bool:
    numbers = (int, float)
    return (
        column.kind == "numeric"
        and isinstance(column.min, numbers)
        and isinstance(column.max, numbers)
        and not isinstance(column.min, bool)
    )


def _range_figure(column: ColumnProfile) -> Figure:
    # A profile computed inside MongoDB has no histogram: draw what it has, the range, the mean and one std.
    figure = Figure(figsize=(6.0, 1.8))
    axes = figure.add_subplot()
    low, high = float(column.min), float(column.max)
    axes.hlines(0, low, high, color="#4c72b0", linewidth=3, label="min - max")
    if column.mean is not None:
        if column.std is not None:
            axes.hlines(0, column.mean - column.std, column.mean + column.std, color="#dd8452", linewidth=9,
                        alpha=0.5, label="mean ± std")  # fmt: skip
        axes.plot([column.mean], [0], "o", color="#c44e52", label="mean")
    axes.set_yticks([])
    axes.set_title(f"{column.name}: range of {column.count:,} values")
    axes.legend(loc="upper right", fontsize="small")
    return figure


def has_picture(column: ColumnProfile) -> bool:
    """Whether :func:`field_figure` draws something for this field."""
    return bool((column.histogram is not None and column.histogram.counts) or column.categories or _has_range(column))


def _score(value: float | None) -> float:
    return 0.0 if value is None or math.isnan(value) else float(value)


def _quality_bar(score: float) -> str:
    colour = "#55a868" if score >= 0.9 else "#dd8452" if score >= 0.6 else "#c44e52"
    width = round(max(0.0, min(score, 1.0)) * 80)
    return (
        f'<div style="display:flex;align-items:center;gap:4px"><div style="width:80px;background:#eee">'
        f'<div style="width:{width}px;height:10px;background:{colour}"></div></div>{score:.0%}</div>'
    )


def _view_cells(column: ColumnProfile) -> dict[str, str]:
    # The view's extras over the plain profile table: a quality bar and a tooltip saying why a field is sensitive.
    semantic = html.escape(column.semantic_type or "")
    if column.sensitive:
        semantic += " <b title='masked for roles without read_sensitive'>⚠ sensitive</b>"
    return {"semantic": semantic, "quality": _quality_bar(column.quality)}


def fields_table(profile: Profile) -> str:
    """The per-field table as HTML: the profile's own table with quality bars and sensitive fields explained."""
    return fields_table_html(profile.columns.values(), extra_cells=_view_cells, detailed=False)


class ProfileView(widgets.VBox):  # type: ignore[misc]
    """Show a :class:`~xcatalog.profiling.Profile`: header, table, quality and distribution pictures.

    Args:
        profile: The profile.

    Attributes:
        profile: The profile shown.
        header: Source, rows profiled, fields and the overall score.
        table: The per-field table (``HTML``).
        quality_image: Completeness, validity and consistency per field (PNG).
        field_picker: Chooses the field whose distribution is drawn.
        field_image: The chosen field's histogram or frequency bars (PNG).
        field_note: Says why a field has no picture.
        tabs: The three tabs.
    """

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        source = html.escape(profile.source or profile.mode)
        self.header = widgets.HTML(
            value=(
                f"<h3>Profile of {source}</h3><p>{profile.row_count:,} rows profiled of {profile.total_count:,} "
                f"({html.escape(profile.mode)}, {html.escape(profile.engine)}), {len(profile.columns)} fields. "
                f"Overall quality <b>{profile.quality:.0%}</b>, completeness {profile.completeness:.0%}.</p>"
            )
        )
        self.table = widgets.HTML(value=fields_table(profile))
        self.quality_image = widgets.Image(value=figure_png(quality_figure(profile)), format="png")
        pictured = self.pictured_fields()
        self.field_picker = widgets.Dropdown(options=pictured, value=pictured[0] if pictured else None)
        self.field_picker.description = "field"
        self.field_image = widgets.Image(value=b"", format="png")
        self.field_note = widgets.HTML(value="")
        self._pictures: dict[str, bytes] = {}
        self.field_picker.observe(lambda change: self.show_field(change["new"]), names="value")
        if pictured:
            self.show_field(pictured[0])
        else:
            self.field_note.value = "<i>No numeric or categorical field to draw.</i>"
        self.tabs = widgets.Tab(
            children=[
                self.table,
                self.quality_image,
                widgets.VBox([self.field_picker, self.field_image, self.field_note]),
            ]
        )
        for index, title in enumerate(("Fields", "Quality", "Distributions")):
            self.tabs.set_title(index, title)
        super().__init__([self.header, self.tabs])

    def pictured_fields(self) -> list[str]:
        """Fields that have a picture: numeric and categorical ones."""
        return [name for name, column in self.profile.columns.items() if has_picture(column)]

    def show_field(self, name: str | None) -> None:
        """Draw (once) and show the picture of a field."""
        if name is None:
            return
        if name not in self._pictures:
            figure = field_figure(self.profile.columns[name])
            self._pictures[name] = figure_png(figure) if figure is not None else b""
        self.field_image.value = self._pictures[name]
        self.field_note.value = "" if self._pictures[name] else f"<i>{html.escape(name)} has nothing to draw.</i>"

    @property
    def drawn_fields(self) -> Sequence[str]:
        """Fields whose picture was drawn so far."""
        return list(self._pictures)
