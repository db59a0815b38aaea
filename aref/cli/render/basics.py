"""The shared pieces of every display: ``--json`` output, one format per kind of key, and tables.

Tables name the keys they show (``records``), and each key has one format (times, seconds,
percentages). An empty table is replaced by one line saying why it is empty. Tables are sized by
their content to the console's width (``fit``): names, states, severities, numbers and times are
never cut, free text wraps, ids may take a short form, and on a narrow terminal the least
important columns are hidden, as a dim line under the table says (``--wide`` shows them all).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import click
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.segment import Segments
from rich.table import Table
from rich.text import Text

from aref.cli.runtime import Session

NONE = "-"
STYLES = {
    **dict.fromkeys(("healthy", "resolved", "closed", "rolled_back", "RUNNING", "on", "PASS"), "green"),
    **dict.fromkeys(("degraded", "acknowledged", "warning", "half_open", "off"), "yellow"),
    **dict.fromkeys(("critical", "firing", "open", "active", "FAIL"), "red"),
    **dict.fromkeys(("down", "emergency", "DEPLOY_FAILED"), "bold red"),
    "unknown": "dim",
}
Row = Mapping[str, Any]


def raw(data: Any) -> None:
    """``--json``: the API's JSON, unchanged."""
    click.echo(json.dumps(data, indent=2))


def show(console: Console, data: Any, as_json: bool, draw: Callable[[Console, Any], None]) -> None:
    """``draw`` the data, or print it raw with ``--json``."""
    if as_json:
        raw(data)
    else:
        draw(console, data)


def line(console: Console, text: str, style: str = "") -> None:
    console.print(Text(text, style=style))


# -- formats --------------------------------------------------------------------------------


def when(timestamp: float | None) -> str:
    return NONE if timestamp is None else datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S")


def seconds(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f} s"


def percent(value: float | None) -> str:
    return NONE if value is None else f"{value:.0%}"


def formatter(key: str) -> Callable[[Any], Any] | None:
    if key.endswith("_at") or key == "timestamp":
        return when
    if key.endswith("_s") or key.startswith("time_to_"):
        return seconds
    if key in ("rate", "error_rate"):
        return percent
    return None


def cell(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    if value is None or value == [] or value == "":
        return Text(NONE)
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, float):
        return Text(f"{value:.4g}")
    if isinstance(value, (list, tuple)):
        return Text(", ".join(str(v) for v in value))
    text = str(value)
    return Text(text, style=STYLES.get(text, ""))


# -- tables ---------------------------------------------------------------------------------

Kind = Literal["value", "id", "text"]
SHORT_ID = 8  # an id's short form: its last 8 characters (ALR-f1649e83 shows as f1649e83)
TEXT_MIN = 24  # free text is not squeezed narrower than this (a longer word in it folds)
TEXT_KEYS = frozenset(
    (
        "why",
        "reason",
        "end_reason",
        "hypothesis",
        "description",
        "details",
        "detail",
        "title",
        "expected",
        "measured",
        "actions",
        "action_item_ids",
        "disabled_features",
        "gaps",
        "now",
    )
)
CLASSIC_GAP, COMPACT_GAP = 3, 2  # what each column adds to its cells' width, in either layout


@dataclass(frozen=True)
class Column:
    """One column of a table: its ``header``, what its cells hold (``kind``) and its ``priority``.

    ``value`` cells (names, states, severities, numbers, times) are never cut or wrapped: the
    column is as wide as its widest cell (only the header may wrap between its words). ``id``
    cells are values that may take their short form, the last ``SHORT_ID`` characters, when the
    table would not fit otherwise (whole with ``--wide``, on a wide enough terminal, and in
    ``--json``). ``text`` (reasons, hypotheses, descriptions) wraps inside its column, never cut.
    ``priority`` 1 is always shown; when a terminal cannot hold every column, the highest
    numbers are hidden first (the rightmost first among equals).
    """

    header: str
    priority: int = 2
    kind: Kind = "value"


