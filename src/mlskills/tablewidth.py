"""How wide rich tables must be printed to a pipe or a file so that no cell wraps.

A terminal has a width to fit; a pipe or a file (CI logs, `| tee`) does not, and rich's
default of 80 columns there folds task ids mid-word. Printing at the width the tables need
keeps every id whole and copyable. Kept apart (it needs only rich) so the CLI can use it
without loading the report's numeric stack.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.console import Console, Group, RenderableType
from rich.table import Table


def natural_width(*parts: RenderableType, least: int = 80) -> int:
    """The width the tables among `parts` need with no cell wrapped, at least `least`."""
    console = Console(width=100_000)
    widths = [console.measure(table).maximum for table in _tables(parts)]
    return max([least, *widths])


def _tables(parts: Iterable[RenderableType]) -> Iterator[Table]:
    for part in parts:
        if isinstance(part, Table):
            yield part
        elif isinstance(part, Group):
            yield from _tables(part.renderables)
