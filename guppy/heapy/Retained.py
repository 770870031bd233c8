"""Retained sizes: what each object, or each kind of object, keeps alive.

An object *retains* what would be freed with it: itself and every object
that the roots reach only through it (the objects it dominates). ``x.retained``
lists the members of a set by the size they retain, largest first, from the
dominator tree of the whole heap (``src/dominators.c``), as Eclipse MAT's
dominator tree does; ``x.retained.bytype`` (or any other ``by...``) groups
the members by a relation instead, each row retaining what any of its
members dominates. docs/retained.md explains the numbers.

    >>> from guppy import hpy
    >>> hp = hpy()
    >>> leaf = [None]
    >>> box = [leaf]
    >>> del leaf
    >>> hp.iso(box).retained.bytype.row(0)
    RetainedRow(index=0, count=2, size=128, name='list')
"""
from __future__ import annotations

from typing import Any, NamedTuple, Union

from guppy import _guppy
from guppy.heapy.OutputHandling import MAX_MORE_LINES, AllPrinter, MorePrinter

__all__ = ["RetainedTable", "RetainedRow"]

#: Columns before the label, and where a wrapped label continues.
_LINE = "%6d %7d %3d %9d %3d "
_HEADER = " Index   Count   %  Retained   % "
_WIDTH = 100


class RetainedRow(NamedTuple):
    """One row of a retained table."""

    index: int      #: its place in the table
    count: int      #: objects it retains
    size: int       #: bytes it retains
    name: str       #: its label, as printed


class RetainedTable(_guppy.Hidden):
    """The members of a set (or the rows of its partition by a relation)
    ordered by the size they retain in the whole heap.

    ``len(r)`` is the number of rows; ``r[i]`` the row's members as a set
    (``r[i].dominos`` is what they keep alive); ``r.row(i)`` its numbers;
    ``r.by(er)``, ``r.bytype``, ``r.byclodo``, ``r.byid``... the same set
    grouped another way. The table is computed when made (a snapshot);
    ``count`` and ``size`` are the heap's totals then.
    """

    __slots__ = ("_set", "_er", "_code", "count", "size", "_order",
                 "_counts", "_sizes", "_labels", "_header")

    def __init__(self, s: Any, er: Any) -> None:
        self._set = s
        self._er = er
        code = er.code
        by_member = code == _UniSet.RELATIONS["Id"]
        r = s._retained(None if by_member else code)
        self.count, self.size = r[0], r[1]
        self._order = memoryview(r[2]).cast("I")
        self._counts = memoryview(r[3]).cast("q")
        self._sizes = memoryview(r[4]).cast("q")
        self._code = None if by_member else code
        if by_member:
            self._labels = None
            self._header = "Object"
        else:
            self._labels = s._row_labels(code)
            self._header = s._stat(code, _Stat).kindheader

    # -- rows -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._order)

    def _index(self, idx: int) -> int:
        if not isinstance(idx, int):
            raise TypeError("row index must be an int, not %s"
                            % type(idx).__name__)
        n = len(self._order)
        i = idx + n if idx < 0 else idx
        if not 0 <= i < n:
            raise IndexError("Retained index out of range.")
        return i

    def _label(self, i: int) -> str:
        k = self._order[i]
        if self._labels is not None:
            return self._labels[k]
        kind, rendering, _ = self._set._member_brief(k)
        return "%s: %s" % (kind, rendering)

    def row(self, idx: int) -> RetainedRow:
        """Row idx (negative counts from the end): (index, count, size,
        name); IndexError past the table."""
        i = self._index(idx)
        return RetainedRow(i, self._counts[i], self._sizes[i], self._label(i))

    def __getitem__(self, idx: int) -> Any:
        """The members of row idx, as a set."""
        i = self._index(idx)
        k = self._order[i]
        clodo = self._set._er._session.Clodo
        if self._code is None:
            nodes = _guppy.NodeSet((self._set._member(k),))
            return _UniSet.IdentitySet._make(nodes, clodo)
        nodes, _ = self._set._row(self._code, k)
        return _UniSet.IdentitySet._make(nodes, self._er)

    # -- other groupings ----------------------------------------------------

    def by(self, er: Union[str, Any]) -> "RetainedTable":
        """The same set, grouped by another relation ('Id': one row per
        object)."""
        er = self._set._er._session._relation(er)
        return RetainedTable(self._set, er)

    @property
    def byid(self) -> "RetainedTable":
        """One row per object: the objects that retain the most."""
        return self.by("Id")

    @property
    def byclodo(self) -> "RetainedTable":
        """Rows by class, or dict owner's class."""
        return self.by("Clodo")

    @property
    def bytype(self) -> "RetainedTable":
        """Rows by type."""
        return self.by("Type")

    @property
    def bymodule(self) -> "RetainedTable":
        """Rows by module."""
        return self.by("Module")

    @property
    def byrcs(self) -> "RetainedTable":
        """Rows by the classes of each object's referrers."""
        return self.by("Rcs")

    @property
    def byvia(self) -> "RetainedTable":
        """Rows by the names each object is referred to by."""
        return self.by("Via")

    # -- printing -------------------------------------------------------------

    def _title(self) -> str:
        n = self._set.count
        return ("Retained by a set of %d object%s, by %s. Heap: %d objects,"
                " %d bytes." % (n, "" if n == 1 else "s",
                                "object" if self._code is None else "kind",
                                self.count, self.size))

    def _path(self, i: int) -> str:
        """How the roots reach row i's object: its first shortest path,
        computed when the row is printed."""
        first = str(self[i].sp).split("\n", 1)[0]
        return first.split(": ", 1)[1] if ": " in first else ""

    def _render(self, start: int, maxrows: int, title: bool) -> str:
        lines = [self._title()] if title else []
        n = len(self._order)
        # As every table: a page that would start at a row the page
        # before printed in place of its footer is empty.
        shown_already = not title and start > 0 and n - start == 1
        start = max(start, 0)
        if start < n and not shown_already:
            lines.append(_HEADER + self._header)
            stop = n
            if maxrows >= 0 and n - start > maxrows + 1:
                stop = start + maxrows
            for i in range(start, stop):
                c, s = self._counts[i], self._sizes[i]
                line = _LINE % (i, c, _guppy._percent(c, self.count),
                                s, _guppy._percent(s, self.size))
                lines.append(_guppy._wrap_fill(line + self._label(i),
                                               _WIDTH, len(line)))
                if self._code is None:
                    path = self._path(i)
                    if path:
                        pad = " " * len(line)
                        lines.append(_guppy._wrap_fill(pad + path, _WIDTH,
                                                       len(line)))
            if stop < n:
                lines.append("<%d more rows. Type e.g. '_.more' to view.>"
                             % (n - stop))
        return "\n".join(lines).rstrip()

    def __repr__(self) -> str:
        return self._render(0, MAX_MORE_LINES, True)

    __str__ = __repr__

    @property
    def more(self) -> MorePrinter:
        """The rows after the first ten: ``r.more``, ``r.more.more``..."""
        return MorePrinter(self, MAX_MORE_LINES, self, self._render)

    @property
    def all(self) -> AllPrinter:
        """Every row of the table."""
        return AllPrinter(self, self._render)


# The sets use this module and this module makes sets: imported last.
from guppy.heapy import UniSet as _UniSet  # noqa: E402
from guppy.heapy.Part import Stat as _Stat  # noqa: E402