def kind(key: str) -> Kind:
    if key == "id" or key.endswith("_id") or key == "recurrence_of":
        return "id"
    return "text" if key in TEXT_KEYS else "value"


def column(key: str, first: bool = False) -> Column:
    """The column of a ``records`` key, written ``key`` or ``key:priority`` (default: 1 for the first, else 2)."""
    name, _, priority = key.partition(":")
    header = name.removesuffix("_s").replace("_", " ")
    return Column(header, int(priority) if priority else 1 if first else 2, kind(name))


def short(text: Text) -> Text:
    """An id's short form: its last ``SHORT_ID`` characters, in its style."""
    return text if len(text.plain) <= SHORT_ID else Text(text.plain[-SHORT_ID:], style=text.style)


@dataclass(frozen=True)
class Layout:
    """How a table fits: the columns ``shown`` (indices, in order), their ``widths`` (``None``:
    the classic layout, each as wide as its content) and the id columns in their short form."""

    shown: tuple[int, ...]
    widths: tuple[int, ...] | None = None
    short: frozenset[int] = frozenset()

    @property
    def width(self) -> int:
        """The compact layout's whole width: one space at either edge, two between columns."""
        return sum(self.widths or ()) + COMPACT_GAP * len(self.shown)


def _width(text: str) -> int:
    return max((cell_len(part) for part in text.splitlines()), default=0)


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def measure(col: Column, cells: Sequence[Text], shorten: bool = False) -> tuple[int, int]:
    """A column's least and natural width, padding aside; ``shorten``: its ids in their short form."""
    body = max((_width((short(c) if shorten else c).plain) for c in cells), default=0)
    natural = max(body, _width(col.header))
    if col.kind == "text":
        return min(natural, max(TEXT_MIN, _longest_word(col.header))), natural
    return max(body, _longest_word(col.header)), natural  # only the header may wrap, between its words


def fit(columns: Sequence[Column], rows: Sequence[Sequence[Text]], width: int, wide: bool = False) -> Layout:
    """Lay a table out in ``width`` characters, giving up as little as it must, in this order.

    1. Every column at its natural width, if that fits (the classic layout, sized by rich).
    2. Otherwise the compact layout (two spaces between columns): headers may wrap between
       words, text down to ``TEXT_MIN``.
    3. Ids take their short form, one id column at a time, the least important first, until the
       table fits.
    4. Columns are taken by priority (then left to right) while they fit; the rest are hidden.
       Priority 1 is always taken, even past ``width``.

    Spare width makes short ids whole again (the most important first), then goes to text
    columns, then to headers that would otherwise wrap. ``wide`` (``--wide``) stops at step 2:
    every column, whole ids, however wide the table gets.
    """
    count = len(columns)
    cells = [[row[j] for row in rows] for j in range(count)]
    sizes = [measure(col, cells[j]) for j, col in enumerate(columns)]
    if sum(natural for _, natural in sizes) + CLASSIC_GAP * count + 1 <= width:
        return Layout(tuple(range(count)))

    def fits() -> bool:
        return sum(least for least, _ in sizes) + COMPACT_GAP * count <= width

    shortened: set[int] = set()
    for j in sorted((j for j, col in enumerate(columns) if col.kind == "id"), key=lambda j: (-columns[j].priority, -j)):
        if wide or fits():
            break
        shortened.add(j)
        sizes[j] = measure(columns[j], cells[j], shorten=True)
    shown: list[int] = []
    used = 0
    for j in sorted(range(count), key=lambda j: (columns[j].priority, j)):
        need = sizes[j][0] + COMPACT_GAP
        if wide or columns[j].priority == 1 or used + need <= width:
            shown.append(j)
            used += need
    widths = {j: sizes[j][0] for j in sorted(shown)}
    spare = width - used
    for j in sorted(shortened & set(widths), key=lambda j: (columns[j].priority, j)):  # ids whole again if they fit
        whole = measure(columns[j], cells[j])
        if whole[0] - sizes[j][0] <= spare:
            spare -= whole[0] - sizes[j][0]
            shortened.discard(j)
            sizes[j] = whole
            widths[j] = whole[0]
    growing = [j for j in widths if columns[j].kind == "text" and widths[j] < sizes[j][1]]
    while spare > 0 and growing:  # text columns grow together, a character at a time
        for j in growing[:spare]:
            widths[j] += 1
        spare -= len(growing[:spare])
        growing = [j for j in growing if widths[j] < sizes[j][1]]
    for j in sorted(widths, key=lambda j: sizes[j][1] - widths[j]):  # then whole headers, the cheapest first
        if 0 < sizes[j][1] - widths[j] <= spare:
            spare -= sizes[j][1] - widths[j]
            widths[j] = sizes[j][1]
    return Layout(tuple(widths), tuple(widths.values()), frozenset(shortened & set(widths)))


