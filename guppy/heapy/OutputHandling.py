"""Paging of long tables: ``x.more`` and ``x.all``."""
from __future__ import annotations

from typing import Any, Callable

from guppy import _guppy

__all__ = ["MorePrinter", "AllPrinter", "MAX_MORE_LINES"]

#: Rows a table shows before its "<N more rows ...>" footer.
MAX_MORE_LINES = 10


class MorePrinter(_guppy.Hidden):
    """The next rows of a printed table; ``repr`` shows them.

    ``.more`` continues, ``.all`` shows everything, ``.prev`` goes back,
    ``.top`` is the object being printed; other attributes are forwarded to
    that object.
    """

    __slots__ = ("_top", "_start", "_prev", "_render")

    def __init__(self, top: Any, start: int, prev: Any,
                 render: Callable[[int, int, bool], str]) -> None:
        self._top = top
        self._start = start
        self._prev = prev
        self._render = render

    def __repr__(self) -> str:
        return self._render(self._start, MAX_MORE_LINES, False)

    __str__ = __repr__

    @property
    def more(self) -> "MorePrinter":
        return MorePrinter(self._top, self._start + MAX_MORE_LINES, self,
                           self._render)

    @property
    def all(self) -> "AllPrinter":
        return AllPrinter(self._top, self._render)

    @property
    def prev(self) -> Any:
        return self._prev

    @property
    def top(self) -> Any:
        return self._top

    def __getattr__(self, name: str) -> Any:
        return getattr(self._top, name)


class AllPrinter(_guppy.Hidden):
    """Every row of a table, with its title line."""

    __slots__ = ("_top", "_render")

    def __init__(self, top: Any, render: Callable[[int, int, bool], str]):
        self._top = top
        self._render = render

    def __repr__(self) -> str:
        return self._render(0, -1, True)

    __str__ = __repr__

    @property
    def top(self) -> Any:
        return self._top

    def __getattr__(self, name: str) -> Any:
        return getattr(self._top, name)