def given_up(columns: Sequence[Column], layout: Layout) -> str | None:
    """The dim line under a table that gave something up to fit: what, and how to see it; else ``None``."""
    hidden = [col.header for j, col in enumerate(columns) if j not in layout.shown]
    said = [f"hidden: {', '.join(hidden)}"] if hidden else []
    if layout.short:
        said.append(f"{', '.join(columns[j].header for j in sorted(layout.short))}: last {SHORT_ID} characters")
    if not said:
        return None
    what = "them" if not layout.short else "whole ids" if not hidden else "all"
    return f"{'; '.join(said)} (a wider terminal or --wide shows {what})"


def wide() -> bool:
    """``--wide`` was given: every column and whole ids (off outside a command)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Session) if ctx is not None else None
    return found is not None and found.wide


def table(
    console: Console, title: str, columns: Sequence[str | Column], rows: Iterable[Sequence[Any]], empty: str
) -> None:
    """A table of ``rows`` fitted to the console's width (``fit``); with none, the line ``title: empty``.

    A plain header is a ``value`` column (``text`` or ``id`` if its name says so) of priority 1
    if it is the first, else 2. Whatever was given up to fit is said in a dim line under it.
    """
    rows = list(rows)
    if not rows:
        console.print(f"[bold]{escape(title)}[/]: {escape(empty)}")
        return
    cols = [
        c if isinstance(c, Column) else Column(c, 1 if i == 0 else 2, kind(c.replace(" ", "_")))
        for i, c in enumerate(columns)
    ]
    cells = [[cell(v) for v in row] for row in rows]
    layout = fit(cols, cells, console.width, wide())
    if layout.widths is None:
        grid = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
        for col in cols:
            grid.add_column(col.header)
        for texts in cells:
            grid.add_row(*texts)
        console.print(grid)
        return
    grid = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,  # the compact layout: two spaces between columns, one at either edge
        collapse_padding=True,
    )
    for j, size in zip(layout.shown, layout.widths, strict=True):
        grid.add_column(cols[j].header, width=size, overflow="fold")
    for texts in cells:
        grid.add_row(*(short(texts[j]) if j in layout.short else texts[j] for j in layout.shown))
    if layout.width <= console.width:
        console.print(grid)
    else:  # past the terminal's edge (--wide, or priority 1 wider than the terminal): drawn whole, not cropped
        lines = console.render_lines(grid, console.options.update_width(layout.width), pad=False, new_lines=True)
        console.print(Segments(segment for segments in lines for segment in segments), soft_wrap=True, end="")
    note = given_up(cols, layout)
    if note:
        line(console, note, "dim")
        console.print()


def records(console: Console, title: str, items: Iterable[Row], keys: str, empty: str) -> None:
    """A table of ``items`` showing the space-separated ``keys``, each in its key's format.

    A key may carry its column's priority, ``key:2`` (see ``Column``); without one, the first
    key's is 1 and the others' 2. The header is the key with spaces for ``_`` (and no ``_s``).
    """
    columns = [column(key, first=i == 0) for i, key in enumerate(keys.split())]
    names = [key.partition(":")[0] for key in keys.split()]
    rows = [[(formatter(k) or (lambda v: v))(item.get(k)) for k in names] for item in items]
    table(console, title, columns, rows, empty)
